#!/bin/sh
# Bulk import benchmark (issue 5 "Bulk import", issue 4 "Bulk scan import
# into PostgreSQL"; docs/import.md).  One run measures, side by side:
#   (a) SQLite: `sijin import checkins` of ROWS new check-ins into a store
#       already holding BASE scans, vs the sqlite3 shell's `.import` of the
#       very rows sijin stored into scan_sq, a table with the scan table's
#       columns, primary key and index holding the same base rows, in a copy
#       of the same base store, with the same page cache;
#   (b) PostgreSQL (a throw-away server from scripts/pg.sh, stopped after):
#       the same import into a store holding PG_BASE scans, vs psql's
#       `\copy` of the rows sijin stored into scan_fk, a table made LIKE
#       scan INCLUDING ALL with scan's foreign keys added (the same table:
#       columns, checks, primary key, index and the references every
#       imported row carries: its checkpoint at its place, one composite key
#       since migration 0015, and its person) and holding the same base
#       rows; and, for
#       reference, into scan_copy, the same without the foreign keys;
#   (c) bytes on disk per scan, indexes included.
# sijin validates every row (scan_prepare: checkpoint, person, screening)
# and derives stays; the shells only load rows.
#
#   sh bench/import.sh [ROWS [BASE [PG_BASE]]]     defaults 1000000 10000000 1000000
#   SKIP_SQLITE=1 / SKIP_PG=1 leave a half out; RUNS=N SQLite runs (default 3);
#   BATCH_ROWS=N: sijin's --batch-rows on SQLite (default: as many as its
#   --memory holds); MEMORY=MIB: sijin's --memory (default: its own, 158 MiB:
#   a 48 MiB page cache, the pair reader's 8 MiB and batches of 1,000,000
#   rows, ~200,000 with IMPORT_ARGS=--overlap; peak RSS ~165 MiB, < 200 MB;
#   IMPORT_ARGS=--no-overlap: one connection, no pair reader).
#   SHELL_CACHE_MIB: the sqlite3 shell's page cache (default 256 MiB, its
#   best: it inserts in primary-key order, so its person-index leaves are
#   touched at random and want the whole index cached; given sijin's 48 MiB
#   it spends 9.8 s of CPU instead of 6.1 s, bench/RESULTS.md "SQLite bulk
#   import: page cache and memory").  Both sides use synchronous=FULL, WAL, 4 KiB pages
#   and the default wal_autocheckpoint (1000 pages), the same file.
#   IMPORT_ARGS="...": more options for the measured sijin imports (both
#   stores), e.g. IMPORT_ARGS=--no-overlap for one connection.
#   PG_SETTINGS: the PostgreSQL server's settings (scripts/pg.sh), the same
#   for sijin and psql; default below, sized for this 24 GiB machine.
#
# The BASE store is built once (sijin import checkins of BASE synthetic
# rows, bench/checkins_gen.awk) into $BENCH_DIR (default /tmp/sijin-bench)
# and copied for each run: building 10 M rows on the shared machine takes
# many minutes.  Prints one line per measurement and a summary.
set -eu
ROWS=${1:-1000000}
BASE=${2:-10000000}
PG_BASE=${3:-1000000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
S=${SIJIN_BIN:-$TOP/build/sijin}
W=${BENCH_DIR:-/tmp/sijin-bench}
USERS=${USERS:-200000}
VENUES=${VENUES:-5000}
CACHE_MIB=${SHELL_CACHE_MIB:-256}
mkdir -p "$W"

gen() {  # gen ROWS START SEED > file
	awk -v rows="$1" -v users="$USERS" -v venues="$VENUES" -v start="$2" -v seed="$3" \
	    -f "$TOP/bench/checkins_gen.awk"
}
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
rate() { echo "scale=0; $1 / $2" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }

# --- the base store ---------------------------------------------------------
base_db=$W/base-$BASE.db
export SIJIN_KEY_FILE="$base_db.key"   # the copies of the base share its key
if [ ! -f "$base_db" ]; then
	echo "building the base store: $BASE scans into $base_db (once)"
	rm -f "$base_db" "$base_db"-*
	"$S" --db "$base_db" demo >/dev/null
	gen "$BASE" 1577836800 1 >"$W/base.csv"
	t0=$(now)
	"$S" --db "$base_db" import checkins "$W/base.csv" --unit 1 --source bench | tail -2
	echo "base built in $(secs "$t0" "$(now)") s"
	rm -f "$W/base.csv"
	sqlite3 "$base_db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
# A base built by an older sijin gets this one's migrations once, here, not
# in every run's timed import (0016 rebuilt scan_by_person by time).
"$S" --db "$base_db" migrate >/dev/null
# The sqlite3 shell's side: scan_sq, the scan table's columns, primary key
# and index, not STRICT (the shell's .import writes an empty CSV cell as ''
# where sijin writes NULL, which a STRICT INTEGER column refuses), holding
# the same base rows.
if [ "$(sqlite3 "$base_db" "SELECT count(*) FROM sqlite_schema WHERE name = 'scan_sq'")" = 0 ]; then
	sqlite3 "$base_db" <<SQL
PRAGMA cache_size=-$((CACHE_MIB * 1024));
CREATE TABLE scan_sq (place_id INTEGER NOT NULL, id INTEGER NOT NULL, checkpoint_id INTEGER NOT NULL,
    person_id INTEGER, at INTEGER NOT NULL, kind INTEGER NOT NULL, temperature INTEGER,
    reasons INTEGER NOT NULL, operator_id INTEGER, stay_s INTEGER, key_fp INTEGER,
    PRIMARY KEY (place_id, id)) WITHOUT ROWID;
CREATE INDEX scan_sq_by_person ON scan_sq (person_id, place_id, at);
INSERT INTO scan_sq SELECT * FROM scan ORDER BY place_id, id;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
fi >/dev/null
# scan_sq of a base made before schema 0016: its index as scan_by_person's now
case $(sqlite3 "$base_db" "SELECT sql FROM sqlite_schema WHERE name = 'scan_sq_by_person'") in
*"place_id, id)"*)
	sqlite3 "$base_db" "PRAGMA cache_size=-$((CACHE_MIB * 1024)); DROP INDEX scan_sq_by_person;
	    CREATE INDEX scan_sq_by_person ON scan_sq (person_id, place_id, at);
	    PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null ;;
