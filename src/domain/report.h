/*
 * report — the daily report (日报) and its ledgers (台账) for a work
 * group, a unit or a region over one local day or a range of local days
 * (issue 9 "Reports and ledgers"; DESIGN.md §4 "Reports"; docs/reports.md).
 *
 * One rule makes the figures trustworthy: every figure is the count (or
 * the sum) of the rows that the module's own list function returns for
 * the same filter and the same scope — the report calls those functions
 * (scan_list, alert_list, outsider_list, disinfection_list,
 * inspection_list, finding_list, visit_list, supply_ledger_each,
 * request_list, resumption_rate_on) unit by unit, keeps the rows for the
 * ledgers and counts them.  So a figure equals the count of the list
 * view (GET /api/v1/...) with the same filter, and the scope is applied
 * in SQL by those functions: a report never counts a record outside the
 * caller's scope, whatever it was asked for.
 *
 * The units of a report: the units the caller's scope sees that match the
 * selection — one unit (--unit), the units assigned to a work group
 * (--group), or the units of a region and of every region under it
 * (--region).  A unit or group outside the scope is SJ_ENOTFOUND (HTTP
 * 404), exactly as if it did not exist.
 *
 * The day: local dates in the deployment's zone (docs/time.md); the range
 * [from, to] is the instants [dt_date_start(from), dt_date_end(to)).
 *
 * Voided records are out of every numerator and denominator: a service
 * request marked duplicate (merged into another) and a cancelled supply
 * request count nowhere.
 */
#ifndef SJ_REPORT_H
#define SJ_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/alert.h"
#include "domain/disinfection.h"
#include "domain/inspection.h"
#include "domain/outsider.h"
#include "domain/request.h"
#include "domain/resumption.h"
#include "domain/scan.h"
#include "domain/scope.h"
#include "domain/supply_ledger.h"
#include "domain/task_line.h"
#include "domain/visit.h"
#include "store/store.h"

#define REPORT_DAYS_MAX 366   /* longest range, days */

/* What a report covers: exactly one of group_id, unit_id, region_id. */
typedef struct report_selection {
	sj_date from, to;        /* local dates, inclusive; to ≥ from */
	int64_t group_id;
	int64_t unit_id;
	int64_t region_id;
	bool reveal;             /* ledgers with clear identity data (needs
	                          * PERM_PERSON_REVEAL and keys) */
} report_selection;

typedef struct report_unit {
	int64_t id;
	const char *name;
	const char *kind;        /* community, enterprise, project, village */
	int64_t site_id;         /* its supply site; 0 = none */
} report_unit;

/* A quantity of one item, in its base unit. */
typedef struct report_qty {
	int64_t item_id;
	const char *item_name;
	int64_t qty;             /* base units (pieces, bottles, ...) */
	const char *uom;         /* the base unit in Chinese ("瓶"); "" when unknown */
	const char *display;     /* qty in packs and base units ("6箱(240瓶)") */
	int64_t units;           /* delivered: how many units received some */
} report_qty;

/* Requests referred to one department. */
typedef struct report_department {
	int64_t id;
	const char *name;
	int64_t opened, resolved, overdue;
} report_department;

/* The identity shown beside a ledger row: masked, or clear when revealed.
 * Fields are "" when unknown. */
typedef struct report_person {
	const char *name;
	const char *id_number;
	const char *mobile;
} report_person;

/* The identity of person id (0 = none) as a ledger shows it, into *out
 * (strings in a): masked — masked_name (NULL: the person's name masked
 * with ident_name_mask, "张*") and the masked identity number and mobile — or, when reveal, the clear name, identity number and
 * mobile (person_reveal; keys needed).  A person outside the scope shows
 * masked_name only.  Used by every ledger with people in it (the report's,
 * trace_export.h).  Errors: those of person_get and person_reveal. */
sj_rc report_person_lookup(store *s, const crypt_keys *k, const scope *sc, arena *a, bool reveal,
    int64_t id, const char *masked_name, report_person *out, sj_err *e);

typedef struct report_scan {
	scan_row scan;
	const char *unit_name;
	report_person who;
} report_scan;

typedef struct report_outsider {
	outsider reg;
	const char *unit_name;
	report_person who;
} report_outsider;

typedef struct report_disinfection {
	disinfection log;
	const char *unit_name;
	bool overdue;            /* the place's latest round, overdue at the end */
} report_disinfection;

typedef struct report_move {
	supply_move move;        /* strings copied into the report's arena */
	const char *uom;         /* the item's base unit in Chinese; NULL when unknown */
	bool to_unit;            /* a distribution received at a unit's site */
} report_move;

typedef struct report_request {
	service_request req;
	bool opened, resolved, overdue;  /* which figures it counts in */
	const char *departments; /* "泰安市文化和旅游局、粥店街道办事处"; "" when none */
	const char *reply;       /* the latest department reply ("" when none) */
	const char *replied_by;  /* the department that gave it ("" when none) */
	int64_t replied_at;      /* its instant; 0 when none */
} report_request;

