/*
 * store — the one thin database layer under every domain module.
 *
 * A store is one connection to a database, used by one thread at a time
 * (the server keeps one per worker thread).  Domain modules keep their SQL
 * in static statement tables and reach the database only through this
 * interface: prepare (cached per connection, keyed by the SQL string's
 * address), bind, step, read columns, and transactions.  The interface is
 * the same for every driver, SQLite (sqlite.c) and PostgreSQL (pg.c;
 * DESIGN.md §6, docs/scale-out.md), so domain code never sees which
 * database it runs on.
 *
 * SQL conventions that keep statements portable between the drivers
 * (every store test runs on both; tests/run.sh):
 *  - parameters are numbered `?1`, `?2`, ... (the PostgreSQL driver
 *    rewrites them to `$1`, ...);
 *  - PostgreSQL types each parameter from its uses, so each needs one use
 *    that shows its type: compared with or stored into a column (`kind =
 *    ?4`), or CAST(?4 AS BIGINT); `?4 IS NULL` alone does not;
 *  - new ids come back with `RETURNING id`, never a last-insert-id call;
 *  - instants are INTEGER seconds (or ms) since the epoch UTC, dates are
 *    INTEGER days since 1970-01-01, booleans INTEGER 0/1: bind and compare
 *    them as integers (`?5 = 1`, `ok = 0`), never as bare truth values;
 *  - only functions both databases have (count, sum, min, max, coalesce,
 *    length, substr, lower, abs, ...); `LIKE ... ESCAPE '\'` with
 *    store_like_contains() instead of instr(); ON CONFLICT DO NOTHING
 *    instead of INSERT OR IGNORE; LIMIT with a non-negative count;
 *  - text compares byte by byte on both (BINARY / COLLATE "C"), blobs too.
 *
 * Errors from the database map to project codes: a unique-key violation is
 * SJ_ECONFLICT; a foreign-key, CHECK or NOT NULL violation or malformed
 * data SJ_EINVAL; a locked database, a lock wait over 5 s, a deadlock or a
 * serialization failure SJ_EBUSY; a full disk, a read-only database, a
 * server shutting down or a lost connection SJ_EUNAVAIL; anything else
 * SJ_EDB.  The message carries the driver's own text.
 *
 * A statement that fails inside a transaction spoils it (PostgreSQL's
 * rule, enforced on SQLite too so that both behave alike): until that
 * transaction or savepoint is rolled back, every further statement fails
 * with SJ_EINTERNAL and a commit rolls back and fails.  Code that expects
 * a statement to fail and carries on (an insert that may conflict) runs
 * it in its own nested store_begin() and rolls that back.
 */
#ifndef SJ_STORE_H
#define SJ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct store store;            /* one connection; opaque */
typedef struct store_stmt store_stmt;  /* a prepared statement; owned by its store */

typedef enum store_dialect { STORE_SQLITE, STORE_POSTGRES } store_dialect;

enum store_flags {
	STORE_CREATE   = 1 << 0,  /* create the database file when missing */
	STORE_READONLY = 1 << 1,  /* open for reading only */
};

/* Open the database named by url: a file path for SQLite, or a
 * postgresql:// (or postgres://) URL in libpq's syntax.  For SQLite the
 * connection runs in WAL mode with foreign keys on, synchronous=FULL and a
 * 5 s busy timeout.  A PostgreSQL database must exist and be UTF8 (the
 * tables sijin makes go in the first schema of its search_path);
 * STORE_CREATE does not create it.  On success *out is a new store the
 * caller closes with store_close().
 * Errors: SJ_ENOTFOUND (field "db") when the file does not exist and
 * STORE_CREATE is not given; SJ_EDB when it cannot be opened or is not a
 * database; SJ_EUNAVAIL when the PostgreSQL server cannot be reached (the
 * message names the URL with its password hidden); SJ_EINVAL for a URL
 * scheme no driver handles. */