esac
gen "$ROWS" 1704067200 7 >"$W/new.csv"

# --- (a) SQLite -------------------------------------------------------------
# RUNS runs (default 3), each on fresh copies of the base store, sijin then
# the shell back to back; a summary line gives the medians (wall rate, CPU
# seconds) and the ratios of the medians.
if [ -z "${SKIP_SQLITE:-}" ]; then
echo "sqlite: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
    "$ROWS rows into a store of $BASE scans; ${RUNS:-3} run(s);" \
    "sijin --memory ${MEMORY:-default} --batch-rows ${BATCH_ROWS:-default}; shell cache $CACHE_MIB MiB"
: >"$W/runs"
for run in $(seq "${RUNS:-3}"); do
cp "$base_db" "$W/run.db"
n0=$(sqlite3 "$W/run.db" "SELECT count(*) FROM scan")
max0=$(sqlite3 "$W/run.db" "SELECT max(id) FROM scan")
t0=$(now)
/usr/bin/time -f "%U %S %M" -o "$W/sijin.cpu" "$S" --db "$W/run.db" import checkins "$W/new.csv" \
    --unit 1 --source bench ${BATCH_ROWS:+--batch-rows "$BATCH_ROWS"} ${MEMORY:+--memory "$MEMORY"} \
    ${IMPORT_ARGS:-} >"$W/sijin.out"
t_sj=$(secs "$t0" "$(now)")
sqlite3 "$W/run.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
n1=$(sqlite3 "$W/run.db" "SELECT count(*) FROM scan")
added=$((n1 - n0))
cpu_sj=$(awk '{print $1 + $2}' "$W/sijin.cpu")
echo "run $run: sijin sqlite: $(head -1 "$W/sijin.out")"
echo "run $run: sijin sqlite: $added scans in $t_sj s = $(rate "$added" "$t_sj") scans/s (base $n0); CPU user+sys $cpu_sj s; peak RSS $(awk '{printf "%d", $3 / 1024}' "$W/sijin.cpu") MiB"
sqlite3 -csv "$W/run.db" "SELECT place_id, id, checkpoint_id, person_id, at, kind, temperature,
    reasons, operator_id, stay_s, key_fp FROM scan WHERE id > $max0" >"$W/rows.csv"
if [ "$run" = 1 ]; then
	sz=$(sqlite3 "$W/run.db" "SELECT sum(pgsize) FROM dbstat WHERE name IN ('scan', 'scan_by_person')")
	echo "bytes per scan (sqlite, scan + scan_by_person pages, dbstat): $(rate "$sz" "$n1")"