typedef struct report_daily {
	report_selection sel;
	const char *title;       /* the group's, unit's or region's name */
	const char *kind;        /* "group", "unit", "region" */
	int64_t start, end;      /* [start, end): the range in instants */
	report_unit *units;
	size_t n_units;

	/* registrations and alerts */
	int64_t scans, scans_in, scans_out;
	int64_t alerts, alerts_fever, alerts_denied, alerts_outsider;
	int64_t outsiders;       /* outsider registrations made in the range */
	/* disinfection */
	int64_t disinfections;   /* rounds done in the range */
	int64_t disinfection_overdue;  /* places overdue at the end of the range */
	/* inspections */
	int64_t inspections, findings;
	int64_t findings_overdue;      /* open findings past rectify_by on `to` */
	/* visits */
	int64_t visits, household_visits, needs;
	/* supplies */
	report_qty *received;    /* into the group's store (group reports), by item */
	size_t n_received;
	report_qty *delivered;   /* distributions received at the units' sites, by item */
	size_t n_delivered;
	int64_t units_supplied;  /* units that received a distribution */
	/* service requests */
	int64_t requests_opened, requests_resolved, requests_overdue;
	report_department *departments;  /* with at least one non-zero figure */
	size_t n_departments;
	/* by task line (issue 11; task_line.h): index task_line_index(code),
	 * the last slot (TASK_LINE_COUNT) for records with no task line */
	int64_t visits_by_line[TASK_LINE_COUNT + 1];
	int64_t needs_by_line[TASK_LINE_COUNT + 1];
	int64_t requests_opened_by_line[TASK_LINE_COUNT + 1];
	int64_t requests_resolved_by_line[TASK_LINE_COUNT + 1];
	/* work resumption on `to` */
	bool has_resumption;     /* false when the role may not read it */
	resumption_rate resumption;

	/* the ledgers' rows */
	report_scan *scan_rows;  /* by scan time, then id (the registrations ledger) */
	size_t n_scan_rows;
	alert *alert_rows;
	size_t n_alert_rows;
	report_outsider *outsider_rows;
	size_t n_outsider_rows;
	report_disinfection *disinfection_rows;
	size_t n_disinfection_rows;
	inspection *inspection_rows;
	size_t n_inspection_rows;
	finding *finding_rows;   /* found in the range, or overdue on `to` */
	size_t n_finding_rows;
	visit *visit_rows;
	size_t n_visit_rows;
	report_move *move_rows;
	size_t n_move_rows;
	report_request *request_rows;
	size_t n_request_rows;
	resumption_report *resumption_rows;  /* reports dated in the range */
	size_t n_resumption_rows;
} report_daily;

/*
 * Build the report of sel for scope sc into *out, everything in arena a.
 * now (seconds since the epoch) bounds "overdue" figures: they are judged
 * at min(now, end of the range).  keys are needed only for sel->reveal.
 * Errors, in the order checked:
 *   SJ_EFORBIDDEN  the role may not read reports (PERM_REPORT_READ), or
 *                  asked to reveal without PERM_PERSON_REVEAL;
 *   SJ_EINVAL      "group" (none, or more than one, of group, unit and
 *                  region given), "date" / "to" (out of range, to before
 *                  date, more than REPORT_DAYS_MAX days);
 *   SJ_ENOTFOUND   "unit", "group", "region": none in the caller's scope;
 *   errors of the list functions and the store.
 */
sj_rc report_daily_build(store *s, const crypt_keys *keys, const scope *sc, arena *a,
    const report_selection *sel, int64_t now, report_daily *out, sj_err *e);

/* ---- output (report_render.c) ------------------------------------------- */

typedef enum report_ledger {
	REPORT_LEDGER_REGISTRATIONS,
	REPORT_LEDGER_OUTSIDERS,
	REPORT_LEDGER_DISINFECTION,
	REPORT_LEDGER_INSPECTIONS,
	REPORT_LEDGER_VISITS,
	REPORT_LEDGER_SUPPLIES,
	REPORT_LEDGER_REQUESTS,
	REPORT_LEDGER_RESUMPTION,
	REPORT_LEDGER__COUNT
} report_ledger;

/* "registrations", "outsiders", "disinfection", "inspections", "visits",
 * "supplies", "requests", "resumption" as a report_ledger, or -1. */
int report_ledger_parse(const char *s);
const char *report_ledger_name(int ledger);

/* The brief (简报): a few sentences in Chinese made from the figures, the
 * kind of paragraph a work group sends upward.  In arena a. */
const char *report_brief(const report_daily *r, arena *a);

/* The report as plain text (figures, then the brief), in arena a. */
const char *report_text(const report_daily *r, arena *a);

/* The report as one HTML page (UTF-8, every string escaped), in arena a. */
const char *report_html(const report_daily *r, arena *a);

/* Write the ledgers to path: XLSX (sheet.h) with one worksheet per ledger
 * (ledger < 0) or the one given; CSV holds exactly one ledger (ledger <
 * 0 is SJ_EINVAL "ledger").  rows_per_sheet as sheet_open (0 = Excel's
 * limit).  *rows (may be NULL) receives the data rows written.  Errors:
 * SJ_EINVAL ("format", "ledger"); SJ_EIO ("out"); a failed export may
 * leave a partial file, which the caller removes. */
sj_rc report_ledgers_write(const report_daily *r, int format, int ledger, const char *path,
    uint32_t rows_per_sheet, int64_t *rows, sj_err *e);

#endif
