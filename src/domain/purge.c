/*
 * purge — the retention purge (purge.h).
 *
 * Invariants:
 * - every statement compares a row's own instant (or date) with the
 *   cut-off of its class at the run's one `now`, so a row is deleted iff a
 *   reader at that `now` no longer sees it (the read paths use the same
 *   cut-offs, domain/retention.h);
 * - the person statement lists every table that names a person by a
 *   foreign key without ON DELETE CASCADE (test_purge.c compares the list
 *   with the SQLite schema), so a person still named anywhere stays, and
 *   the foreign keys would refuse the delete anyway;
 * - a place's transaction that deleted scans takes one scan id, as every
 *   transaction that adds, changes or deletes scans does: the scan
 *   writer's memos (writer.c people_memo_check) and the import's overlap
 *   (scan_import.c handoff) see another writer's scans from the counter.
 */
#include "domain/purge.h"

#include <assert.h>
#include <string.h>

#include "domain/scan.h"

enum {
	Q_PLACES, Q_SCAN, Q_ALERT, Q_OUTSIDER, Q_NOTE,
	Q_REQ_ATTRIBUTE, Q_REQ_UPDATE, Q_REFERRAL, Q_BLOCKER, Q_TASK_LINK, Q_NEED_UNLINK,
	Q_DUPLICATE_UNLINK, Q_REQUEST, Q_PERSON,
};

/* The finished service requests that have expired at cut-off ?1
 * (retention.h, RETENTION_REQUEST; request_int.h REQUEST_LIVE is its
 * negation). */
#define EXPIRED_REQUEST \
	"status NOT IN ('submitted', 'accepted', 'referred', 'in_progress', 'replied')" \
	" AND status_at < ?1"
#define EXPIRED_REQUEST_IDS "(SELECT id FROM service_request WHERE " EXPIRED_REQUEST ")"

/* How many place ids one page of the place walk holds. */
#define PLACE_PAGE 256

static const char *const purge_sql[] = {
	[Q_PLACES] =
	"SELECT id FROM place WHERE id > ?1 ORDER BY id LIMIT ?2",
	[Q_SCAN] =
	"DELETE FROM scan WHERE place_id = ?1 AND at < ?2",
	[Q_ALERT] =
	"DELETE FROM alert WHERE place_id = ?1 AND at < ?2"
	" AND (scan_id IS NOT NULL OR person_id IS NOT NULL)",
	[Q_OUTSIDER] =
	"DELETE FROM outsider_registration WHERE valid_until < ?1",
	[Q_NOTE] =
	"DELETE FROM household_note WHERE visited_on < ?1",
	/* An expired request goes with its attributes, history, referrals,
	 * the resumption blockers and task links that name it; a need it came
	 * from and a request marked a duplicate of it forget it.  Keep in
	 * step with the schema's references to service_request
	 * (test_purge.c). */
	[Q_REQ_ATTRIBUTE] =
	"DELETE FROM request_attribute WHERE request_id IN " EXPIRED_REQUEST_IDS,
	[Q_REQ_UPDATE] =
	"DELETE FROM request_update WHERE request_id IN " EXPIRED_REQUEST_IDS,
	[Q_REFERRAL] =
	"DELETE FROM referral WHERE request_id IN " EXPIRED_REQUEST_IDS,
	[Q_BLOCKER] =
	"DELETE FROM resumption_blocker WHERE request_id IN " EXPIRED_REQUEST_IDS,
	[Q_TASK_LINK] =
	"DELETE FROM task_link WHERE record_type = 'service_request'"
	" AND record_id IN " EXPIRED_REQUEST_IDS,
	[Q_NEED_UNLINK] =
	"UPDATE need SET request_id = NULL WHERE request_id IN " EXPIRED_REQUEST_IDS,
	[Q_DUPLICATE_UNLINK] =
	"UPDATE service_request SET duplicate_of = NULL WHERE duplicate_of IN " EXPIRED_REQUEST_IDS,
	[Q_REQUEST] =
	"DELETE FROM service_request WHERE " EXPIRED_REQUEST,
	/* Tables naming a person (no cascade): keep in step with the schema. */
	[Q_PERSON] =
	"DELETE FROM person WHERE household_id IS NULL AND unit_id IS NULL AND created_at < ?1"
	" AND NOT EXISTS (SELECT 1 FROM scan x WHERE x.person_id = person.id)"
	" AND NOT EXISTS (SELECT 1 FROM alert x WHERE x.person_id = person.id)"
	" AND NOT EXISTS (SELECT 1 FROM outsider_registration x WHERE x.person_id = person.id)"
	" AND NOT EXISTS (SELECT 1 FROM pass x WHERE x.person_id = person.id)"
	" AND NOT EXISTS (SELECT 1 FROM service_request x WHERE x.person_id = person.id)",
};

static const char *const table_names[PURGE__N] = {
	[PURGE_SCAN] = "scan",
	[PURGE_ALERT] = "alert",
	[PURGE_OUTSIDER] = "outsider_registration",
	[PURGE_HOUSEHOLD_NOTE] = "household_note",
	[PURGE_REQUEST_ATTRIBUTE] = "request_attribute",
	[PURGE_REQUEST_UPDATE] = "request_update",
	[PURGE_REFERRAL] = "referral",
	[PURGE_RESUMPTION_BLOCKER] = "resumption_blocker",
	[PURGE_TASK_LINK] = "task_link",
	[PURGE_SERVICE_REQUEST] = "service_request",
	[PURGE_PERSON] = "person",
};

const char *
purge_table_name(purge_table t)
{
	assert(t >= 0 && t < PURGE__N);
	return table_names[t];
}

