/*
 * cmd_backup — `sijin backup FILE` and `sijin restore FILE` (docs/backup.md).
 *
 * A backup is a SQLite file made by store_backup() while the server keeps
 * writing, then opened again and verified (integrity check, schema version)
 * before it is reported.  A restore verifies the file first (integrity,
 * schema not newer than this binary, the tables sijin expects, and that the
 * key file opens its sealed identity data), then copies it into place
 * through a temporary file and a rename, so the target is either the old
 * database or the whole backup.  The key file is never copied or changed:
 * it is backed up separately (docs/keys.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/crypt.h"
#include "store/layout.h"
#include "store/migrate.h"

enum backup_sql {
	SQL_INTEGRITY,
	SQL_PAGE_COUNT,
	SQL_TABLE_EXISTS,
	SQL_SEALED_ID,
};

/* The copy is always a SQLite file, so these are SQLite's own pragmas. */
static const char *const backup_sql[] = {
	[SQL_INTEGRITY] = "PRAGMA integrity_check",
	[SQL_PAGE_COUNT] = "PRAGMA page_count",
	[SQL_TABLE_EXISTS] = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
	    "AND name = ?1",
	[SQL_SEALED_ID] = "SELECT id_number_enc FROM person WHERE id_number_enc IS NOT NULL "
	    "LIMIT 1",
};

/* Tables every sijin database has from schema version 1 on. */
static const char *const core_tables[] = { "schema_migrations", "region", "unit", "person" };

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SJ_OK when PRAGMA integrity_check on s answers the single row "ok";
 * SJ_EDB (field "file") with its first complaint otherwise. */
static sj_rc
verify_integrity(store *s, const char *path, sj_err *e)
{
	store_stmt *st;
	const char *first;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, backup_sql[SQL_INTEGRITY], &st, e)) != SJ_OK ||
	    (rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	first = row ? store_col_text(st, 0) : NULL;
	if (first == NULL || strcmp(first, "ok") != 0) {
		rc = sj_fail(e, SJ_EDB, "file", "%s fails the integrity check: %.120s", path,
		    first ? first : "no answer");
		store_reset(st);
		return rc;
	}
	store_reset(st);
	return SJ_OK;
}

