/*
 * group — work groups, members, assignments.
 *
 * Invariants: at most one member of a group has the role "leader" (checked
 * in the same transaction as the insert); an optional date is NULL in the
 * store exactly when it is GROUP_DATE_NONE in memory; names are trimmed
 * and checked by org_clean_name.
 */
#include "domain/group.h"

#include <string.h>

enum {
	Q_GROUP_ADD, Q_GROUP_UPDATE, Q_GROUP_GET, Q_GROUP_LIST, Q_GROUP_REFS, Q_GROUP_DELETE,
	Q_LEADERS, Q_MEMBER_ADD, Q_MEMBER_GET, Q_MEMBER_LIST, Q_MEMBER_DELETE,
	Q_ASSIGN, Q_ASSIGN_OF, Q_ASSIGN_GET, Q_ASSIGN_LIST, Q_ASSIGN_DELETE,
};

/* ?1 global, ?2 the caller's group (see scope_bind). */
#define SCOPE_GROUP(col) "(?1 = 1 OR " col " = ?2)"
#define GROUP_COLS "id, name, organ, region_id, set_up_on"
#define MEMBER_COLS "m.id, m.group_id, m.name, m.role, m.title"
#define ASSIGN_COLS "a.id, a.group_id, a.unit_id, a.reported_on, u.name, u.kind, u.name_sort"

static const char *const group_sql[] = {
	/* ?5..?8 the group (group_write), ?9 created_at */
	[Q_GROUP_ADD] =
	"INSERT INTO work_group (name, organ, region_id, set_up_on, created_at)"
	" VALUES (?5, ?6, ?7, ?8, ?9) RETURNING id",
	[Q_GROUP_UPDATE] =
	"UPDATE work_group SET name = ?5, organ = ?6, region_id = ?7, set_up_on = ?8"
	" WHERE id = ?4",
	[Q_GROUP_GET] =
	"SELECT " GROUP_COLS " FROM work_group WHERE id = ?4 AND " SCOPE_GROUP("id"),
	/* ?4 unused: the groups have no parent (org_list) */
	[Q_GROUP_LIST] =
	"SELECT " GROUP_COLS " FROM work_group WHERE " SCOPE_GROUP("id")
	" AND id > ?5 ORDER BY id LIMIT ?6",
	[Q_GROUP_REFS] =
	"SELECT (SELECT count(*) FROM group_member WHERE group_id = ?1),"
	" (SELECT count(*) FROM assignment WHERE group_id = ?1)",
	[Q_GROUP_DELETE] =
	"DELETE FROM work_group WHERE id = ?4",
	[Q_LEADERS] =
	"SELECT count(*) FROM group_member WHERE group_id = ?1 AND role = 'leader'",
	[Q_MEMBER_ADD] =
	"INSERT INTO group_member (group_id, name, role, title, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_MEMBER_GET] =
	"SELECT " MEMBER_COLS " FROM group_member m WHERE m.id = ?4 AND "
	SCOPE_GROUP("m.group_id"),
	/* "leader" sorts before "member": the leader comes first */
	[Q_MEMBER_LIST] =
	"SELECT " MEMBER_COLS " FROM group_member m"
	" WHERE m.group_id = ?4 AND " SCOPE_GROUP("m.group_id")
	" AND (m.role > ?5 OR (m.role = ?5 AND m.id > ?6) OR ?5 IS NULL)"
	" ORDER BY m.role, m.id LIMIT ?7",
	[Q_MEMBER_DELETE] =
	"DELETE FROM group_member WHERE id = ?4",
	[Q_ASSIGN] =
	"INSERT INTO assignment (group_id, unit_id, reported_on, created_at)"
	" VALUES (?1, ?2, ?3, ?4) RETURNING id",
	[Q_ASSIGN_OF] =
	"SELECT id FROM assignment WHERE group_id = ?1 AND unit_id = ?2",
	[Q_ASSIGN_GET] =
	"SELECT " ASSIGN_COLS " FROM assignment a JOIN unit u ON u.id = a.unit_id"
	" WHERE a.id = ?4 AND " SCOPE_GROUP("a.group_id"),
	[Q_ASSIGN_LIST] =
	"SELECT " ASSIGN_COLS " FROM assignment a JOIN unit u ON u.id = a.unit_id"
	" WHERE a.group_id = ?4 AND " SCOPE_GROUP("a.group_id")
	" AND (u.name_sort > ?5 OR (u.name_sort = ?5 AND a.id > ?6) OR ?5 IS NULL)"
	" ORDER BY u.name_sort, a.id LIMIT ?7",
	[Q_ASSIGN_DELETE] =
	"DELETE FROM assignment WHERE id = ?4",
};

