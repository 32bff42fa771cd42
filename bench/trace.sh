#!/bin/sh
# Benchmark of exposure tracing over the in-memory stay index (issue 6
# "Speed and memory"): bench/trace_bench.c generates a district of STAYS
# stays (default 1,000,000: the small profile; 70,000,000 is the full one),
# builds the index, and times trace_run for 2,000 random index persons at
# depth 1 and 100 at depth 2.  Prints a Markdown section; with --record
# appends it to bench/RESULTS.md.  Peers (sqlite3, DuckDB, PostgreSQL) are
# not run yet.
#   sh bench/trace.sh [STAYS] [--record]
set -eu
cd "$(dirname "$0")/.."
stays=${1:-1000000}
record=false
[ "${2:-}" = "--record" ] || [ "${1:-}" = "--record" ] && record=true
[ "$stays" = "--record" ] && stays=1000000
build=${BUILD:-build}
make -s BUILD="$build" "$build/libsijin.a" >/dev/null
tmp=$(mktemp -d /tmp/sijin-bench-trace-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkvar() { make -s --no-print-directory BUILD="$build" --eval "print-var: ; @echo \$($1)" print-var; }
cc $(mkvar CFLAGS) -o "$tmp/trace_bench" bench/trace_bench.c "$build/libsijin.a" $(mkvar LDLIBS)
{
	echo
	echo "## Tracing (issue 6), in-memory index, $stays stays"
	echo
	echo "\`sh bench/trace.sh $stays\` — $(date -u +%Y-%m-%d), bench/trace_bench.c (index only, no store;"
	echo "one thread; Zipf s = 0.7 places, overnight stays at home)."
	echo
	"$tmp/trace_bench" "$stays" 2000
} > "$tmp/out.md"
cat "$tmp/out.md"
if $record; then cat "$tmp/out.md" >> bench/RESULTS.md; fi
