/*
 * jerror — jansson's parse errors in words for the people who sent the
 * text: the HTTP body (server.c), NDJSON ledger lines (jimport.c) and the
 * calendar upload (api_request.c) quote them in their problems.
 */
#ifndef SJ_JERROR_H
#define SJ_JERROR_H

#include <jansson.h>

/* The reason of a failed json_load* as a reader can act on it: jansson's
 * own text ("'[' or '{' expected near 'x'", "invalid Unicode '\uD800'",
 * "real number overflow near '1e309'", ...), except where that names a
 * jansson flag instead of the fault: a \u0000 escape (a NUL character,
 * which no field of sijin holds; RFC 8259 allows it, jansson refuses it
 * unless JSON_ALLOW_NUL) reads "\u0000 (a NUL character) is not allowed
 * in text".  The string is jerr's or static; never NULL. */
const char *jerror_text(const json_error_t *jerr);

#endif
