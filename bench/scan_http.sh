#!/bin/sh
# Benchmark of the scan path (issue 5 "Speed"): POST /api/v1/checkpoints/{id}/scans
# over HTTP on loopback with wrk (Debian package `wrk`) and bench/scan.lua, on a
# fresh demo database with PLACES extra places (one checkpoint each) and PEOPLE
# residents, every scan durable before its answer (group commit, synchronous=FULL).
# Prints wrk's figures, the server's peak resident memory, and the store's bytes
# per scan (SQLite's dbstat after a WAL checkpoint: the scan table with its index
# and the alert table, over the scans written).
#   sh bench/scan_http.sh [DURATION] [CONNS] [PEOPLE] [PLACES] [THREADS]
# defaults: 60s, 64 connections, 100000 people, 200 places, 2 server threads.
# Set KEEP=1 to keep the database (its path is printed), SIJIN=path to measure
# another binary.
set -eu
cd "$(dirname "$0")/.."
duration=${1:-60s}; conns=${2:-64}; people=${3:-100000}; places=${4:-200}; threads=${5:-2}
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is not installed" >&2; exit 1; }
# SIJIN: the binary to measure (default: build ./sijin); SIJIN_LIB: the library
# bench/scan_people.c links with (default build/libsijin.a).
if [ -z "${SIJIN:-}" ]; then make -s sijin >/dev/null; SIJIN=./sijin; fi
tmp=$(mktemp -d /tmp/sijin-scanbench-XXXXXX)
port=$((20000 + $$ % 20000))
pid=; sampler=
cleanup() {
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT
db="$tmp/bench.db"
"$SIJIN" --db "$db" demo --force >/dev/null
token=$("$SIJIN" --db "$db" user token admin --name bench | tail -1)
# The places and people, in one transaction (bench/scan_people.c).
lib=${SIJIN_LIB:-build/libsijin.a}
[ -f "$lib" ] || make -s "$lib"
ldlibs=$(make -s --no-print-directory --eval='print-ldlibs: ; @echo $(LDLIBS)' print-ldlibs)
cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -o "$tmp/scan_people" bench/scan_people.c "$lib" $ldlibs
"$tmp/scan_people" "$db" "$db.key" "$places" "$people" "$tmp/people.txt"
"$SIJIN" --db "$db" --port "$port" --log-level warn --threads "$threads" serve 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
before=$(sqlite3 "$db" "SELECT count(*) FROM scan")
# Peak resident memory of the server, sampled every 200 ms.
( peak=0; while kill -0 "$pid" 2>/dev/null; do
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
	[ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$tmp/rss"
	sleep 0.2; done ) &
sampler=$!
echo "sijin scan benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$conns -d$duration," \
    "server --threads $threads, $people people at $places checkpoints"
SIJIN_TOKEN=$token PEOPLE_FILE="$tmp/people.txt" WRK_THREADS=2 \
    wrk -t2 -c"$conns" -d"$duration" --latency -s bench/scan.lua \
    "http://127.0.0.1:$port/api/v1/checkpoints/1/scans" | tee "$tmp/wrk.out"
kill "$sampler" 2>/dev/null; sampler=
echo "server peak RSS: $(( $(cat "$tmp/rss") / 1024 )) MiB"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
after=$(sqlite3 "$db" "SELECT count(*) FROM scan")
sqlite3 "$db" "SELECT 'status: ' || (SELECT count(*) FROM scan) || ' scans, ' ||
	(SELECT count(*) FROM stay) || ' stays, ' || (SELECT count(*) FROM alert) || ' alerts'"
sqlite3 "$db" "SELECT name, sum(pgsize), sum(unused) FROM dbstat
	WHERE name IN ('scan', 'scan_by_person', 'alert', 'alert_by_id') GROUP BY name" |
    awk -F'|' -v n="$after" -v new=$((after - before)) '
	{ bytes += $2; printf "  %-16s %12d bytes %6.1f bytes/scan (%.0f%% unused)\n", $1, $2, $2 / n, 100 * $3 / $2 }
	END { printf "store: %d scans (%d written now), %.1f bytes/scan with indexes, stays and alerts\n", n, new, bytes / n }'
echo "database file: $(stat -c %s "$db") bytes"
[ "${KEEP:-0}" = 1 ] && echo "kept: $db"
exit 0
