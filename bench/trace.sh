#!/bin/sh
# Benchmark of exposure tracing (issue 6 "Speed and memory"):
# bench/trace_bench.c generates a district of STAYS stays (default
# 1,000,000: the small profile; 70000000 is the full one), builds the
# index, measures the memory bandwidth, and times trace_run for 2,000
# random index persons at depth 1 (one thread, then two) and a few at
# depth 2 (each the time of trace_run building the whole trace_result —
# every contact and interval in the answer's order, which the API then
# turns into JSON — on two threads; not trace_result_free).  At or below PEER_MAX stays (default 2,000,000) the peers run
# too, on the same stays and the first 50 index persons, answers checked
# (bench/trace_peers.sh: sqlite3 shell, PostgreSQL 15, DuckDB; needs
# `npm install` for @duckdb/node-api).  Prints a Markdown section; with
# --record appends it to bench/RESULTS.md.
#   sh bench/trace.sh [STAYS] [--uniform] [--record]
# DEPTH2=N times N depth-2 traces (default 3); the first of the process
# ("cold": its memory fresh from the kernel, as every trace's in the
# server) is reported apart from the p50 of the others ("warm").
set -eu
cd "$(dirname "$0")/.."
stays=1000000 record=false uniform=""
for a in "$@"; do
	case $a in
	--record) record=true ;;
	--uniform) uniform=--uniform ;;
	*) stays=$a ;;
	esac
done
build=${BUILD:-build}
make -s BUILD="$build" "$build/libsijin.a" >/dev/null
tmp=$(mktemp -d /tmp/sijin-bench-trace-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkvar() { make -s --no-print-directory BUILD="$build" --eval "print-var: ; @echo \$($1)" print-var; }
cc $(mkvar CFLAGS) -o "$tmp/trace_bench" bench/trace_bench.c "$build/libsijin.a" $(mkvar LDLIBS)
peers=false
[ "$stays" -le "${PEER_MAX:-2000000}" ] && peers=true
{
	echo
	echo "## Tracing (issue 6), $stays stays${uniform:+, uniform popularity}"
	echo
	echo "\`${DEPTH2:+DEPTH2=$DEPTH2 }sh bench/trace.sh $* \` — $(date -u +%Y-%m-%dT%H:%MZ), machine shared with other builds."
	echo
	if $peers; then
		"$tmp/trace_bench" "$stays" 2000 $uniform --depth2 "${DEPTH2:-3}" --dump "$tmp" 50
		echo
		sh bench/trace_peers.sh "$tmp"
	else
		"$tmp/trace_bench" "$stays" 2000 $uniform --depth2 "${DEPTH2:-3}"
	fi
} > "$tmp/out.md"
cat "$tmp/out.md"
if $record; then cat "$tmp/out.md" >> bench/RESULTS.md; fi
