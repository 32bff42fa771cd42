/* Unit test of the scan writer's memo of pairs (domain/scan_pairs.c), on
 * SQLite or PostgreSQL (tests/unit/testdb.h; the memo is SQLite's, so on
 * PostgreSQL this checks the writer against the same oracle without it),
 * in the world of tests/unit/cpfix.h.
 *
 * The oracle is scan_write without any memo — every scan's rules read from
 * the store — run on the same sequence of scans: a seeded random walk of
 * 1,600 scans by four people at two places (one that records exits, one
 * that records entries only), times mostly moving forward by seconds to
 * hours (the memo's case) but also standing still, jumping two days (keys
 * leave their one-day window), and going back (a backdated scan: the memo
 * must step aside); keys fresh, absent, reused (a replay within or beyond
 * the window) and reused in their low 32 bits only (the memo cannot tell;
 * the store must).  The scans go to the writer in groups of 1–8 submitted
 * together (one batch, mostly); some groups hold a job whose insert fails
 * (no such person: the batch is rolled back and written job by job) and
 * between groups some scans are written through another connection (the
 * memo must notice and forget).  A second walk has retention expire the
 * scans of its first 50 days for the later ones.  Then every scan and alert is deleted and
 * the same sequence is written one scan at a time with scan_write alone.
 * Each answer must agree — outcome, error field, decision, reasons, stay
 * action, stay interval and flag, replayed, and which earlier scan a
 * scan or stay id names — and so must the stored scans and stays.  On
 * SQLite the memo must have planned many scans (else this tests nothing):
 * half of them, a fifth with the retention cut (it plans none before it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */
#include "unit/cpfix.h"
#include "unit/jobwait.h"

#include "domain/scan_int.h"
#include "domain/writer.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */
#define NOW (T0 + 300 * 86400)
#define N_OPS 1600

enum { OP_WRITER, OP_OTHER, OP_BAD };

typedef struct op {
	int kind;          /* OP_*: through the writer, through another connection, a failing job */
	int who;           /* 0–3: see pairs[] */
	scan_direction d;
	int64_t at, key_fp;
	int group;         /* writer ops with one group number are submitted together */
} op;

/* An answer, with ids made into the index of the op that stored them. */
typedef struct answer {
	sj_rc rc;
	char field[64];
	scan_result out;
	long id_op, stay_op;
} answer;

typedef struct world {
	cpfix *f;
	op ops[N_OPS];
	answer got[2][N_OPS];
	int64_t ids[N_OPS];    /* the scan id each op stored in the current run (0: none) */
} world;

static const char *
id_of(cpfix *f, int who)
{
	const char *ids[4] = { f->id_resident, f->id_resident, f->id_key, f->id_quarantined };

	return ids[who];
}

static int64_t
checkpoint_of(cpfix *f, int who)
{
	return who == 1 ? f->cp_q : f->cp_p;  /* the resident also at Q (entries only) */
}

/* A deterministic generator (the test's own, so the sequence is the same
 * everywhere): xorshift64*. */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717u;
}

static void
make_ops(world *w)
{
	uint64_t r = 20200323;
	int64_t t = T0, fresh = 1000;
	int group = 0, left = 0;

	for (int i = 0; i < N_OPS; i++) {
		op *o = &w->ops[i];
		unsigned x = (unsigned)(next_rand(&r) % 100);

		if (left == 0) {
			group++;
			left = 1 + (int)(next_rand(&r) % 8);
		}
		left--;
		o->group = group;
		o->who = (int)(next_rand(&r) % 4);
		o->d = next_rand(&r) % 2 && o->who != 1 ? SCAN_OUT : SCAN_IN;  /* Q: entries only */
		if (x < 65)
			t += (int64_t)(next_rand(&r) % 600);
		else if (x < 78)
			;                                   /* the same second */
		else if (x < 90)
			t += 3600 + (int64_t)(next_rand(&r) % 14400);
		else if (x < 93)
			t += 2 * 86400;
		o->at = x >= 94 ? t - (int64_t)(next_rand(&r) % 7200) : t;  /* backdated */
		x = (unsigned)(next_rand(&r) % 100);
		if (x < 20 || i == 0)
			o->key_fp = 0;
		else if (x < 70)
			o->key_fp = fresh++;
		else {
			/* the pair's last scan's (a replay when it is the same scan
			 * again), a recent scan's, or any earlier one's */
			uint64_t back = 1 + next_rand(&r) % (x < 82 ? 6 : (uint64_t)i);
			const op *old = &w->ops[back > (uint64_t)i ? 0 : (uint64_t)i - back];
			if (x < 78)
				for (int k = i - 1; k >= 0; k--)
					if (w->ops[k].who == o->who) {
						old = &w->ops[k];
						o->d = old->d;
						o->at = old->at + (int64_t)(next_rand(&r) % 3);
						break;
					}
			o->key_fp = old->key_fp;
			if (x >= 88 && o->key_fp)
				o->key_fp += INT64_C(1) << 32;  /* the same low 32 bits */
		}
		x = (unsigned)(next_rand(&r) % 100);
		o->kind = x < 4 ? OP_OTHER : x < 7 ? OP_BAD : OP_WRITER;
	}
}

