#!/bin/sh
# The bulk import gives the same scans and stays on SQLite and on
# PostgreSQL (issue 4 "Bulk scan import into PostgreSQL": the set-based
# reads of domain/scan_import.c must not change a single row): the same
# files are imported, in the same steps, into a SQLite file and a
# PostgreSQL schema, and every scan and every stay is compared row by row.
# The stay count of the check-ins is also worked out independently with awk
# (domain/stay.h: per person and venue in time order, a check-in more than
# the 600 s re-entry window after the entry of the stay it would join opens
# a new one).
#
# Needs both databases whichever SIJIN_TEST_DB says, so it compares in the
# PostgreSQL run and says so in the SQLite run.
. "$(dirname "$0")/lib.sh"
export SIJIN_RETENTION_DAYS=3650   # the rows are dated 2024

if [ "$DB_KIND" != pg ]; then
	echo "ok - compared in the run with SIJIN_TEST_DB=pg # SKIP needs both databases"
	exit 0
fi
SQ=$T/s.db
PG=$SIJIN_DB
# on sq|pg ARGS...: run sijin on that database (each has its key file).
on() { db=$SQ; [ "$1" = pg ] && db=$PG; k="$T/$1.key"; shift
    SIJIN_KEY_FILE=$k "$SIJIN_BIN" --db "$db" "$@"; }
for d in sq pg; do
	on $d demo >/dev/null 2>"$T/err" || echo "not ok - demo on $d: $(cat "$T/err")"
done
unit=$(q_db "$SQ" "SELECT id FROM unit WHERE name = '高铁社区'")
check "the demo is the same on both (unit $unit)" \
	test "$(q_db "$PG" "SELECT id FROM unit WHERE name = '高铁社区'")" = "$unit"

# --- check-ins: entries only, default stay 3600 s --------------------------------
# 4,000 check-ins of 40 people at 6 venues over ~2 h (bench/checkins_gen.awk,
# fixed seed): many repeats within the re-entry window, many stays cut
# short by the next entry.  Part 1 is rows 1-2,600; part 2 is rows
# 2,001-4,000 in reverse order (600 duplicates, later entries that cut the
# stored stays of part 1 short, an input not in time order).
awk -v rows=4000 -v users=40 -v venues=6 -v start=1709280000 -v seed=3 \
    -f "$TOP/bench/checkins_gen.awk" >"$T/all.csv"
head -2601 "$T/all.csv" >"$T/p1.csv"
{ head -1 "$T/all.csv"; sed -n '2002,$p' "$T/all.csv" | sort -r; } >"$T/p2.csv"
for p in p1 p2; do
	for d in sq pg; do
		on $d import checkins "$T/$p.csv" --unit "$unit" --source t 2>&1 |
		    grep -v '^seconds' >"$T/$p.$d.out"
	done
	check "check-ins $p: the same report on both ($(head -1 "$T/$p.pg.out"))" \
		cmp -s "$T/$p.sq.out" "$T/$p.pg.out"
