#!/bin/sh
# Benchmark of the supply ledger (issue 7 "Speed"):
#  1. load MOVES ledger movements (default 1,000,000) through the domain
#     code (bench/supply_load.c: validation, balance checks, writes, 500
#     documents a transaction) and time random stock-on-hand questions
#     (supply_stock_at: one index seek on the per-day balances);
#  2. for contrast, the same question answered by summing the ledger
#     (SQLite, the movements of one site and item, and the whole ledger
#     scanned without its index);
#  3. export the whole ledger as XLSX and as CSV with the command line under
#     /usr/bin/time -v: elapsed time and peak resident memory (the issue
#     asks ≤ 100 MB for 1 M lines), and check that no row is missing.
# Prints a Markdown section; with --record appends it to bench/RESULTS.md.
#   sh bench/supply.sh [MOVES] [--record]
set -eu
cd "$(dirname "$0")/.."
moves=${1:-1000000}
record=false
[ "${2:-}" = "--record" ] || [ "${1:-}" = "--record" ] && record=true
[ "$moves" = "--record" ] && moves=1000000
build=${BUILD:-build}
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "bench: unzip is missing" >&2; exit 1; }
make -s BUILD="$build" "$build/sijin" "$build/libsijin.a" >/dev/null
tmp=$(mktemp -d /tmp/sijin-bench-supply-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# The loader is built with the Makefile's own flags and links the library
# like the unit tests do.
mkvar() { make -s --no-print-directory BUILD="$build" --eval "print-var: ; @echo \$($1)" print-var; }
cc $(mkvar CFLAGS) -o "$tmp/supply_load" bench/supply_load.c "$build/libsijin.a" $(mkvar LDLIBS)
db="$tmp/bench.db"
case $build in /*) sijin="$build/sijin --db $db" ;; *) sijin="./$build/sijin --db $db" ;; esac
out="$tmp/report.md"

/usr/bin/time -v "$tmp/supply_load" "$db" "$moves" 100000 >"$tmp/load.out" 2>"$tmp/load.time"
cat "$tmp/load.out"
n=$(sqlite3 "$db" "SELECT count(*) FROM supply_move")
days=$(sqlite3 "$db" "SELECT count(*) FROM supply_balance")
size=$(du -m "$db" | cut -f1)

# The contrast: one (site, item) summed from its ledger range, and the
# same sum with the key defeated (site_id + 0: a scan of every movement).
site=$(sqlite3 "$db" "SELECT site_id FROM supply_move GROUP BY site_id, item_id ORDER BY count(*) DESC LIMIT 1")
item=$(sqlite3 "$db" "SELECT item_id FROM supply_move WHERE site_id = $site GROUP BY item_id ORDER BY count(*) DESC LIMIT 1")
day=$(sqlite3 "$db" "SELECT max(day) FROM supply_move")
pair=$(sqlite3 "$db" "SELECT count(*) FROM supply_move WHERE site_id = $site AND item_id = $item")
timed() {  # timed N SQL: milliseconds per run of SQL, N runs in one sqlite3 process,
	# less the same process running "SELECT 1" N times
	for _ in $(seq "$1"); do echo "$2;"; done >"$tmp/q.sql"
	for _ in $(seq "$1"); do echo "SELECT 1;"; done >"$tmp/b.sql"
	s=$(date +%s.%N); sqlite3 "$db" <"$tmp/b.sql" >/dev/null; m=$(date +%s.%N)
	sqlite3 "$db" <"$tmp/q.sql" >/dev/null; e=$(date +%s.%N)
	echo "$s $m $e $1" | awk '{ v = (($3 - $2) - ($2 - $1)) / $4 * 1000; printf "%.3f", v < 0 ? 0 : v }'
}
ms_seek=$(timed 2000 "SELECT qty_end FROM supply_balance WHERE site_id = $site AND item_id = $item AND day <= $day ORDER BY day DESC LIMIT 1")
ms_range=$(timed 200 "SELECT sum(qty) FROM supply_move WHERE site_id = $site AND item_id = $item AND day <= $day")
ms_scan=$(timed 5 "SELECT sum(qty) FROM supply_move WHERE site_id + 0 = $site AND item_id + 0 = $item AND day <= $day")
check=$(sqlite3 "$db" "SELECT (SELECT qty_end FROM supply_balance WHERE site_id = $site AND item_id = $item AND day <= $day ORDER BY day DESC LIMIT 1) = (SELECT sum(qty) FROM supply_move WHERE site_id = $site AND item_id = $item)")
[ "$check" = 1 ] || { echo "bench: the balance row disagrees with the ledger sum" >&2; exit 1; }

# The exports, timed with their peak memory.
export_run() {  # export_run FORMAT
	/usr/bin/time -v $sijin supply export ledger --format "$1" --out "$tmp/ledger.$1" \
		>/dev/null 2>"$tmp/$1.time"
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/$1.time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/$1.time")
	bytes=$(stat -c %s "$tmp/ledger.$1")
	echo "$wall $((rss / 1024)) $((bytes / 1048576))"
}
set -- $(export_run xlsx); x_wall=$1; x_rss=$2; x_mb=$3
x_rows=$(unzip -p "$tmp/ledger.xlsx" 'xl/worksheets/sheet*.xml' | grep -o '<row ' | wc -l)
set -- $(export_run csv); c_wall=$1; c_rss=$2; c_mb=$3
c_rows=$(($(wc -l <"$tmp/ledger.csv") - 1))
sheets=$(unzip -l "$tmp/ledger.xlsx" | grep -c 'xl/worksheets/sheet')
[ "$c_rows" = "$n" ] || { echo "bench: CSV has $c_rows rows for $n movements" >&2; exit 1; }
[ "$x_rows" = "$((n + sheets))" ] || { echo "bench: XLSX has $x_rows rows for $n movements" >&2; exit 1; }
load_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/load.time")

cat >"$out" <<EOF

## Supply ledger (issue 7)

\`sh bench/supply.sh $moves\` — $(date +%F), SQLite (WAL), the ledger loaded through
\`supply_doc_post\` (bench/supply_load.c: 10-line receipts, transfers, distributions and
consumption day by day from 2020-01-01, one document in 20 back-dated up to 30 days, 500
documents a transaction): $n movements, $days per-day balance rows, a $size MB database.

| what | figure |
|---|---|
| loading (validation, balance check, writes) | $(sed -n 's/.*in \([0-9.]* s\): \([0-9]*\) movements\/s/\1, \2 movements\/s/p' "$tmp/load.out"), peak $((load_rss / 1024)) MB |
| stock on hand, \`supply_stock_at\` (100,000 random site × item × date, site and item checks included) | $(sed -n 's/.*s: \([0-9.]* µs\) each.*/\1/p' "$tmp/load.out") a question |
| the same question in SQL alone: the balance row (one backwards seek; sqlite3 shell, mean of 2,000) | $ms_seek ms |
| … answered instead by summing that pair's $pair movements (its primary-key range; mean of 200) | $ms_range ms |
| … answered by scanning the whole ledger (key defeated with \`site_id + 0\`; mean of 5) | $ms_scan ms |
| XLSX export of the whole ledger (\`sijin supply export ledger --format xlsx\`) | $x_wall, peak RSS $x_rss MB, $x_mb MB file, $x_rows rows in $sheets sheet(s) (header + every movement) |
| CSV export of the same | $c_wall, peak RSS $c_rss MB, $c_mb MB file, $c_rows rows |

Peak RSS is \`/usr/bin/time -v\`'s "Maximum resident set size" of the whole process.
EOF
cat "$out"
if $record; then cat "$out" >>bench/RESULTS.md; echo "appended to bench/RESULTS.md"; fi