sj_rc store_open(const char *url, unsigned flags, store **out, sj_err *e);

/* *exists says whether the database named by url already holds something:
 * for SQLite whether the file exists, for PostgreSQL whether the current
 * schema (the first of the search_path) has any table.  The database of a
 * PostgreSQL URL must exist: sijin creates tables, never databases.
 * Errors: SJ_EINVAL for a URL no driver handles; SJ_EUNAVAIL when the
 * server cannot be reached (the message names the URL, password hidden). */
sj_rc store_exists(const char *url, bool *exists, sj_err *e);

/* Remove the database named by url so that it can be made afresh (`sijin
 * demo --force`, a failed `sijin init`): for SQLite the file and its -wal,
 * -shm and -journal companions; for PostgreSQL every table, view,
 * sequence and function of the current schema (the schema and the
 * database stay).  Nothing there is not an error.
 * Errors: SJ_EIO when a file cannot be removed; as store_exists(). */
sj_rc store_destroy(const char *url, sj_err *e);

/* Open n more connections (out[0 .. n)) to the SQLite database s is on,
 * each in a read transaction, all seeing one and the same committed state:
 * s takes the write lock (store_begin) while the readers take their
 * snapshots, then lets it go, so no commit can land between two of them
 * (SQLite's own way, sqlite3_snapshot_open, is not in Debian's build).
 * Writers wait for the lock for the few milliseconds that takes.  The
 * readers are opened read-only and map the file into memory (mmap_size,
 * up to SQLite's limit of 2 GB), for one pass over a large table each
 * (the trace index's build, trace_index_load).  Close each with
 * store_close, which ends its transaction.  On failure nothing is left
 * open and every out[i] is NULL.
 * Errors: SJ_EINVAL (field "db") on PostgreSQL or when s is inside a
 * transaction; those of store_open and store_begin (SJ_EBUSY after 5 s
 * waiting for the lock; SJ_EUNAVAIL or SJ_EDB when s is read-only). */
sj_rc store_open_readers(store *s, size_t n, store **out, sj_err *e);

/* Open a second connection (*out) to the database s is on, given by url
 * (the same url s was opened with: s keeps only its masked form), for
 * reading beside s: on SQLite read-only, with the file mapped as for
 * store_open_readers; on PostgreSQL an ordinary session.  Close it with
 * store_close.  Errors: those of store_open. */
sj_rc store_open_sibling(store *s, const char *url, store **out, sj_err *e);

/* Begin a read transaction on s whose snapshot is taken now: what s reads
 * until store_rollback ends it is the state committed at this call, however
 * many commits land meanwhile (SQLite: a deferred BEGIN and a first read,
 * which fixes the WAL snapshot; PostgreSQL: REPEATABLE READ and a first
 * statement).  Taken while another connection holds the write lock
 * (store_begin), the snapshot is the state that transaction started from.
 * The bulk import reads a batch this way on a second connection while the
 * previous batch is written (domain/scan_import.c).  Nothing may be written
 * in it but PostgreSQL temporary tables (store_keys_load).
 * Errors: SJ_EINVAL (field "db") inside a transaction; driver errors. */
sj_rc store_begin_snapshot(store *s, sj_err *e);

/* A number that changes whenever another connection commits a change to
 * the database s is on (SQLite's PRAGMA data_version; s's own commits leave
 * it alone); read under the write lock at two transactions' begins, equal
 * numbers mean no other connection committed in between.  On PostgreSQL
 * always 0: sijin's other writers are seen there by the id counters
 * (domain/scan_import.c).  Errors: driver errors. */
sj_rc store_data_version(store *s, int64_t *out, sj_err *e);

/* Finalise every cached statement and close the connection.  A transaction
 * still open is rolled back.  Accepts NULL. */
void store_close(store *s);

/* Which SQL dialect the connection speaks (for the migration runner). */
store_dialect store_get_dialect(const store *s);

