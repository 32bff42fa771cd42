#!/bin/sh
# The overlapped bulk import (each batch read on a second connection while
# the one before is written: domain/scan_import.c, handoff) stores exactly
# what the sequential one does (`--no-overlap`, the oracle): the same files,
# in the same steps and with the same small batches, go into two copies of
# the demo, one each way, and every report, scan and stay is compared row by
# row.  Batches of 1, 2, 3 and 7 rows put pairs, repeated entries within the
# re-entry window, duplicates and refusals across batch boundaries, so the
# batch read ahead must take the one written before it from memory
# (merge_written).  The stay count of check-ins in time order is also worked
# out independently with awk (as tests/cli/import_stores.sh does).  Last,
# another writer (`sijin scan` and `sijin person add`) works beside an
# import of 1-row batches: the import sees it (it reads the pairs again)
# and its own stays are still the sequential ones.
. "$(dirname "$0")/lib.sh"
export SIJIN_RETENTION_DAYS=3650   # the rows are dated 2024

A=$(new_db ov) || exit 1      # overlapped
B=$(new_db seq) || exit 1     # sequential, the oracle
on() { db=$A; [ "$1" = b ] && db=$B; k="$T/$1.key"; shift
    SIJIN_KEY_FILE=$k "$SIJIN_BIN" --db "$db" "$@"; }
for d in a b; do
	on $d demo >/dev/null 2>"$T/err" || echo "not ok - demo on $d: $(cat "$T/err")"
done
unit=$(q_db "$A" "SELECT id FROM unit WHERE name = '高铁社区'")

# import D N FILE ARGS...: import into both, batches of N rows (--overlap:
# on SQLite too); the reports (without the seconds) must be the same.
step=0
import() { kind=$1; n=$2; f=$3; shift 3; step=$((step + 1))
	on a import "$kind" "$f" --batch-rows "$n" --overlap "$@" 2>"$T/err.a" | grep -v '^seconds' >"$T/r$step.a"
	on b import "$kind" "$f" --batch-rows "$n" --no-overlap "$@" 2>"$T/err.b" |
	    grep -v '^seconds' >"$T/r$step.b"
	check "step $step ($kind, $(basename "$f"), batches of $n): the same report ($(head -1 "$T/r$step.b"))" \
		cmp -s "$T/r$step.a" "$T/r$step.b"
}
rows="SELECT place_id, id, checkpoint_id, person_id, at, kind, temperature, reasons,
    stay_s, key_fp FROM scan ORDER BY place_id, id"
stay="SELECT place_id, id, person_id, entry_at, exit_at, exit_recorded FROM stay
    ORDER BY place_id, id"
# same WHAT: every scan and stay of both stores compared.
same() {
	q_db "$A" "$rows" >"$T/scan.a"; q_db "$B" "$rows" >"$T/scan.b"
	check "$1: scans row for row ($(wc -l <"$T/scan.b") rows)" cmp -s "$T/scan.a" "$T/scan.b"
	q_db "$A" "$stay" >"$T/stay.a"; q_db "$B" "$stay" >"$T/stay.b"
	check "$1: stays row for row ($(wc -l <"$T/stay.b") rows)" cmp -s "$T/stay.a" "$T/stay.b"
}

# --- check-ins, entries only -----------------------------------------------------
# 1,200 check-ins of 12 people at 4 venues (fixed seed): every pair has
# several rows, so each batch of a few rows continues pairs the batch just
# before wrote.  Part 1: rows 1-700 in time order; part 2: rows 501-1,200
# backwards (200 duplicates of part 1, entries that cut its stored stays
# short); part 3: part 1 again (all duplicates).
awk -v rows=1200 -v users=12 -v venues=4 -v start=1709280000 -v seed=5 \
    -f "$TOP/bench/checkins_gen.awk" >"$T/all.csv"
