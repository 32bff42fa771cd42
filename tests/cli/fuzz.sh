#!/bin/sh
# The libFuzzer drivers of fuzz/ (docs/fuzz.md), each run for FUZZ_SECONDS
# (default 10) from its committed seed corpus; one "ok"/"not ok" line per
# driver.  Builds them first (`make fuzz`, which installs clang and
# libclang-rt-14-dev when missing): a machine where they cannot be built
# fails here, it never skips.  A crash leaves its input in
# build-fuzz/crashes/<driver>/ and the log's tail in the output.
#   sh tests/cli/fuzz.sh            (tests/run.sh runs it once per database)
#   make fuzz-run FUZZ_SECONDS=30
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-10}
cd "$TOP" || exit 1

# The drivers touch no database: tests/run.sh's PostgreSQL pass has nothing
# more to prove than its SQLite pass did.
if [ "${SIJIN_TEST_DB:-sqlite}" = pg ]; then
	echo "ok - fuzz drivers use no database (run on the SQLite pass)"
	exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! make -s fuzz >"$log" 2>&1; then
	echo "not ok - build the fuzz drivers (make fuzz): clang and libclang-rt-14-dev are needed"
	tail -20 "$log" | sed 's/^/# /'
	exit 1
fi
echo "ok - build the fuzz drivers (make fuzz)"

for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=build-fuzz/fuzz/$name
	crashes=build-fuzz/crashes/$name
	work=$(mktemp -d)
	mkdir -p "$crashes"
	# New inputs go to a scratch folder: the committed corpus stays as it is.
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$crashes/" -print_final_stats=1 "$work" "fuzz/corpus/$name" \
	    >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok - $name: no crash in ${seconds} s (${runs:-?} inputs)"
	else
		echo "not ok - $name: crashed; input in $crashes/"
		grep -E 'ERROR|runtime error|contract broken|SUMMARY' "$log" | head -5 | sed 's/^/# /'
	fi
	rm -rf "$work"
done
