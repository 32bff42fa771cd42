/* Unit tests for the stay rules (domain/stay.h, stay_plan and
 * stay_overlap), pure, without a store: the issue's cases and the edges of
 * the derivation.
 *
 * Times are seconds after 2020-03-23T00:00:00+08:00 (T0, 1584892800),
 * written H(h, m, s) so each case reads like a clock; expected intervals
 * and overlaps are worked out by hand from DESIGN.md §4 (half-open
 * intervals; overlap = max(0, min(e1, e2) − max(s1, s2))). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/stay.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */
#define H(h, m, s) (T0 + (h) * 3600 + (m) * 60 + (s))

static const stay_rules two_hours = { .default_stay_s = 7200, .reentry_s = 600,
    .records_exits = true };

static void
plan(const stay_span *stays, size_t n, bool exit, int64_t t, const stay_rules *r,
    stay_plan_out *out)
{
	sj_err e = {0};

	assert_int_equal(stay_plan(stays, n, exit, t, r, out, &e), SJ_OK);
}

/* The issue's case: A enters P at 09:00 and never exits; P's default stay
 * is 2 h; B is at P 15:00-15:30.  A's stay is [09:00, 11:00) and flagged,
 * B's [15:00, 15:30) recorded; they never overlap. */
static void
test_issue_a_and_b(void **state)
{
	stay_plan_out a, b_in, b_out;
	stay_span b;

	(void)state;
	plan(NULL, 0, false, H(9, 0, 0), &two_hours, &a);
	assert_int_equal(a.action, STAY_OPENED);
	assert_true(a.opens);
	assert_int_equal(a.exit_at, H(11, 0, 0));
	assert_false(a.exit_recorded);  /* "exit not recorded" */
	assert_int_equal(a.n_changes, 0);

	plan(NULL, 0, false, H(15, 0, 0), &two_hours, &b_in);
	b = (stay_span){ .id = 2, .entry_at = H(15, 0, 0), .exit_at = b_in.exit_at };
	plan(&b, 1, true, H(15, 30, 0), &two_hours, &b_out);
	assert_int_equal(b_out.action, STAY_CLOSED);
	assert_int_equal(b_out.stay_id, 2);
	assert_int_equal(b_out.n_changes, 1);
	assert_int_equal(b_out.changes[0].exit_at, H(15, 30, 0));
	assert_true(b_out.changes[0].exit_recorded);

	assert_int_equal(stay_overlap(H(9, 0, 0), a.exit_at, H(15, 0, 0), H(15, 30, 0)), 0);
}

static void
test_overlap(void **state)
{
	(void)state;
	/* [10:00:00, 10:30:40) and [10:30:50, 11:00:00): 10 s apart, 0 s */
	assert_int_equal(stay_overlap(H(10, 0, 0), H(10, 30, 40), H(10, 30, 50), H(11, 0, 0)), 0);
	/* [09:00, 10:00) and [09:45, 11:00): 15 min */
	assert_int_equal(stay_overlap(H(9, 0, 0), H(10, 0, 0), H(9, 45, 0), H(11, 0, 0)), 900);
	assert_int_equal(stay_overlap(H(9, 45, 0), H(11, 0, 0), H(9, 0, 0), H(10, 0, 0)), 900);
	/* a 10:00-10:40 stay lasts 40 min: its overlap with itself */
	assert_int_equal(stay_overlap(H(10, 0, 0), H(10, 40, 0), H(10, 0, 0), H(10, 40, 0)), 2400);
	/* touching half-open intervals share nothing */
	assert_int_equal(stay_overlap(H(9, 0, 0), H(10, 0, 0), H(10, 0, 0), H(11, 0, 0)), 0);
	/* one inside the other */
	assert_int_equal(stay_overlap(H(8, 0, 0), H(12, 0, 0), H(9, 0, 0), H(9, 0, 1)), 1);
}

static void
test_repeated_entry_same_stay(void **state)
{
	stay_span open = { .id = 7, .entry_at = H(9, 0, 0), .exit_at = H(11, 0, 0) };
	stay_plan_out p;

	(void)state;
	plan(&open, 1, false, H(9, 10, 0), &two_hours, &p);  /* 10 min: the window's edge */
	assert_int_equal(p.action, STAY_SAME);
	assert_int_equal(p.stay_id, 7);
	assert_false(p.opens);
	assert_int_equal(p.n_changes, 0);
	/* 10 min 1 s: a new stay, and the open one ends where it begins */
	plan(&open, 1, false, H(9, 10, 1), &two_hours, &p);
	assert_int_equal(p.action, STAY_OPENED);
	assert_int_equal(p.exit_at, H(11, 10, 1));
	assert_int_equal(p.n_changes, 1);
	assert_int_equal(p.changes[0].id, 7);
	assert_int_equal(p.changes[0].exit_at, H(9, 10, 1));
	assert_false(p.changes[0].exit_recorded);
	assert_false(p.changes[0].demote);
}

