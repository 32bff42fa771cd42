/*
 * scan_export — scans as a CSV ledger that `sijin import scans` reads back
 * (issue 5: a registration "survives an export/import round trip
 * unchanged"; docs/import.md).
 *
 * The shape: a header line `checkpoint,person,time,direction,temperature`
 * (English column names of domain/scan_ledger.h), then one scan a line,
 * oldest first (by time, then id): the checkpoint id, the person id, the
 * time as RFC 3339 with the deployment's offset at that instant
 * (2024-03-02T00:30:00+08:00), in or out, and the temperature in °C with
 * one decimal, or nothing.  UTF-8 without BOM, LF line ends; every cell is
 * written with libcsv's quoting.  Scans of identity numbers that name no
 * registered person are not exported: their number is not stored (only
 * its mask), so no row could name them.
 */
#ifndef SJ_SCAN_EXPORT_H
#define SJ_SCAN_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define SCAN_EXPORT_HEADER "checkpoint,person,time,direction,temperature"

typedef struct scan_export_filter {
	int64_t checkpoint_id;   /* 0: every checkpoint */
	int64_t place_id;        /* 0: every place */
	int64_t unit_id;         /* 0: every unit in scope */
	bool has_from, has_to;
	sj_date from, to;        /* local dates, both inclusive (DESIGN.md §4: a day is a
	                          * local day in the deployment's zone) */
} scan_export_filter;

/* Parse a date option: dt_date_parse with field.  Errors: SJ_EINVAL. */
sj_rc scan_export_date(const char *s, const char *field, sj_date *out, sj_err *e);

/* Write the scans in scope that f selects to out as described above.
 * Errors: SJ_EINVAL ("to" before "from"); SJ_EIO ("out") when out cannot
 * be written; store errors. */
sj_rc scan_export_csv(store *s, const scope *sc, const scan_export_filter *f, FILE *out,
    sj_err *e);

#endif