static void
prepare_op(world *w, const op *o, scan_prepared *p)
{
	scan_input in = { .checkpoint_id = checkpoint_of(w->f, o->who),
	    .id_number = id_of(w->f, o->who), .direction = o->d, .at = o->at,
	    .source = SCAN_SRC_ATTENDANT };
	sj_err e = {0};

	if (scan_prepare(w->f->s, w->f->keys, &w->f->settings, &scope_system, &in, NOW, p, &e)
	    != SJ_OK)
		fail_msg("prepare: %s: %s", e.field, e.msg);
	p->key_fp = o->key_fp;
	if (o->kind == OP_BAD)
		p->person_id = 999999;  /* no such person: its insert fails */
}

/* The index of the op that stored scan id (−1: none, e.g. 0). */
static long
op_of(const world *w, int64_t id)
{
	for (long i = 0; id && i < N_OPS; i++)
		if (w->ids[i] == id)
			return i;
	return -1;
}

static void
keep(world *w, int run, int i, sj_rc rc, const sj_err *e, const scan_result *out)
{
	answer *a = &w->got[run][i];

	a->rc = rc;
	if (rc != SJ_OK) {
		snprintf(a->field, sizeof a->field, "%s", e->field);
		return;
	}
	a->out = *out;
	if (!out->replayed)
		w->ids[i] = out->id;
	a->id_op = op_of(w, out->id);
	a->stay_op = op_of(w, out->stay_id);
}

/* Write op i alone with scan_write in its own transaction (the oracle, and
 * the other connection's writes of the first run). */
static void
write_alone(world *w, int run, int i)
{
	scan_prepared p;
	scan_result out;
	sj_err e = {0};
	sj_rc rc;

	prepare_op(w, &w->ops[i], &p);
	if ((rc = store_begin(w->f->s, &e)) != SJ_OK)
		fail_msg("begin: %s", e.msg);
	rc = scan_write(w->f->s, &p, &out, NULL, &e);
	if (rc == SJ_OK)
		rc = store_commit(w->f->s, &e);
	else
		store_rollback(w->f->s);
	keep(w, run, i, rc, &e, &out);
}

/* Submit jobs[0..n) together and wait for every answer; keep them as the
 * answers of ops idx[0..n). */
static void
submit_together(world *w, scan_writer *wr, scan_job *jobs, const int *idx, int n)
{
	jobwait b = JOBWAIT_INIT(n);
	sj_err e = {0};

	for (int k = 0; k < n; k++) {
		jobs[k].done = jobwait_done;
		jobs[k].cls = &b;
		assert_int_equal(scan_writer_submit(wr, &jobs[k], &e), SJ_OK);
	}
	jobwait_all(&b);
	for (int k = 0; k < n; k++)
		keep(w, 0, idx[k], jobs[k].rc, &jobs[k].err, &jobs[k].out);
}

/* The first run, in the order of the ops: the writer ops of a group
 * submitted together, up to the next op of another connection, which is
 * written when they are answered. */
