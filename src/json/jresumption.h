/*
 * jresumption — the JSON forms of work-resumption reports, rates and
 * trends (domain/resumption.h), shared by the HTTP API and the command
 * line (its --json output, and `resumption report`, which builds the same
 * body from its flags and reads it here), so both show and take one shape.
 *
 * Output: every function returns a new jansson reference the caller owns
 * (json_decref).  Local dates "YYYY-MM-DD"; values not stated are null.
 * A rate states its fractions (numerator and denominator), never only a
 * rounded percentage.
 *
 * Input: unknown members are refused, every type is checked, strings must
 * be valid UTF-8; rules about values are the domain's.  Errors: SJ_EINVAL
 * naming the member.
 */
#ifndef SJ_JRESUMPTION_H
#define SJ_JRESUMPTION_H

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/resumption.h"

json_t *jresumption_report(const resumption_report *r);

/* {date, units, reporting, resumed, partial, not_resumed, resumed_rate:
 * {numerator, denominator}, partial_rate: {...}, staff_return_rate:
 * {numerator: on site, denominator: total, reports}}. */
json_t *jresumption_rate(const resumption_rate *r);

/* The body of a new report: report_date, status, staff_on_site,
 * staff_total, capacity_pct, note, blocker_ids.  unit_id is the caller's
 * (from the path); *out is reset first (numbers to RESUMPTION_NONE). */
sj_rc jresumption_read_report(const json_t *obj, arena *a, int64_t unit_id,
    resumption_input *out, sj_err *e);

#endif
