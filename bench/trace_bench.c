/*
 * trace_bench — tracing over the in-memory stay index on a generated
 * district (issue 6 "Speed and memory"; run by bench/trace.sh).
 *
 *   trace_bench STAYS [TRACES] [--uniform] [--puts] [--depth2 N] [--digest] [--dump DIR PEERS]
 *
 * The district, scaled to STAYS: people = STAYS / 70 (5 stays a day for 14
 * days), places = people / 50 (the 1 M people and 20,000 places),
 * each person with a home place (uniform); each day four visits to places
 * drawn with Zipf popularity s = 0.7 (--uniform: all places alike),
 * entering 07:00-21:00 and staying 5 min-3 h (exponential, mean 40 min),
 * then one night at home (entering 18:00-23:00, leaving the next morning
 * 06:00-09:00: overnight stays).  A person's stays never overlap one
 * another.  A fixed seed makes the district reproducible.
 *
 * Prints: the build (trace_index_bulk_add of every stay day by day, then
 * trace_index_bulk_end and compact; --puts: trace_index_put one at a time),
 * bytes per stay; the memory bandwidth measured now (a 1 GiB
 * sequential read, best of 3); for TRACES random index persons the latency
 * of trace_run at depth 1 (window the 14 days, min overlap 15 min) as
 * p50 / p99, the bytes each trace must touch (the index person's stays and
 * every candidate stay of each probe) and the time to stream them at the
 * measured bandwidth; traces per second on one thread and on two; then
 * depth 2 for N persons (default 3; at most TRACES), each the time of
 * trace_run building the whole answer, the first (cold) apart from the
 * rest; --digest prints a digest of each
 * depth-2 answer (to compare two builds).  --dump writes DIR/stays.csv
 * (person,place,entry,exit), DIR/queries.csv (q,person,from,to: the first
 * PEERS index persons) and DIR/answers.csv (q,contact,total_s: sijin's
 * first-degree answers to them) for the peers (bench/trace_peers.sh).
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "domain/trace.h"

#define DAY 86400
#define T_START INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */

static uint64_t rs = 88172645463325252ull;
static FILE *dump_stays;
static bool use_puts;  /* --puts: trace_index_put one stay at a time, not the bulk build */

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

static int
lcmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int
i64cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

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
stay_add(trace_index *ix, int64_t person, int64_t place, int64_t a, int64_t b)
{
	sj_err e = {0};

	if ((use_puts ? trace_index_put(ix, person, place, a, b, &e)
	              : trace_index_bulk_add(ix, person, place, a, b, &e)) != SJ_OK) {
		fprintf(stderr, "trace_bench: %s: %s\n", e.field, e.msg);
		exit(1);
	}
	if (dump_stays)
		fprintf(dump_stays, "%lld,%lld,%lld,%lld\n", (long long)person, (long long)place,
		    (long long)a, (long long)b);
}

