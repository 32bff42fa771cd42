/*
 * group — work groups, members, assignments.
 *
 * Invariant: at most one member of a group has the role "leader" (checked
 * in the same transaction as the insert).
 */
#include "domain/group.h"

#include <string.h>

#include "domain/org.h"

enum {
	Q_GROUP_ADD, Q_GROUP_GET, Q_GROUP_LIST, Q_LEADERS,
	Q_MEMBER_ADD, Q_MEMBER_LIST, Q_ASSIGN, Q_ASSIGN_LIST,
};

/* ?1 global, ?2 the caller's group (see scope_bind). */
#define SCOPE_GROUP(col) "(?1 = 1 OR " col " = ?2)"

static const char *const group_sql[] = {
	[Q_GROUP_ADD] =
	"INSERT INTO work_group (name, organ, region_id, set_up_on, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_GROUP_GET] =
	"SELECT id, name, organ, region_id, set_up_on FROM work_group"
	" WHERE id = ?4 AND " SCOPE_GROUP("id"),
	[Q_GROUP_LIST] =
	"SELECT id, name, organ, region_id, set_up_on FROM work_group"
	" WHERE " SCOPE_GROUP("id") " ORDER BY id",
	[Q_LEADERS] =
	"SELECT count(*) FROM group_member WHERE group_id = ?1 AND role = 'leader'",
	[Q_MEMBER_ADD] =
	"INSERT INTO group_member (group_id, name, role, title, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_MEMBER_LIST] =
	"SELECT m.id, m.group_id, m.name, m.role, m.title FROM group_member m"
	" WHERE m.group_id = ?4 AND " SCOPE_GROUP("m.group_id")
	" ORDER BY m.role = 'leader' DESC, m.id",
	[Q_ASSIGN] =
	"INSERT INTO assignment (group_id, unit_id, reported_on, created_at)"
	" VALUES (?1, ?2, ?3, ?4) RETURNING id",
	[Q_ASSIGN_LIST] =
	"SELECT a.id, a.group_id, a.unit_id, a.reported_on, u.name, u.kind"
	" FROM assignment a JOIN unit u ON u.id = a.unit_id"
	" WHERE a.group_id = ?4 AND " SCOPE_GROUP("a.group_id")
	" ORDER BY u.name_sort, u.id",
};

static void
bind_date(store_stmt *st, int i, sj_date d)
{
	if (d < 0)
		store_bind_null(st, i);
	else
		store_bind_int(st, i, d);
}

static sj_date
col_date(store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? -1 : (sj_date)store_col_int(st, i);
}

sj_rc
group_add(store *s, const scope *sc, const work_group *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add work groups");
	if ((rc = org_check_name(in->name, "name", 200, e)) != SJ_OK ||
	    (in->organ && *in->organ && (rc = org_check_name(in->organ, "organ", 100, e)) != SJ_OK))
		return rc;
	if ((rc = store_prepare(s, group_sql[Q_GROUP_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, in->name);
	store_bind_text(st, 2, in->organ ? in->organ : "");
	if (in->region_id > 0)
		store_bind_int(st, 3, in->region_id);
	bind_date(st, 4, in->set_up_on);
	store_bind_int(st, 5, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		return sj_fail(e, rc, "name", "a work group named '%s' exists", in->name);
	if (rc == SJ_EINVAL)
		return sj_fail(e, rc, "region_id", "no region with id %lld", (long long)in->region_id);
	return rc;
}

static void
group_read(store_stmt *st, arena *a, work_group *g)
{
	g->id = store_col_int(st, 0);
	g->name = arena_strdup(a, store_col_text(st, 1));
	g->organ = arena_strdup(a, store_col_text(st, 2));
	g->region_id = store_col_int(st, 3);
	g->set_up_on = col_date(st, 4);
}

sj_rc
group_get(store *s, const scope *sc, arena *a, int64_t id, work_group *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, group_sql[Q_GROUP_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "group", "no work group with id %lld", (long long)id);
	group_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
group_list(store *s, const scope *sc, arena *a, work_group **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, group_sql[Q_GROUP_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		group_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

static sj_rc
member_insert(store *s, const member *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	int64_t leaders = 0;
	sj_rc rc;

	if (strcmp(in->role, "leader") == 0) {
		if ((rc = store_prepare(s, group_sql[Q_LEADERS], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, in->group_id);
		if ((rc = store_query_int(st, &leaders, NULL, e)) != SJ_OK)
			return rc;
		if (leaders > 0)
			return sj_fail(e, SJ_ECONFLICT, "role", "the group already has a leader");
	}
	if ((rc = store_prepare(s, group_sql[Q_MEMBER_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->group_id);
	store_bind_text(st, 2, in->name);
	store_bind_text(st, 3, in->role);
	store_bind_text(st, 4, in->title ? in->title : "");
	store_bind_int(st, 5, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_EINVAL)
		return sj_fail(e, SJ_ENOTFOUND, "group_id", "no work group with id %lld",
		    (long long)in->group_id);
	return rc;
}

sj_rc
group_member_add(store *s, const scope *sc, const member *in, int64_t *id, sj_err *e)
{
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add members");
	if ((rc = org_check_name(in->name, "name", 100, e)) != SJ_OK ||
	    (in->title && *in->title && (rc = org_check_name(in->title, "title", 50, e)) != SJ_OK))
		return rc;
	if (in->role == NULL || (strcmp(in->role, "leader") != 0 && strcmp(in->role, "member") != 0))
		return sj_fail(e, SJ_EINVAL, "role", "must be leader or member");
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = member_insert(s, in, id, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

sj_rc
group_member_list(store *s, const scope *sc, arena *a, int64_t group_id,
    member **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, group_sql[Q_MEMBER_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, group_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		member *m;
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		m = &(*out)[(*n)++];
		m->id = store_col_int(st, 0);
		m->group_id = store_col_int(st, 1);
		m->name = arena_strdup(a, store_col_text(st, 2));
		m->role = arena_strdup(a, store_col_text(st, 3));
		m->title = arena_strdup(a, store_col_text(st, 4));
	}
	return rc;
}

sj_rc
group_assign(store *s, const scope *sc, const assignment *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may assign units");
	if ((rc = store_prepare(s, group_sql[Q_ASSIGN], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->group_id);
	store_bind_int(st, 2, in->unit_id);
	bind_date(st, 3, in->reported_on);
	store_bind_int(st, 4, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_EINVAL)
		return sj_fail(e, SJ_ENOTFOUND, "unit_id", "no work group %lld or no unit %lld",
		    (long long)in->group_id, (long long)in->unit_id);
	if (rc == SJ_ECONFLICT)
		return sj_fail(e, rc, "unit_id", "the unit is already assigned to this group");
	return rc;
}

sj_rc
group_assignment_list(store *s, const scope *sc, arena *a, int64_t group_id,
    assignment **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, group_sql[Q_ASSIGN_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, group_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		assignment *as;
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		as = &(*out)[(*n)++];
		as->id = store_col_int(st, 0);
		as->group_id = store_col_int(st, 1);
		as->unit_id = store_col_int(st, 2);
		as->reported_on = col_date(st, 3);
		as->unit_name = arena_strdup(a, store_col_text(st, 4));
		as->unit_kind = arena_strdup(a, store_col_text(st, 5));
	}
	return rc;
}
