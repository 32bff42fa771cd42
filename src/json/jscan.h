/*
 * jscan — the JSON form of checkpoint records (scans, stays, alerts,
 * outsider registrations, disinfection log entries), shared by the HTTP API,
 * the command line's --json output and the server-sent alert feed.
 *
 * Every function returns a new reference the caller owns (json_decref).
 * Instants are RFC 3339 with the deployment's offset; temperatures are
 * decimal strings in °C ("36.8"), exactly as stored in tenths; reasons are
 * arrays of their stable names; personal data appears only masked.
 */
#ifndef SJ_JSCAN_H
#define SJ_JSCAN_H

#include <jansson.h>

#include "domain/alert.h"
#include "domain/disinfection.h"
#include "domain/outsider.h"
#include "domain/scan.h"
#include "domain/stay.h"

/* The answer to a scan:
 * {"id", "checkpoint_id", "place_id", "person": {"id", "name",
 *  "id_number_masked"}, "direction", "at", "temperature", "decision",
 *  "reasons", "source", "stay": null | {"action": "opened"|"same"|"closed",
 *  "id", "entry_at", "exit_at", "exit_recorded"}, "alert_id", "replayed"} */
json_t *jscan_result(const scan_result *r);

/* The same answer as text, exactly as json_dumps(jscan_result(r),
 * JSON_COMPACT | JSON_PRESERVE_ORDER) writes it (no NUL), into out of size
 * bytes; returns its length, or 0 when it does not fit or the name or
 * mask is not well-formed UTF-8 (jscan_result then gives NULL as well).
 * 4096 bytes always fit a valid answer (a name of SCAN_NAME_SIZE bytes,
 * all escaped, is < 2,500).  (src/json/jscan_text.c) */
size_t jscan_result_text(const scan_result *r, char *out, size_t size);

/* A scan of a list: {"id", "place_id", "checkpoint_id", "person": {"id",
 * "name"}, "direction", "at", "temperature", "decision", "reasons",
 * "source", "stay_action", "operator_id"}. */
json_t *jscan_row(const scan_row *s);

/* A stay: {"id", "place_id", "checkpoint_id", "person": {"id", "name"},
 * "entry_at", "exit_at", "exit_recorded", "exit_not_recorded", "open",
 * "duration_s"}. */
json_t *jscan_stay(const stay_row *s);

/* An alert: {"id", "place_id", "unit_id", "checkpoint_id", "scan_id",
 * "person": null | {"id", "name"}, "at", "reasons", "decision",
 * "temperature", "detail", "acknowledged": null | {"at", "by", "note"}}. */
json_t *jscan_alert(const alert *a);

/* An outsider registration: {"id", "unit_id", "person": {"id", "name",
 * "mobile_masked"}, "checkpoint_id", "from", "reason", "host",
 * "host_household_id", "valid_from", "valid_until", "registered_at",
 * "registered_by"}. */
json_t *jscan_outsider(const outsider *o);

/* A disinfection log entry: {"id", "place_id", "place_name", "area",
 * "agent", "concentration", "at", "next_due_at", "operator_id", "note"}. */
json_t *jscan_disinfection(const disinfection *d);

/* The reasons bit mask as an array of names. */
json_t *jscan_reasons(unsigned reasons);

/* A temperature in °C × 10 as "36.8", or null for 0. */
json_t *jscan_temperature(int t);

/* "none", "opened", "same", "closed". */
const char *jscan_stay_action(stay_action a);

#endif