/* True when what this connection reads after another connection's commit
 * comes from a cold cache: SQLite empties every other connection's page
 * cache at each commit, so under a busy writer each read goes to the OS
 * page by page; PostgreSQL's buffers are shared by all connections (false).
 * The scan path uses it to decide which thread does a look-up
 * (scan_prepare_defer). */
bool store_reads_cold(const store *s);

/* True when every statement is a round trip to a database server
 * (PostgreSQL: ~0.1 ms on a Unix socket, far more under load), so that
 * reading what a batch needs in one join (store_keys_load) beats one
 * look-up a row; false for SQLite, in-process, where a look-up by index
 * costs less than filling the key table.  The bulk import asks it
 * (domain/scan_import.c); both ways read the same rows. */
bool store_round_trips(const store *s);

/* The url given to store_open, with any password replaced by "***". */
const char *store_url(const store *s);

/* The path of s's write-ahead log (SQLite: the main database file's name
 * + "-wal"), malloc'd into *out for the caller to free; NULL for a
 * database without one (PostgreSQL, an in-memory database).  For a
 * caller that makes the log durable itself (WALBUF_PRAGMA_DEFER_SYNC).
 * Errors: store errors. */
sj_rc store_wal_path(store *s, char **out, sj_err *e);

/* A copy of url with its passwords replaced by "***": the one of
 * scheme://user:password@host and the value of a password= parameter.
 * Returns a malloc'd string; free() it. */
char *store_url_mask(const char *url);

/* Run one or more SQL statements without parameters or results (schema
 * changes).  Errors as described at the top. */
sj_rc store_exec(store *s, const char *sql, sj_err *e);

/* Begin a transaction; nested calls open savepoints, so a function that
 * needs atomicity can call store_begin() whether or not its caller already
 * did.  The outermost begin takes the write lock at once (SQLite BEGIN
 * IMMEDIATE; on PostgreSQL one advisory lock per database schema, at READ
 * COMMITTED) so that a transaction never fails half-way on lock upgrade and
 * what it reads stays true until it commits: transactions run one at a
 * time, on either database.  Waiting more than 5 s for the lock is
 * SJ_EBUSY.  Every successful store_begin() must be matched by
 * store_commit() or store_rollback(). */
sj_rc store_begin(store *s, sj_err *e);

/* store_begin for a transaction whose every foreign-key reference the
 * caller has read itself inside it (bulk import: scan_import.c checks each
 * checkpoint, person and operator in the same transaction): at the
 * outermost level on SQLite the connection's foreign-key enforcement is
 * switched off (PRAGMA foreign_keys, effective only outside a transaction)
 * until that transaction's store_commit or store_rollback switches it back
 * on, which saves the per-row parent look-ups (~20 % of an import's CPU,
 * bench/RESULTS.md).  Nested, or on PostgreSQL, the same as store_begin.
 * Errors: those of store_begin. */
sj_rc store_begin_checked(store *s, sj_err *e);

/* Commit the innermost transaction (release its savepoint).  On failure
 * the transaction is rolled back and the error returned. */
sj_rc store_commit(store *s, sj_err *e);

/* Undo the innermost transaction or savepoint.  Never fails visibly; a
 * driver error is logged. */
void store_rollback(store *s);

/* Depth of open transactions (0 = none). */
int store_tx_depth(const store *s);

/* True when a connection of this process waited for the SQLite write lock
 * within the last millisecond (it is probably still waiting): the scan
 * writer pauses briefly before its next batch then (domain/writer.c).
 * Always false without SQLite connections. */
bool store_others_waiting(void);

/* True when a statement failed inside the open transaction, which is then
 * spoiled until rolled back (see above): a caller that carries on after a
 * refused item (the scan writer's batch) tells a refusal by its own checks
 * from a failed statement with this. */
bool store_tx_failed(const store *s);

