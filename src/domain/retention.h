/*
 * retention — how long each class of personal data is kept, and the
 * cut-off that every read path and the purge compare rows against.
 *
 * DESIGN.md §4 "Retention": scan and stay records and the other personal
 * data classes expire after a configurable period (default 28 days);
 * expired rows are invisible to every read path at once and are purged by
 * a job (`sijin purge`, DESIGN.md §5; issue 10).  docs/retention.md lists
 * every table of each class and the instant its age counts from.
 *
 * One rule for all classes, so that readers and the purge agree to the
 * second: a row whose instant t (seconds since the epoch) satisfies
 *     t < retention_cutoff(class, now)
 * has expired; t >= cut-off is kept.  A row that carries a local date d
 * instead of an instant (a visit date) has expired when the whole day d
 * lies before the cut-off instant:
 *     d < retention_cutoff_date(class, now).
 *
 * The periods are process-wide, set once at start-up from the settings
 * (retention_configure) before any thread starts, like the time zone
 * (core/datetime.h); until then every class keeps 28 days.
 */
#ifndef SJ_RETENTION_H
#define SJ_RETENTION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/datetime.h"

/* The data classes with a retention period of their own. */
typedef enum retention_class {
	/* Scans, the stays they carry (view `stay`) and the alerts raised by
	 * scans; age from the scan's / alert's `at`.  Setting retention-days. */
	RETENTION_SCAN,
	/* Outsider registrations (外来人员登记); age from valid_until, the
	 * end of the registration's use.  Setting retention-outsider-days. */
	RETENTION_OUTSIDER,
	/* Stored trace results (the people found, not the audit entry of a
	 * trace run, which stays with the audit log).  Setting
	 * retention-trace-days. */
	RETENTION_TRACE,
	/* Notes about a household written on a visit (household_note); age
	 * from the visit's local date.  Setting retention-visit-note-days. */
	RETENTION_VISIT_NOTE,
	/* Service requests (also served as Open311) that are finished —
	 * resolved, rejected, duplicate or closed — with their history,
	 * referrals and attributes; age from status_at, the instant the
	 * request reached that state (an open request never expires; one
	 * reopened is open again).  Setting retention-requests-days. */
	RETENTION_REQUEST,
	RETENTION__N
} retention_class;

/* The built-in period of every class, in days (DESIGN.md §4, §6). */
#define RETENTION_DEFAULT_DAYS 28

/* Set the periods from c: retention-days for RETENTION_SCAN, and each
 * other class's own setting, where 0 means "as retention-days".  Call once
 * at start-up, before threads start (not thread-safe). */
void retention_configure(const sj_config *c);

/* Set one class's period to days (1..3650, asserted); for tests. */
void retention_set(retention_class k, int days);

/* The period of class k, in days (>= 1). */
int retention_days(retention_class k);

/* The cut-off instant of class k at instant now (seconds since the epoch):
 * now − days × 86400.  Rows of the class whose instant lies before it have
 * expired; a row exactly at the cut-off is kept. */
int64_t retention_cutoff(retention_class k, int64_t now);

/* The first local date (days since 1970-01-01 in the deployment's zone)
 * whose rows are still kept: dt_date_of(retention_cutoff(k, now)).  Rows
 * dated d before it have expired: day d ends (dt_date_end(d)) at or before
 * the cut-off instant exactly when d < dt_date_of(cut-off), so a dated row
 * is kept until its whole day is older than the period. */
sj_date retention_cutoff_date(retention_class k, int64_t now);

/* The lower bound a read of class k at instant now must apply to a row's
 * instant: max(from, retention_cutoff(k, now)), where from = 0 means no
 * lower bound of the caller's own.  For queries that already filter
 * `t >= from`: binding this instead of from hides the expired rows. */
int64_t retention_from(retention_class k, int64_t now, int64_t from);

/* The class's name as in docs and purge reports: "scan", "outsider",
 * "trace", "visit-note", "request". */
const char *retention_class_name(retention_class k);

/* Whether a write made at instant now of a record of class k at instant
 * `at` (seconds since the epoch) must take a stored row of the class at
 * instant row_at into account — for the write paths' own look-ups
 * (duplicates, idempotency keys, the stay a scan joins): a stored row that
 * has expired does not exist for a live write, exactly as for a reader
 * (issue 10: "expired rows are invisible ... from the moment they
 * expire").  A write that is itself expired (at < cut-off: an import of old
 * records, invisible from the start) still sees every stored row, so that
 * importing the same old file again adds nothing.  True when
 * row_at >= retention_cutoff(k, now) or at < retention_cutoff(k, now). */
bool retention_write_sees(retention_class k, int64_t now, int64_t at, int64_t row_at);

#endif