fi
rm -f "$W/run.db" "$W/run.db"-*
cp "$base_db" "$W/sq.db"
t0=$(now)
/usr/bin/time -f "%U %S %M" -o "$W/sq.cpu" sqlite3 "$W/sq.db" <<SQL
PRAGMA cache_size=-$((CACHE_MIB * 1024));
PRAGMA synchronous=FULL;
.import --csv $W/rows.csv scan_sq
SQL
t_sq=$(secs "$t0" "$(now)")
n_sq=$(($(sqlite3 "$W/sq.db" "SELECT count(*) FROM scan_sq") - n0))
cpu_sq=$(awk '{print $1 + $2}' "$W/sq.cpu")
echo "run $run: sqlite3 .import: $n_sq rows in $t_sq s = $(rate "$n_sq" "$t_sq") rows/s; CPU user+sys $cpu_sq s; peak RSS $(awk '{printf "%d", $3 / 1024}' "$W/sq.cpu") MiB"
echo "run $run: ratio sijin/sqlite3: wall $(ratio "$(rate "$added" "$t_sj")" "$(rate "$n_sq" "$t_sq")")," \
    "CPU $(ratio "$cpu_sq" "$cpu_sj"); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(rate "$added" "$t_sj") $cpu_sj $(rate "$n_sq" "$t_sq") $cpu_sq" >>"$W/runs"
rm -f "$W/sq.db" "$W/sq.db"-*
done
med() { sort -n -k"$1" "$W/runs" | awk -v k="$1" -v n="$(wc -l <"$W/runs")" 'NR == int((n + 1) / 2) { print $k }'; }
m_sj=$(med 1); c_sj=$(med 2); m_sq=$(med 3); c_sq=$(med 4)
echo "median of $(wc -l <"$W/runs") runs: sijin $m_sj scans/s, CPU $c_sj s; sqlite3 .import $m_sq rows/s," \
    "CPU $c_sq s; ratio (wall) $(ratio "$m_sj" "$m_sq"), ratio (CPU) $(ratio "$c_sq" "$c_sj")"
fi

# --- (b) PostgreSQL ------------------------------------------------------------
[ -n "${SKIP_PG:-}" ] && exit 0
# The server of both sides: scripts/pg.sh's (Unix socket, fsync off as for
# the tests) with buffers and WAL sized for a bulk load: 2 GB of shared
# buffers hold the 2 M-scan table and its indexes; 8 GB of WAL and a 30 min
# checkpoint interval keep checkpoints out of a run; 64 MB of WAL buffers.
export PG_SETTINGS="${PG_SETTINGS-"-c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=30min -c wal_buffers=64MB"}"
echo "postgres: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
    "settings: ${PG_SETTINGS:-scripts/pg.sh's defaults}"
url=$(sh "$TOP/scripts/pg.sh" start)
trap 'sh "$TOP/scripts/pg.sh" stop "$url" >/dev/null 2>&1 || true' EXIT
psql_() { sh "$TOP/scripts/pg.sh" psql "$url" "$@"; }
# CPU seconds the server has used so far: the postmaster with the children
# it has reaped (ended connections) and those still running (backends,
# WAL writer, checkpointer...) — the same account for sijin and psql, less
# swayed than wall time by the other work of a shared machine.
pg_pm=$(head -1 "$(printf '%s\n' "$url" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')/data/postmaster.pid")
pg_cpu() {
	{ cat "/proc/$pg_pm/stat"; for c in $(cat "/proc/$pg_pm/task/$pg_pm/children"); do
		cat "/proc/$c/stat" 2>/dev/null || true; done; } |
	    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t += $12 + $13; if (NR == 1) t += $14 + $15 }
	    END { printf "%.2f\n", t / hz }'
}
cpu_sum() { echo "$1 - $2 + $3" | bc; }   # server after, server before, client
# A client's backend ends after the client does; until the postmaster has
# reaped it its CPU is in neither account (a read then missed the \copy's
# whole server side: ratio .04).  Give it a second.
pg_cpu_after() { sleep 1; pg_cpu; }
rm -f "$W/pg.key"
SIJIN_KEY_FILE="$W/pg.key" "$S" --db "$url" demo >/dev/null
gen "$PG_BASE" 1577836800 1 >"$W/pgbase.csv"
SIJIN_KEY_FILE="$W/pg.key" "$S" --db "$url" import checkins "$W/pgbase.csv" --unit 1 --source bench >/dev/null
psql_ -c "CREATE TABLE scan_copy (LIKE scan INCLUDING ALL)" -c "INSERT INTO scan_copy SELECT * FROM scan" \
    -c "CREATE TABLE scan_fk (LIKE scan INCLUDING ALL)" -c "INSERT INTO scan_fk SELECT * FROM scan" \
    -c "ALTER TABLE scan_fk ADD FOREIGN KEY (checkpoint_id, place_id) REFERENCES checkpoint (id, place_id),
        ADD FOREIGN KEY (person_id) REFERENCES person(id),
        ADD FOREIGN KEY (operator_id) REFERENCES app_user(id)" \
    -c "VACUUM ANALYZE scan" -c "VACUUM ANALYZE scan_copy" -c "VACUUM ANALYZE scan_fk" >/dev/null
