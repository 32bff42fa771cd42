/*
 * request_service — the services (request categories) and their Open311
 * attributes (see request.h "services").
 *
 * Invariants: a service's code never changes once made (Open311 clients
 * keep it); attribute codes are unique within a service and list values
 * unique within an attribute; an attribute list is replaced whole, in the
 * same transaction as the rest of the change.
 */
#include "domain/request.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/org.h"

enum {
	Q_LIST, Q_GET, Q_ATTRS, Q_VALUES, Q_ADD, Q_UPDATE, Q_VALUES_DELETE, Q_ATTRS_DELETE,
	Q_ATTR_ADD, Q_VALUE_ADD, Q_DEPARTMENT,
};

#define SERVICE_COLS \
	"s.id, s.code, s.name, s.name_en, s.description, s.group_name, s.keywords," \
	" s.department_id, coalesce(d.name, ''), s.response_days, s.resolution_days, s.active," \
	" s.position FROM service s LEFT JOIN department d ON d.id = s.department_id"

static const char *const service_sql[] = {
	[Q_LIST] = "SELECT " SERVICE_COLS " WHERE ?1 = 1 OR s.active = 1 ORDER BY s.position, s.id",
	[Q_GET] = "SELECT " SERVICE_COLS " WHERE s.code = ?1",
	[Q_ATTRS] =
	"SELECT id, code, datatype, required, description, position FROM service_attribute"
	" WHERE service_id = ?1 ORDER BY position, id",
	[Q_VALUES] =
	"SELECT key, name FROM service_attribute_value WHERE attribute_id = ?1 ORDER BY position",
	[Q_ADD] =
	"INSERT INTO service (code, name, name_en, description, group_name, keywords,"
	" department_id, response_days, resolution_days, active, position)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	" (SELECT coalesce(max(position), 0) + 1 FROM service)) RETURNING id",
	[Q_UPDATE] =
	"UPDATE service SET name = ?2, name_en = ?3, description = ?4, group_name = ?5,"
	" keywords = ?6, department_id = ?7, response_days = ?8, resolution_days = ?9,"
	" active = ?10 WHERE id = ?1",
	[Q_VALUES_DELETE] =
	"DELETE FROM service_attribute_value WHERE attribute_id IN"
	" (SELECT id FROM service_attribute WHERE service_id = ?1)",
	[Q_ATTRS_DELETE] = "DELETE FROM service_attribute WHERE service_id = ?1",
	[Q_ATTR_ADD] =
	"INSERT INTO service_attribute (service_id, code, datatype, required, description,"
	" position) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	[Q_VALUE_ADD] =
	"INSERT INTO service_attribute_value (attribute_id, position, key, name)"
	" VALUES (?1, ?2, ?3, ?4)",
	[Q_DEPARTMENT] = "SELECT count(*) FROM department WHERE id = ?1",
};

static const char *const datatypes[] = {
	"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist", NULL,
};

static const char *
col_str(store_stmt *st, arena *a, int i)
{
	const char *v = store_col_text(st, i);

	return arena_strdup(a, v ? v : "");
}

static void
service_read(store_stmt *st, arena *a, service *sv)
{
	memset(sv, 0, sizeof *sv);
	sv->id = store_col_int(st, 0);
	sv->code = col_str(st, a, 1);
	sv->name = col_str(st, a, 2);
	sv->name_en = col_str(st, a, 3);
	sv->description = col_str(st, a, 4);
	sv->group_name = col_str(st, a, 5);
	sv->keywords = col_str(st, a, 6);
	sv->department_id = store_col_int(st, 7);
	sv->department_name = col_str(st, a, 8);
	sv->response_days = (int)store_col_int(st, 9);
	sv->resolution_days = (int)store_col_int(st, 10);
	sv->active = store_col_int(st, 11) != 0;
	sv->position = (int)store_col_int(st, 12);
}

sj_rc
service_list(store *s, arena *a, bool all, service **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, service_sql[Q_LIST], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, all);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		service_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

