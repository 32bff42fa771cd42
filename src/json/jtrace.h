/*
 * jtrace — the JSON form of a trace (domain/trace.h), shared by
 * `sijin trace --json` and the API.  Instants are RFC 3339 with the
 * deployment's offset; durations in seconds.
 */
#ifndef SJ_JTRACE_H
#define SJ_JTRACE_H

#include <jansson.h>

#include "domain/trace.h"

/* {"params": {...}, "own_stays": [...], "contacts": [...], "n_first",
 * "n_second"}; a new reference. */
json_t *jtrace_result(const trace_result *r);

#endif
