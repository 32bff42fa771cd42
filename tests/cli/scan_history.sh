#!/bin/sh
# A live scan sees the scans near its time, however many older rows were
# written after them (issue 5; docs/import.md "Live scans after an import",
# src/domain/scan_history.c) — the review's reproduction, on SQLite or
# PostgreSQL (lib.sh):
#   1. `sijin demo`;
#   2. an entry at checkpoint 1 at 08:00 with key retry-1;
#   3. `sijin import scans` of 600 older rows of the same person there
#      (02:00:00 on, every 30 s, in and out alternating: 300 stays of 30 s,
#      ids newer than step 2's);
#   4. an exit at 08:30: closes the 08:00 stay, exit recorded (the place
#      records exits; the rules: docs/checkpoint.md "Stays");
#   5. step 2 again with the same key: the first answer, replayed, nothing
#      stored.
# Before the fix the writer read the pair's newest 256 scans by id, all of
# them imported: step 4 left the stay open ("exit not recorded", ending at
# the 2-h default) and step 5 stored a second entry.
#
# The clock is fixed (SIJIN_TEST_NOW = 2026-11-29T12:00:00+08:00) so that
# the times stay within the past year that a live scan may be dated in.
. "$(dirname "$0")/lib.sh"

export SIJIN_TEST_NOW=1795924800
ID=370911197008152345
D=2026-11-29
scan() {   # scan DIRECTION TIME [KEY]: `sijin scan` at checkpoint 1, JSON in $T/out
	sj scan --checkpoint 1 --id-number $ID --direction "$1" --time "${D}T$2+08:00" \
	    ${3:+--key "$3"} --json >"$T/out" 2>"$T/err"
}
json_id() { sed -n 's/^  "id": \([0-9]*\),*$/\1/p' "$T/out"; }

run_capture sj demo
expect_status 0 "demo loads"
PLACE=$(q "SELECT place_id FROM checkpoint WHERE id = 1")
total=$(count_rows scan)

scan in 08:00:00 retry-1
FIRST=$(json_id)
PERSON=$(sed -n '/"person": {/,/}/s/^    "id": \([0-9]*\),*$/\1/p' "$T/out")
check "the 08:00 entry is stored, of a registered person" \
    test -n "$FIRST" -a -n "$PERSON" -a "$(count_rows scan)" = $((total + 1))
pair_rows() { q "SELECT count(*) FROM scan WHERE person_id = $PERSON AND place_id = $PLACE"; }
base=$(($(pair_rows) - 1))
check "the 08:00 entry opens a stay" grep -q '"action": "opened"' "$T/out"

# 600 rows, 02:00:00 + 30 s × i, in for even i, out for odd i.
awk -v id=$ID -v d=$D 'BEGIN {
	print "checkpoint,id_number,time,direction"
	for (i = 0; i < 600; i++) {
		s = 2 * 3600 + 30 * i
		printf "1,%s,%sT%02d:%02d:%02d+08:00,%s\n", id, d, s / 3600, (s % 3600) / 60, s % 60,
		    (i % 2 ? "out" : "in")
	}
}' >"$T/older.csv"
run_capture sj import scans "$T/older.csv"
expect_status 0 "the 600 older rows import"
expect_in "$T/out" "accepted 600" "all 600 are accepted"
expect_in "$T/out" "stays 300" "they make 300 stays"
check "the imported rows have newer ids than the 08:00 entry" \
    test "$(q "SELECT count(*) FROM scan WHERE person_id = $PERSON AND place_id = $PLACE
        AND id > $FIRST")" = 600

scan out 08:30:00
check "the 08:30 exit is stored" test "$(pair_rows)" = $((base + 602))
expect_in "$T/out" '"action": "closed"' "the 08:30 exit closes a stay"
check "the stay it closes is the 08:00 entry's" grep -q "\"id\": $FIRST," "$T/out"
# The stay row: 08:00 + 1800 s, exit recorded (kind bits 3-4 = 3: schema 0003).
check "the 08:00 stay lasts 1,800 s, exit recorded" \
    test "$(q "SELECT stay_s || ' ' || ((kind / 8) % 4) FROM scan WHERE id = $FIRST")" = "1800 3"
check "it is no longer flagged exit not recorded" \
    test "$(q "SELECT exit_recorded FROM stay WHERE id = $FIRST")" = 1

before=$(pair_rows)
total=$(count_rows scan)
scan in 08:00:00 retry-1
check "the retry succeeds" test -s "$T/out"
expect_in "$T/out" '"replayed": true' "the retry is replayed"
check "the retry answers with the 08:00 entry's id" test "$(json_id)" = "$FIRST"
check "the retry stores nothing" test "$(pair_rows)" = "$before"
check "no scan anywhere was added by the retry" test "$(count_rows scan)" = "$total"
