/*
 * checkins — import of public venue check-in data sets as scans (issue 5
 * "Real input"; /work/shared/data/README.md; docs/import.md).
 *
 * The input is a gzip-compressed CSV (read with zlib) with the header
 *     user_id,venue_id,checkin_utc_epoch,checkin_utc_iso,lat,lon,category
 * one check-in a record: a line, or more when a quoted field holds line
 * breaks (RFC 4180, read by core/csvrec.h: quoted fields may hold
 * commas, doubled quotes and line breaks; a row's line number is the
 * line where it starts).  A check-in is an arrival instant only, so each row
 * becomes an entry scan (source import) at the venue's checkpoint; each
 * venue is a place of kind "public" that records entries only, so every
 * stay there is closed at the place's default stay length (60 min unless
 * told otherwise) or at the person's next entry there, and flagged "exit
 * not recorded" — the derivation of domain/stay.h, through scan_import.
 *
 * People and venues are made on first sight, in the unit given, and
 * remembered in import_ref (schema 0014) under the source's name:
 *   person  name "<source> user <user_id>", no identity number or mobile;
 *   place   name "<source> venue <venue_id>", kind public, entries only,
 *           with one checkpoint "entrance" (kind gate).
 * Importing the file again reuses them and adds no scan (scan_import's
 * idempotency); exact duplicate rows (same user, venue and second)
 * collapse into one scan and so one stay.
 *
 * Every row is accounted for: accepted, a duplicate, or rejected with a
 * reason — a field that is not a non-negative integer (user_id, venue_id,
 * checkin_utc_epoch), an ISO time that is not the epoch's instant
 * (checkin_utc_iso), a wrong number of fields or fields of more than
 * 1,017 bytes in all (row), or whatever the scan rules say.  A quote
 * never closed (or a record of more than 64 KiB) refuses the whole file,
 * found by the first pass before anything is imported.
 */
#ifndef SJ_CHECKINS_H
#define SJ_CHECKINS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/crypt.h"
#include "core/err.h"
#include "domain/scan_import.h"
#include "domain/scope.h"
#include "store/store.h"

#define CHECKINS_HEADER "user_id,venue_id,checkin_utc_epoch,checkin_utc_iso,lat,lon,category"
#define CHECKINS_STAY_DEFAULT 3600   /* seconds: the README's 60 minutes */
#define CHECKINS_SOURCE_MAX 64       /* bytes of a source name */

typedef struct checkins_options {
	int64_t unit_id;          /* the unit the venues and people are made in (in scope) */
	const char *source;       /* the data set's name, 1..64 bytes of [A-Za-z0-9_.-] */
	int64_t default_stay_s;   /* of new venues; 0 = CHECKINS_STAY_DEFAULT; 60..86400 */
	bool dry_run;             /* as im's options: make nothing, keep nothing */
} checkins_options;

/*
 * Import the gzip CSV at path into im (scan_import_open'd by the caller,
 * with the same dry_run; it calls scan_import_finish here): a first pass
 * reads every user and venue and makes those not yet in import_ref for
 * o->source in one transaction, committed before the scans; a second pass
 * feeds the rows to im, whose batches commit one by one.  In a dry run the
 * people and venues live only in an outer transaction that is rolled back
 * at the end, so nothing is kept.  Line numbers count the header as
 * line 1.  Errors: SJ_EIO (field "file") when the file cannot be read or
 * is not gzip; SJ_EINVAL (field "file") when its first line is not
 * CHECKINS_HEADER, a quote opened on line N is never closed, or a record
 * passes 64 KiB; SJ_EINVAL ("source", "default_stay_s"); SJ_ENOTFOUND
 * ("unit_id") for a unit out of scope; store errors.
 */
sj_rc checkins_import(store *s, const crypt_keys *k, const scope *sc, const char *path,
    const checkins_options *o, scan_import *im, sj_err *e);

#endif