static uint64_t
run_writer(world *w)
{
	static scan_job jobs[8];
	writer_stats st;
	scan_writer *wr;
	sj_err e = {0};
	int idx[8], n = 0;

	assert_int_equal(scan_writer_start(testdb_url(), &wr, &e), SJ_OK);
	for (int i = 0; i < N_OPS; i++) {
		if (w->ops[i].kind != OP_OTHER) {
			memset(&jobs[n], 0, sizeof jobs[n]);
			prepare_op(w, &w->ops[i], &jobs[n].in);
			idx[n++] = i;
		}
		if (w->ops[i].kind == OP_OTHER || i + 1 == N_OPS || w->ops[i + 1].group != w->ops[i].group) {
			submit_together(w, wr, jobs, idx, n);
			n = 0;
		}
		if (w->ops[i].kind == OP_OTHER)
			write_alone(w, 0, i);
	}
	scan_writer_stats(wr, &st);
	scan_writer_stop(wr);
	return st.pair_memo_hits;
}

/* The stored scans and stays, ids left out, one line each, sorted. */
static char *
dump(cpfix *f)
{
	static const char *const sql[] = {
		"SELECT person_id, place_id, at, kind, coalesce(stay_s, -1), coalesce(key_fp, 0),"
		" temperature, reasons FROM scan ORDER BY 1, 2, 3, 4, 5, 6",
		"SELECT person_id, place_id, entry_at, exit_at, exit_recorded FROM stay"
		" ORDER BY 1, 2, 3, 4, 5",
	};
	size_t n = 0, cap = 1 << 16;
	char *out = malloc(cap);
	store_stmt *st;
	sj_err e = {0};
	bool row;

	assert_non_null(out);
	for (int q = 0; q < 2; q++) {
		if (store_prepare(f->s, sql[q], &st, &e) != SJ_OK)
			fail_msg("dump: %s", e.msg);
		while (store_step(st, &row, &e) == SJ_OK && row) {
			char line[200];
			int k = 0;
			for (int c = 0; c < (q ? 5 : 8); c++)
				k += snprintf(line + k, sizeof line - (size_t)k, "%lld ",
				    (long long)store_col_int(st, c));
			if (n + (size_t)k + 2 > cap)
				assert_non_null(out = realloc(out, cap *= 2));
			memcpy(out + n, line, (size_t)k);
			n += (size_t)k;
			out[n++] = '\n';
		}
		out[n++] = '|';
	}
	out[n] = '\0';
	return out;
}

static void
clear_scans(cpfix *f)
{
	sj_err e = {0};

	if (store_exec(f->s, "DELETE FROM alert; DELETE FROM scan", &e) != SJ_OK)
		fail_msg("delete: %s", e.msg);
}

/* Retention (domain/retention.h) cut at about T0 + 50 days, a third into
 * the walk: scans before it are expired for the scans after it, and the
 * scans before it see them all.  No op lies within 2 minutes of the cut,
 * which moves with the clock while the test runs. */
static void
cut_retention(world *w)
{
	int days = (int)((dt_now() - (T0 + 50 * 86400)) / 86400);
	int64_t cut = dt_now() - (int64_t)days * 86400;

	retention_set(RETENTION_SCAN, days);
	for (int i = 0; i < N_OPS; i++)
		if (w->ops[i].at > cut - 120 && w->ops[i].at < cut + 120)
			w->ops[i].at = cut - 120;
}

static void
walk(void **state, bool cut, uint64_t min_hits)
{
	world *w = calloc(1, sizeof *w);
	char *first, *second;
	uint64_t hits;
	int replays = 0, refused = 0;

	assert_non_null(w);
	w->f = *state;
	make_ops(w);
	if (cut)
		cut_retention(w);
	hits = run_writer(w);
	first = dump(w->f);
	clear_scans(w->f);
	memset(w->ids, 0, sizeof w->ids);
	for (int i = 0; i < N_OPS; i++)
		write_alone(w, 1, i);
	second = dump(w->f);
	for (int i = 0; i < N_OPS; i++) {
		const answer *a = &w->got[0][i], *b = &w->got[1][i];
		const scan_result *x = &a->out, *y = &b->out;

		if ((a->rc == SJ_OK) != (b->rc == SJ_OK))
			fail_msg("op %d: rc %d with the memo, %d without (%s)", i, a->rc, b->rc,
			    a->rc ? a->field : b->field);
		if (a->rc != SJ_OK) {
			assert_string_equal(a->field, b->field);
			refused++;
			continue;
		}
		if (x->decision != y->decision || x->reasons != y->reasons ||
		    x->stay_action != y->stay_action || x->stay_entry_at != y->stay_entry_at ||
		    x->stay_exit_at != y->stay_exit_at ||
		    x->stay_exit_recorded != y->stay_exit_recorded || x->replayed != y->replayed ||
		    a->id_op != b->id_op || a->stay_op != b->stay_op)
			fail_msg("op %d (who %d, %s at %+lld, key %lld): with the memo action %d "
			    "[%lld, %lld) %d replayed %d id op %ld stay op %ld; without action %d "
			    "[%lld, %lld) %d replayed %d id op %ld stay op %ld", i, w->ops[i].who,
			    w->ops[i].d == SCAN_OUT ? "out" : "in", (long long)(w->ops[i].at - T0),
			    (long long)w->ops[i].key_fp, x->stay_action,
			    (long long)x->stay_entry_at, (long long)x->stay_exit_at,
			    x->stay_exit_recorded, x->replayed, a->id_op, a->stay_op, y->stay_action,
			    (long long)y->stay_entry_at, (long long)y->stay_exit_at,
			    y->stay_exit_recorded, y->replayed, b->id_op, b->stay_op);
		replays += x->replayed;
	}
	printf("%d replays, %d refused, %llu planned from the memo\n", replays, refused,
	    (unsigned long long)hits);
	assert_string_equal(first, second);
	/* The walk reaches every case it is meant to. */
	assert_true(replays >= 20);
	assert_true(refused >= 40);
	if (!testdb_is_pg())
		assert_true(hits >= min_hits);
	free(first);
	free(second);
	free(w);
}

