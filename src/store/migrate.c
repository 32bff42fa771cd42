/*
 * migrate — applies embedded schema migrations in order.
 */
#include "store/migrate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum {
	MIG_CREATE_SQLITE, MIG_CREATE_PG, MIG_VERSION, MIG_RECORD, MIG_HAS_TABLE_SQLITE,
	MIG_HAS_TABLE_PG, MIG_APPLIED
};

static const char *const migrate_sql[] = {
	[MIG_CREATE_SQLITE] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
	[MIG_CREATE_PG] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version bigint PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)",
	[MIG_VERSION] =
	"SELECT coalesce(max(version), 0) FROM schema_migrations",
	[MIG_RECORD] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
	[MIG_HAS_TABLE_SQLITE] =
	"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
	[MIG_HAS_TABLE_PG] =
	"SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
	" AND table_schema = current_schema()",
	[MIG_APPLIED] =
	"SELECT count(*) FROM schema_migrations WHERE version = ?1",
};

static const char *
dialect_name(const store *s)
{
	return store_get_dialect(s) == STORE_POSTGRES ? "postgres" : "sqlite";
}

sj_rc
migrate_version(store *s, int *version, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*version = 0;
	/* A read-only or brand-new database may lack the table: that is 0. */
	if ((rc = store_prepare(s, migrate_sql[store_get_dialect(s) == STORE_POSTGRES
	    ? MIG_HAS_TABLE_PG : MIG_HAS_TABLE_SQLITE], &st, e)) != SJ_OK)
		return rc;
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row || store_col_int(st, 0) == 0) {
		store_reset(st);
		return SJ_OK;
	}
	store_reset(st);
	if ((rc = store_prepare(s, migrate_sql[MIG_VERSION], &st, e)) != SJ_OK)
		return rc;
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	*version = row ? (int)store_col_int(st, 0) : 0;
	store_reset(st);
	return SJ_OK;
}

int
migrate_latest(const store *s, const struct schema_file *files)
{
	const char *d = dialect_name(s);
	int latest = 0;

	for (const struct schema_file *f = files; f->dialect; f++)
		if (strcmp(f->dialect, d) == 0 && f->version > latest)
			latest = f->version;
	return latest;
}

/* Whether version v is recorded in schema_migrations (the table exists). */
static sj_rc
is_applied(store *s, int v, bool *yes, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*yes = false;
	if ((rc = store_prepare(s, migrate_sql[MIG_APPLIED], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, v);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	*yes = row && store_col_int(st, 0) > 0;
	store_reset(st);
	return SJ_OK;
}

/* How many of files' migrations for the store's dialect are not recorded
 * in the database (0 when the table does not exist yet counts them all). */
static sj_rc
count_pending(store *s, const struct schema_file *files, bool has_table,
    int *pending, sj_err *e)
{
	const char *d = dialect_name(s);
	bool yes;
	sj_rc rc;

	*pending = 0;
	for (const struct schema_file *f = files; f->dialect; f++) {
		if (strcmp(f->dialect, d) != 0)
			continue;
		yes = false;
		if (has_table && (rc = is_applied(s, f->version, &yes, e)) != SJ_OK)
			return rc;
		if (!yes)
			(*pending)++;
	}
	return SJ_OK;
}

static sj_rc
apply_one(store *s, const struct schema_file *f, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = store_exec(s, f->sql, e)) != SJ_OK)
		goto fail;
	if ((rc = store_prepare(s, migrate_sql[MIG_RECORD], &st, e)) != SJ_OK)
		goto fail;
	store_bind_int(st, 1, f->version);
	store_bind_text(st, 2, f->name);
	store_bind_int(st, 3, (int64_t)time(NULL));
	if ((rc = store_run(st, e)) != SJ_OK)
		goto fail;
	return store_commit(s, e);
fail:
	store_rollback(s);
	if (e)
		snprintf(e->field, sizeof e->field, "schema");
	return e ? sj_err_prefix(e, "migration %s failed: ", f->name) : rc;
}

sj_rc
migrate_apply_files(store *s, const struct schema_file *files, int *applied, sj_err *e)
{
	const char *d = dialect_name(s);
	int version, latest = migrate_latest(s, files), n = 0;
	sj_rc rc;

	if (applied)
		*applied = 0;
	if ((rc = store_exec(s, migrate_sql[store_get_dialect(s) == STORE_POSTGRES
	    ? MIG_CREATE_PG : MIG_CREATE_SQLITE], e)) != SJ_OK)
		return rc;
	if ((rc = migrate_version(s, &version, e)) != SJ_OK)
		return rc;
	if (version > latest)
		return sj_fail(e, SJ_ESCHEMA, "schema",
		    "database schema version %d is newer than this sijin knows (%d); "
		    "use a newer sijin", version, latest);
	/* Every migration not recorded runs, also one numbered below the
	 * database's version: migrations merged out of number order (0011
	 * after 0014) must not be skipped. */
	for (const struct schema_file *f = files; f->dialect; f++) {
		bool done;

		if (strcmp(f->dialect, d) != 0)
			continue;
		if ((rc = is_applied(s, f->version, &done, e)) != SJ_OK)
			return rc;
		if (done)
			continue;
		if ((rc = apply_one(s, f, e)) != SJ_OK)
			return rc;
		n++;
	}
	if (applied)
		*applied = n;
	return SJ_OK;
}

sj_rc
migrate_apply(store *s, int *applied, sj_err *e)
{
	return migrate_apply_files(s, schema_files, applied, e);
}

sj_rc
migrate_check(store *s, sj_err *e)
{
	int version, pending, latest = migrate_latest(s, schema_files);
	sj_rc rc;

	if ((rc = migrate_version(s, &version, e)) != SJ_OK)
		return rc;
	if (version > latest)
		return sj_fail(e, SJ_ESCHEMA, "schema",
		    "database schema version %d is newer than this sijin knows (%d); "
		    "use a newer sijin", version, latest);
	if ((rc = count_pending(s, schema_files, version > 0, &pending, e)) != SJ_OK)
		return rc;
	if (pending > 0)
		return sj_fail(e, SJ_ECONFLICT, "schema",
		    "database schema version %d lacks %d of this sijin's migrations "
		    "(newest %d); run `sijin migrate`", version, pending, latest);
	return SJ_OK;
}