/* The generated district in ix; returns the number of stays. */
static size_t
generate(trace_index *ix, uint32_t people, uint32_t places, bool uniform)
{
	double *cdf = malloc(places * sizeof *cdf), sum = 0;
	uint32_t *home = malloc(people * sizeof *home);
	int64_t *free_at = calloc(people, sizeof *free_at);
	size_t n = 0;

	for (uint32_t i = 0; i < places; i++)
		sum += cdf[i] = 1.0 / pow(i + 1, 0.7);
	for (uint32_t i = 0; i < places; i++)
		cdf[i] = (i ? cdf[i - 1] : 0) + cdf[i] / sum;
	for (uint32_t p = 0; p < people; p++) {
		home[p] = (uint32_t)(next() % places);
		trace_index_set_home(ix, p + 1, home[p] + 1);
	}
	/* Day by day, so stays arrive in time order as the writer sees them. */
	for (int d = 0; d < 14; d++) {
		int64_t day = T_START + (int64_t)d * DAY;

		for (uint32_t p = 0; p < people; p++) {
			int64_t starts[4];

			for (int k = 0; k < 4; k++)
				starts[k] = day + 7 * 3600 + (int64_t)(unif() * 14 * 3600);
			qsort(starts, 4, sizeof starts[0], i64cmp);
			for (int k = 0; k < 4; k++) {
				int64_t a = starts[k] > free_at[p] ? starts[k] : free_at[p];
				int64_t len = 300 + (int64_t)(-log(1 - unif()) * 2100);

				if (len > 3 * 3600)
					len = 3 * 3600;
				stay_add(ix, p + 1, (uniform ? (uint32_t)(next() % places)
				                             : zipf(cdf, places)) + 1, a, a + len);
				free_at[p] = a + len;
				n++;
			}
			int64_t a = day + 18 * 3600 + (int64_t)(unif() * 5 * 3600);
			int64_t b = day + DAY + 6 * 3600 + (int64_t)(unif() * 3 * 3600);

			if (a < free_at[p])
				a = free_at[p];
			stay_add(ix, p + 1, home[p] + 1, a, b);
			free_at[p] = b;
			n++;
		}
	}
	free(free_at);
	free(home);
	free(cdf);
	return n;
}

/* Bytes per second of a sequential read of 1 GiB, best of 3. */
static double
bandwidth(void)
{
	size_t n = (size_t)1 << 27;  /* 2^27 × 8 bytes = 1 GiB */
	uint64_t *v = malloc(n * sizeof *v), sum = 0;
	double best = 0;

	for (size_t i = 0; i < n; i++)
		v[i] = i;
	for (int r = 0; r < 3; r++) {
		double t = now_s();

		for (size_t i = 0; i < n; i += 4)
			sum += v[i] + v[i + 1] + v[i + 2] + v[i + 3];
		t = now_s() - t;
		if (n * 8 / t > best)
			best = n * 8 / t;
	}
	if (sum == 42)
		puts("");
	free(v);
	return best;
}

/* The bytes a first-degree trace of person reads: its stays (8 bytes),
 * and for each one the candidate stays of its place's range (12 bytes). */
static size_t
bytes_touched(trace_index *ix, int64_t person_id)
{
	uint32_t pi;
	size_t n, b = 0;

	trace_index_rdlock(ix);
	if (trace_index_person(ix, person_id, &pi)) {
		const trace_person_stay *s = trace_index_person_stays(ix, pi, &n);

		b = n * sizeof *s;
		for (size_t i = 0; i < n; i++) {
			for (int run = 0; run < TRACE_RUNS; run++) {
				size_t k;

				trace_index_place_range(ix, s[i].place, run, s[i].entry,
				    trace_index_exit(ix, pi, s[i].place, s[i].entry), &k);
				b += k * sizeof(trace_place_stay);
			}
		}
	}
	trace_index_unlock(ix);
	return b;
}

typedef struct job {
	trace_index *ix;
	const int64_t *who;
	size_t n;
	int64_t end;
} job;

static void *
run_jobs(void *arg)
{
	job *j = arg;

	for (size_t i = 0; i < j->n; i++) {
		trace_params p;
		trace_result r;
		sj_err e = {0};

		trace_params_default(&p, j->who[i], j->end);
		if (trace_run(j->ix, &p, &r, &e) == SJ_OK)
			trace_result_free(&r);
	}
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: trace_bench STAYS [TRACES] [--uniform] [--puts] [--depth2 N] "
	    "[--digest] [--dump DIR PEERS]\n");
	exit(2);
}

/* The run's settings, from the command line. */
typedef struct bench_args {
	size_t stays, traces, n_depth2, n_peers;
	bool uniform, digest;
	const char *dir;       /* --dump: where the peers' files go; NULL = none */
} bench_args;

