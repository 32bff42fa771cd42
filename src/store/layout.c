/*
 * layout — the Citus layout of every table (layout.h; the reasons are in
 * docs/scale-out.md "Citus layout").
 *
 * Scans and stays, when they come (issue 2, checkpoint module), are the
 * large tables: distributed by place_id, with place_id first in their
 * primary keys, co-located, so that deriving stays from scans never leaves
 * a shard.  Everything a scan is checked against (places, checkpoints,
 * people, passes, place codes, users) is a reference table.  The rest is
 * written at human pace and stays on the coordinator.
 */
#include "store/layout.h"

#include <stddef.h>
#include <string.h>

#define REF(t)     { t, LAYOUT_REFERENCE, NULL }
#define LOCAL(t)   { t, LAYOUT_LOCAL, NULL }
#define DIST(t, c) { t, LAYOUT_DISTRIBUTED, c }

const store_table_layout store_layout[] = {
	/* 0001_org: the organisation and the people in it. */
	REF("region"), REF("unit"), REF("place"), REF("checkpoint"), REF("household"),
	REF("person"), REF("person_tag"), REF("work_group"), REF("group_member"),
	REF("assignment"),
	/* 0002_auth: users are read by every request; sessions, tokens, sign-in
	 * attempts and the audit log are looked up by their own keys only. */
	REF("department"), REF("app_user"), REF("checkpoint_attendant"),
	LOCAL("session"), LOCAL("api_token"), LOCAL("login_attempt"), LOCAL("audit_event"),
	/* 0003_checkpoint: scans (with the stays they carry) and alerts are the
	 * large tables, sharded by place; id blocks, outsider registrations
	 * and the disinfection log are written at human pace (the counter
	 * once per write batch) and looked up by their own keys. */
	DIST("scan", "place_id"), DIST("alert", "place_id"), LOCAL("id_counter"), LOCAL("memo_epoch"),
	LOCAL("outsider_registration"), LOCAL("disinfection"),
	/* 0004_codes: what a scan is checked against. */
	REF("pass"), REF("place_code"),
	/* 0005_supply */
	LOCAL("supply_item"), LOCAL("supply_pack"), LOCAL("supply_site"), LOCAL("supply_stock"),
	LOCAL("supply_request"), LOCAL("supply_doc"), LOCAL("supply_line"), LOCAL("supply_move"),
	LOCAL("supply_balance"),
	/* 0006_request */
	LOCAL("service"), LOCAL("service_attribute"), LOCAL("service_attribute_value"),
	LOCAL("calendar_year"), LOCAL("calendar_day"), LOCAL("service_request"),
	LOCAL("request_attribute"), LOCAL("referral"), LOCAL("request_update"),
	/* 0007_visit */
	LOCAL("visit"), LOCAL("visit_visitor"), LOCAL("need"), LOCAL("household_note"),
	LOCAL("checklist"), LOCAL("checklist_item"), LOCAL("inspection"),
	LOCAL("inspection_inspector"), LOCAL("inspection_result"), LOCAL("finding"),
	LOCAL("recheck"),
	/* 0008_workplan */
	LOCAL("task_line"), LOCAL("work_plan"), LOCAL("plan_version"), LOCAL("plan_version_task"),
	LOCAL("meeting"), LOCAL("meeting_attendee"), LOCAL("meeting_decision"), LOCAL("task"),
	LOCAL("task_unit"), LOCAL("task_note"), LOCAL("task_link"), LOCAL("party_branch"),
	LOCAL("branch_member"),
	/* 0010_resumption */
	LOCAL("resumption_report"), LOCAL("resumption_blocker"),
	/* 0014_import: which person / checkpoint stands for an outside id */
	REF("import_ref"),
	{ NULL, 0, NULL },
};

const store_table_layout *
store_layout_find(const char *table)
{
	for (const store_table_layout *t = store_layout; t->table; t++)
		if (strcmp(t->table, table) == 0)
			return t;
	return NULL;
}

const char *
store_layout_kind_name(store_layout_kind kind)
{
	switch (kind) {
	case LAYOUT_LOCAL: return "local";
	case LAYOUT_REFERENCE: return "reference";
	case LAYOUT_DISTRIBUTED: return "distributed";
	}
	return "?";
}
