/*
 * migrate — forward-only numbered schema migrations (DESIGN.md §3).
 *
 * Migrations are the files schema/<dialect>/NNNN_name.sql embedded in the
 * binary.  The schema version of a database is the highest version in its
 * schema_migrations table; a migration is pending when its version is not
 * recorded there, even below that highest one (migrations written side by
 * side can land out of number order).  Each pending migration runs in its own
 * transaction together with the row that records it, so a failure leaves
 * the database at the previous version.  A database whose version is higher
 * than the newest migration this binary knows is refused: an old binary
 * must never write to a schema it does not understand.
 */
#ifndef SJ_MIGRATE_H
#define SJ_MIGRATE_H

#include "store/schema_files.h"
#include "store/store.h"

/* The schema version of the open database: 0 for an empty database.
 * Errors: SJ_EDB. */
sj_rc migrate_version(store *s, int *version, sj_err *e);

/* The newest version among files for the store's dialect. */
int migrate_latest(const store *s, const struct schema_file *files);

/* Apply every migration in files (an array ending with a NULL dialect, in
 * version order) whose version is not recorded in the database, for the
 * store's dialect.  *applied (may be NULL) receives how many ran.
 * Errors: SJ_ESCHEMA when the database is newer than the newest file;
 * SJ_EDB (message naming the migration) when one fails, after rolling it
 * back; earlier migrations of the same call stay applied. */
sj_rc migrate_apply_files(store *s, const struct schema_file *files, int *applied, sj_err *e);

/* migrate_apply_files() with the migrations built into the binary. */
sj_rc migrate_apply(store *s, int *applied, sj_err *e);

/* SJ_OK when every migration the binary has is recorded in the database;
 * SJ_ESCHEMA when the database's version is newer than the binary's newest;
 * SJ_ECONFLICT (message "run `sijin migrate`") when any is missing.  Commands that use a database call this first. */
sj_rc migrate_check(store *s, sj_err *e);

#endif