static void
args_parse(int argc, char **argv, bench_args *a)
{
	int pos = 0;

	*a = (bench_args){ .stays = 1000000, .traces = 2000, .n_depth2 = 3 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--uniform") == 0)
			a->uniform = true;
		else if (strcmp(argv[i], "--puts") == 0)
			use_puts = true;
		else if (strcmp(argv[i], "--digest") == 0)
			a->digest = true;
		else if (strcmp(argv[i], "--depth2") == 0 && i + 1 < argc)
			a->n_depth2 = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dump") == 0 && i + 2 < argc) {
			a->dir = argv[++i];
			a->n_peers = strtoull(argv[++i], NULL, 10);
		} else if (pos == 0 && ++pos)
			a->stays = strtoull(argv[i], NULL, 10);
		else if (pos == 1 && ++pos)
			a->traces = strtoull(argv[i], NULL, 10);
		else
			usage();
	}
}

/* fopen dir/name for writing; exits with a message when it cannot. */
static FILE *
dump_open(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return f;
}

/* Generate the district into a new index, build it, and print the line
 * of its figures.  *bw receives the memory bandwidth in bytes/s. */
static trace_index *
district_build(const bench_args *a, uint32_t *people, double *bw)
{
	uint32_t places;
	trace_index *ix = trace_index_new(T_START - 30 * DAY);
	trace_index_figures f;

	*people = (uint32_t)(a->stays / 70);
	places = *people / 50 ? *people / 50 : 1;
	if (a->dir)
		dump_stays = dump_open(a->dir, "stays.csv");
	double t0 = now_s();
	size_t n = generate(ix, *people, places, a->uniform);
	double t_gen = now_s() - t0;

	trace_index_bulk_end(ix);
	trace_index_compact(ix);
	double t_build = now_s() - t0;

	if (dump_stays)
		fclose(dump_stays);
	trace_index_stats(ix, &f);
	*bw = bandwidth();
	printf("stays %zu, people %u, places %u, %s popularity: generated and indexed in %.2f s "
	       "(%s; of which the sort and split at the end %.2f s); "
	       "index %zu bytes (%.2f bytes a stay; %zu bytes a stay in the stay arrays); "
	       "memory bandwidth %.1f GB/s\n\n",
	    n, *people, places, a->uniform ? "uniform" : "Zipf 0.7", t_build,
	    use_puts ? "trace_index_put, one stay at a time" : "bulk build", t_build - t_gen, f.bytes,
	    (double)f.bytes / f.n_stays, sizeof(trace_place_stay) + sizeof(trace_person_stay),
	    *bw / 1e9);
	return ix;
}

/* First degree for each of who[0..a->traces) on this thread: lat[i]
 * receives each one's seconds, *contacts their sum of contacts; the
 * first a->n_peers questions and answers go to the dump files.  Returns
 * the total seconds. */
static double
first_degree_run(trace_index *ix, const bench_args *a, const int64_t *who, int64_t end,
    double *lat, size_t *contacts)
{
	FILE *qf = a->dir ? dump_open(a->dir, "queries.csv") : NULL;
	FILE *af = a->dir ? dump_open(a->dir, "answers.csv") : NULL;
	double all = now_s();

	*contacts = 0;
	for (size_t i = 0; i < a->traces; i++) {
		trace_params p;
		trace_result r;
		sj_err e = {0};

		trace_params_default(&p, who[i], end);
		double s = now_s();

		if (trace_run(ix, &p, &r, &e) != SJ_OK) {
			fprintf(stderr, "trace_bench: %s: %s\n", e.field, e.msg);
			exit(1);
		}
		lat[i] = now_s() - s;
		*contacts += r.n_contacts;
		if (qf && i < a->n_peers) {
			fprintf(qf, "%zu,%lld,%lld,%lld\n", i, (long long)who[i], (long long)p.from,
			    (long long)p.to);
			for (size_t k = 0; k < r.n_contacts; k++)
				fprintf(af, "%zu,%lld,%lld\n", i, (long long)r.contacts[k].person_id,
				    (long long)r.contacts[k].total_s);
		}
		trace_result_free(&r);
	}
	all = now_s() - all;
	if (qf) {
		fclose(qf);
		fclose(af);
	}
	return all;
}

