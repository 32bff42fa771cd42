#!/bin/sh
# The peers of sijin's tracing (issue 6 "Peers"): the same first-degree
# question on the same generated stays, as plain SQL on the sqlite3 shell,
# on PostgreSQL 15 (a throw-away server from scripts/pg.sh, stopped after)
# and on DuckDB (npm @duckdb/node-api, bench/trace_duckdb.mjs), each answer
# checked against sijin's.  DIR comes from `trace_bench ... --dump DIR N`
# (bench/trace.sh runs both).
#   sh bench/trace_peers.sh DIR
# Prints a Markdown table: peer, queries, p50, p99, identical answers.
#
# The query, for index person P over the window [F, T) with a minimum of
# 900 s: every pair of stays (P's stay i, another person's stay c) at the
# same place that overlap, the overlap clipped to the window, summed per
# contact.  A person's stays never overlap in the generated data, so the
# sum over pairs is exactly sijin's merged answer.  The best indexes:
# (place, entry_at, exit_at, person) and (person, place, entry_at,
# exit_at), and the bound c.entry_at >= i.entry_at − M (M the longest stay)
# that turns the join into an index range, as sijin's own probe does.
set -eu
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
M=$(awk -F, 'BEGIN { m = 0 } { d = $4 - $3; if (d > m) m = d } END { print m }' "$dir/stays.csv")

# query LEAST GREATEST: the SQL of every query, one a line.
queries() {
	while IFS=, read -r q p f t; do
		printf 'SELECT %s, c.person, sum(%s(c.exit_at, i.exit_at, %s) - %s(c.entry_at, i.entry_at, %s)) AS s FROM stay i JOIN stay c ON c.place = i.place AND c.entry_at >= i.entry_at - %s AND c.entry_at < i.exit_at AND c.exit_at > i.entry_at WHERE i.person = %s AND c.person <> %s AND i.entry_at < %s AND i.exit_at > %s AND c.entry_at < %s AND c.exit_at > %s GROUP BY c.person HAVING sum(%s(c.exit_at, i.exit_at, %s) - %s(c.entry_at, i.entry_at, %s)) >= 900;\n' \
		    "$q" "$1" "$t" "$2" "$f" "$M" "$p" "$p" "$t" "$f" "$t" "$f" "$1" "$t" "$2" "$f"
	done < "$dir/queries.csv"
}

# stats NAME TIMES_MS ANSWERS: one table row; answers compared with sijin's.
stats() {
	n=$(wc -l < "$2")
	p50=$(sort -n "$2" | awk -v n="$n" 'NR == int(n / 2) + 1 { printf "%.3f", $1 }')
	p99=$(sort -n "$2" | awk -v n="$n" 'NR == int(n * 0.99) + 1 { printf "%.3f", $1 }')
	if sort "$3" | cmp -s - "$dir/answers.sorted"; then same=yes; else same=NO; fi
	echo "| $1 | $n | $p50 ms | $p99 ms | $same ($(wc -l < "$3") contacts) |"
}

sort "$dir/answers.csv" > "$dir/answers.sorted"
echo "| peer | queries | p50 | p99 | answers identical to sijin's |"
echo "|---|---|---|---|---|"

# sqlite3 shell.
db="$dir/peer.db"
rm -f "$db"
sqlite3 "$db" <<SQL
CREATE TABLE stay (person INTEGER, place INTEGER, entry_at INTEGER, exit_at INTEGER);
.mode csv
.import $dir/stays.csv stay
CREATE INDEX stay_place ON stay (place, entry_at, exit_at, person);
CREATE INDEX stay_person ON stay (person, place, entry_at, exit_at);
ANALYZE;
SQL
{ echo ".timer on"; queries min max; } | sqlite3 -csv "$db" > "$dir/sqlite.out"
grep '^Run Time' "$dir/sqlite.out" | awk '{ print $4 * 1000 }' > "$dir/sqlite.ms"
grep -v '^Run Time' "$dir/sqlite.out" > "$dir/sqlite.ans" || true
stats "sqlite3 $(sqlite3 --version | cut -d' ' -f1) shell" "$dir/sqlite.ms" "$dir/sqlite.ans"
rm -f "$db"

# PostgreSQL.
url=$(sh "$top/scripts/pg.sh" start)
trap 'sh "$top/scripts/pg.sh" stop "$url"' EXIT
sh "$top/scripts/pg.sh" psql "$url" -q <<SQL
CREATE TABLE stay (person BIGINT, place BIGINT, entry_at BIGINT, exit_at BIGINT);
\copy stay FROM '$dir/stays.csv' CSV
CREATE INDEX stay_place ON stay (place, entry_at, exit_at, person);
CREATE INDEX stay_person ON stay (person, place, entry_at, exit_at);
VACUUM ANALYZE stay;
SQL
{ printf '%s\n' '\timing on'; queries LEAST GREATEST; } |
	sh "$top/scripts/pg.sh" psql "$url" -q -F, > "$dir/pg.out"
grep '^Time:' "$dir/pg.out" | awk '{ print $2 }' > "$dir/pg.ms"
grep -v '^Time:' "$dir/pg.out" > "$dir/pg.ans" || true
ver=$(sh "$top/scripts/pg.sh" psql "$url" -c 'SHOW server_version' | cut -d' ' -f1)
stats "PostgreSQL $ver" "$dir/pg.ms" "$dir/pg.ans"
sh "$top/scripts/pg.sh" stop "$url"
trap - EXIT

# DuckDB.
queries least greatest > "$dir/duckdb.sql"
node "$top/bench/trace_duckdb.mjs" "$dir" > "$dir/duckdb.ver"
stats "DuckDB $(cat "$dir/duckdb.ver") (@duckdb/node-api)" "$dir/duckdb.ms" "$dir/duckdb.ans"