/* Run statement q with ?1 = a (and ?2 = b when has_b), adding the rows it
 * deleted to *count. */
static sj_rc
run_delete(store *s, int q, int64_t a, int64_t b, bool has_b, int64_t *count, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, purge_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, a);
	if (has_b)
		store_bind_int(st, 2, b);
	if ((rc = store_run(st, e)) == SJ_OK)
		*count += store_changes(s);
	return rc;
}

/* Up to PLACE_PAGE place ids above after, into ids; *n how many. */
static sj_rc
place_page(store *s, int64_t after, int64_t *ids, int *n, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*n = 0;
	if ((rc = store_prepare(s, purge_sql[Q_PLACES], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, after);
	store_bind_int(st, 2, PLACE_PAGE);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		ids[(*n)++] = store_col_int(st, 0);
	store_reset(st);
	return rc;
}

/* One place's expired scans and scan alerts, in one transaction (a
 * savepoint inside a dry run's transaction).  When it deleted scans, it
 * takes one scan id last (see the invariants): once a transaction, not
 * once a row as a trigger on scan would (which more than doubled the CPU
 * of the scans' delete, bench/purge_trigger.sh), and just before the
 * commit, so that on PostgreSQL the counter's row is not held while the
 * alerts are deleted. */
static sj_rc
purge_place(store *s, int64_t place_id, purge_report *r, sj_err *e)
{
	int64_t cut = r->cutoff[RETENTION_SCAN], scans = r->rows[PURGE_SCAN], id;
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = run_delete(s, Q_SCAN, place_id, cut, true, &r->rows[PURGE_SCAN], e)) != SJ_OK ||
	    (rc = run_delete(s, Q_ALERT, place_id, cut, true, &r->rows[PURGE_ALERT], e)) != SJ_OK ||
	    (r->rows[PURGE_SCAN] > scans &&
	    (rc = scan_ids_reserve(s, "scan", 1, &id, e)) != SJ_OK)) {
		store_rollback(s);
		return sj_err_prefix(e, "purge of place %lld: ", (long long)place_id);
	}
	return store_commit(s, e);
}

/* The expired service requests and the rows that name them (the
 * statements Q_REQ_ATTRIBUTE .. Q_REQUEST in order, each with the request
 * cut-off), inside purge_rest's transaction. */
static sj_rc
purge_requests(store *s, purge_report *r, sj_err *e)
{
	static const struct {
		int q;
		int table;   /* purge_table counted, -1: an update, not counted */
	} steps[] = {
		{ Q_REQ_ATTRIBUTE, PURGE_REQUEST_ATTRIBUTE }, { Q_REQ_UPDATE, PURGE_REQUEST_UPDATE },
		{ Q_REFERRAL, PURGE_REFERRAL }, { Q_BLOCKER, PURGE_RESUMPTION_BLOCKER },
		{ Q_TASK_LINK, PURGE_TASK_LINK }, { Q_NEED_UNLINK, -1 }, { Q_DUPLICATE_UNLINK, -1 },
		{ Q_REQUEST, PURGE_SERVICE_REQUEST },
	};
	int64_t cut = r->cutoff[RETENTION_REQUEST], unlinked = 0;
	sj_rc rc = SJ_OK;

	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == SJ_OK; i++)
		rc = run_delete(s, steps[i].q, cut, 0, false,
		    steps[i].table < 0 ? &unlinked : &r->rows[steps[i].table], e);
	return rc;
}

/* Outsider registrations, household notes, service requests, then the
 * people left without a basis, in one transaction. */
static sj_rc
purge_rest(store *s, purge_report *r, sj_err *e)
{
	sj_date note_day = retention_cutoff_date(RETENTION_VISIT_NOTE, r->now);
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = run_delete(s, Q_OUTSIDER, r->cutoff[RETENTION_OUTSIDER], 0, false,
	    &r->rows[PURGE_OUTSIDER], e)) != SJ_OK ||
	    (rc = run_delete(s, Q_NOTE, note_day, 0, false, &r->rows[PURGE_HOUSEHOLD_NOTE], e))
	    != SJ_OK ||
	    (rc = purge_requests(s, r, e)) != SJ_OK ||
	    (rc = run_delete(s, Q_PERSON, r->cutoff[RETENTION_SCAN], 0, false,
	    &r->rows[PURGE_PERSON], e)) != SJ_OK) {
		store_rollback(s);
		return sj_err_prefix(e, "purge: ");
	}
	return store_commit(s, e);
}

sj_rc
purge_run(store *s, int64_t now, bool dry_run, purge_report *out, sj_err *e)
{
	int64_t ids[PLACE_PAGE], after = 0;
	int n = PLACE_PAGE;
	sj_rc rc;

	assert(store_tx_depth(s) == 0);
	memset(out, 0, sizeof *out);
	out->now = now;
	out->dry_run = dry_run;
	for (int k = 0; k < RETENTION__N; k++)
		out->cutoff[k] = retention_cutoff((retention_class)k, now);
	/* A dry run: everything below inside one transaction, rolled back. */
	if (dry_run && (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	rc = SJ_OK;
	while (rc == SJ_OK && n == PLACE_PAGE) {
		if ((rc = place_page(s, after, ids, &n, e)) != SJ_OK)
			break;
		for (int i = 0; i < n && rc == SJ_OK; i++)
			rc = purge_place(s, ids[i], out, e);
		if (n > 0)
			after = ids[n - 1];
	}
	if (rc == SJ_OK)
		rc = purge_rest(s, out, e);
	if (dry_run)
		store_rollback(s);
	return rc;
}
