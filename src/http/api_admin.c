/*
 * api_admin — what the administration page reads: the roles table (which
 * role may do what), the departments and the server's effective settings.
 *
 * Read-only.  The roles table is generated from the very table the
 * server enforces (auth_role_may over every auth_perm), so the page can
 * never show a rule the server does not apply.  Settings are read once at
 * start-up from the file, the environment and the flags (core/config.h);
 * no route changes them.
 */
#include "domain/auth.h"
#include "http/api.h"
#include "json/jauth.h"

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* GET /api/v1/roles: {"roles": [name...], "permissions": [{"name",
 * "what", "roles": [name...]}]} in enum order.  Any signed-in user. */
static sj_rc
get_roles(http_req *r, sj_err *e)
{
	json_t *roles = json_array(), *perms = json_array();
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK) {
		json_decref(roles);
		json_decref(perms);
		return rc;
	}
	/* ROLE_SYSTEM is the command line: no one signs in as it. */
	for (sj_role role = ROLE_ADMIN; role < ROLE_SYSTEM; role++)
		json_array_append_new(roles, json_string(scope_role_name(role)));
	for (auth_perm p = 0; p < PERM__COUNT; p++) {
		json_t *who = json_array();

		for (sj_role role = ROLE_ADMIN; role < ROLE_SYSTEM; role++)
			if (auth_role_may(role, p))
				json_array_append_new(who, json_string(scope_role_name(role)));
		json_array_append_new(perms, json_pack("{s:s, s:s, s:o}", "name", auth_perm_name(p),
		    "what", auth_perm_what(p), "roles", who));
	}
	return http_reply_json(r, 200, json_pack("{s:o, s:o}", "roles", roles,
	    "permissions", perms));
}

/* GET /api/v1/departments: the caller's visible departments
 * (department_list_visible), one page. */
static sj_rc
get_departments(http_req *r, sj_err *e)
{
	department *d;
	json_t *items;
	size_t n;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = department_list_visible(http_store(r), http_scope(r), http_arena(r), &d, &n, e))
	    != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jauth_department(&d[i]));
	return http_reply_page(r, items, NULL);
}

/* GET /api/v1/settings: {"editable": false, "items": [{"name", "value",
 * "unit", "default", "source", "help"}]} for every config_shown_at row;
 * value is a number, boolean or string by the setting's kind. */
static sj_rc
get_settings(http_req *r, sj_err *e)
{
	config_shown c;
	json_t *items;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; config_shown_at(http_config(r), i, &c); i++) {
		json_t *value = c.kind == CONFIG_SHOWN_NUMBER ? json_integer(c.number)
		    : c.kind == CONFIG_SHOWN_BOOL ? json_boolean(c.flag) : json_string(c.text);

		json_array_append_new(items, json_pack("{s:s, s:o, s:o, s:s, s:s, s:s}",
		    "name", c.name, "value", value,
		    "unit", c.unit ? json_string(c.unit) : json_null(),
		    "default", c.default_text, "source", c.source, "help", c.help));
	}
	return http_reply_json(r, 200, json_pack("{s:b, s:o}", "editable", 0, "items", items));
}

const http_route api_admin_routes[] = {
	{ "GET", "/api/v1/roles", get_roles, HTTP_SIGNED_IN, 0 },
	{ "GET", "/api/v1/departments", get_departments, PERM_REQUEST_READ, 0 },
	{ "GET", "/api/v1/settings", get_settings, PERM_ORG_ADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