/* The values of attribute id into at. */
static sj_rc
values_read(store *s, arena *a, int64_t id, service_attr *at, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, service_sql[Q_VALUES], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		at->values = arena_grow(a, at->values, &cap, at->n_values, sizeof *at->values);
		at->values[at->n_values++] = (service_value){ .key = col_str(st, a, 0),
		    .name = col_str(st, a, 1) };
	}
	return rc;
}

static sj_rc
attrs_read(store *s, arena *a, service *sv, sj_err *e)
{
	int64_t *ids = NULL;
	size_t cap = 0, idcap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, service_sql[Q_ATTRS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, sv->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		sv->attrs = arena_grow(a, sv->attrs, &cap, sv->n_attrs, sizeof *sv->attrs);
		ids = arena_grow(a, ids, &idcap, sv->n_attrs, sizeof *ids);
		ids[sv->n_attrs] = store_col_int(st, 0);
		sv->attrs[sv->n_attrs++] = (service_attr){ .code = col_str(st, a, 1),
		    .datatype = col_str(st, a, 2), .required = store_col_int(st, 3) != 0,
		    .description = col_str(st, a, 4), .order = (int)store_col_int(st, 5) };
	}
	/* Values after the attribute rows are done: one statement at a time. */
	for (size_t i = 0; rc == SJ_OK && i < sv->n_attrs; i++)
		rc = values_read(s, a, ids[i], &sv->attrs[i], e);
	return rc;
}

sj_rc
service_get(store *s, arena *a, const char *code, service *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if (code == NULL || *code == '\0')
		return sj_fail(e, SJ_EINVAL, "service_code", "is required");
	if ((rc = store_prepare(s, service_sql[Q_GET], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, code);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "service_code", "no service with code '%.40s'", code);
	service_read(st, a, out);
	store_reset(st);
	return attrs_read(s, a, out, e);
}

/* ---- checks --------------------------------------------------------------- */

/* True when s is 1..max bytes of a-z 0-9 _ (and '-' when dash). */
static bool
code_ok(const char *s, size_t max, bool dash)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		    (dash && *p == '-')))
			return false;
	return true;
}

/* An optional one-line text of at most max code points. */
static sj_rc
check_text(const char *v, const char *field, size_t max, sj_err *e)
{
	if (v == NULL)
		return SJ_OK;
	return text_check_utf8_max(v, strlen(v), field, TEXT_SINGLE_LINE, max, e);
}