static void
test_entry_after_default_keeps_old_end(void **state)
{
	stay_span old = { .id = 1, .entry_at = H(9, 0, 0), .exit_at = H(11, 0, 0) };
	stay_plan_out p;

	(void)state;
	/* Entering again at 13:00: the old stay stays [09:00, 11:00). */
	plan(&old, 1, false, H(13, 0, 0), &two_hours, &p);
	assert_int_equal(p.action, STAY_OPENED);
	assert_int_equal(p.exit_at, H(15, 0, 0));
	assert_int_equal(p.n_changes, 0);
}

static void
test_exit_before_entry_refused(void **state)
{
	stay_span open = { .id = 3, .entry_at = H(10, 0, 0), .exit_at = H(12, 0, 0) };
	stay_plan_out p;
	sj_err e = {0};

	(void)state;
	assert_int_equal(stay_plan(&open, 1, true, H(9, 30, 0), &two_hours, &p, &e), SJ_EINVAL);
	assert_string_equal(e.field, "time");
	assert_non_null(strstr(e.msg, "before the entry"));
}

static void
test_overnight(void **state)
{
	stay_span evening = { .id = 4, .entry_at = H(20, 0, 0), .exit_at = H(22, 0, 0) };
	stay_plan_out p;

	(void)state;
	/* Out again at 07:00 the next morning: an 11-hour stay, recorded. */
	plan(&evening, 1, true, H(24 + 7, 0, 0), &two_hours, &p);
	assert_int_equal(p.action, STAY_CLOSED);
	assert_int_equal(p.changes[0].exit_at, H(31, 0, 0));
	assert_true(p.changes[0].exit_recorded);
	assert_int_equal(p.changes[0].exit_at - evening.entry_at, 11 * 3600);
}

static void
test_entries_only_place(void **state)
{
	stay_rules r = { .default_stay_s = 3600, .reentry_s = 600, .records_exits = false };
	stay_plan_out p;
	sj_err e = {0};

	(void)state;
	assert_int_equal(stay_plan(NULL, 0, true, H(9, 0, 0), &r, &p, &e), SJ_EINVAL);
	assert_string_equal(e.field, "direction");
	plan(NULL, 0, false, H(9, 0, 0), &r, &p);
	assert_int_equal(p.exit_at, H(10, 0, 0));  /* the place's default, 60 min */
	assert_false(p.exit_recorded);
}

static void
test_entry_just_before_a_stay(void **state)
{
	stay_span later = { .id = 9, .entry_at = H(10, 0, 0), .exit_at = H(12, 0, 0),
	    .exit_recorded = true };
	stay_plan_out p;

	(void)state;
	/* 09:55 arrives after 10:00 was written (an offline device): the
	 * same stay, which now starts at 09:55 and keeps its recorded end. */
	plan(&later, 1, false, H(9, 55, 0), &two_hours, &p);
	assert_int_equal(p.action, STAY_SAME);
	assert_true(p.opens);
	assert_int_equal(p.exit_at, H(12, 0, 0));
	assert_true(p.exit_recorded);
	assert_int_equal(p.n_changes, 1);
	assert_int_equal(p.changes[0].id, 9);
	assert_true(p.changes[0].demote);
}

static void
test_backdated_entry_cut_by_next(void **state)
{
	stay_span later = { .id = 9, .entry_at = H(10, 0, 0), .exit_at = H(12, 0, 0),
	    .exit_recorded = true };
	stay_plan_out p;

	(void)state;
	/* 08:30, more than the window before: a stay of its own, ending where
	 * the next begins rather than at 10:30. */
	plan(&later, 1, false, H(8, 30, 0), &two_hours, &p);
	assert_int_equal(p.action, STAY_OPENED);
	assert_int_equal(p.exit_at, H(10, 0, 0));
}

static void
test_exits_without_stays(void **state)
{
	stay_span done = { .id = 5, .entry_at = H(9, 0, 0), .exit_at = H(9, 30, 0),
	    .exit_recorded = true };
	stay_plan_out p;

	(void)state;
	plan(NULL, 0, true, H(8, 0, 0), &two_hours, &p);  /* entry never scanned */
	assert_int_equal(p.action, STAY_NONE);
	plan(&done, 1, true, H(9, 35, 0), &two_hours, &p);  /* scanned out twice */
	assert_int_equal(p.action, STAY_SAME);
	assert_int_equal(p.stay_id, 5);
	assert_int_equal(p.n_changes, 0);
	plan(&done, 1, true, H(12, 0, 0), &two_hours, &p);  /* long after: a new exit */
	assert_int_equal(p.action, STAY_NONE);
	plan(&done, 1, false, H(9, 20, 0), &two_hours, &p); /* an entry inside a recorded stay */
	assert_int_equal(p.action, STAY_SAME);
}