/* The prepared statement for sql, which must be a string with static
 * storage duration (statement tables): the cache is keyed by its address.
 * The statement comes back reset with no bindings.  Errors: SJ_EDB with
 * the driver's message (a bug in the SQL, or a schema mismatch). */
sj_rc store_prepare(store *s, const char *sql, store_stmt **out, sj_err *e);

/* Bind parameter i (1-based).  Text is copied; NULL text binds SQL NULL.
 * These never fail; binding a parameter the statement does not have is
 * ignored (scope_bind() binds ?1..?3 whatever the statement uses). */
void store_bind_int(store_stmt *st, int i, int64_t v);
void store_bind_text(store_stmt *st, int i, const char *v);
void store_bind_blob(store_stmt *st, int i, const void *p, size_t n);
void store_bind_null(store_stmt *st, int i);

/* Advance to the next row.  *row is set true when a row is available and
 * false when the statement is done (then it is reset for reuse).
 * Errors as described at the top; the statement is reset on error. */
sj_rc store_step(store_stmt *st, bool *row, sj_err *e);

/* Run a statement expected to produce no rows (or to ignore them).  After
 * store_defer_writes it may return before the statement ran (see there). */
sj_rc store_run(store_stmt *st, sj_err *e);

/* For the rest of the open outermost transaction (asserted open), let
 * store_run send its statement and return without waiting for the
 * answer: on PostgreSQL (libpq pipeline mode) the statements go out back
 * to back and are answered together with the next statement that waits
 * for an answer (a read, store_changes, the COMMIT), so a batch of writes
 * costs no round trip of its own (the scan writer, domain/writer.c).  A
 * deferred statement's failure comes back from that later call instead
 * (any statement of the transaction may report it; the transaction is
 * spoiled and store_commit refuses, as after any failure), never from
 * store_run itself, except a failure to send.  SQLite, in-process, runs
 * every statement at once: no effect.  Ends at the outermost commit or
 * rollback. */
void store_defer_writes(store *s);

/* Run a bound `INSERT ... RETURNING id` statement and put the id in *id.
 * Errors as store_step(); SJ_EINTERNAL when no row came back. */
sj_rc store_insert_id(store_stmt *st, int64_t *id, sj_err *e);

/* Run a bound statement whose first column of its first row is an
 * integer (a count, an id) and put it in *v; *found (may be NULL) says
 * whether there was a row; without one *v is 0.  Errors as store_step(). */
sj_rc store_query_int(store_stmt *st, int64_t *v, bool *found, sj_err *e);

/* Columns of the current row, 0-based.  Text and blob pointers are valid
 * until the next step or reset; store_col_text gives NULL for SQL NULL. */
int64_t store_col_int(store_stmt *st, int i);
const char *store_col_text(store_stmt *st, int i);
const void *store_col_blob(store_stmt *st, int i, size_t *n);
bool store_col_is_null(store_stmt *st, int i);

/* Reset a statement early (before it reports done) and clear bindings. */
void store_reset(store_stmt *st);

/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int64_t store_changes(store *s);

/* The LIKE pattern that matches any text containing text, for
 * `col LIKE ?N ESCAPE '\'`: the portable form of SQLite's instr(col, text)
 * > 0, which PostgreSQL lacks (its position() SQLite lacks).  Backslash,
 * % and _ in text are escaped with a backslash.  Both databases compare
 * case-sensitively only when the text is already case-folded (search keys
 * are: docs/text.md): SQLite's LIKE ignores ASCII case, PostgreSQL's does
 * not.  Returns a malloc'd string; free() it. */
char *store_like_contains(const char *text);

/* Progress of store_backup(): pages copied so far and the database's total
 * pages; called after every step. */
typedef void (*store_backup_cb)(void *cls, int64_t done, int64_t total);