/* SJ_OK when s has table; SJ_EINVAL (field "file") when it lacks it. */
static sj_rc
verify_table(store *s, const char *path, const char *table, sj_err *e)
{
	store_stmt *st;
	int64_t n;
	sj_rc rc;

	if ((rc = store_prepare(s, backup_sql[SQL_TABLE_EXISTS], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, table);
	if ((rc = store_query_int(st, &n, NULL, e)) != SJ_OK)
		return rc;
	if (n != 1)
		return sj_fail(e, SJ_EINVAL, "file", "%s is not a sijin database: it has no table %s",
		    path, table);
	return SJ_OK;
}

/* The tables sijin expects: the core ones at any version, and at the
 * binary's own version every table of the Citus layout (which lists them
 * all; store/layout.h). */
static sj_rc
verify_tables(store *s, const char *path, int version, int latest, sj_err *e)
{
	sj_rc rc = SJ_OK;

	for (size_t i = 0; rc == SJ_OK && i < sizeof core_tables / sizeof *core_tables; i++)
		rc = verify_table(s, path, core_tables[i], e);
	for (size_t i = 0; rc == SJ_OK && version == latest && store_layout[i].table; i++)
		rc = verify_table(s, path, store_layout[i].table, e);
	return rc;
}

/* Open the SQLite file path read-only and check it is a whole sijin
 * database this binary can use: integrity, schema version (into *version;
 * newer than the binary is SJ_ESCHEMA), and with tables set the expected
 * tables.  *out is the open store on success; store_close() it. */
static sj_rc
verify_copy(const char *path, bool tables, store **out, int *version, sj_err *e)
{
	store *s = NULL;
	int latest;
	sj_rc rc;

	*out = NULL;
	if (strstr(path, "://") != NULL)
		return sj_fail(e, SJ_EINVAL, "file", "a backup is a SQLite file, not a URL");
	if ((rc = store_open(path, STORE_READONLY, &s, e)) != SJ_OK)
		return rc;
	if ((rc = verify_integrity(s, path, e)) != SJ_OK ||
	    (rc = migrate_version(s, version, e)) != SJ_OK)
		goto out;
	latest = migrate_latest(s, schema_files);
	if (*version > latest) {
		rc = sj_fail(e, SJ_ESCHEMA, "file", "%s is at schema version %d, newer than this "
		    "binary's %d: restore it with a newer sijin", path, *version, latest);
		goto out;
	}
	if (tables && (rc = verify_tables(s, path, *version, latest, e)) != SJ_OK)
		goto out;
	*out = s;
	return SJ_OK;
out:
	store_close(s);
	return rc;
}

/* Progress on stderr when it is a terminal, at most every 10%. */
static void
backup_progress(void *cls, int64_t done, int64_t total)
{
	int *last = cls;
	int pct = total > 0 ? (int)(done * 100 / total) : 100;

	if (isatty(STDERR_FILENO) && pct / 10 != *last / 10) {
		fprintf(stderr, "\rbackup: %d%%", pct);
		if (pct == 100)
			fputc('\n', stderr);
	}
	*last = pct;
}

int
cmd_backup(cli_ctx *ctx, int argc, char **argv)
{
	sj_err e = {0};
	store *copy = NULL;
	struct stat st;
	int64_t pages = 0;
	int version = 0, source_version, last = -1;
	double t0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: sijin [--db DB] backup FILE\n\n"
		    "Copy the database into the new SQLite file FILE while a server keeps using it\n"
		    "(SQLite's online backup, one consistent snapshot), then verify the copy\n"
		    "(integrity check, schema version) and print its pages, bytes and the time taken.\n"
		    "FILE is never overwritten.  The key file is not in the backup: keep a copy of\n"
		    "it separately (docs/backup.md, docs/keys.md).  On PostgreSQL use pg_dump.\n");
		return 0;
	}
	if (argc != 2)
		return cli_usage_error("backup", argc < 2 ? "give the backup FILE"
		    : "unexpected argument '%s'", argv[argc < 2 ? 0 : 2]);
	if (cli_open(ctx, false, &e) != SJ_OK || migrate_version(ctx->s, &source_version, &e))
		return cli_fail(&e);
	t0 = now_s();
	if (store_backup(ctx->s, argv[1], backup_progress, &last, &pages, &e) != SJ_OK)
		return cli_fail(&e);
	if (verify_copy(argv[1], false, &copy, &version, &e) != SJ_OK)
		return cli_fail(&e);
	store_close(copy);
	if (version != source_version) {
		sj_fail(&e, SJ_EDB, "file", "the copy is at schema version %d, the database at %d",
		    version, source_version);
		return cli_fail(&e);
	}
	if (stat(argv[1], &st) != 0) {
		sj_fail(&e, SJ_EIO, "file", "cannot stat %s: %s", argv[1], strerror(errno));
		return cli_fail(&e);
	}
	printf("backup %s: %lld pages, %lld bytes, schema version %d, %.3f s; integrity ok\n",
	    argv[1], (long long)pages, (long long)st.st_size, version, now_s() - t0);
	fprintf(stderr, "sijin: the key file is not in the backup; keep a copy of it apart "
	    "(docs/keys.md)\n");
	return 0;
}

/* Whether the key file opens one sealed identity number of the backup
 * (none sealed is fine).  SJ_ECONFLICT (field "key_file") when it does not. */
static sj_rc
verify_key(cli_ctx *ctx, store *copy, sj_err *e)
{
	char key_path[4096], *clear = NULL;
	crypt_keys *keys = NULL;
	const unsigned char *sealed;
	store_stmt *st;
	size_t n, clear_n;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(copy, backup_sql[SQL_SEALED_ID], &st, e)) != SJ_OK ||
	    (rc = store_step(st, &row, e)) != SJ_OK || !row)
		return rc;
	sealed = store_col_blob(st, 0, &n);
	if ((rc = config_key_file_path(ctx->cfg, key_path, sizeof key_path, e)) == SJ_OK &&
	    (rc = crypt_keys_load(key_path, &keys, e)) == SJ_OK &&
	    crypt_open(keys, "person.id_number", sealed, n, &clear, &clear_n, e) != SJ_OK) {
		sj_err_clear(e);
		rc = sj_fail(e, SJ_ECONFLICT, "key_file", "%s cannot open the backup's identity "
		    "data: restore with the key file the backup was made with (docs/keys.md)",
		    key_path);
	}
	store_reset(st);
	if (clear) {
		memset(clear, 0, clear_n);
		free(clear);
	}
	crypt_keys_free(keys);
	return rc;
}

