/*
 * disinfection — the disinfection log of each place (消毒记录; SCENARIO.md:
 * "at every prevention point: code-scan registration, temperature
 * measurement, disinfection — each link done, nothing relaxed"; issue 5
 * "Disinfection log").
 *
 * An entry says where (the place and an area of it, e.g. "大门岗亭"), with
 * what (the agent, e.g. "84消毒液", and its concentration as written,
 * e.g. "1:100" or "500 mg/L"), when, by whom, and when the next round is
 * due.  A place is overdue when the next-due instant of its latest entry
 * has passed; disinfection_check_overdue() raises one alert per overdue
 * round (the server runs it every minute; a second check finds the alert
 * already raised).  Entries are kept in the scope of the place's unit; a
 * checkpoint attendant reads and writes those of the places of the
 * checkpoints they attend (SCOPE_PLACE, domain/scope.h).
 */
#ifndef SJ_DISINFECTION_H
#define SJ_DISINFECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/alert.h"
#include "domain/scope.h"
#include "store/store.h"

#define DISINF_TEXT_MAX 100          /* characters of area, agent, concentration */
#define DISINF_NOTE_MAX 500
#define DISINF_LIST_MAX 500
#define DISINF_INTERVAL_DEFAULT (4 * 3600)  /* next due 4 h later unless said */
#define DISINF_INTERVAL_MAX (7 * 86400)
#define DISINF_STALE_S (7 * 86400)   /* rounds due longer ago than this raise no alert */

typedef struct disinfection {
	int64_t id;
	int64_t place_id;
	const char *area;           /* part of the place, e.g. "大门岗亭" */
	const char *agent;          /* e.g. "84消毒液" */
	const char *concentration;  /* as written, e.g. "1:100"; NULL when not given */
	int64_t at;                 /* when it was done, seconds since the epoch */
	int64_t next_due_at;        /* when the next round is due, > at */
	int64_t operator_id;        /* user; 0 = command line */
	const char *note;           /* NULL when none */
	const char *place_name;     /* filled on reads */
} disinfection;

/* Record a disinfection at instant now (in->at 0 = now; not in the future
 * beyond 5 min, nor more than 30 days back; next_due_at 0 = at +
 * DISINF_INTERVAL_DEFAULT, else after at and at most DISINF_INTERVAL_MAX
 * later).  The place must be in scope; a checkpoint attendant may record
 * only at the place of a checkpoint they attend.  Errors: SJ_EINVAL
 * ("area", "agent", "concentration", "note", "at", "next_due_at");
 * SJ_ENOTFOUND ("place"); store errors.  *id receives the new id. */
sj_rc disinfection_add(store *s, const scope *sc, const disinfection *in, int64_t now,
    int64_t *id, sj_err *e);

typedef struct disinfection_filter {
	int64_t place_id;           /* 0: every place in scope */
	int64_t unit_id;            /* 0: every unit in scope */
	int64_t from, to;           /* at in [from, to); 0 = unbounded */
	bool overdue;               /* only the latest entry of each place, when overdue at now */
	int64_t now;                /* for overdue; 0 = the clock */
	int64_t before_id;          /* cursor; 0 = newest first */
	int limit;                  /* 1..DISINF_LIST_MAX; 0 means 50 */
} disinfection_filter;

typedef struct disinfection_page {
	disinfection *items;
	size_t n_items;
	bool has_more;
	int64_t next_before_id;
} disinfection_page;

/* One page of log entries in scope, newest first.  Errors: SJ_EINVAL
 * ("limit", "to"); SJ_ENOTFOUND ("place", "unit") out of scope; store
 * errors. */
sj_rc disinfection_list(store *s, const scope *sc, arena *a, const disinfection_filter *f,
    disinfection_page *out, sj_err *e);

/* Raise an alert (reason disinfection_overdue) for every place whose latest
 * log entry's next_due_at ≤ now and which has no such alert at or after
 * that next_due_at yet, inside the caller's transaction (nested).  A round
 * due more than DISINF_STALE_S before now raises none: a log that stopped
 * a week ago belongs to a checkpoint that was closed (or went back to
 * paper), and the overdue list still shows it.  Up to
 * max alerts are written into out (may be NULL) for the caller to publish
 * after commit; *n receives how many were raised.  Errors: store errors. */
sj_rc disinfection_check_overdue(store *s, int64_t now, alert *out, size_t max, size_t *n,
    sj_err *e);

#endif