static void
test_memo_agrees_with_store(void **state)
{
	walk(state, false, N_OPS / 2);
}

static void
test_memo_agrees_with_store_past_retention(void **state)
{
	walk(state, true, N_OPS / 5);  /* none before the cut */
}

/* ---- cases the walk cannot reach: a pair with more scans than one read ---- */

/* One scan through writer wr: of who (walk's numbering) at, direction d,
 * key_fp (0: none); its answer into *out; returns its outcome. */
static sj_rc
scan_one(cpfix *f, scan_writer *wr, int who, scan_direction d, int64_t at, int64_t key_fp,
    scan_result *out)
{
	world w = { .f = f };
	op o = { .who = who, .d = d, .at = at, .key_fp = key_fp };
	scan_prepared p;
	sj_err e = {0};
	sj_rc rc;

	prepare_op(&w, &o, &p);
	if ((rc = scan_writer_run(wr, &p, out, &e)) != SJ_OK)
		fail_msg("scan at %+lld: %s: %s", (long long)(at - T0), e.field, e.msg);
	return rc;
}

/* A commit through the fixture's own connection, which the writer's memo
 * must take as a change it cannot follow (it is emptied). */
static void
other_commit(cpfix *f)
{
	sj_err e = {0};

	if (store_exec(f->s, "UPDATE app_user SET display_name = 'gate'", &e) != SJ_OK)
		fail_msg("update: %s", e.msg);
}

/* The resident's key K on an entry at T0; then 300 scans in and out, a
 * minute apart, unkeyed (150 stays), so that the pair's newest 256 scans
 * (one read) span 4 h 16 min — the memo emptied before the 300th; then,
 * 5 h 2 min after the first, an entry
 * with K again.  By hand: K is within its day (SCAN_KEY_WINDOW_S), so the
 * scan is the first one replayed — same id, nothing stored (302 scans).
 * The memo, filled from the read of 256 scans, must not claim to know
 * every key of the day. */
static void
test_memo_key_older_than_one_read(void **state)
{
	cpfix *f = *state;
	scan_result first, r;
	scan_writer *wr;
	sj_err e = {0};

	assert_int_equal(scan_writer_start(testdb_url(), &wr, &e), SJ_OK);
	scan_one(f, wr, 0, SCAN_IN, T0, 77, &first);
	for (int i = 1; i <= 301; i++) {
		if (i == 300)
			other_commit(f);  /* the memo starts again from a read */
		scan_one(f, wr, 0, i % 2 ? SCAN_OUT : SCAN_IN, T0 + 60 * i, 0, &r);
	}
	scan_one(f, wr, 0, SCAN_IN, T0 + 60 * 302, 77, &r);
	scan_writer_stop(wr);
	assert_true(r.replayed);
	assert_int_equal(r.id, first.id);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 302);
}