static sj_rc
check_values(const service_attr *at, const char *prefix, sj_err *e)
{
	char field[128];
	sj_rc rc;

	if ((strcmp(at->datatype, "singlevaluelist") == 0 ||
	    strcmp(at->datatype, "multivaluelist") == 0) && at->n_values == 0)
		return sj_fail(e, SJ_EINVAL, prefix, "a %s needs values", at->datatype);
	if (at->n_values && strstr(at->datatype, "valuelist") == NULL)
		return sj_fail(e, SJ_EINVAL, prefix, "only list attributes have values");
	for (size_t j = 0; j < at->n_values; j++) {
		snprintf(field, sizeof field, "%s.values[%zu].key", prefix, j);
		if (!code_ok(at->values[j].key, 40, true))
			return sj_fail(e, SJ_EINVAL, field, "must be 1 to 40 of a-z, 0-9, '_', '-'");
		for (size_t k = 0; k < j; k++)
			if (strcmp(at->values[k].key, at->values[j].key) == 0)
				return sj_fail(e, SJ_EINVAL, field, "'%s' is given twice",
				    at->values[j].key);
		snprintf(field, sizeof field, "%s.values[%zu].name", prefix, j);
		if ((rc = org_check_name(at->values[j].name, field, 100, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static sj_rc
check_attrs(const service *in, sj_err *e)
{
	char field[64];
	sj_rc rc;

	if (in->n_attrs > REQUEST_ATTRS_MAX)
		return sj_fail(e, SJ_EINVAL, "attributes", "at most %d", REQUEST_ATTRS_MAX);
	for (size_t i = 0; i < in->n_attrs; i++) {
		const service_attr *at = &in->attrs[i];
		snprintf(field, sizeof field, "attributes[%zu].code", i);
		if (!code_ok(at->code, 40, false))
			return sj_fail(e, SJ_EINVAL, field, "must be 1 to 40 of a-z, 0-9 and '_'");
		for (size_t k = 0; k < i; k++)
			if (strcmp(in->attrs[k].code, at->code) == 0)
				return sj_fail(e, SJ_EINVAL, field, "'%s' is given twice", at->code);
		snprintf(field, sizeof field, "attributes[%zu].datatype", i);
		if ((rc = org_check_enum(at->datatype, datatypes, field, e)) != SJ_OK)
			return rc;
		snprintf(field, sizeof field, "attributes[%zu].description", i);
		if ((rc = org_check_name(at->description, field, 200, e)) != SJ_OK)
			return rc;
		snprintf(field, sizeof field, "attributes[%zu]", i);
		if ((rc = check_values(at, field, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static sj_rc
check_department(store *s, int64_t id, sj_err *e)
{
	store_stmt *st;
	int64_t n;
	sj_rc rc;

	if (id == 0)
		return SJ_OK;
	if ((rc = store_prepare(s, service_sql[Q_DEPARTMENT], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_query_int(st, &n, NULL, e)) != SJ_OK)
		return rc;
	return n ? SJ_OK : sj_fail(e, SJ_EINVAL, "department_id", "no department with id %lld",
	    (long long)id);
}

/* Every field's own check (the ones fields selects). */
static sj_rc
service_check(store *s, const service *in, unsigned fields, sj_err *e)
{
	sj_rc rc;

	if ((fields & SERVICE_NAME) && (rc = org_check_name(in->name, "name", 100, e)) != SJ_OK)
		return rc;
	if (((fields & SERVICE_NAME_EN) &&
	    (rc = check_text(in->name_en, "name_en", 100, e)) != SJ_OK) ||
	    ((fields & SERVICE_DESCRIPTION) &&
	    (rc = check_text(in->description, "description", 500, e)) != SJ_OK) ||
	    ((fields & SERVICE_GROUP) && (rc = check_text(in->group_name, "group", 100, e)) != SJ_OK) ||
	    ((fields & SERVICE_KEYWORDS) &&
	    (rc = check_text(in->keywords, "keywords", 200, e)) != SJ_OK))
		return rc;
	if ((fields & SERVICE_RESPONSE) && (in->response_days < 0 ||
	    in->response_days > SERVICE_DAYS_MAX))
		return sj_fail(e, SJ_EINVAL, "response_days", "%d is outside 0..%d working days",
		    in->response_days, SERVICE_DAYS_MAX);
	if ((fields & SERVICE_RESOLUTION) && (in->resolution_days < 1 ||
	    in->resolution_days > SERVICE_DAYS_MAX))
		return sj_fail(e, SJ_EINVAL, "resolution_days", "%d is outside 1..%d working days",
		    in->resolution_days, SERVICE_DAYS_MAX);
	if ((fields & SERVICE_ATTRS) && (rc = check_attrs(in, e)) != SJ_OK)
		return rc;
	if ((fields & SERVICE_DEPARTMENT) && (rc = check_department(s, in->department_id, e)) != SJ_OK)
		return rc;
	return SJ_OK;
}

/* ---- writes --------------------------------------------------------------- */

static sj_rc
attrs_write(store *s, int64_t service_id, const service *in, sj_err *e)
{
	store_stmt *st;
	int64_t attr_id;
	sj_rc rc;

	if ((rc = store_prepare(s, service_sql[Q_VALUES_DELETE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, service_id);
	if ((rc = store_run(st, e)) != SJ_OK ||
	    (rc = store_prepare(s, service_sql[Q_ATTRS_DELETE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, service_id);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < in->n_attrs; i++) {
		const service_attr *at = &in->attrs[i];
		if ((rc = store_prepare(s, service_sql[Q_ATTR_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, service_id);
		store_bind_text(st, 2, at->code);
		store_bind_text(st, 3, at->datatype);
		store_bind_int(st, 4, at->required);
		store_bind_text(st, 5, at->description);
		store_bind_int(st, 6, (int64_t)i + 1);
		if ((rc = store_insert_id(st, &attr_id, e)) != SJ_OK)
			return rc;
		for (size_t j = 0; j < at->n_values; j++) {
			if ((rc = store_prepare(s, service_sql[Q_VALUE_ADD], &st, e)) != SJ_OK)
				return rc;
			store_bind_int(st, 1, attr_id);
			store_bind_int(st, 2, (int64_t)j + 1);
			store_bind_text(st, 3, at->values[j].key);
			store_bind_text(st, 4, at->values[j].name);
			if ((rc = store_run(st, e)) != SJ_OK)
				return rc;
		}
	}
	return SJ_OK;
}

/* Bind ?2..?10 of an add or update from sv. */
static void
bind_fields(store_stmt *st, int first, const service *sv)
{
	store_bind_text(st, first, sv->name);
	store_bind_text(st, first + 1, sv->name_en ? sv->name_en : "");
	store_bind_text(st, first + 2, sv->description ? sv->description : "");
	store_bind_text(st, first + 3, sv->group_name ? sv->group_name : "");
	store_bind_text(st, first + 4, sv->keywords ? sv->keywords : "");
	if (sv->department_id > 0)
		store_bind_int(st, first + 5, sv->department_id);
	else
		store_bind_null(st, first + 5);
	store_bind_int(st, first + 6, sv->response_days);
	store_bind_int(st, first + 7, sv->resolution_days);
	store_bind_int(st, first + 8, sv->active);
}

sj_rc
service_add(store *s, const scope *sc, const service *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_ORG_ADMIN))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add services");
	if (!code_ok(in->code, SERVICE_CODE_MAX, true))
		return sj_fail(e, SJ_EINVAL, "code", "must be 1 to %d of a-z, 0-9, '_' and '-'",
		    SERVICE_CODE_MAX);
	if ((rc = service_check(s, in, SERVICE_ALL, e)) != SJ_OK)
		return rc;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, service_sql[Q_ADD], &st, e)) == SJ_OK) {
		store_bind_text(st, 1, in->code);
		bind_fields(st, 2, in);
		rc = store_insert_id(st, id, e);
		if (rc == SJ_ECONFLICT)
			sj_fail(e, rc, "code", "a service with code '%s' exists", in->code);
	}
	if (rc == SJ_OK)
		rc = attrs_write(s, *id, in, e);
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* Copy the fields selected into cur. */
static void
service_merge(service *cur, const service *in, unsigned fields)
{
	if (fields & SERVICE_NAME) cur->name = in->name;
	if (fields & SERVICE_NAME_EN) cur->name_en = in->name_en;
	if (fields & SERVICE_DESCRIPTION) cur->description = in->description;
	if (fields & SERVICE_GROUP) cur->group_name = in->group_name;
	if (fields & SERVICE_KEYWORDS) cur->keywords = in->keywords;
	if (fields & SERVICE_DEPARTMENT) cur->department_id = in->department_id;
	if (fields & SERVICE_RESPONSE) cur->response_days = in->response_days;
	if (fields & SERVICE_RESOLUTION) cur->resolution_days = in->resolution_days;
	if (fields & SERVICE_ACTIVE) cur->active = in->active;
	if (fields & SERVICE_ATTRS) {
		cur->attrs = in->attrs;
		cur->n_attrs = in->n_attrs;
	}
}

sj_rc
service_update(store *s, const scope *sc, const char *code, const service *in,
    unsigned fields, sj_err *e)
{
	service cur;
	store_stmt *st;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_ORG_ADMIN))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may change services");
	arena_init(&a);
	if ((rc = service_get(s, &a, code, &cur, e)) != SJ_OK ||
	    (rc = service_check(s, in, fields, e)) != SJ_OK)
		goto out;
	service_merge(&cur, in, fields);
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = store_prepare(s, service_sql[Q_UPDATE], &st, e)) == SJ_OK) {
		store_bind_int(st, 1, cur.id);
		bind_fields(st, 2, &cur);
		rc = store_run(st, e);
	}
	if (rc == SJ_OK && (fields & SERVICE_ATTRS))
		rc = attrs_write(s, cur.id, &cur, e);
	if (rc != SJ_OK)
		store_rollback(s);
	else
		rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}