static void
bind_date(store_stmt *st, int i, sj_date d)
{
	if (d == GROUP_DATE_NONE)
		store_bind_null(st, i);
	else
		store_bind_int(st, i, d);
}

static sj_date
col_date(store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? GROUP_DATE_NONE : (sj_date)store_col_int(st, i);
}

/* SJ_EINVAL naming field unless d is GROUP_DATE_NONE or a date of
 * core/datetime.h's range. */
static sj_rc
check_date(sj_date d, const char *field, sj_err *e)
{
	if (d != GROUP_DATE_NONE && (d < DT_DATE_MIN || d > DT_DATE_MAX))
		return sj_fail(e, SJ_EINVAL, field, "day %ld is outside 0000-01-01..9999-12-31",
		    (long)d);
	return SJ_OK;
}

/* Trim an optional text: NULL or blank is "" (none). */
static sj_rc
clean_or_none(arena *a, const char **s, const char *field, size_t max, sj_err *e)
{
	if (*s == NULL || **s == '\0') {
		*s = "";
		return SJ_OK;
	}
	return org_clean_name(a, s, field, max, e);
}

/* ---- groups ------------------------------------------------------------- */

static void
group_read(store_stmt *st, arena *a, void *rec)
{
	work_group *g = rec;

	g->id = store_col_int(st, 0);
	g->name = org_col_str(st, a, 1);
	g->organ = org_col_str(st, a, 2);
	g->region_id = store_col_int(st, 3);
	g->set_up_on = col_date(st, 4);
}

static const org_rows group_rows = {
	"work group", "group", sizeof(work_group), group_read, -1, false,
};

/* Add (new_id given) or change group id, trimming and checking in. */
static sj_rc
group_write(store *s, int64_t id, const work_group *in, int64_t *new_id, sj_err *e)
{
	work_group g = *in;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = org_clean_name(&a, &g.name, "name", 200, e)) != SJ_OK ||
	    (rc = clean_or_none(&a, &g.organ, "organ", 100, e)) != SJ_OK ||
	    (rc = check_date(g.set_up_on, "set_up_on", e)) != SJ_OK ||
	    (rc = store_prepare(s, group_sql[new_id ? Q_GROUP_ADD : Q_GROUP_UPDATE], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 4, id);
	store_bind_text(st, 5, g.name);
	store_bind_text(st, 6, g.organ);
	if (g.region_id > 0)
		store_bind_int(st, 7, g.region_id);
	bind_date(st, 8, g.set_up_on);
	store_bind_int(st, 9, dt_now());
	rc = org_row_write(s, st, &group_rows, id, new_id, e);
	if (rc == SJ_ECONFLICT)
		rc = sj_fail(e, rc, "name", "a work group named '%s' exists", g.name);
	else if (rc == SJ_EINVAL)
		rc = sj_fail(e, rc, "region_id", "no region with id %lld", (long long)g.region_id);
out:
	arena_free(&a);
	return rc;
}

sj_rc
group_add(store *s, const scope *sc, const work_group *in, int64_t *id, sj_err *e)
{
	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add work groups");
	return group_write(s, 0, in, id, e);
}

sj_rc
group_update(store *s, const scope *sc, int64_t id, const work_group *in, sj_err *e)
{
	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may change work groups");
	return group_write(s, id, in, NULL, e);
}

/* The group's members and assignments (org_delete.refs). */
static sj_rc
group_refs(store *s, int64_t id, sj_err *e)
{
	int64_t n[2];
	sj_rc rc;

	if ((rc = org_count_refs(s, group_sql[Q_GROUP_REFS], id, n, 2, e)) != SJ_OK)
		return rc;
	if (n[0] + n[1] > 0)
		return sj_fail(e, SJ_ECONFLICT, "group", "the work group still has %lld members and "
		    "%lld unit assignments; remove them first", (long long)n[0], (long long)n[1]);
	return SJ_OK;
}

