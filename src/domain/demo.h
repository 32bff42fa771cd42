/*
 * demo — the reference scenario (SCENARIO.md) as data: `sijin demo`.
 *
 * The demo is built by parts, one per module, run in order inside one
 * transaction; each part adds its module's share of the scenario and finds
 * what earlier parts made by name.  A later module adds its part by
 * writing a function of type demo_part_fn in its own file and a row in the
 * parts table of demo.c.  Facts come from SCENARIO.md; anything the report
 * does not give (residents' identity numbers, addresses) is marked
 * "assumed" where it is made.
 */
#ifndef SJ_DEMO_H
#define SJ_DEMO_H

#include <stdint.h>

#include "core/crypt.h"
#include "core/err.h"
#include "store/store.h"

/* What a part needs: the open store (inside the demo's transaction) and
 * the keys for personal data. */
typedef struct demo_ctx {
	store *s;
	const crypt_keys *keys;
} demo_ctx;

typedef sj_rc (*demo_part_fn)(demo_ctx *ctx, sj_err *e);

/* One line of the summary `sijin demo` prints: a label and a count. */
typedef struct demo_count {
	const char *label;  /* e.g. "units" */
	int64_t n;
} demo_count;

#define DEMO_COUNTS_MAX 32

typedef struct demo_summary {
	demo_count counts[DEMO_COUNTS_MAX];
	int n_counts;
} demo_summary;

/* Load every part into s, which must be migrated and empty of scenario
 * data, in one transaction: on any error nothing is kept.  Then count the
 * records of each table into *sum (may be NULL).  Errors: those of the
 * parts (a failing part means a bug in the demo data, so the message names
 * the part); SJ_ECONFLICT when the scenario's work group already exists. */
sj_rc demo_load(store *s, const crypt_keys *k, demo_summary *sum, sj_err *e);

/* Count the records of the scenario's tables into *sum. */
sj_rc demo_count_all(store *s, demo_summary *sum, sj_err *e);

#endif