/* Copy the file from to the new file to (O_EXCL), fsync'd.  SJ_EIO. */
static sj_rc
copy_file(const char *from, const char *to, sj_err *e)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = -1;
	ssize_t n = 0;
	sj_rc rc = SJ_OK;

	if (in < 0 || (out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		rc = sj_fail(e, SJ_EIO, "file", "cannot copy %s to %s: %s", from, to, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n < 0 || fsync(out) != 0)
		rc = sj_fail(e, SJ_EIO, "file", "cannot copy %s to %s: %s", from, to,
		    strerror(errno));
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Put the verified backup from in place as the database to: a temporary
 * copy beside it, the old WAL files removed, one rename. */
static sj_rc
restore_into(const char *from, const char *to, sj_err *e)
{
	char tmp[4096], side[4096];
	sj_rc rc;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.restore-tmp", to) >= sizeof tmp)
		return sj_fail(e, SJ_ETOOBIG, "db", "path too long");
	unlink(tmp);
	if ((rc = copy_file(from, tmp, e)) != SJ_OK)
		goto fail;
	/* A WAL left by the old database would be replayed onto the new one. */
	snprintf(side, sizeof side, "%s-wal", to);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", to);
	unlink(side);
	if (rename(tmp, to) != 0) {
		rc = sj_fail(e, SJ_EIO, "db", "cannot rename %s to %s: %s", tmp, to, strerror(errno));
		goto fail;
	}
	return SJ_OK;
fail:
	unlink(tmp);
	return rc;
}

int
cmd_restore(cli_ctx *ctx, int argc, char **argv)
{
	sj_err e = {0};
	store *copy = NULL;
	const char *file = NULL, *db = ctx->cfg->db;
	bool force = false, exists = false;
	int version = 0;
	sj_rc rc;

	if (cli_wants_help(argc, argv)) {
		printf("usage: sijin [--db DB] restore FILE [--force]\n\n"
		    "Verify the backup FILE (integrity check, schema version not newer than this\n"
		    "binary, the tables sijin expects, and that the key file opens its identity\n"
		    "data), then put it in place as the database through a temporary file and a\n"
		    "rename.  An existing database is replaced only with --force; stop the server\n"
		    "first.  The key file is left as it is: it must be the one the backup was made\n"
		    "with (docs/backup.md).  On PostgreSQL use pg_restore.\n");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (argv[i][0] == '-' || file != NULL)
			return cli_usage_error("restore", "unexpected argument '%s'", argv[i]);
		else
			file = argv[i];
	}
	if (file == NULL)
		return cli_usage_error("restore", "give the backup FILE");
	if (strstr(db, "://") != NULL) {
		sj_fail(&e, SJ_EINVAL, "db", "restore is not supported on PostgreSQL; use pg_restore "
		    "with a pg_dump file (docs/backup.md)");
		return cli_fail(&e);
	}
	if ((rc = verify_copy(file, true, &copy, &version, &e)) != SJ_OK ||
	    (rc = verify_key(ctx, copy, &e)) != SJ_OK)
		goto out;
	if ((rc = store_exists(db, &exists, &e)) != SJ_OK)
		goto out;
	if (exists && !force) {
		rc = sj_fail(&e, SJ_ECONFLICT, "db", "%s exists; give --force to replace it "
		    "(stop the server first)", db);
		goto out;
	}
	if ((rc = restore_into(file, db, &e)) != SJ_OK)
		goto out;
	printf("restored %s into %s: schema version %d, integrity ok\n", file, db, version);
	fprintf(stderr, "sijin: the key file was left as it is; it must be the one the backup "
	    "was made with (docs/keys.md)\n");
	if (version < migrate_latest(copy, schema_files))
		fprintf(stderr, "sijin: the backup is at schema version %d; run `sijin migrate`\n",
		    version);
out:
	store_close(copy);
	return rc == SJ_OK ? 0 : cli_fail(&e);
}