sj_rc
group_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	static const org_delete del = {
		group_sql[Q_GROUP_DELETE], &group_rows, group_refs,
		"records of other modules (users, work plans, supply sites)",
	};

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may delete work groups");
	return org_row_delete(s, sc, &del, id, e);
}

sj_rc
group_get(store *s, const scope *sc, arena *a, int64_t id, work_group *out, sj_err *e)
{
	return org_row_get(s, sc, a, group_sql[Q_GROUP_GET], &group_rows, id, out, e);
}

static const org_list group_list_all = {
	group_sql[Q_GROUP_LIST], &group_rows, NULL, NULL, NULL,
};

sj_rc
group_page(store *s, const scope *sc, arena *a, const org_range *r, org_page *out, sj_err *e)
{
	return org_list_page(s, sc, a, &group_list_all, 0, r, out, e);
}

sj_rc
group_list(store *s, const scope *sc, arena *a, work_group **out, size_t *n, sj_err *e)
{
	org_page page;
	sj_rc rc = org_list_page(s, sc, a, &group_list_all, 0, NULL, &page, e);

	*out = page.rows;
	*n = page.n;
	return rc;
}

/* The group of a list of members or assignments, which the scope must
 * see. */
static sj_rc
group_parent(store *s, const scope *sc, int64_t id, sj_err *e)
{
	return org_row_check(s, sc, group_sql[Q_GROUP_GET], &group_rows, id, "group", e);
}

/* ---- members ------------------------------------------------------------ */

static void
member_read(store_stmt *st, arena *a, void *rec)
{
	member *m = rec;

	m->id = store_col_int(st, 0);
	m->group_id = store_col_int(st, 1);
	m->name = org_col_str(st, a, 2);
	m->role = org_col_str(st, a, 3);
	m->title = org_col_str(st, a, 4);
}

static const org_rows member_rows = {
	"member", "member", sizeof(member), member_read, 3, true,
};

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
	store_bind_text(st, 4, in->title);
	store_bind_int(st, 5, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_EINVAL)
		return sj_fail(e, SJ_ENOTFOUND, "group_id", "no work group with id %lld",
		    (long long)in->group_id);
	return rc;
}

/* Trim and check m (its strings then live in a). */
static sj_rc
member_clean(arena *a, member *m, sj_err *e)
{
	sj_rc rc;

	if ((rc = org_clean_name(a, &m->name, "name", 100, e)) != SJ_OK ||
	    (rc = clean_or_none(a, &m->title, "title", 50, e)) != SJ_OK)
		return rc;
	if (m->role == NULL || (strcmp(m->role, "leader") != 0 && strcmp(m->role, "member") != 0))
		return sj_fail(e, SJ_EINVAL, "role", "must be leader or member");
	return SJ_OK;
}

sj_rc
group_member_add(store *s, const scope *sc, const member *in, int64_t *id, sj_err *e)
{
	member m = *in;
	arena a;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add members");
	arena_init(&a);
	if ((rc = member_clean(&a, &m, e)) == SJ_OK && (rc = store_begin(s, e)) == SJ_OK) {
		if ((rc = member_insert(s, &m, id, e)) == SJ_OK)
			rc = store_commit(s, e);
		else
			store_rollback(s);
	}
	arena_free(&a);
	return rc;
}

sj_rc
group_member_get(store *s, const scope *sc, arena *a, int64_t group_id, int64_t id,
    member *out, sj_err *e)
{
	sj_rc rc = org_row_get(s, sc, a, group_sql[Q_MEMBER_GET], &member_rows, id, out, e);

	if (rc == SJ_OK && out->group_id != group_id)
		return sj_fail(e, SJ_ENOTFOUND, "member", "no member with id %lld in work group %lld",
		    (long long)id, (long long)group_id);
	return rc;
}

