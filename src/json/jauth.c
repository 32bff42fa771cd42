/*
 * jauth — users, tokens and departments as JSON objects.
 */
#include "json/jauth.h"

#include "json/jorg.h"

/* An instant, or null for 0 ("never"). */
static json_t *
instant_or_null(int64_t t)
{
	return t ? jorg_instant(t) : json_null();
}

json_t *
jauth_user(const app_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:b, s:o, s:o}",
	    "id", (json_int_t)u->id, "username", u->username, "display_name", u->display_name,
	    "role", scope_role_name(u->role), "group_id", jorg_id(u->group_id),
	    "unit_id", jorg_id(u->unit_id), "department_id", jorg_id(u->department_id),
	    "link_name", u->link_name ? u->link_name : "", "disabled", u->disabled,
	    "created_at", jorg_instant(u->created_at),
	    "password_changed_at", instant_or_null(u->password_changed_at));
}

json_t *
jauth_token(const api_token *t)
{
	return json_pack("{s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)t->id, "user_id", (json_int_t)t->user_id,
	    "username", jorg_str(t->username), "name", t->name, "prefix", t->prefix,
	    "created_at", jorg_instant(t->created_at), "expires_at", instant_or_null(t->expires_at),
	    "revoked_at", instant_or_null(t->revoked_at),
	    "last_used_at", instant_or_null(t->last_used_at));
}

json_t *
jauth_department(const department *d)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "name", d->name,
	    "kind", d->kind);
}

json_t *
jauth_principal(const auth_principal *p)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)p->user_id, "username", p->username,
	    "display_name", p->display_name, "role", scope_role_name(p->role),
	    "group_id", jorg_id(p->scope.group_id), "unit_id", jorg_id(p->scope.unit_id),
	    "department_id", jorg_id(p->scope.department_id));
}
