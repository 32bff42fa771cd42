#!/bin/sh
# `sijin trace` refuses parameters whose seconds would overflow int64 or that
# a cast to int would change (found in review): before, --margin 2^62 minutes
# was × 60 = 0 mod 2^64 (a trace with no margin), 2^61 minutes of overlap
# became negative ("must not be negative"), and --depth 2^32 + 2 was cut to
# depth 2.  The limits: a margin of at most 3660 days (5,270,400 minutes,
# docs/trace.md), depth 1 or 2.
. "$(dirname "$0")/lib.sh"
export SIJIN_RETENTION_DAYS=3650

run_capture sj demo
expect_status 0 "demo loads"
person=$(q "SELECT min(person_id) FROM stay")

run_capture sj trace --person "$person" --margin 4611686018427387904
expect_status 2 "--margin 2^62 minutes is refused"
expect_in "$T/err" "margin" "naming the margin"
run_capture sj trace --person "$person" --margin 5270401
expect_status 2 "--margin of 3660 days and a minute is refused"
run_capture sj trace --person "$person" --margin 5270400
expect_status 0 "--margin of 3660 days runs"
run_capture sj trace --person "$person" --min-overlap 2305843009213693952
expect_status 2 "--min-overlap 2^61 minutes is refused"
expect_in "$T/err" "min_overlap" "naming the minimum overlap"
check "not called negative" sh -c "! grep -q negative '$T/err'"
run_capture sj trace --person "$person" --depth 4294967298
expect_status 2 "--depth 2^32 + 2 is refused"
expect_in "$T/err" "depth" "naming the depth"
