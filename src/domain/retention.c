/*
 * retention — the process-wide retention periods (retention.h).
 *
 * Invariant: every entry of days[] lies in 1..3650 (the range of the
 * settings, core/config.c), so a cut-off is always in the past of now and
 * never overflows for any instant the store holds.
 */
#include "domain/retention.h"

#include <assert.h>

static int days[RETENTION__N] = {
	RETENTION_DEFAULT_DAYS, RETENTION_DEFAULT_DAYS,
	RETENTION_DEFAULT_DAYS, RETENTION_DEFAULT_DAYS, RETENTION_DEFAULT_DAYS,
};

static const char *const names[RETENTION__N] = {
	[RETENTION_SCAN] = "scan",
	[RETENTION_OUTSIDER] = "outsider",
	[RETENTION_TRACE] = "trace",
	[RETENTION_VISIT_NOTE] = "visit-note",
	[RETENTION_REQUEST] = "request",
};

void
retention_set(retention_class k, int n)
{
	assert(k >= 0 && k < RETENTION__N);
	assert(n >= 1 && n <= 3650);
	days[k] = n;
}

void
retention_configure(const sj_config *c)
{
	int base = c->retention_days;

	retention_set(RETENTION_SCAN, base);
	retention_set(RETENTION_OUTSIDER,
	    c->retention_outsider_days > 0 ? c->retention_outsider_days : base);
	retention_set(RETENTION_TRACE,
	    c->retention_trace_days > 0 ? c->retention_trace_days : base);
	retention_set(RETENTION_VISIT_NOTE,
	    c->retention_visit_note_days > 0 ? c->retention_visit_note_days : base);
	retention_set(RETENTION_REQUEST,
	    c->retention_requests_days > 0 ? c->retention_requests_days : base);
}

int
retention_days(retention_class k)
{
	assert(k >= 0 && k < RETENTION__N);
	return days[k];
}

int64_t
retention_cutoff(retention_class k, int64_t now)
{
	return now - (int64_t)retention_days(k) * 86400;
}

sj_date
retention_cutoff_date(retention_class k, int64_t now)
{
	return dt_date_of(retention_cutoff(k, now));
}

int64_t
retention_from(retention_class k, int64_t now, int64_t from)
{
	int64_t cut = retention_cutoff(k, now);

	return from > cut ? from : cut;
}

const char *
retention_class_name(retention_class k)
{
	assert(k >= 0 && k < RETENTION__N);
	return names[k];
}

bool
retention_write_sees(retention_class k, int64_t now, int64_t at, int64_t row_at)
{
	int64_t cut = retention_cutoff(k, now);

	return row_at >= cut || at < cut;
}
