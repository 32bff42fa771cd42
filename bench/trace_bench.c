/*
 * trace_bench — tracing over the in-memory stay index on a generated
 * district (issue 6 "Speed and memory"; run by bench/trace.sh).
 *
 *   trace_bench STAYS [TRACES] [SEED]
 *
 * The district, scaled to STAYS: people = STAYS / 70 (5 stays a day for 14
 * days), places = people / 50 (the 1 M people and 20,000 places),
 * each person with a home place (uniform); each day one night at home
 * (entering 18:00-23:00, leaving the next morning 06:00-09:00: overnight
 * stays) and four visits to places drawn with Zipf popularity s = 0.7,
 * entering 07:00-21:00 and staying 5 min-3 h (exponential, mean 40 min).
 * A fixed seed makes the district reproducible.
 *
 * Prints: the build (index put of every stay, then compact), bytes per
 * stay, and for TRACES random index persons the latency of trace_run at
 * depth 1 (window the last 14 days, min overlap 15 min) as p50 / p99 and
 * traces per second on one thread, then depth 2 for TRACES / 20 persons.
 * This measures the index alone: the store is not involved.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "domain/trace.h"

#define DAY 86400
#define T_START INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */

static uint64_t rs = 88172645463325252ull;

static uint64_t
next(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static double
unif(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Place index drawn with Zipf(s) popularity by inverse CDF over cdf[]. */
static uint32_t
zipf(const double *cdf, uint32_t n)
{
	double u = unif();
	uint32_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
put(trace_index *ix, int64_t person, int64_t place, int64_t a, int64_t b)
{
	sj_err e = {0};

	if (trace_index_put(ix, person, place, a, b, &e) != SJ_OK) {
		fprintf(stderr, "trace_bench: %s: %s\n", e.field, e.msg);
		exit(1);
	}
}

static void
report(const char *what, double *lat, size_t n, double total)
{
	qsort(lat, n, sizeof *lat, dcmp);
	printf("| %s | %zu | %.3f ms | %.3f ms | %.0f |\n", what, n, lat[n / 2] * 1e3,
	    lat[(size_t)(n * 0.99)] * 1e3, n / total);
}

int
main(int argc, char **argv)
{
	size_t stays = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	size_t traces = argc > 2 ? strtoull(argv[2], NULL, 10) : 2000;
	if (argc > 3)
		rs = strtoull(argv[3], NULL, 10) | 1;
	uint32_t people = (uint32_t)(stays / 70), places = people / 50 ? people / 50 : 1;
	double *cdf = malloc(places * sizeof *cdf), sum = 0;
	trace_index *ix = trace_index_new(T_START - 30 * DAY);
	int64_t end = T_START + 14 * DAY;

	for (uint32_t i = 0; i < places; i++)
		sum += cdf[i] = 1.0 / pow(i + 1, 0.7);
	for (uint32_t i = 0; i < places; i++)
		cdf[i] = (i ? cdf[i - 1] : 0) + cdf[i] / sum;
	double t0 = now_s();
	/* Day by day, so stays arrive in time order as the writer sees them. */
	uint32_t *home = malloc(people * sizeof *home);

	for (uint32_t p = 0; p < people; p++) {
		home[p] = (uint32_t)(next() % places);
		trace_index_set_home(ix, p + 1, home[p] + 1);
	}
	size_t n = 0;

	for (int d = 0; d < 14; d++) {
		int64_t day = T_START + (int64_t)d * DAY;

		for (uint32_t p = 0; p < people; p++) {
			for (int k = 0; k < 4; k++) {
				int64_t a = day + 7 * 3600 + (int64_t)(unif() * 14 * 3600);
				int64_t len = 300 + (int64_t)(-log(1 - unif()) * 2100);

				if (len > 3 * 3600)
					len = 3 * 3600;
				put(ix, p + 1, zipf(cdf, places) + 1, a, a + len);
				n++;
			}
			int64_t a = day + 18 * 3600 + (int64_t)(unif() * 5 * 3600);
			int64_t b = day + DAY + 6 * 3600 + (int64_t)(unif() * 3 * 3600);

			put(ix, p + 1, home[p] + 1, a, b);
			n++;
		}
	}
	trace_index_compact(ix);
	double t_build = now_s() - t0;
	trace_index_figures f;

	trace_index_stats(ix, &f);
	printf("stays %zu, people %u, places %u: index built in %.2f s, %zu bytes "
	       "(%.2f bytes a stay; %zu bytes a stay in the stay arrays)\n\n",
	    f.n_stays, people, places, t_build, f.bytes, (double)f.bytes / f.n_stays,
	    sizeof(trace_place_stay) + sizeof(trace_person_stay));
	printf("| question | traces | p50 | p99 | traces/s (1 thread) |\n|---|---|---|---|---|\n");
	double *lat = malloc(traces * sizeof *lat);
	size_t contacts = 0;

	for (int depth = 1; depth <= 2; depth++) {
		size_t m = depth == 1 ? traces : (traces / 20 ? traces / 20 : 1);
		double all = now_s();

		for (size_t i = 0; i < m; i++) {
			trace_params p;
			trace_result r;
			sj_err e = {0};

			trace_params_default(&p, 1 + (int64_t)(next() % people), end);
			p.depth = depth;
			double s = now_s();

			if (trace_run(ix, &p, &r, &e) != SJ_OK) {
				fprintf(stderr, "trace_bench: %s: %s\n", e.field, e.msg);
				return 1;
			}
			lat[i] = now_s() - s;
			contacts += r.n_contacts;
			trace_result_free(&r);
		}
		report(depth == 1 ? "first degree, 14 days, min 15 min"
		                  : "second degree, 14 days, min 15 min", lat, m, now_s() - all);
		printf("|  | mean contacts %.1f | | | |\n", (double)contacts / m);
		contacts = 0;
	}
	trace_index_free(ix);
	free(lat);
	free(home);
	free(cdf);
	return 0;
}
