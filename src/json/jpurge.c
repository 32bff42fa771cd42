/*
 * jpurge — JSON of a purge and the audited run (jpurge.h).
 */
#include "json/jpurge.h"

#include <stdlib.h>

#include "core/datetime.h"
#include "domain/audit.h"

json_t *
jpurge_report(const purge_report *r)
{
	char at[DT_RFC3339_LEN];
	json_t *j = json_object(), *cut = json_object(), *del = json_object();
	int64_t total = 0;

	dt_format_rfc3339(r->now, at);
	json_object_set_new(j, "now", json_string(at));
	json_object_set_new(j, "dry_run", json_boolean(r->dry_run));
	for (int k = 0; k < RETENTION__N; k++) {
		dt_format_rfc3339(r->cutoff[k], at);
		json_object_set_new(cut, retention_class_name((retention_class)k), json_string(at));
	}
	for (int t = 0; t < PURGE__N; t++) {
		json_object_set_new(del, purge_table_name((purge_table)t),
		    json_integer((json_int_t)r->rows[t]));
		total += r->rows[t];
	}
	json_object_set_new(j, "cutoffs", cut);
	json_object_set_new(j, "deleted", del);
	json_object_set_new(j, "total", json_integer((json_int_t)total));
	return j;
}

sj_rc
jpurge_run_audited(store *s, int64_t now, bool dry_run, const char *username,
    purge_report *r, sj_err *e)
{
	sj_err audit_e = {0};
	audit_event_input ev = { .username = username,
	    .action = dry_run ? "retention.purge_dry_run" : "retention.purge" };
	json_t *detail;
	char *text;
	sj_rc rc, arc;

	rc = purge_run(s, now, dry_run, r, e);
	detail = jpurge_report(r);
	if (rc != SJ_OK)
		json_object_set_new(detail, "error", json_string(e->msg));
	text = json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(detail);
	ev.detail = text;
	if ((arc = store_begin(s, &audit_e)) == SJ_OK &&
	    (arc = audit_record(s, &ev, NULL, &audit_e)) == SJ_OK)
		arc = store_commit(s, &audit_e);
	else if (arc != SJ_OK && store_tx_depth(s) > 0)
		store_rollback(s);
	free(text);
	if (rc == SJ_OK && arc != SJ_OK) {
		*e = audit_e;
		return arc;
	}
	return rc;
}