/* The p50 and p99 of sijin on the peers' index persons (lat's first n). */
static void
peers_line(const double *lat, size_t n)
{
	double *pl = malloc(n * sizeof *pl);

	memcpy(pl, lat, n * sizeof *pl);
	qsort(pl, n, sizeof *pl, dcmp);
	printf("sijin on the peers' %zu index persons: p50 %.3f ms, p99 %.3f ms\n\n", n,
	    pl[n / 2] * 1e3, pl[(size_t)(n * 0.99)] * 1e3);
	free(pl);
}

/* The same first-degree questions split over two threads; seconds. */
static double
first_degree_two_threads(trace_index *ix, const int64_t *who, size_t traces, int64_t end)
{
	job jobs[2] = { { ix, who, traces / 2, end }, { ix, who + traces / 2, traces - traces / 2, end } };
	pthread_t th[2];
	double t = now_s();

	for (int k = 0; k < 2; k++)
		pthread_create(&th[k], NULL, run_jobs, &jobs[k]);
	for (int k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	return now_s() - t;
}

/* FNV-1a over the answer: every contact (person, degree, total, first,
 * number of intervals) and every interval (place, from, to, seconds, via),
 * in order — to show that two builds give the same answer. */
static uint64_t
answer_digest(const trace_result *r)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < r->n_contacts; i++) {
		const trace_contact *c = &r->contacts[i];
		int64_t v[5] = { c->person_id, c->degree, c->total_s, c->first_at,
			(int64_t)c->n_intervals };

		for (size_t j = 0; j <= c->n_intervals; j++) {
			for (int k = 0; k < 5; k++)
				for (int b = 0; b < 8; b++)
					h = (h ^ (uint8_t)((uint64_t)v[k] >> (8 * b))) * 1099511628211ull;
			if (j == c->n_intervals)
				break;
			trace_interval iv = trace_result_interval(r, c, j);

			v[0] = iv.place_id, v[1] = iv.from, v[2] = iv.to, v[3] = iv.seconds;
			v[4] = iv.via_person_id;
		}
	}
	return h;
}

/* CPU seconds (user + system, every thread) and minor page faults of the
 * process so far. */
static void
usage_now(double *cpu, long *faults)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6;
	*faults = ru.ru_minflt;
}

/* Time n second-degree traces of who[0..n) and print their rows: the time
 * of trace_run, which builds the whole answer (every contact and interval
 * in the answer's order, as the API then turns into JSON), not counting
 * trace_result_free.  The first trace of the process (cold: its memory
 * comes fresh from the kernel, as every trace's does in the server, whose
 * allocator returns large blocks on free) is reported on its own, then
 * the p50 and max of the others (warm); each with its CPU seconds (both
 * threads) and minor page faults.  With digest, each answer's digest too. */