n0=$(psql_ -c "SELECT count(*) FROM scan")
max0=$(psql_ -c "SELECT max(id) FROM scan")
c0=$(pg_cpu)
t0=$(now)
SIJIN_KEY_FILE="$W/pg.key" SIJIN_LOG_LEVEL=debug /usr/bin/time -f "%U %S" -o "$W/sijin-pg.cpu" \
    "$S" --db "$url" import checkins "$W/new.csv" --unit 1 --source bench ${IMPORT_ARGS:-} \
    >"$W/sijin-pg.out" 2>"$W/sijin-pg.log"
t_pg=$(secs "$t0" "$(now)")
cpu_pg=$(cpu_sum "$(pg_cpu_after)" "$c0" "$(awk '{print $1 + $2}' "$W/sijin-pg.cpu")")
# the seconds of each step of each batch (scan_import.c, log level debug)
grep -o 'import batch .*' "$W/sijin-pg.log" || true
echo "sijin postgres: CPU user+sys (the client alone) $(awk '{print $1 + $2}' "$W/sijin-pg.cpu") s"
n1=$(psql_ -c "SELECT count(*) FROM scan")
added=$((n1 - n0))
echo "sijin postgres: $(head -1 "$W/sijin-pg.out")"
echo "sijin postgres: $added scans in $t_pg s = $(rate "$added" "$t_pg") scans/s (base $n0)"
psql_ -c "\\copy (SELECT * FROM scan WHERE id > $max0) TO '$W/pgrows.csv' CSV"
c0=$(pg_cpu)
t0=$(now)
/usr/bin/time -f "%U %S" -o "$W/psql.cpu" sh "$TOP/scripts/pg.sh" psql "$url" -c "\\copy scan_fk FROM '$W/pgrows.csv' CSV"
t_fk=$(secs "$t0" "$(now)")
cpu_fk=$(cpu_sum "$(pg_cpu_after)" "$c0" "$(awk '{print $1 + $2}' "$W/psql.cpu")")
printf 'psql \\copy into scan_fk (same keys, index, foreign keys): %s rows in %s s = %s rows/s\n' \
    "$added" "$t_fk" "$(rate "$added" "$t_fk")"
printf 'CPU seconds, server and client together: sijin %s, psql \\copy into scan_fk %s; ratio (CPU) %s\n' \
    "$cpu_pg" "$cpu_fk" "$(ratio "$cpu_fk" "$cpu_pg")"
t0=$(now)
psql_ -c "\\copy scan_copy FROM '$W/pgrows.csv' CSV"
t_cp=$(secs "$t0" "$(now)")
printf 'psql \\copy into scan_copy (no foreign keys): %s rows in %s s = %s rows/s\n' "$added" "$t_cp" "$(rate "$added" "$t_cp")"
echo "ratio sijin/psql (scan_fk, the same table): $(ratio "$(rate "$added" "$t_pg")" "$(rate "$added" "$t_fk")")"
echo "ratio sijin/psql (scan_copy, no foreign keys): $(ratio "$(rate "$added" "$t_pg")" "$(rate "$added" "$t_cp")")"
echo "bytes per scan (postgres, indexes included): $(psql_ -c "SELECT pg_total_relation_size('scan') / count(*) FROM scan")"
rm -f "$W/rows.csv" "$W/pgrows.csv" "$W/pgbase.csv" "$W/new.csv" "$W/run.db" "$W/run.db"-*