/* Copy the whole database of s, as it stands when the call starts (one
 * read snapshot: writes committed before are in the copy, later ones are
 * not), into a new SQLite file at path.  Writers on other connections keep
 * going during the copy: it runs in steps of a few hundred pages under a
 * WAL read snapshot, which never blocks them.  The copy is written to
 * "<path>.tmp", fsync'd, renamed to path and the folder fsync'd, so path
 * either holds a whole copy or does not exist.  cb (may be NULL) sees the
 * progress; *pages (may be NULL) gets the copy's page count.  s must not be
 * inside a transaction.  Errors: SJ_ECONFLICT (field "file") when path or
 * "<path>.tmp" exists; SJ_EIO (field "file") when the copy cannot be written
 * or synced; SJ_EINVAL (field "db") on PostgreSQL, whose tool is pg_dump;
 * store errors as described at the top. */
sj_rc store_backup(store *s, const char *path, store_backup_cb cb, void *cls,
    int64_t *pages, sj_err *e);


/* ---- announcements: changes told to other connections after commit ------- */

/* The channel announcements travel on (a PostgreSQL NOTIFY channel, one
 * per schema: STORE_CHANNEL ":" the schema's name). */
#define STORE_CHANNEL "sijin_events"
/* The line store_wait and the local subscriber see when announcements were
 * lost or too many (STORE_PUBLISH_MAX bytes in one transaction): whoever
 * keeps a copy of the data must read it again in full. */
#define STORE_LINE_OVERFLOW "* overflow"
#define STORE_PUBLISH_MAX (1u << 20)

/* A receiver of announced lines (one line, no newline, NUL-terminated). */
typedef void (*store_line_cb)(void *cls, const char *line);

/* A receiver of one commit's announced lines at once (the local
 * subscriber): n ≥ 1 lines, each NUL-terminated without its newline, packed
 * one after the other from lines (the next begins after the previous one's
 * NUL).  Valid only during the call.  One call a commit, so that a receiver
 * on another thread is woken once a commit rather than once a line (the
 * scan writer commits ~100 stays at once: bench/RESULTS.md "Ninth session"). */
typedef void (*store_lines_cb)(void *cls, const char *lines, size_t n);

/* Announce line (≤ 1,000 bytes, no newline) as part of the open
 * transaction (one is opened and committed around it when none is): it
 * reaches the receivers only if and when the outermost transaction commits,
 * in commit order, and not at all when it (or the savepoint it was
 * published in) is rolled back.  On PostgreSQL it is sent with pg_notify on
 * the schema's channel just before COMMIT, to every listening connection of every
 * process (store_listen), this one's included; on SQLite, which has one
 * writing process, it goes after COMMIT to the process's local subscriber
 * (store_set_local_subscriber).  More than STORE_PUBLISH_MAX bytes in one
 * transaction collapse into the one line STORE_LINE_OVERFLOW.  Errors:
 * those of the commit (the pg_notify statement runs inside it). */
sj_rc store_publish(store *s, const char *line, sj_err *e);

/* Set the process-wide receiver of lines published on SQLite connections
 * (NULL: none; lines are then dropped).  It runs on the committing thread
 * right after the commit, once with all the commit's lines (not at all
 * when there are none), so it must be quick and must not use the store. */
void store_set_local_subscriber(store_lines_cb cb, void *cls);

/* True when the database tells other connections of announcements
 * (PostgreSQL); false when only the local subscriber hears them (SQLite). */
bool store_has_notifications(const store *s);

/* Start receiving the schema's channel on this connection (LISTEN), which must
 * then be used only for store_wait.  Errors: SJ_EINVAL (field "db") on a
 * database without notifications; the store's. */
sj_rc store_listen(store *s, sj_err *e);

/* Wait up to timeout_ms for announcements on a listening connection and
 * hand each line received to cb, in commit order.  Returns SJ_OK when the
 * time ran out or lines came; SJ_EUNAVAIL when the connection was lost
 * (announcements may have been missed: open a new connection, listen
 * again and read everything again). */
