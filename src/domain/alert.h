/*
 * alert — what the work group must see at once (issue 5 "Screening
 * rules"): a fever at a gate, a denied exit of someone under home
 * quarantine, an unregistered outsider, a key-group member passing, an
 * overdue disinfection.  Every alert is a row of the alert table, listed
 * in scope and acknowledged with a note, and is also pushed to a live
 * feed that the server streams as server-sent events.
 *
 * An alert belongs to a place (its distribution key, DESIGN.md §6) and
 * carries the reasons (SCAN_R_* bits of domain/screening.h) of the scan
 * that raised it, or SCAN_R_DISINFECTION_OVERDUE.  Alerts are read through
 * the scope of their place's unit; a checkpoint attendant sees the alerts
 * of scans at the checkpoints they attend and the other alerts of those
 * checkpoints' places (SCOPE_CHECKPOINT, SCOPE_PLACE of domain/scope.h),
 * in the list, by id and in the live feed alike.
 *
 * The live feed is process-wide and in memory: the last ALERT_FEED_KEEP
 * alerts published by this process, each with a sequence number.  A
 * subscriber reads what is new since its last read and is woken by a
 * callback when something is published; nothing in it knows about HTTP.
 * Alerts made by another process (the command line) reach the list, not
 * the feed.
 */
#ifndef SJ_ALERT_H
#define SJ_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ident.h"
#include "domain/scope.h"
#include "store/store.h"

#define ALERT_NOTE_MAX 500       /* characters of an acknowledgement note */
#define ALERT_LIST_MAX 500
#define ALERT_FEED_KEEP 1024     /* alerts the live feed remembers */
#define ALERT_DETAIL_SIZE 160

typedef struct alert {
	int64_t id;
	int64_t place_id;
	int64_t unit_id;          /* the place's unit (for scope) */
	int64_t checkpoint_id;    /* 0: not from a scan */
	int64_t scan_id;          /* 0: not from a scan */
	int64_t person_id;        /* 0: none or unknown */
	int64_t at;               /* when it happened (the scan's time), seconds since the epoch */
	unsigned reasons;         /* SCAN_R_* bits */
	int decision;             /* the scan's scan_decision; 0 (pass) for a disinfection alert */
	int temperature;          /* °C × 10, 0 = none */
	char person_name[408];    /* masked, "" when none */
	char detail[ALERT_DETAIL_SIZE]; /* e.g. the masked identity number of an unknown person,
	                          * or "消毒已逾期: 大门" for a disinfection; "" when none */
	int64_t acked_at;         /* 0: not acknowledged */
	int64_t acked_by;         /* user id; 0 = command line */
	const char *ack_note;     /* NULL when not acknowledged (arena) */
} alert;

/* Insert a (the caller fills every field but id and the ack fields) in the
 * caller's transaction, with a new id from the `alert` counter, which is
 * set in a->id.  Errors: store errors. */
sj_rc alert_raise(store *s, alert *a, sj_err *e);

typedef struct alert_filter {
	int64_t place_id;         /* 0: every place in scope */
	int64_t unit_id;          /* 0: every unit in scope */
	int state;                /* 0 every alert, 1 only unacknowledged, 2 only acknowledged */
	int64_t from, to;         /* at in [from, to); 0 = unbounded */
	int64_t before_id;        /* cursor: alerts with a smaller id; 0 = from the newest */
	int limit;                /* 1..ALERT_LIST_MAX; 0 means 50 */
} alert_filter;

typedef struct alert_page {
	alert *alerts;            /* arena array, newest (highest id) first */
	size_t n_alerts;
	bool has_more;
	int64_t next_before_id;
} alert_page;

/* One page of the alerts in scope narrowed by f, newest first.  Errors:
 * SJ_EINVAL ("limit", "state", "to" before "from"); SJ_ENOTFOUND
 * ("place", "unit") out of scope; store errors. */
sj_rc alert_list(store *s, const scope *sc, arena *a, const alert_filter *f, alert_page *out,
    sj_err *e);

/* The alert with this id, if in scope.  Errors: SJ_ENOTFOUND ("alert"). */
sj_rc alert_get(store *s, const scope *sc, arena *a, int64_t id, alert *out, sj_err *e);

/* Acknowledge alert id at instant now by user_id (0 = command line) with
 * note (1..ALERT_NOTE_MAX characters, required: what was done).  An
 * acknowledged alert stays acknowledged: acknowledging again is
 * SJ_ECONFLICT ("alert", "was acknowledged at ...").  Errors: SJ_EINVAL
 * ("note"); SJ_ENOTFOUND ("alert") also out of scope; store errors. */
sj_rc alert_ack(store *s, const scope *sc, int64_t id, int64_t user_id, const char *note,
    int64_t now, sj_err *e);

/* The reasons of a as names joined into out ("fever,key_group"). */
void alert_reasons_text(unsigned reasons, char *out, size_t n);

/* ---- the live feed ----------------------------------------------------------- */

typedef struct alert_sub alert_sub;

/* Called with the feed's lock held, from the publishing thread, when
 * something new is published: it must only wake its reader (no feed
 * calls). */
typedef void (*alert_wake_fn)(void *cls);

/* Publish a committed alert to every subscriber (copies it). */
void alert_feed_publish(const alert *a);

/* Publish the stored alert id (read without scope): for a caller that
 * recorded a scan inside its own transaction (scan_record publishes only
 * after an outermost commit) and has now committed.  id 0 does nothing.
 * Errors: SJ_ENOTFOUND ("alert"); store errors. */
sj_rc alert_feed_publish_stored(store *s, int64_t id, sj_err *e);

/* What a subscriber sees, the same rule as the list's SQL: every alert
 * when all is true; else an alert whose unit is one of ids[ALERT_SEES_UNIT],
 * or, from a scan, whose checkpoint is one of ids[ALERT_SEES_CHECKPOINT],
 * or, not from a scan, whose place is one of ids[ALERT_SEES_PLACE]. */
enum { ALERT_SEES_UNIT, ALERT_SEES_CHECKPOINT, ALERT_SEES_PLACE, ALERT_SEES__COUNT };
typedef struct alert_feed_scope {
	bool all;
	int64_t *ids[ALERT_SEES__COUNT];   /* arena arrays, any order */
	size_t n[ALERT_SEES__COUNT];
} alert_feed_scope;

/* A new subscriber that sees, of the alerts published from now on, those
 * fs lets it see (fs is copied).  wake(cls) is called on each publish.
 * Free with alert_feed_unsubscribe, after which wake is never called
 * again. */
alert_sub *alert_feed_subscribe(const alert_feed_scope *fs, alert_wake_fn wake, void *cls);
void alert_feed_unsubscribe(alert_sub *sub);

/* Copy up to max alerts the subscriber has not read yet, oldest first,
 * into out; returns how many.  *missed (may be NULL) receives how many it
 * lost because the feed forgot them before it read. */
size_t alert_feed_read(alert_sub *sub, alert *out, size_t max, uint64_t *missed);

/* What the scope sees of the feed, for a subscription: out->all for a
 * global scope; the units in scope for leaders, members and unit
 * liaisons; a checkpoint attendant's checkpoints and their places.  The
 * arrays are in arena a.  Errors: store errors. */
sj_rc alert_feed_scope_of(store *s, const scope *sc, arena *a, alert_feed_scope *out,
    sj_err *e);

#endif
