/*
 * jreport — the daily report's figures as JSON (shared by the API's
 * format=json and `sijin report daily --format json`).  The shape is
 * documented in api/openapi.json (DailyReport) and docs/reports.md.
 */
#ifndef SJ_JREPORT_H
#define SJ_JREPORT_H

#include <jansson.h>

#include "core/arena.h"
#include "domain/report.h"

/* The figures of r with the brief (made in a); a new reference. */
json_t *jreport_daily(const report_daily *r, arena *a);

#endif
