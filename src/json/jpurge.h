/*
 * jpurge — the JSON form of a retention purge (domain/purge.h), shared by
 * `sijin purge --json`, the audit detail of every purge and the server's
 * daily job; and the audited run both of them use.
 */
#ifndef SJ_JPURGE_H
#define SJ_JPURGE_H

#include <jansson.h>

#include "domain/purge.h"

/* {"now": RFC 3339, "dry_run": bool, "cutoffs": {"scan": RFC 3339,
 * "outsider": ..., "trace": ..., "visit-note": ...}, "deleted": {"scan": n,
 * "alert": n, "outsider_registration": n, "household_note": n,
 * "person": n}, "total": n}; a new reference. */
json_t *jpurge_report(const purge_report *r);

/* purge_run(s, now, dry_run, r, e), then an audit event (action
 * "retention.purge", or "retention.purge_dry_run"; username as given,
 * user_id 0 = none; detail = jpurge_report, plus "error" with the
 * message when the run failed) in a transaction of its own, whether the
 * run succeeded or not, so that every purge and every partial purge is on
 * record.  Returns the run's outcome, else the audit's error. */
sj_rc jpurge_run_audited(store *s, int64_t now, bool dry_run, const char *username,
    purge_report *r, sj_err *e);

#endif
