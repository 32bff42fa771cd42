#!/bin/sh
# `make soak` (issue 10 "Load"; not in CI): a soak of `sijin serve` on a demo
# database.  First the capacity is measured (CAPACITY_S seconds of mixed
# traffic as fast as CONNS workers go: bench/soak.mjs capacity), then
# SOAK_MINUTES minutes (default 30) of the same mix — scans 70 %, scan
# lists 12 %, alert lists 8 %, traces 5 %, daily reports 5 % — paced at
# LOAD_PCT % (default 50) of that capacity, with the server's resident
# memory and the latency percentiles sampled every minute.  At the end it
# says whether memory and latency stayed flat and whether any request
# failed, then runs the SIGKILL crash loop (tests/cli/crash.sh) CRASH_COUNT
# times (default 200; 0 = skip).
#   sh bench/soak.sh                     SOAK_MINUTES=5 sh bench/soak.sh
# "Flat", between the second minute (the first warms the caches) and the
# last: memory — the growth of the server's RSS less the growth of the two
# structures that grow with the data written, by design, both read from
# /metrics: the live trace index (20 bytes a stay until retention drops it,
# docs/trace.md) and SQLite's heap (each connection's page cache fills up
# to cache_size, 2 MiB by default, as the database grows) — within 8 MiB or
# 10 % of the second minute's RSS; latency —
# the last minute's p95 within 1.5× (or 5 ms) of the second minute's.  The
# reads cost the same all along (bench/soak.mjs: lists of 50, traces of the
# last 15 minutes, the daily report of the demo's day), so that only the
# server can make them slower.
set -eu
cd "$(dirname "$0")/.."
SIJIN=${SIJIN:-./sijin}
MIN=${SOAK_MINUTES:-30}
PCT=${LOAD_PCT:-50}
CAP_S=${CAPACITY_S:-30}
export CONNS=${CONNS:-16}
T=$(mktemp -d /tmp/sijin-soak-XXXXXX)
DB=$T/soak.db
PORT=${PORT:-$((21000 + $$ % 10000))}
BASE=http://127.0.0.1:$PORT
SERVER=""
trap 'kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

"$SIJIN" --db "$DB" demo >/dev/null
TOKEN=$("$SIJIN" --db "$DB" user token admin --name soak 2>/dev/null | tail -1)
CP=$(sqlite3 "$DB" "SELECT min(id) FROM checkpoint")
PEOPLE=$(sqlite3 "$DB" "SELECT id FROM person ORDER BY id LIMIT 60" | tr '\n' ',' | sed 's/,$//')
# The demo's busiest day (local, UTC+8) for the daily report: data of a
# fixed size, unlike today's, which grows with every scan of the soak.
export REPORT_DATE=${REPORT_DATE:-$(sqlite3 "$DB" "SELECT date(at + 28800, 'unixepoch') d
    FROM scan GROUP BY d ORDER BY count(*) DESC, d LIMIT 1")}
# The demo's scenario is March 2020: keep it readable (docs/retention.md).
"$SIJIN" --db "$DB" --port "$PORT" --threads 4 --retention-days 3650 --log-level warn serve \
    >"$T/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

echo "soak: $(date -u +%FT%TZ) on $(nproc) CPUs; server pid $SERVER; $CONNS workers"
CAP=$(node bench/soak.mjs capacity "$BASE" "$TOKEN" "$CP" "$PEOPLE" "$CAP_S")
echo "capacity (mixed, ${CAP_S} s, as fast as possible): $CAP"
RPS=$(echo "$CAP" | sed 's/.*"rps":\([0-9]*\).*/\1/')
TARGET=$((RPS * PCT / 100))
[ "$TARGET" -ge 1 ] || TARGET=1
echo "soak: $MIN min at $TARGET requests/s ($PCT % of $RPS)"
node bench/soak.mjs soak "$BASE" "$TOKEN" "$CP" "$PEOPLE" $((MIN * 60)) "$TARGET" "$SERVER" |
    tee "$T/minutes"
kill -0 "$SERVER" 2>/dev/null && SERVER_ALIVE=yes || SERVER_ALIVE=no
awk -v alive="$SERVER_ALIVE" '
	function num(key) { return match($0, "\"" key "\":-?[0-9.]+") ? \
	    substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0 : -1 }
	{ n++; rss[n] = num("rss_kib"); p95[n] = num("p95_ms"); idx[n] = num("index_kib")
	  stays[n] = num("index_stays"); used[n] = num("heap_used_kib"); free[n] = num("heap_free_kib")
	  lite[n] = num("sqlite_kib")
	  err += num("errors"); req += num("requests") }
	END {
		b = n >= 3 ? 2 : 1
		dr = rss[n] - rss[b]; di = idx[n] - idx[b]; dl = lite[n] - lite[b]; rest = dr - di - dl
		mem = (rest <= 8192 || rest <= rss[b] * 0.10) ? "flat" : "GROWING"
		lat = (p95[n] <= p95[b] * 1.5 || p95[n] - p95[b] <= 5) ? "flat" : "RISING"
		printf "summary: %d requests, %d errors; minute %d -> %d: RSS %d -> %d KiB (%+d), " \
		    "of which the trace index %d -> %d KiB (%+d; %d -> %d stays, %.1f bytes a stay) " \
		    "and SQLite %d -> %d KiB (%+d), the rest %+d KiB: memory %s; " \
		    "C heap in use %d -> %d KiB, free but kept %d -> %d KiB; " \
		    "p95 %.1f -> %.1f ms: latency %s; server alive at the end: %s\n",
		    req, err, b, n, rss[b], rss[n], dr, idx[b], idx[n], di, stays[b], stays[n],
		    (stays[n] > 0 ? idx[n] * 1024 / stays[n] : 0), lite[b], lite[n], dl, rest, mem,
		    used[b], used[n], free[b], free[n], p95[b], p95[n], lat, alive
		exit (err == 0 && mem == "flat" && lat == "flat" && alive == "yes") ? 0 : 1
	}' "$T/minutes" && verdict=0 || verdict=1
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
if [ "${CRASH_COUNT:-200}" -gt 0 ] && [ -f tests/cli/crash.sh ]; then
	echo "crash loop: COUNT=${CRASH_COUNT:-200} sh tests/cli/crash.sh"
	COUNT=${CRASH_COUNT:-200} SIJIN_BIN=$(cd "$(dirname "$SIJIN")" && pwd)/$(basename "$SIJIN") \
	    sh tests/cli/crash.sh | tee "$T/crash" | grep -v '^ok' || true
	echo "crash loop: $(grep -c '^ok' "$T/crash") ok, $(grep -c '^not ok' "$T/crash") not ok"
	grep -q '^not ok' "$T/crash" && verdict=1
fi
exit $verdict