/* The quarantined person enters at T0 (a stay; the entry alerts), then is
 * denied 300 exits 10 minutes apart (denied scans touch no stay), each
 * with its own key 1000 + i: 50 h, so the pair's newest 256 scans do not
 * reach the stay and the rules read only the scans they need.  Then, the
 * memo emptied, exit 301 with a new key, and then exit 300's key once more, a minute
 * after exit 300.  By hand: that is exit 300 again (within its day, same
 * direction and checkpoint): replayed with its id, nothing stored
 * (1 + 300 + 1 scans). */
static void
test_memo_key_between_needed_scans(void **state)
{
	cpfix *f = *state;
	scan_result r, last;
	scan_writer *wr;
	sj_err e = {0};

	assert_int_equal(scan_writer_start(testdb_url(), &wr, &e), SJ_OK);
	scan_one(f, wr, 3, SCAN_IN, T0, 0, &r);
	for (int i = 1; i <= 300; i++) {
		scan_one(f, wr, 3, SCAN_OUT, T0 + 600 * i, 1000 + i, &last);
		assert_int_equal(last.decision, SCAN_DENY);
	}
	other_commit(f);  /* the memo starts again from a read */
	scan_one(f, wr, 3, SCAN_OUT, T0 + 600 * 300 + 30, 5000, &r);
	assert_false(r.replayed);
	scan_one(f, wr, 3, SCAN_OUT, T0 + 600 * 300 + 60, 1300, &r);
	scan_writer_stop(wr);
	assert_true(r.replayed);
	assert_int_equal(r.id, last.id);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 302);
}

/* Retention cut at X (about T0 + 50 days, domain/retention.h): the
 * resident enters at X − 10 min — before the cut, so written seeing
 * everything — and exits at X + 5 min.  By hand: for the exit, a scan
 * after the cut, the entry has expired (retention_write_sees): no stay to
 * close, STAY_NONE, though the memo has just seen that entry open a stay. */
static void
test_memo_stay_expired(void **state)
{
	cpfix *f = *state;
	int days = (int)((dt_now() - (T0 + 50 * 86400)) / 86400);
	int64_t cut = dt_now() - (int64_t)days * 86400;
	scan_result r;
	scan_writer *wr;
	sj_err e = {0};

	retention_set(RETENTION_SCAN, days);
	assert_int_equal(scan_writer_start(testdb_url(), &wr, &e), SJ_OK);
	scan_one(f, wr, 0, SCAN_IN, cut - 600, 0, &r);
	assert_int_equal(r.stay_action, STAY_OPENED);
	scan_one(f, wr, 0, SCAN_OUT, cut + 300, 0, &r);
	scan_writer_stop(wr);
	assert_int_equal(r.stay_action, STAY_NONE);
}

/* The memo's memory bound (PAIR_MEMO_BYTES, 32 MiB) once crossed: a memo
 * that has had more pairs than fit (300,000 without keys: 80 bytes each
 * and the index's 16 a slot — its array of entries grew to 524,288 slots,
 * 42 MB) is emptied, and then fills again with the pairs that come next:
 * a pair noted after it is remembered, and so is it after another pair.
 * Before, the bound counted the arrays' capacities, which emptying keeps:
 * once over it, every new pair emptied the memo again, and the memo
 * planned no scan but a pair's very next one, for good.  Pure: the memo
 * alone, fed what a complete read of a pair without scans would give. */
static void
test_memo_bound_crossed(void **state)
{
	static history h;
	pair_memo *m = pair_memo_new();
	stay_plan_out plan = { .action = STAY_NONE };
	int64_t now = dt_now();
	scan_prepared p = { .place_id = 1, .at = now };

	(void)state;
	h.complete = true;
	h.covers_from = INT64_MIN;
	for (int64_t i = 1; i <= 300000; i++) {
		p.person_id = i;
		pair_memo_note(m, &p, &h, &plan, i);
	}
	p.person_id = 400001;
	pair_memo_note(m, &p, &h, &plan, 400001);
	p.person_id = 400002;
	pair_memo_note(m, &p, &h, &plan, 400002);
	p.person_id = 400001;
	assert_true(pair_memo_history(m, &p, now, &h));
	p.person_id = 400002;
	assert_true(pair_memo_history(m, &p, now, &h));
	pair_memo_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_memo_agrees_with_store, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_memo_agrees_with_store_past_retention,
		    cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_memo_key_older_than_one_read,
		    cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_memo_key_between_needed_scans,
		    cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_memo_stay_expired,
		    cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test(test_memo_bound_crossed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