static void
test_exit_same_second(void **state)
{
	stay_span open = { .id = 6, .entry_at = H(9, 0, 0), .exit_at = H(11, 0, 0) };
	stay_plan_out p;

	(void)state;
	/* [09:00:00, 09:00:00) would be empty: the stay lasts one second. */
	plan(&open, 1, true, H(9, 0, 0), &two_hours, &p);
	assert_int_equal(p.action, STAY_CLOSED);
	assert_int_equal(p.changes[0].exit_at, H(9, 0, 1));
}

/* ---- announcement lines ------------------------------------------------------ */

/* The oracle: the parse as it was written with sscanf (the format's ' '
 * matches any white space, even none; %lld skips white space, takes a
 * sign, saturates on overflow). */
static bool
news_parse_sscanf(const char *line, stay_news *out)
{
	long long p, l, a, b;
	int used = 0;

	memset(out, 0, sizeof *out);
	if (strncmp(line, "stay- ", 6) == 0) {
		if (sscanf(line + 6, "%lld %lld %lld%n", &p, &l, &a, &used) != 3 || line[6 + used])
			return false;
		*out = (stay_news){ .gone = true, .person_id = p, .place_id = l, .entry_at = a };
		return true;
	}
	if (strncmp(line, "stay ", 5) != 0 ||
	    sscanf(line + 5, "%lld %lld %lld %lld%n", &p, &l, &a, &b, &used) != 4 || line[5 + used])
		return false;
	*out = (stay_news){ .person_id = p, .place_id = l, .entry_at = a, .exit_at = b };
	return true;
}

static void
same_as_sscanf(const char *line)
{
	stay_news got, want;
	bool ok_got = stay_news_parse(line, &got), ok_want = news_parse_sscanf(line, &want);

	if (ok_got != ok_want)
		fail_msg("\"%s\": parse %d, sscanf %d", line, ok_got, ok_want);
	/* stay_news has no padding between its members that matter: compare
	 * them one by one. */
	assert_int_equal(got.gone, want.gone);
	assert_int_equal(got.person_id, want.person_id);
	assert_int_equal(got.place_id, want.place_id);
	assert_int_equal(got.entry_at, want.entry_at);
	assert_int_equal(got.exit_at, want.exit_at);
}

/* stay_news_parse against sscanf: lines as stay_announce writes them (with
 * stay_announce's own format, extremes included), and mangled ones: every
 * piece a random choice of number forms, separators and endings. */
static void
test_news_parse_like_sscanf(void **state)
{
	static const char *const heads[] = { "stay ", "stay- ", "stay", "stay-", "Stay ", "",
	    "stay  ", "stay -", "stay\t" };
	static const char *const numbers[] = { "0", "1", "-1", "+7", "1584892800", "-0",
	    "9223372036854775807", "-9223372036854775808", "9223372036854775808",
	    "-9223372036854775809", "99999999999999999999999", "00012", "12x", "0x1f", "-",
	    "+", "", " 5", "\t6", "\n7", "1.5", "１" };
	static const char *const seps[] = { " ", "  ", "", "\t", "\n", " \v", ",", "\f" };
	static const char *const ends[] = { "", " ", "\n", "x", "\t", " 9" };
	static const int64_t ext[] = { 0, 1, -1, INT64_MAX, INT64_MIN, 1584892800, 42 };
	uint64_t r = 0x9E3779B97F4A7C15u;
	char line[256];

	(void)state;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
		for (size_t j = 0; j < sizeof ext / sizeof ext[0]; j++) {
			snprintf(line, sizeof line, "stay %lld %lld %lld %lld", (long long)ext[i],
			    (long long)ext[j], (long long)ext[(i + j) % 7], (long long)ext[(i * j) % 7]);
			same_as_sscanf(line);
			snprintf(line, sizeof line, "stay- %lld %lld %lld", (long long)ext[j],
			    (long long)ext[i], (long long)ext[(i + 3) % 7]);
			same_as_sscanf(line);
		}
	for (int n = 0; n < 200000; n++) {
		size_t len;
		int k;
		r ^= r << 13; r ^= r >> 7; r ^= r << 17;
		len = (size_t)snprintf(line, sizeof line, "%s", heads[r % 9]);
		k = (int)(r >> 8) % 6;
		for (int i = 0; i < k; i++) {
			uint64_t q = r >> (12 + 4 * i);
			len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", i ? seps[q % 8] : "",
			    numbers[(q >> 3) % 22]);
		}
		snprintf(line + len, sizeof line - len, "%s", ends[(r >> 40) % 6]);
		same_as_sscanf(line);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_a_and_b),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_repeated_entry_same_stay),
		cmocka_unit_test(test_entry_after_default_keeps_old_end),
		cmocka_unit_test(test_exit_before_entry_refused),
		cmocka_unit_test(test_overnight),
		cmocka_unit_test(test_entries_only_place),
		cmocka_unit_test(test_entry_just_before_a_stay),
		cmocka_unit_test(test_backdated_entry_cut_by_next),
		cmocka_unit_test(test_exits_without_stays),
		cmocka_unit_test(test_exit_same_second),
		cmocka_unit_test(test_news_parse_like_sscanf),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