static void
second_degree(trace_index *ix, const int64_t *who, size_t n, int64_t end, bool digest)
{
	double *l2 = malloc(n * sizeof *l2), *cpu = malloc(n * sizeof *cpu);
	long *flt = malloc(n * sizeof *flt);
	size_t c2 = 0, iv2 = 0;

	for (size_t i = 0; i < n; i++) {
		trace_params p;
		trace_result r;
		sj_err e = {0};
		double c0, c1;
		long f0, f1;

		trace_params_default(&p, who[i], end);
		p.depth = 2;
		usage_now(&c0, &f0);
		double s = now_s();

		if (trace_run(ix, &p, &r, &e) != SJ_OK) {
			fprintf(stderr, "trace_bench: %s: %s\n", e.field, e.msg);
			exit(1);
		}
		l2[i] = now_s() - s;
		usage_now(&c1, &f1);
		cpu[i] = c1 - c0;
		flt[i] = f1 - f0;
		c2 += r.n_contacts;
		iv2 += r.n_pool;
		if (digest)
			printf("depth 2, index person %lld: %zu contacts, %zu intervals, digest %016llx\n",
			    (long long)who[i], r.n_contacts, r.n_pool, (unsigned long long)answer_digest(&r));
		trace_result_free(&r);
	}
	printf("\n| second degree, 14 days, min 15 min | traces | p50 | max | CPU s (p50) | "
	       "page faults (p50) | mean contacts | mean intervals |\n|---|---|---|---|---|---|---|---|\n");
	printf("| cold (the process's first) | 1 | %.1f ms | | %.2f | %ld | | |\n", l2[0] * 1e3,
	    cpu[0], flt[0]);
	if (n > 1) {
		size_t w = n - 1;

		qsort(l2 + 1, w, sizeof *l2, dcmp);
		qsort(cpu + 1, w, sizeof *cpu, dcmp);
		qsort(flt + 1, w, sizeof *flt, lcmp);
		printf("| warm (the others) | %zu | %.1f ms | %.1f ms | %.2f | %ld | | |\n", w,
		    l2[1 + w / 2] * 1e3, l2[n - 1] * 1e3, cpu[1 + w / 2], flt[1 + w / 2]);
	}
	printf("| all | %zu | | | | | %.0f | %.0f |\n", n, (double)c2 / n, (double)iv2 / n);
	free(l2);
	free(cpu);
	free(flt);
}

int
main(int argc, char **argv)
{
	bench_args a;
	uint32_t people;
	double bw;
	size_t contacts, bytes_sum = 0;

	args_parse(argc, argv, &a);
	trace_index *ix = district_build(&a, &people, &bw);
	int64_t end = T_START + 14 * DAY;
	size_t traces = a.traces;
	int64_t *who = malloc(traces * sizeof *who);
	double *lat = malloc(traces * sizeof *lat), *ref = malloc(traces * sizeof *ref);

	for (size_t i = 0; i < traces; i++)
		who[i] = 1 + (int64_t)(next() % people);
	double total1 = first_degree_run(ix, &a, who, end, lat, &contacts);

	if (a.n_peers > 0 && a.n_peers <= traces)
		peers_line(lat, a.n_peers);
	for (size_t i = 0; i < traces; i++) {
		size_t b = bytes_touched(ix, who[i]);

		bytes_sum += b;
		ref[i] = (double)b / bw;
	}
	qsort(lat, traces, sizeof *lat, dcmp);
	qsort(ref, traces, sizeof *ref, dcmp);
	double t2 = first_degree_two_threads(ix, who, traces, end);

	printf("| question | traces | p50 | p99 | traces/s 1 thread | traces/s 2 threads |\n"
	       "|---|---|---|---|---|---|\n");
	printf("| first degree, 14 days, min 15 min | %zu | %.3f ms | %.3f ms | %.0f | %.0f |\n",
	    traces, lat[traces / 2] * 1e3, lat[(size_t)(traces * 0.99)] * 1e3, traces / total1,
	    traces / t2);
	printf("| memory-bandwidth reference (bytes touched ÷ %.1f GB/s) | %zu | %.4f ms | %.4f ms "
	       "| | |\n", bw / 1e9, traces, ref[traces / 2] * 1e3, ref[(size_t)(traces * 0.99)] * 1e3);
	printf("\nmean contacts %.1f; mean bytes touched %.0f; sijin p50 ÷ reference p50 = %.1f\n",
	    (double)contacts / traces, (double)bytes_sum / traces, lat[traces / 2] / ref[traces / 2]);
	if (a.n_depth2 > 0)
		second_degree(ix, who, a.n_depth2 < traces ? a.n_depth2 : traces, end, a.digest);
	trace_index_free(ix);
	free(lat);
	free(ref);
	free(who);
	return 0;
}