done
stays=$(awk -F, 'NR > 1 {print $1","$2","$3}' "$T/all.csv" | sort -u | sort -t, -k1,1n -k2,2n -k3,3n |
    awk -F, '{k = $1 "," $2; if (k != pk || $3 - entry > 600) { n++; entry = $3 } pk = k}
    END {print n}')
scans=$(awk -F, 'NR > 1 {print $1","$2","$3}' "$T/all.csv" | sort -u | wc -l)
for db in "$SQ" "$PG"; do
	d=sq; [ "$db" = "$PG" ] && d=pg
	src="FROM scan s JOIN import_ref r ON r.source = 't' AND r.kind = 1 AND r.local_id = s.person_id"
	check "$d: $scans distinct check-ins stored" \
		test "$(q_db "$db" "SELECT count(*) $src")" = "$scans"
	check "$d: $stays stays, as worked out with awk" \
		test "$(q_db "$db" "SELECT count(*) $src WHERE s.stay_s IS NOT NULL")" = "$stays"
done

# The people made by the first pass (person_add_many, set-based): one per
# distinct user of the file, named "<source> user <user_id>", in the unit,
# the same rows on both.
users=$(awk -F, 'NR > 1 {print $1}' "$T/all.csv" | sort -u | wc -l)
ppl="FROM person p JOIN import_ref r ON r.source = 't' AND r.kind = 1 AND r.local_id = p.id"
for db in "$SQ" "$PG"; do
	d=sq; [ "$db" = "$PG" ] && d=pg
	check "$d: $users people made, one per user, named after it, in unit $unit" \
		test "$(q_db "$db" "SELECT count(*) $ppl WHERE p.name = 't user ' || r.ext_id
		    AND p.unit_id = $unit AND p.id_number_hash IS NULL")" = "$users"
done
q_db "$SQ" "SELECT p.id, p.name, p.name_key, p.unit_id $ppl ORDER BY p.id" >"$T/ppl.sq"
q_db "$PG" "SELECT p.id, p.name, p.name_key, p.unit_id $ppl ORDER BY p.id" >"$T/ppl.pg"
check "people: the same ids, names and keys on both" cmp -s "$T/ppl.sq" "$T/ppl.pg"

# --- a paper ledger with exits, at a place that records them -----------------------
cp=$(q_db "$SQ" "SELECT c.id FROM checkpoint c JOIN place p ON p.id = c.place_id
    WHERE p.records_exits = 1 ORDER BY c.id LIMIT 1")
ledger_people "$unit" sq pg
# Part A: entries and exits out of order, a repeated entry within the
# window, an exit with no stay, an overnight stay left open.  Part B: the
# overnight stay's exit, an exit before a stored entry (refused), rows of
# part A again (duplicates), a new entry.
printf '姓名,电话,时间,方向\n' >"$T/a.csv"
printf '账1,13900000001,2024-03-02 10:00,出\n账1,13900000001,2024-03-02 08:00,进\n' >>"$T/a.csv"
printf '账1,13900000001,2024-03-02 08:05,进\n账2,13900000002,2024-03-02 09:00,出\n' >>"$T/a.csv"
printf '账2,13900000002,2024-03-02 22:00,进\n账3,13900000003,2024-03-02 12:00,进\n' >>"$T/a.csv"
printf '账3,13900000003,2024-03-02 13:30,进\n账3,13900000003,2024-03-02 13:00,出\n' >>"$T/a.csv"
printf '姓名,电话,时间,方向\n' >"$T/b.csv"
printf '账2,13900000002,2024-03-03 07:00,出\n账3,13900000003,2024-03-02 11:00,出\n' >>"$T/b.csv"
printf '账1,13900000001,2024-03-02 08:00,进\n账1,13900000001,2024-03-03 09:00,进\n' >>"$T/b.csv"
for p in a b; do
	for d in sq pg; do
		TZ=UTC on $d import scans "$T/$p.csv" --checkpoint "$cp" 2>&1 |
		    grep -v '^seconds' >"$T/l$p.$d.out"
	done
	check "ledger $p: the same report and refusals on both ($(head -1 "$T/l$p.pg.out"))" \
		cmp -s "$T/l$p.sq.out" "$T/l$p.pg.out"
done
expect_in "$T/lb.pg.out" "^line 3: " "ledger b: the exit before a stored entry is refused by line"

# --- every row, compared -----------------------------------------------------------
rows="SELECT place_id, id, checkpoint_id, person_id, at, kind, temperature, reasons,
    stay_s FROM scan ORDER BY place_id, id"
q_db "$SQ" "$rows" >"$T/scan.sq"
q_db "$PG" "$rows" >"$T/scan.pg"
check "scans: $(wc -l <"$T/scan.sq") rows on SQLite, the same rows on PostgreSQL" \
	cmp -s "$T/scan.sq" "$T/scan.pg"
stay="SELECT place_id, id, person_id, entry_at, exit_at, exit_recorded FROM stay
    ORDER BY place_id, id"
q_db "$SQ" "$stay" >"$T/stay.sq"
q_db "$PG" "$stay" >"$T/stay.pg"
check "stays: $(wc -l <"$T/stay.sq") rows on SQLite, the same rows on PostgreSQL" \
	cmp -s "$T/stay.sq" "$T/stay.pg"
check "the comparison is not empty (> $scans scans)" test "$(wc -l <"$T/scan.sq")" -gt "$scans"