sj_rc
group_member_delete(store *s, const scope *sc, int64_t group_id, int64_t id, sj_err *e)
{
	static const org_delete del = {
		group_sql[Q_MEMBER_DELETE], &member_rows, NULL,
		"records of other modules (visits, work plans, meetings)",
	};
	member m;
	arena a;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may remove members");
	arena_init(&a);
	if ((rc = group_member_get(s, sc, &a, group_id, id, &m, e)) == SJ_OK)
		rc = org_row_delete(s, sc, &del, id, e);
	arena_free(&a);
	return rc;
}

static const org_list member_list = {
	group_sql[Q_MEMBER_LIST], &member_rows, group_parent, NULL, NULL,
};

sj_rc
group_member_page(store *s, const scope *sc, arena *a, int64_t group_id, const org_range *r,
    org_page *out, sj_err *e)
{
	return org_list_page(s, sc, a, &member_list, group_id, r, out, e);
}

sj_rc
group_member_list(store *s, const scope *sc, arena *a, int64_t group_id,
    member **out, size_t *n, sj_err *e)
{
	org_page page;
	sj_rc rc = org_list_page(s, sc, a, &member_list, group_id, NULL, &page, e);

	*out = page.rows;
	*n = page.n;
	return rc;
}

/* ---- assignments -------------------------------------------------------- */

static void
assignment_read(store_stmt *st, arena *a, void *rec)
{
	assignment *as = rec;

	as->id = store_col_int(st, 0);
	as->group_id = store_col_int(st, 1);
	as->unit_id = store_col_int(st, 2);
	as->reported_on = col_date(st, 3);
	as->unit_name = org_col_str(st, a, 4);
	as->unit_kind = org_col_str(st, a, 5);
}

static const org_rows assignment_rows = {
	"assignment", "assignment", sizeof(assignment), assignment_read, 6, false,
};

sj_rc
group_assign(store *s, const scope *sc, const assignment *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may assign units");
	if ((rc = check_date(in->reported_on, "reported_on", e)) != SJ_OK ||
	    (rc = store_prepare(s, group_sql[Q_ASSIGN], &st, e)) != SJ_OK)
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

/* The id of the assignment of unit_id to group_id into *id.  Errors:
 * SJ_ENOTFOUND (field "assignment"). */
static sj_rc
assignment_of(store *s, int64_t group_id, int64_t unit_id, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, group_sql[Q_ASSIGN_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, group_id);
	store_bind_int(st, 2, unit_id);
	if ((rc = store_query_int(st, id, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, "assignment", "unit %lld is not assigned to work group "
		    "%lld", (long long)unit_id, (long long)group_id);
	return SJ_OK;
}

sj_rc
group_assignment_get(store *s, const scope *sc, arena *a, int64_t group_id, int64_t unit_id,
    assignment *out, sj_err *e)
{
	int64_t id;
	sj_rc rc;

	if ((rc = assignment_of(s, group_id, unit_id, &id, e)) != SJ_OK)
		return rc;
	return org_row_get(s, sc, a, group_sql[Q_ASSIGN_GET], &assignment_rows, id, out, e);
}

sj_rc
group_assignment_delete(store *s, const scope *sc, int64_t group_id, int64_t unit_id,
    sj_err *e)
{
	static const org_delete del = {
		group_sql[Q_ASSIGN_DELETE], &assignment_rows, NULL, "records of other modules",
	};
	assignment as;
	arena a;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may remove assignments");
	arena_init(&a);
	if ((rc = group_assignment_get(s, sc, &a, group_id, unit_id, &as, e)) == SJ_OK)
		rc = org_row_delete(s, sc, &del, as.id, e);
	arena_free(&a);
	return rc;
}

static const org_list assignment_list = {
	group_sql[Q_ASSIGN_LIST], &assignment_rows, group_parent, NULL, NULL,
};

sj_rc
group_assignment_page(store *s, const scope *sc, arena *a, int64_t group_id,
    const org_range *r, org_page *out, sj_err *e)
{
	return org_list_page(s, sc, a, &assignment_list, group_id, r, out, e);
}

sj_rc
group_assignment_list(store *s, const scope *sc, arena *a, int64_t group_id,
    assignment **out, size_t *n, sj_err *e)
{
	org_page page;
	sj_rc rc = org_list_page(s, sc, a, &assignment_list, group_id, NULL, &page, e);

	*out = page.rows;
	*n = page.n;
	return rc;
}