sj_rc store_wait(store *s, int timeout_ms, store_line_cb cb, void *cls, sj_err *e);
/* ---- bulk insert (COPY on PostgreSQL, batched INSERTs on SQLite) ----------- */

typedef struct store_bulk store_bulk;   /* one bulk insert in progress; opaque */

#define STORE_BULK_COLS_MAX 16
#define STORE_BULK_NULL INT64_MIN       /* a value that stands for SQL NULL */

/* Start inserting rows of integers into table (columns cols[0..n_cols-1],
 * 1..STORE_BULK_COLS_MAX, plain lower-case identifiers from the caller's
 * code, never outside input: asserted) inside the caller's open
 * transaction (asserted).  PostgreSQL streams the rows with COPY ... FROM
 * STDIN (libpq PQputCopyData, text format); SQLite binds them to one
 * prepared INSERT OR FAIL of 64 rows at a time (OR FAIL: a statement that
 * fails keeps the rows it wrote, so SQLite keeps no statement journal —
 * a copy of every page the statement changes — which is sound because
 * any error spoils the whole transaction anyway).  Rows go to the database as the
 * buffer fills and at store_bulk_end; they are visible to statements of
 * the same connection only after store_bulk_end.  No other statement may
 * run on s between begin and end.  On success *out is the handle, owned
 * by the caller until store_bulk_end or store_bulk_abort.  Errors: store
 * errors (the transaction is then spoiled: roll it back). */
sj_rc store_bulk_begin(store *s, const char *table, const char *const *cols, int n_cols,
    store_bulk **out, sj_err *e);

/* Add one row: vals[i] for cols[i], STORE_BULK_NULL for NULL.  Errors:
 * store errors from a flush (a constraint violation of an earlier row
 * shows here or at store_bulk_end); the transaction is then spoiled. */
sj_rc store_bulk_row(store_bulk *b, const int64_t *vals, sj_err *e);

/* Write the rows still buffered, finish the COPY, free b.  *n_rows (may be
 * NULL) receives the rows written.  Errors: store errors (the transaction
 * is then spoiled); b is freed in every case. */
sj_rc store_bulk_end(store_bulk *b, int64_t *n_rows, sj_err *e);

/* Give up a bulk insert (after an error): free b; rows not yet sent are
 * dropped and a COPY in progress is ended with an error, which spoils the
 * transaction (roll it back).  Accepts NULL. */
void store_bulk_abort(store_bulk *b);

/* One value of a row given to store_bulk_put. */
typedef enum store_cell_type {
	STORE_CELL_NULL, STORE_CELL_INT, STORE_CELL_TEXT, STORE_CELL_BLOB,
} store_cell_type;

typedef struct store_cell {
	store_cell_type type;
	int64_t i;              /* STORE_CELL_INT */
	const void *p;          /* STORE_CELL_TEXT: NUL-terminated UTF-8; STORE_CELL_BLOB: n bytes */
	size_t n;               /* STORE_CELL_BLOB */
} store_cell;

/* Add one row of typed values (cells[i] for cols[i]) to a bulk insert:
 * the form of store_bulk_row for tables with text or blob columns.  On
 * PostgreSQL the values go into the COPY stream (text escaped, blobs as
 * bytea hex); on SQLite the row is bound to a one-row INSERT and run at
 * once.  A text value with a NUL or a blob over 1 MiB is a bug (asserted).
 * Errors: as store_bulk_row. */
sj_rc store_bulk_put(store_bulk *b, const store_cell *cells, sj_err *e);

/* Put n new ids of table (a plain lower-case identifier from the caller's
 * code, whose key is the column id: asserted) into ids[0..n-1], in
 * ascending order, for rows the caller then inserts with those ids
 * (store_bulk_*), inside its open transaction (asserted).  PostgreSQL takes
 * them from the column's sequence (nextval, one statement), so they are
 * unique whatever other connections do; SQLite gives max(id) + 1 .. +n,
 * the ids its own INSERTs would take, which the transaction's write lock
 * keeps free until commit.  Errors: store errors. */
