#!/bin/sh
# The retention purge's scan deletes with and without a per-row trigger
# on scan like the one schema 0019 first had (memo_epoch_scan_delete,
# dropped for this: the purge now takes one scan id a place instead;
# bench/RESULTS.md "Review of the ninth session's memo epoch").
#   sh bench/purge_trigger.sh [ROWS] [RUNS]
# Makes a store with `sijin init` (SIJIN, default build/sijin), puts ROWS
# (default 1,000,000) scans at one place with the sqlite3 shell, then RUNS
# times (default 3) deletes them all as src/domain/purge.c does, once in a
# copy with the trigger (created here) and once in a copy without it, and
# prints the sqlite3 process's user and system CPU seconds and wall time.
set -eu
rows=${1:-1000000}
runs=${2:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
sijin=${SIJIN:-$top/build/sijin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo 'bench-password-1' | "$sijin" --db "$tmp/p.db" init >/dev/null
sqlite3 "$tmp/p.db" "PRAGMA foreign_keys = OFF;
INSERT INTO checkpoint (id, place_id, name, created_at) VALUES (1, 1, 'gate', 0);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $rows)
INSERT INTO scan (place_id, id, checkpoint_id, at, kind, reasons)
SELECT 1, i, 1, 1700000000 + i, 0, 0 FROM c;
PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$tmp/p.db" "$tmp/with.db"
cp "$tmp/p.db" "$tmp/without.db"
sqlite3 "$tmp/with.db" "CREATE TRIGGER IF NOT EXISTS memo_epoch_scan_delete AFTER DELETE ON scan
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;"
sqlite3 "$tmp/without.db" "DROP TRIGGER IF EXISTS memo_epoch_scan_delete"
echo "rows $rows; user s, system s, wall s"
for r in $(seq "$runs"); do
	for d in with without; do
		cp "$tmp/$d.db" "$tmp/run.db"
		printf '%s trigger, run %s: ' "$d" "$r"
		/usr/bin/time -f '%U %S %e' sqlite3 "$tmp/run.db" "PRAGMA journal_mode = WAL;
DELETE FROM scan WHERE place_id = 1 AND at < 1700000000 + $rows + 1;" 2>&1 >/dev/null
		rm -f "$tmp/run.db" "$tmp/run.db-wal" "$tmp/run.db-shm"
	done
done
