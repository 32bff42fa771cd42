#!/bin/sh
# The server's start-up build of the stay index from a SQLite store (issue
# 6: "index rebuilt at start-up in ≤ 30 s").  Fills a store with STAYS
# stays of the last 14 days (default 1,000,000; the district is 70000000):
# people = STAYS / 70, places = people / 50, each person in a household at
# a place (their home), each place's stays in the order of their scan ids
# with times nearly in order (a few minutes of jitter, as writes arrive) —
# written straight into the scan table by the sqlite3 shell in key order
# (the secondary index scan_by_person is dropped first: the build reads the
# table whole and never uses it).  Then starts `sijin serve` on the store,
# waits for the log line of the index build (trace_live.c: stays, bytes,
# seconds), prints it with the server's CPU seconds so far, and stops the
# server.  Store in $BENCH_DIR (default
# /tmp/sijin-bench-trace), kept for another run (KEEP=1) or removed.
#   sh bench/trace_startup.sh [STAYS]
set -eu
cd "$(dirname "$0")/.."
stays=${1:-1000000}
S=${SIJIN_BIN:-build/sijin}
W=${BENCH_DIR:-/tmp/sijin-bench-trace}
mkdir -p "$W"
db=$W/startup-$stays.db
people=$((stays / 70))
places=$((people / 50))
per_place=$((stays / places))
now=$(date +%s)
export SIJIN_KEY_FILE="$db.key"
if [ ! -f "$db" ]; then
	"$S" --db "$db" demo >/dev/null
	t0=$(date +%s.%N)
	sqlite3 "$db" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
BEGIN;
INSERT INTO place (id, unit_id, kind, name, name_key, created_at)
SELECT 1000000 + value, (SELECT min(id) FROM unit), 'public', 'bench ' || value,
       'bench ' || value, $now FROM generate_series(1, $places);
INSERT INTO household (id, place_id, room, created_at)
SELECT 1000000 + value, 1000000 + 1 + abs(random()) % $places, 'r' || value, $now
FROM generate_series(1, $people);
INSERT INTO person (id, name, name_key, name_sort, household_id, created_at)
SELECT 1000000 + value, 'p' || value, 'p' || value, x'00', 1000000 + value, $now
FROM generate_series(1, $people);
DROP INDEX scan_by_person;
INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons, stay_s)
SELECT 1000000 + 1 + value / $per_place, 100000000 + value, (SELECT min(id) FROM checkpoint),
       1000000 + 1 + abs(random()) % $people,
       $now - 14 * 86400 + (value % $per_place) * (14 * 86400 / $per_place) + abs(random()) % 600,
       24, 0, 300 + abs(random()) % 7200
FROM generate_series(0, $stays - 1);
UPDATE id_counter SET last = 100000000 + $stays WHERE name = 'scan';
COMMIT;
SQL
	echo "store filled with $stays stays in $(echo "$(date +%s.%N) - $t0" | bc) s: $(du -h "$db" | cut -f1)"
fi
log=$W/serve.log
rm -f "$log"  # a line of the previous run must not count as this one's
port=$((20000 + $$ % 10000))
t0=$(date +%s.%N)
"$S" --db "$db" serve --port "$port" >"$log" 2>&1 &
pid=$!
i=0
until grep -q "stay index built" "$log" 2>/dev/null; do
	sleep 0.2
	i=$((i + 1))
	if [ $i -gt 3000 ] || ! kill -0 $pid 2>/dev/null; then
		echo "no build line in $log"
		kill $pid 2>/dev/null || true
		exit 1
	fi
done
wall=$(echo "$(date +%s.%N) - $t0" | bc)
# CPU seconds of the server so far (user + system): the build on a busy
# machine, where wall time also measures the other processes.
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' /proc/$pid/stat)
echo "server start to index built: $wall s wall (polled every 0.2 s), $cpu s CPU; load average $(cut -d' ' -f1-3 /proc/loadavg)"
grep "stay index built" "$log"
kill $pid
wait $pid 2>/dev/null || true
[ "${KEEP:-0}" = 1 ] || rm -f "$db" "$db"-* "$db.key"
