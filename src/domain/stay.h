/*
 * stay — presence intervals derived from scans (DESIGN.md §4 "Scans and
 * stays", "Time"; issue 5 "Stays").
 *
 * A stay is one person's presence at one place, the half-open interval
 * [entry_at, exit_at) in seconds since the epoch.  It is derived from the
 * person's scans at that place:
 *   - an entry opens a stay; an exit closes the stay it follows;
 *   - a repeated entry within the re-entry window (setting reentry-window,
 *     default 10 min) of an open stay's entry is the same stay, not a new
 *     one;
 *   - a stay whose exit never comes is closed at its entry plus the
 *     place's default stay length (or at the person's next entry there, if
 *     that is earlier) and flagged "exit not recorded"; so is every stay at
 *     a place that records entries only;
 *   - an exit before the entry of the stay it would close is refused;
 *   - an overnight (or longer) stay is valid: an exit closes the open stay
 *     however late it comes.
 *
 * Storage (schema/sqlite/0003_checkpoint.sql): a stay is not a row of its
 * own but the entry scan that opened it, which carries the stay's length
 * and whether its exit was recorded; the view `stay` shows them as
 * intervals.  The end is materialised when the stay is written (entry +
 * default, then the recorded exit or the next entry), never computed from
 * the clock at read time, so [entry_at, exit_at) is always a plain column
 * pair and tracing reads intervals straight from an index range.  A stay
 * whose end lies in the future and whose exit is not recorded is "open".
 *
 * The derivation itself is the pure function stay_plan() over the person's
 * earlier stays at the place; scan.c reads them and applies the plan.
 */
#ifndef SJ_STAY_H
#define SJ_STAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

/* The default re-entry window in seconds (setting reentry-window). */
#define STAY_REENTRY_DEFAULT 600

/* One stay as stay_plan sees it: the entry scan that opened it. */
typedef struct stay_span {
	int64_t id;          /* the opening entry scan's id (the stay's id) */
	int64_t entry_at;    /* seconds since the epoch */
	int64_t exit_at;     /* the interval's end: > entry_at */
	bool exit_recorded;  /* an exit scan closed it (else the end is the default or the next entry) */
} stay_span;

/* What a new scan does to the stays. */
typedef enum stay_action {
	STAY_NONE = 0,    /* part of no stay: a denied entry, or an exit with no stay to close */
	STAY_OPENED = 1,  /* this entry opened a new stay_row */
	STAY_SAME = 2,    /* a repeated entry or exit of an existing stay; nothing changes,
	                   * except that an entry just before a stay moves its start earlier */
	STAY_CLOSED = 3,  /* this exit closed an open stay_row */
} stay_action;

/* An update of an existing stay row that a plan asks for. */
typedef struct stay_change {
	int64_t id;          /* the stay (its opening scan) */
	int64_t exit_at;     /* its new end */
	bool exit_recorded;  /* its new flag */
	bool demote;         /* the row stops opening a stay (the new scan opens it instead) */
} stay_change;

/* The outcome of stay_plan. */
typedef struct stay_plan_out {
	stay_action action;
	int64_t stay_id;        /* the stay joined or closed (STAY_SAME, STAY_CLOSED); 0 for
	                         * STAY_OPENED (the new scan is the stay) and STAY_NONE */
	/* For a scan that opens a stay (STAY_OPENED, or STAY_SAME with moved start): */
	bool opens;             /* the new scan row opens a stay_row */
	int64_t exit_at;        /* ... and its end */
	bool exit_recorded;     /* ... and its flag */
	stay_change changes[2]; /* updates of existing stays, n_changes of them */
	int n_changes;
} stay_plan_out;

/* The rules the plan applies at one place. */
typedef struct stay_rules {
	int64_t default_stay_s;  /* the place's default stay length, > 0 */
	int64_t reentry_s;       /* the re-entry window, ≥ 0 */
	bool records_exits;      /* the place scans exits */
} stay_rules;