sj_rc store_ids_next(store *s, const char *table, size_t n, int64_t *ids, sj_err *e);

/* Tune the connection for a bulk load: on SQLite a page cache of
 * cache_mib MiB (PRAGMA cache_size; cache_mib > 0), temp tables in memory
 * and no memory-mapped reads (mmap_size 0: mapped pages of the file count
 * in the process's resident memory, issue 5's bound); on PostgreSQL (whose buffers are the server's) a work_mem of
 * cache_mib MiB for this session, so that the sorts of a batch
 * (store_keys_load) run in memory instead of spilling to temporary files
 * at the default 4 MB, and no hash or merge joins (enable_hashjoin,
 * enable_mergejoin off): every join of an import goes from a batch's key
 * table into an index, and the planner, which expects few matches and
 * costs each index probe as a random read, otherwise hashed the whole
 * scan table for each batch's pairs (O(table) a batch: 1.27 s against
 * 0.47 s for 250,000 pairs at 2 M scans; bench/RESULTS.md "PostgreSQL bulk
 * import: index joins, a short first batch").  They last until store_bulk_untune
 * (or the connection's end); the settings before the first tune are kept
 * in s for it.  On SQLite call it outside a transaction (temp_store
 * cannot change inside one).  Errors: store errors. */
sj_rc store_bulk_tune(store *s, int cache_mib, sj_err *e);

/* Undo store_bulk_tune: on SQLite the cache_size, temp_store and
 * mmap_size the connection had before it (a smaller cache_size frees the cached pages
 * above it at once), on PostgreSQL the session's default work_mem (RESET).
 * Nothing when s is not tuned.  Outside a transaction, as the tune.
 * Errors: store errors (s stays tuned). */
sj_rc store_bulk_untune(store *s, sj_err *e);

/* Free the pages of s's page cache that are clean and in no use (SQLite:
 * PRAGMA shrink_memory; PostgreSQL, whose buffers are the server's:
 * nothing): a bulk load does this before it needs the memory for
 * something else (scan_import: a batch's sort).  Inside a transaction
 * too; dirty pages stay.  Errors: store errors. */
sj_rc store_cache_release(store *s, sj_err *e);

/* Bytes the in-process SQLite library holds on the C heap now, in every
 * connection of the process together: page caches, statements, schemas
 * (sqlite3_memory_used).  For /metrics (issue 10 soak): a page cache
 * fills up to cache_size a connection and then stays.  Thread-safe. */
int64_t store_sqlite_heap_bytes(void);

/* ---- keys of a set-based look-up -------------------------------------------- */

/* The connection's temporary table of look-up keys, for joins that read
 * what a whole batch needs in one statement instead of one per row (bulk
 * import: domain/scan_import.c):
 *     bulk_key (k1 BIGINT NOT NULL, k2 BIGINT NOT NULL)
 * It lives in the connection's temporary schema (SQLite's temp database,
 * PostgreSQL's pg_temp), never in the data, and holds only what the last
 * store_keys_load put there. */
#define STORE_KEYS_TABLE "bulk_key"

/* One row of bulk_key. */
typedef struct store_key {
	int64_t k1, k2;
} store_key;

/* Replace the rows of bulk_key with keys[0..n-1] (made first if the
 * connection has none), inside the caller's open transaction (asserted):
 * PostgreSQL empties it with TRUNCATE and fills it with COPY, SQLite with
 * DELETE and batched INSERTs (store_bulk_*).  Duplicates are kept as
 * given.  Errors: store errors (the transaction is then spoiled). */
sj_rc store_keys_load(store *s, const store_key *keys, size_t n, sj_err *e);

#endif
