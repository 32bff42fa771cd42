/*
 * purge — delete the expired rows of every retention class (DESIGN.md §4
 * "Retention", §5 `sijin purge`; issue 10; docs/retention.md).
 *
 * What is deleted, at one instant `now` for the whole run, with the
 * cut-offs of domain/retention.h (a row at exactly the cut-off stays):
 *   scan                   at < cutoff(scan)
 *   alert                  at < cutoff(scan), for alerts raised by a scan
 *                          or naming a person (an overdue-disinfection alert
 *                          holds no personal data and stays)
 *   outsider_registration  valid_until < cutoff(outsider)
 *   household_note         visited_on < cutoff date(visit-note)
 *   service_request        finished (resolved, rejected, duplicate,
 *                          closed) and status_at < cutoff(request); with
 *                          it its request_attribute, request_update,
 *                          referral rows, the resumption_blocker and
 *                          task_link rows naming it; a need it came from
 *                          and a request marked a duplicate of it keep no
 *                          link to it (request_id, duplicate_of := NULL)
 *   person                 a record with no basis left: no household, no
 *                          unit, created before cutoff(scan), and named by
 *                          no row of any table that refers to a person
 *                          (scan, alert, outsider_registration, pass,
 *                          service_request; tests/unit/test_purge.c checks
 *                          the list against the schema's foreign keys)
 * Each row is judged by its own instant only, so a newer row of the same
 * person (a later scan, a registration still valid) is never deleted with
 * an expired one.  Person tags go with their person (ON DELETE CASCADE).
 *
 * Scans and alerts are deleted one place at a time, each place in its own
 * transaction (the distribution key; a district's daily purge of ~5 M scans
 * then never holds the single SQLite writer for long); the other tables
 * follow in one transaction.  A dry run runs the same statements inside one
 * transaction that it rolls back, so it reports exactly the counts a real
 * run at the same `now` would, and changes nothing.
 */
#ifndef SJ_PURGE_H
#define SJ_PURGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/retention.h"
#include "store/store.h"

/* The tables purge_run deletes from, in the order it does. */
typedef enum purge_table {
	PURGE_SCAN,
	PURGE_ALERT,
	PURGE_OUTSIDER,
	PURGE_HOUSEHOLD_NOTE,
	PURGE_REQUEST_ATTRIBUTE,
	PURGE_REQUEST_UPDATE,
	PURGE_REFERRAL,
	PURGE_RESUMPTION_BLOCKER,
	PURGE_TASK_LINK,
	PURGE_SERVICE_REQUEST,
	PURGE_PERSON,
	PURGE__N
} purge_table;

/* The outcome of one run. */
typedef struct purge_report {
	int64_t now;                 /* the instant the cut-offs count from */
	bool dry_run;                /* nothing was deleted */
	int64_t rows[PURGE__N];      /* rows deleted (or that would be), per table */
	int64_t cutoff[RETENTION__N];/* retention_cutoff(class, now), seconds */
} purge_report;

/* The table's name in the schema and in reports: "scan", "alert",
 * "outsider_registration", "household_note", "request_attribute",
 * "request_update", "referral", "resumption_blocker", "task_link",
 * "service_request", "person". */
const char *purge_table_name(purge_table t);

/* Delete (dry_run false) or count (dry_run true) the expired rows as the
 * file comment says, at instant now (seconds since the epoch; the CLI and
 * the server's daily job pass dt_now()).  s must have no transaction open:
 * the run makes its own.  Fills *out (zeroed first) on success and on
 * failure with what was done before it; a failure stops the run, the
 * places already purged stay purged (each one whole), nothing of the
 * failing step is kept.  Each place's transaction that deleted scans
 * takes one id of the scan counter (as every writer of scans does:
 * scan_ids_reserve), so that the scan writer's memos see the deletion.
 *
 * Errors: the store's (SJ_EDB, SJ_EBUSY, SJ_EUNAVAIL when the disk is full
 * or the store read-only), message prefixed with the table. */
sj_rc purge_run(store *s, int64_t now, bool dry_run, purge_report *out, sj_err *e);

#endif