/*
 * Derive what a scan of direction exit (false: entry) at instant t does,
 * given the person's n existing stays at the place (any order; each with
 * entry_at < exit_at, none overlapping).  Let P be the stay with the
 * latest entry_at ≤ t, N the one with the earliest entry_at > t, and L the
 * one with the latest entry_at of all.
 *
 * Entry at t:
 *   - P exists and t is inside it — before its recorded exit, or, when its
 *     exit is not recorded, within reentry_s of its entry: STAY_SAME P;
 *   - else N exists with N.entry_at − t ≤ reentry_s: STAY_SAME N, the new
 *     scan becomes N's opening scan (N's row is demoted; the new one opens
 *     [t, N.exit_at) with N's flag);
 *   - else STAY_OPENED [t, min(t + default_stay_s, N.entry_at)), exit not
 *     recorded; and when P's exit is not recorded and P.exit_at > t, P is
 *     cut to end at t (the person came in again without an exit scan).
 * Exit at t:
 *   - the place records entries only: SJ_EINVAL (field "direction");
 *   - P exists, exit not recorded: STAY_CLOSED P, ending at t, recorded;
 *   - else L exists with its exit not recorded and t < L.entry_at: the exit
 *     is before the entry of the open stay: SJ_EINVAL (field "time");
 *   - else P exists (exit recorded) and t ≤ P.exit_at + reentry_s: a
 *     repeated exit, STAY_SAME P;
 *   - else STAY_NONE (the entry was never scanned).
 * Returns SJ_OK with *out filled, or SJ_EINVAL as above (message names the
 * entry time, e.g. "exit at 09:30:00 is before the entry at 10:00:00 of
 * this person's open stay here").
 */
sj_rc stay_plan(const stay_span *stays, size_t n, bool exit, int64_t t, const stay_rules *rules,
    stay_plan_out *out, sj_err *e);

/* Seconds two half-open intervals [s1, e1) and [s2, e2) have in common:
 * max(0, min(e1, e2) − max(s1, s2)) (DESIGN.md §4). */
int64_t stay_overlap(int64_t s1, int64_t e1, int64_t s2, int64_t e2);

/* ---- announcing changed stays ----------------------------------------------- */

/* What an announcement line says about one stay (stay_announce). */
typedef struct stay_news {
	bool gone;           /* the stay no longer exists (its start moved to another scan) */
	int64_t person_id, place_id;
	int64_t entry_at;    /* seconds since the epoch: with person and place, the stay's key */
	int64_t exit_at;     /* its end now (not for gone) */
} stay_news;

/* Announce, in s's open transaction (store_publish: received after commit
 * by whoever keeps a copy of the stays, such as the trace index of every
 * server process), that person_id's stay at place_id entering at entry_at
 * now ends at exit_at ("stay P L E X"), or with gone set that it no longer
 * exists ("stay- P L E").  Errors: the store's. */
sj_rc stay_announce(store *s, const stay_news *n, sj_err *e);

/* Parse an announcement line into *out.  Returns false for a line that is
 * not a stay announcement (or is malformed). */
bool stay_news_parse(const char *line, stay_news *out);

/* ---- reading stays --------------------------------------------------------- */

#define STAY_LIST_MAX 500

typedef struct stay_row {
	int64_t id;          /* the opening entry scan's id */
	int64_t place_id;
	int64_t checkpoint_id;  /* where the entry was scanned */
	int64_t person_id;
	int64_t entry_at;
	int64_t exit_at;     /* end of [entry_at, exit_at) */
	bool exit_recorded;  /* false: closed at the default length or the next entry
	                      * ("exit not recorded") */
	bool open;           /* exit not recorded and exit_at still in the future (at `now`) */
	const char *person_name;  /* masked, in the arena */
} stay_row;

typedef struct stay_filter {
	int64_t place_id;    /* 0: every place in scope */
	int64_t unit_id;     /* 0: every unit in scope */
	int64_t person_id;   /* 0: everyone */
	int64_t from, to;    /* stays overlapping [from, to); 0 = unbounded */
	int64_t before_id;   /* cursor: stays with a smaller id; 0 = from the newest */
	int limit;           /* 1..STAY_LIST_MAX; 0 means 50 */
	int64_t now;         /* the instant `open` is judged at; 0 = the clock */
} stay_filter;

typedef struct stay_page {
	stay_row *stays;         /* arena array, newest (highest id) first */
	size_t n_stays;
	bool has_more;
	int64_t next_before_id;  /* when has_more: before_id of the next page */
} stay_page;

/* One page of the stays the scope may see (their place's unit in scope; a
 * checkpoint attendant: stays entered at a checkpoint they attend), narrowed by f, newest first (by id; ties cannot occur).  Errors:
 * SJ_EINVAL ("limit", "to" before "from", "place" when more than
 * SCAN_LIST_PLACES places would be searched without a person filter);
 * SJ_ENOTFOUND ("place", "unit") for a place or unit out of scope; store
 * errors. */
sj_rc stay_list(store *s, const scope *sc, arena *a, const stay_filter *f, stay_page *out,
    sj_err *e);

#endif