head -701 "$T/all.csv" >"$T/p1.csv"
{ head -1 "$T/all.csv"; sed -n '502,$p' "$T/all.csv" | sort -t, -k3,3nr; } >"$T/p2.csv"
import checkins 7 "$T/p1.csv" --unit "$unit" --source t
same "check-ins part 1 in batches of 7"
# independent: per person and venue in time order, an entry more than the
# 600 s re-entry window after its stay's entry opens a new stay
stays=$(awk -F, 'NR > 1 {print $1","$2","$3}' "$T/p1.csv" | sort -u | sort -t, -k1,1n -k2,2n -k3,3n |
    awk -F, '{k = $1 "," $2; if (k != pk || $3 - entry > 600) { n++; entry = $3 } pk = k}
    END {print n}')
src="FROM scan s JOIN import_ref r ON r.source = 't' AND r.kind = 1 AND r.local_id = s.person_id"
check "check-ins part 1: $stays stays, as worked out with awk" \
	test "$(q_db "$A" "SELECT count(*) $src WHERE s.stay_s IS NOT NULL")" = "$stays"
import checkins 3 "$T/p2.csv" --unit "$unit" --source t
same "check-ins part 2, backwards, in batches of 3"
import checkins 2 "$T/p1.csv" --unit "$unit" --source t
expect_in "$T/r$step.a" "accepted 0  duplicates 700" "part 1 again: all 700 rows are duplicates"
same "check-ins part 1 again in batches of 2"

# --- the pair reader (SQLite's default: no --overlap nor --no-overlap) ---------------
# A batch's stored scans read on the second connection in chunks of
# 16,384+ rows while the batch is written (scan_import_pairs.c): 40,000
# check-ins of 300 people at 40 venues, in two halves, the second half
# backwards and starting 5,000 rows into the first (duplicates, entries
# that cut stored stays short), each half one batch of 2 chunks whose
# pairs have stored scans; against the sequential import.
awk -v rows=40000 -v users=300 -v venues=40 -v start=1709480000 -v seed=11 \
    -f "$TOP/bench/checkins_gen.awk" >"$T/big.csv"
head -20001 "$T/big.csv" >"$T/big1.csv"
{ head -1 "$T/big.csv"; sed -n '15002,$p' "$T/big.csv" | sort -t, -k3,3nr; } >"$T/big2.csv"
for f in big1 big2; do
	step=$((step + 1))
	on a --log-level debug import checkins "$T/$f.csv" --unit "$unit" --source big \
	    2>"$T/err.a" | grep -v '^seconds' >"$T/r$step.a"
	on b import checkins "$T/$f.csv" --unit "$unit" --source big --no-overlap 2>"$T/err.b" |
	    grep -v '^seconds' >"$T/r$step.b"
	check "step $step ($f, one batch, the pair reader on SQLite): the same report ($(head -1 "$T/r$step.b"))" \
		cmp -s "$T/r$step.a" "$T/r$step.b"
	# On SQLite the batch reads the file's people in id order before its
	# rows (scan_import_people_hint: 300 people, one batch of 20,000 rows);
	# on PostgreSQL none (scan_memo_preload reads a batch's people there).
	loads=1; [ "$DB_KIND" = pg ] && loads=0
	expect_in "$T/err.a" "batches given the hinted people so far $loads\$" \
	    "step $step: the file's people read in id order by $loads of its 1 batch"
done
# independent: a row of the second half is a duplicate when its user, venue
# and second came before (in the first half, or earlier in the second)
dups=$(awk -F, 'FNR > 1 { k = $1 "," $2 "," $3; if (seen[k]++ && FILENAME ~ /big2/) n++ }
    END { print n + 0 }' "$T/big1.csv" "$T/big2.csv")
expect_in "$T/r$step.a" "duplicates $dups " "the second half: $dups duplicates, as worked out with awk"
same "40,000 check-ins in two batches, pairs read ahead"

# --- the file's people read in id order, batch after batch -----------------------------
# 20,000 check-ins of 2,500 people in batches of 3,000: each batch's memo
# starts empty, so each reads the 2,500 people again before its rows (no
# more of them than its rows: scan_import_people_hint).  Against the
# sequential import.
awk -v rows=20000 -v users=2500 -v venues=30 -v start=1709580000 -v seed=17 \
    -f "$TOP/bench/checkins_gen.awk" >"$T/ra.csv"
step=$((step + 1))
on a --log-level debug import checkins "$T/ra.csv" --unit "$unit" --source ra --batch-rows 3000 \
    2>"$T/err.a" | grep -v '^seconds' >"$T/r$step.a"
on b import checkins "$T/ra.csv" --unit "$unit" --source ra --batch-rows 3000 --no-overlap \
    2>"$T/err.b" | grep -v '^seconds' >"$T/r$step.b"
check "step $step (batches of 3,000): the same report ($(head -1 "$T/r$step.b"))" \
	cmp -s "$T/r$step.a" "$T/r$step.b"
if [ "$DB_KIND" != pg ]; then
	# every batch's line: "import batch K: ... so far K"
	bad=$(sed -n 's/.*import batch \([0-9]*\):.*hinted people so far \([0-9]*\)$/\1 \2/p' "$T/err.a" |
	    awk '$1 != $2 { n++ } END { print n + 0 " of " NR }')
	check "each of the batches read the file's people first ($bad batches did not)" \
	    test "${bad%% of *}" = 0 -a "${bad##* of }" -ge 6
fi
same "20,000 check-ins in batches of 3,000, the people read batch after batch"

# --- a paper ledger with exits and refusals, batches of 1 -----------------------------
cp=$(q_db "$A" "SELECT c.id FROM checkpoint c JOIN place p ON p.id = c.place_id
    WHERE p.records_exits = 1 ORDER BY c.id LIMIT 1")
ledger_people "$unit" a b
# ledger D E: an entry, its exit in the next batch, an exit before the
# entry (line 5), a row of no person on record (line 6: refused, field
# name), the entry of line 2 again (a duplicate), a re-entry within the
# window, a stay overnight from day D to day E closed batches later.
ledger() {
	printf '姓名,电话,时间,方向\n'
	printf '账1,13900000001,%s 08:00,进\n账1,13900000001,%s 10:00,出\n' "$1" "$1"
	printf '账2,13900000002,%s 22:00,进\n账1,13900000001,%s 07:00,出\n' "$1" "$1"
	printf '无名,13900000009,%s 09:00,进\n账1,13900000001,%s 08:00,进\n' "$1" "$1"
	printf '账3,13900000003,%s 12:00,进\n账3,13900000003,%s 12:05,进\n' "$1" "$1"
	printf '账2,13900000002,%s 07:00,出\n账3,13900000003,%s 13:00,出\n' "$2" "$1"
	printf '账1,13900000001,%s 11:00,进\n账1,13900000001,%s 11:30,出\n' "$1" "$1"
}
for n in 1 2 3 7; do   # each size on days of its own month
	ledger "2024-0$((n + 2))-02" "2024-0$((n + 2))-03" >"$T/l$n.csv"
	TZ=UTC import scans "$n" "$T/l$n.csv" --checkpoint "$cp"
	expect_in "$T/r$step.a" "^line 6: name" "ledger in batches of $n: line 6 (no such person) refused"
	expect_in "$T/r$step.a" "duplicates 1 " "ledger in batches of $n: line 7 is a duplicate of line 2"
done
same "ledgers in batches of 1, 2, 3 and 7"

# --- another writer beside the import ----------------------------------------------
# 400 check-ins of new users in batches of 1, while scans of a demo person
# and new people are written beside them: the import notices the other
# writer (log "another writer committed") and reads the pairs again; its
# own scans and stays are still those of the sequential import.
awk -v rows=400 -v users=8 -v venues=3 -v start=1709380000 -v seed=9 \
    -f "$TOP/bench/checkins_gen.awk" >"$T/w.csv"
person=$(q_db "$A" "SELECT min(id) FROM person WHERE unit_id = $unit")
on a import checkins "$T/w.csv" --unit "$unit" --source w --batch-rows 1 --overlap >"$T/w.a" 2>"$T/w.err" &
pid=$!
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do
	i=$((i + 1))
	on a scan --checkpoint "$cp" --person "$person" --direction in >/dev/null 2>&1 ||
	    echo "not ok - scan $i beside the import"
	on a person add --name "旁$i" --mobile "1380000$(printf '%04d' $i)" --unit "$unit" >/dev/null 2>&1
done
wait $pid; status=$?
expect_status 0 "the import beside another writer ends well"
on b import checkins "$T/w.csv" --unit "$unit" --source w --batch-rows 1 --no-overlap >/dev/null 2>&1
expect_in "$T/w.err" "another writer committed" "the import saw the other writer ($i of its writes)"
wsrc="FROM scan s JOIN import_ref r ON r.source = 'w' AND r.kind = 1 AND r.local_id = s.person_id"
wq="SELECT r.ext_id, s.place_id, s.checkpoint_id, s.at, s.kind, s.stay_s $wsrc ORDER BY 1, 2, 4"
q_db "$A" "$wq" >"$T/w.sa"; q_db "$B" "$wq" >"$T/w.sb"
check "beside another writer: the import's scans and stays are the sequential ones ($(wc -l <"$T/w.sb") rows)" \
	cmp -s "$T/w.sa" "$T/w.sb"

# --- a short first batch (PostgreSQL's default) ------------------------------------
# On PostgreSQL with the default batch size the first batch is 62,500 rows
# (IMPORT_BATCH_FIRST: its reads run before any COPY), the later ones
# 250,000: 70,000 check-ins in time order go in as 2 batches, 62,500 and
# 7,500 (worked out by hand), and store what one sequential batch of all of
# them stores (--no-overlap keeps the one size).
if [ "$DB_KIND" = pg ]; then
	awk -v rows=70000 -v users=2000 -v venues=60 -v start=1709680000 -v seed=13 \
	    -f "$TOP/bench/checkins_gen.awk" >"$T/first.csv"
	on a import checkins "$T/first.csv" --unit "$unit" --source first --json >"$T/first.a" 2>"$T/err.a"
	on b import checkins "$T/first.csv" --unit "$unit" --source first --json --no-overlap \
	    >"$T/first.b" 2>"$T/err.b"
	jn() { sed -n "s/^  \"$2\": \\([0-9]*\\),*$/\\1/p" "$1"; }
	figures() { for f in rows accepted duplicates rejected stays alerts; do printf '%s ' "$(jn "$1" $f)"; done; }
	check "a short first batch: 2 batches with the overlap" test "$(jn "$T/first.a" batches)" = 2
	check "one batch without it" test "$(jn "$T/first.b" batches)" = 1
	check "the same figures both ways ($(figures "$T/first.b"))" \
		test "$(figures "$T/first.a")" = "$(figures "$T/first.b")"
	distinct=$(awk -F, 'NR > 1 {print $1","$2","$3}' "$T/first.csv" | sort -u | wc -l)
	check "$distinct distinct check-ins accepted, as counted with awk" \
		test "$(jn "$T/first.a" accepted)" = "$distinct"
	# the ids differ (each batch takes its own, in its own order): the rest
	# of every scan and stay of the import is compared
	fsrc="FROM scan s JOIN import_ref r ON r.source = 'first' AND r.kind = 1 AND r.local_id = s.person_id"
	fq="SELECT r.ext_id, s.place_id, s.checkpoint_id, s.at, s.kind, s.stay_s, s.key_fp $fsrc
	    ORDER BY 1, 2, 4"
	q_db "$A" "$fq" >"$T/f.sa"; q_db "$B" "$fq" >"$T/f.sb"
	check "70,000 check-ins, a short first batch and a full second: every scan and stay the same ($(wc -l <"$T/f.sb") rows)" \
		cmp -s "$T/f.sa" "$T/f.sb"
fi
