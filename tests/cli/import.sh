#!/bin/sh
# Black-box tests of `sijin import` (issue 5 "Bulk import", "Real input";
# docs/import.md) against the real binary on a temporary database (SQLite,
# or PostgreSQL with SIJIN_TEST_DB=pg).  Expected figures are computed
# independently of sijin, with awk over the same input.
. "$(dirname "$0")/lib.sh"
# The records here are dated in the past (2020, 2024): keep 10 years so that
# retention (docs/retention.md) does not hide them.
export SIJIN_RETENTION_DAYS=3650

DATA=${SIJIN_DATA:-$TOP/../shared/data}
[ -d "$DATA" ] || DATA=/work/shared/data

run_capture sj demo
expect_status 0 "demo loads"
unit=$(q "SELECT id FROM unit WHERE name = '高铁社区'")

# --- real input: a slice of a public check-in data set ------------------------
GOWALLA=$DATA/checkins/gowalla_nyc.csv.gz
if [ ! -r "$GOWALLA" ]; then
	echo "ok - check-in import # SKIP $GOWALLA is absent (the data folder ../shared/data is not here)"
else
	# The first 3,000 rows, plus: an exact duplicate of the first row, a
	# row with a letter for its user, a row whose ISO time is not its epoch,
	# a short row, and user 0 (a real Gowalla id).
	zcat "$GOWALLA" | head -3001 >"$T/slice.csv"
	sed -n 2p "$T/slice.csv" >>"$T/slice.csv"
	printf 'x1,11711,1240526220,2009-04-23T22:37:00Z,40.7,-73.8,\n' >>"$T/slice.csv"
	printf '5,11711,1240526220,2009-04-23T22:37:01Z,40.7,-73.8,\n' >>"$T/slice.csv"
	printf '5,11711,1240526220\n' >>"$T/slice.csv"
	printf '0,11711,1240526300,2009-04-23T22:38:20Z,40.7,-73.8,\n' >>"$T/slice.csv"
	gzip -c "$T/slice.csv" >"$T/slice.csv.gz"
	# Independently: rows; well-formed distinct (user, venue, second)
	# triples are the scans; per (user, venue) in time order, a check-in
	# more than the 600 s re-entry window after the entry of the stay it
	# would join opens a new stay (domain/stay.h; reentry-window default).
	rows=$(awk 'NR > 1' "$T/slice.csv" | wc -l)
	awk -F, 'NR > 1 && NF == 7 && $1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/' \
	    "$T/slice.csv" | grep -v '22:37:01Z' >"$T/good"
	good=$(wc -l <"$T/good")
	scans=$(awk -F, '{print $1","$2","$3}' "$T/good" | sort -u | wc -l)
	stays=$(awk -F, '{print $1","$2","$3}' "$T/good" | sort -u | sort -t, -k1,1n -k2,2n -k3,3n |
	    awk -F, '{k = $1 "," $2; if (k != pk || $3 - entry > 600) { n++; entry = $3 } pk = k}
	    END {print n}')
	users=$(cut -d, -f1 "$T/good" | sort -u | wc -l)
	venues=$(cut -d, -f2 "$T/good" | sort -u | wc -l)

	run_capture sj import checkins "$T/slice.csv.gz" --unit "$unit" --source slice --json
	expect_status 0 "import checkins runs"
	jq_num() { sed -n "s/^  \"$1\": \\([0-9]*\\),*$/\\1/p" "$T/out"; }
	check "every row is counted ($rows)" test "$(jq_num rows)" = "$rows"
	check "accepted = distinct well-formed check-ins ($scans)" test "$(jq_num accepted)" = "$scans"
	check "duplicates = well-formed rows less distinct ones ($((good - scans)))" \
		test "$(jq_num duplicates)" = "$((good - scans))"
	check "rejected = malformed rows (3)" test "$(jq_num rejected)" = 3
	check "accepted + duplicates + rejected = rows" \
		test "$(( $(jq_num accepted) + $(jq_num duplicates) + $(jq_num rejected) ))" = "$rows"
	check "stays opened ($stays)" test "$(jq_num stays)" = "$stays"
	expect_in "$T/out" '"field": "user_id"' "the letter in user_id is named"
	expect_in "$T/out" '"field": "checkin_utc_iso"' "the ISO time that is not the epoch is named"
	expect_in "$T/out" '"field": "row"' "the short row is named"
	check "the store holds the scans" test "$(q "SELECT count(*) FROM scan s JOIN checkpoint c
	    ON c.id = s.checkpoint_id JOIN place p ON p.id = c.place_id
	    WHERE p.name LIKE 'slice venue %'")" = "$scans"
	check "the stays are there, none with a recorded exit" test "$(q "SELECT count(*) FROM stay s
	    JOIN place p ON p.id = s.place_id WHERE p.name LIKE 'slice venue %'
	    AND s.exit_recorded = 0")" = "$stays"
	check "no stay is longer than the 60 min default" test "$(q "SELECT count(*) FROM stay s
	    JOIN place p ON p.id = s.place_id WHERE p.name LIKE 'slice venue %'
	    AND s.exit_at - s.entry_at > 3600")" = 0
	check "one person per user ($users)" \
		test "$(q "SELECT count(*) FROM import_ref WHERE source = 'slice' AND kind = 1")" = "$users"
	check "one entries-only place per venue ($venues)" test "$(q "SELECT count(*) FROM place
	    WHERE name LIKE 'slice venue %' AND records_exits = 0 AND default_stay_s = 3600")" = "$venues"
	n=$(count_rows scan)
	run_capture sj import checkins "$T/slice.csv.gz" --unit "$unit" --source slice --json
	check "importing again adds nothing" test "$(count_rows scan)" = "$n"
	check "... and says so: every well-formed row a duplicate" test "$(jq_num duplicates)" = "$good"
	check "an import is audited" test "$(q "SELECT count(*) FROM audit_event
	    WHERE action = 'scan.import'")" -ge 2
	run_capture sj import checkins "$T/slice.csv.gz" --unit 999999 --source other
	expect_status 3 "an unknown unit is refused"
	printf 'a,b\n1,2\n' | gzip -c >"$T/bad.csv.gz"
	run_capture sj import checkins "$T/bad.csv.gz" --unit "$unit"
	expect_status 2 "a file without the check-ins header is refused"
	expect_in "$T/err" "file" "naming the file"
	# Batches of 1,000 rows: the same scans and stays as one batch (a stay's
	# re-entry window crosses batch boundaries), in ceil(well-formed rows /
	# 1000) transactions (an in-file duplicate is kept until the write finds
	# it); each batch is audited.
	audits=$(q "SELECT count(*) FROM audit_event WHERE action = 'scan.import'")
	run_capture sj import checkins "$T/slice.csv.gz" --unit "$unit" --source batched \
	    --batch-rows 1000 --json
	expect_status 0 "import checkins --batch-rows 1000 runs"
	check "... accepts the same $scans scans" test "$(jq_num accepted)" = "$scans"
	check "... derives the same $stays stays" test "$(jq_num stays)" = "$stays"
	check "... in ceil($good / 1000) batches (got $(jq_num batches))" \
		test "$(jq_num batches)" = "$(( (good + 999) / 1000 ))"
	check "... each audited" test "$(q "SELECT count(*) FROM audit_event
	    WHERE action = 'scan.import'")" = "$(( audits + (good + 999) / 1000 ))"
	for bad in 0 1000001 x " 5" +5 5x; do
		run_capture sj import checkins "$T/slice.csv.gz" --unit "$unit" --batch-rows "$bad"
		expect_status 2 "--batch-rows $bad is refused"
		expect_in "$T/err" "batch-rows" "naming --batch-rows"
	done
	n=$(count_rows scan)
	run_capture sj import checkins "$T/slice.csv.gz" --unit "$unit" --source dry --dry-run
	expect_status 0 "a dry run runs"
	check "a dry run keeps nothing" test "$(count_rows scan):$(q "SELECT count(*) FROM import_ref
	    WHERE source = 'dry'")" = "$n:0"
fi

# --- paper ledgers: encodings, local time, export/import round trip ----------
run_capture sj person add --name 张三 --mobile 13912345678 --unit "$unit"
expect_status 0 "a person with a mobile"
pid=$(q "SELECT max(id) FROM person")
cp=$(q "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'")
# 2024-03-02 00:30 in Asia/Shanghai (UTC+8) is 2024-03-01T16:30:00Z = 1709310600.
printf '姓名,电话,时间,方向,体温,检查点\r\n张三,13912345678,2024-03-02 00:30,进,36.6,%s\r\n' "$cp" \
    >"$T/nobom.csv"
printf '\357\273\277' | cat - "$T/nobom.csv" >"$T/bom.csv"
iconv -f UTF-8 -t GB18030 "$T/nobom.csv" >"$T/gb.csv"
check "the GB18030 file really is GB18030 (姓 is D0D5)" \
	test "$(od -An -tx1 -N2 "$T/gb.csv" | tr -d ' ')" = d0d5
n=$(count_rows scan)
TZ=America/New_York run_capture sj import scans "$T/nobom.csv" --json
expect_status 0 "a UTF-8 ledger imports (TZ=America/New_York)"
expect_in "$T/out" '"accepted": 1' "its one row is accepted"
check "stored at 2024-03-01T16:30:00Z whatever TZ says" test "$(q "SELECT count(*) FROM scan
    WHERE person_id = $pid AND at = 1709310600 AND temperature = 366 AND checkpoint_id = $cp")" = 1
for f in bom gb; do
	TZ=UTC run_capture sj import scans "$T/$f.csv" --json
	expect_status 0 "the $f ledger imports (TZ=UTC)"
	expect_in "$T/out" '"duplicates": 1' "the $f ledger is the same scan: a duplicate"
done
check "the three encodings stored one scan" test "$(count_rows scan)" = "$((n + 1))"
printf '姓名,电话,时间\n\377\376,13912345678,2024-03-02 00:30\n' >"$T/bad.csv"
run_capture sj import scans "$T/bad.csv"
expect_status 2 "bytes in neither UTF-8 nor GB18030 are refused"
expect_in "$T/err" "file: is neither UTF-8 nor GB18030" "with an encoding error naming the file"
check "nothing was imported" test "$(count_rows scan)" = "$((n + 1))"
# A ledger is read whole into memory: an endless input (/dev/zero) is
# refused past 256 MiB (LEDGER_FILE_MAX), not read until memory runs out.
run_capture sj import scans /dev/zero
expect_status 2 "an endless ledger is refused"
expect_in "$T/err" "file: /dev/zero is over 256 MiB" "naming the file and the bound"
check "nothing was imported from it" test "$(count_rows scan)" = "$((n + 1))"

for tz in America/New_York UTC; do
	TZ=$tz run_capture sj export scans --checkpoint "$cp" --from 2024-03-02 --to 2024-03-02
	expect_in "$T/out" "\"$cp\",\"$pid\",\"2024-03-02T00:30:00+08:00\",\"in\",\"36.6\"" \
		"TZ=$tz: the registration counts under 2024-03-02"
	TZ=$tz run_capture sj export scans --checkpoint "$cp" --from 2024-03-01 --to 2024-03-01
	check "TZ=$tz: ... and not under 2024-03-01" test "$(grep -c "\"$pid\"" "$T/out")" = 0
done
sj export scans --checkpoint "$cp" --from 2024-03-02 --to 2024-03-02 --out "$T/a.csv"
q "DELETE FROM scan WHERE person_id = $pid" >/dev/null
run_capture sj import scans "$T/a.csv"
expect_status 0 "the export imports back"
sj export scans --checkpoint "$cp" --from 2024-03-02 --to 2024-03-02 --out "$T/b.csv"
check "export, import, export: the same file" cmp -s "$T/a.csv" "$T/b.csv"
check "... and the same row" test "$(q "SELECT count(*) FROM scan WHERE person_id = $pid
    AND at = 1709310600 AND temperature = 366")" = 1

# --- local times the zone's clocks skipped or showed twice -------------------
# With the deployment's zone Europe/Berlin (SIJIN_TZ; the process's TZ says
# otherwise), 2024-03-31 02:30 never happened (clocks 02:00 -> 03:00) and
# 2024-10-27 02:30 happened twice (03:00 -> 02:00): both rows are refused,
# field time, asking for an offset; the same time with +01:00 is taken as
# 2024-10-27T01:30:00Z = 1729992600 (tz database, zdump -v -c 2024,2025
# Europe/Berlin).  Asia/Shanghai's own daylight saving years: 1988-04-17
# 02:30 never happened there.
printf '姓名,电话,时间,方向,检查点\n张三,13912345678,2024-03-31 02:30,进,%s\n张三,13912345678,2024-10-27 02:30,出,%s\n张三,13912345678,2024-10-27T02:30:00+01:00,进,%s\n' \
    "$cp" "$cp" "$cp" >"$T/dst.csv"
TZ=Asia/Tokyo SIJIN_TZ=Europe/Berlin run_capture sj import scans "$T/dst.csv"
expect_status 0 "a ledger with times in a DST gap and fold imports the rest"
expect_in "$T/out" "accepted 1 .*rejected 2" "one accepted, two refused"
expect_in "$T/out" "^line 2: time: 2024-03-31T02:30:00 does not exist in the zone Europe/Berlin.*add the offset" \
    "the skipped time is refused, asking for an offset"
expect_in "$T/out" "^line 3: time: 2024-10-27T02:30:00 occurs twice in the zone Europe/Berlin.*+02:00 for the first" \
    "the doubled time is refused, asking for an offset"
check "the time with its offset is stored as 2024-10-27T01:30:00Z" test "$(q "SELECT count(*)
    FROM scan WHERE person_id = $pid AND at = 1729992600")" = 1
printf '姓名,电话,时间,方向,检查点\n张三,13912345678,1988-04-17 02:30,进,%s\n' "$cp" >"$T/dst88.csv"
run_capture sj import scans "$T/dst88.csv"
expect_in "$T/out" "^line 2: time: 1988-04-17T02:30:00 does not exist in the zone Asia/Shanghai" \
    "Asia/Shanghai 1988: the skipped hour of China's daylight saving time"

# --- check-ins read by a thread of their own, 4,096 lines at a time ----------
# 10,000 synthetic check-ins with malformed rows and blank lines around the
# reader's chunk ends (non-blank lines 4,096/4,097 and 8,192/8,193 of the
# rows): every reject is reported under its own line number, in order, as
# awk finds them in the same file; the well-formed rows' distinct (user,
# venue, second) triples are the scans.
awk -v rows=10000 -v users=300 -v venues=20 -v start=1577836800 -v seed=11 \
    -f "$TOP/bench/checkins_gen.awk" | awk 'NR == 1 { print; next }
    { n++ }
    n == 4095 || n == 8190 { print "" }
    n == 4096 || n == 8193 || n == 9999 { print "x" $0; next }
    n == 4097 || n == 8192 { print "7,1,1577836800"; next }
    { print }' >"$T/chunks.csv"
awk -F, 'NR > 1 && $0 != "" && (NF != 7 || $1 !~ /^[0-9]+$/) {
    print "line " NR ": " (NF != 7 ? "row" : "user_id") }' "$T/chunks.csv" >"$T/chunks.want"
awk -F, 'NR > 1 && NF == 7 && $1 ~ /^[0-9]+$/ { print $1 "," $2 "," $3 }' "$T/chunks.csv" |
    sort -u | wc -l >"$T/chunks.scans"
run_capture sj import checkins "$T/chunks.csv" --unit "$unit" --source chunks
expect_status 0 "10,000 check-ins in chunks import"
sed -n 's/^\(line [0-9]*: [a-z_]*\): .*/\1/p' "$T/out" >"$T/chunks.got"
check "the 5 rejects by line, in file order, as awk finds them" \
    sh -c "test \$(wc -l <'$T/chunks.want') = 5 && cmp -s '$T/chunks.want' '$T/chunks.got'"
check "accepted = distinct well-formed check-ins ($(cat "$T/chunks.scans"))" \
    test "$(q "SELECT count(*) FROM scan s JOIN checkpoint c ON c.id = s.checkpoint_id
    JOIN place p ON p.id = c.place_id WHERE p.name LIKE 'chunks venue %'")" = "$(cat "$T/chunks.scans")"

# --- RFC 4180 in check-in files: quoted fields, line numbers, an open quote --
# Worked out by hand: line 2's category is quoted and holds a comma, a
# doubled quote and a line break (lines 2-3, one row); line 4 quotes its
# ids; line 5's user is not a number; line 6 quotes "-73.9,extra" as one
# field, so it has 6 fields.  Accepted: users 1 and 3; rejected: lines 5
# (user_id) and 6 (row), numbered as the file's lines, not its records.
H=user_id,venue_id,checkin_utc_epoch,checkin_utc_iso,lat,lon,category
printf '%s\r\n1,2,1577836800,2020-01-01T00:00:00Z,40.7,-73.9,"Coffee, ""Tea""\r\nand cake"\r\n"3","2",1577836860,2020-01-01T00:01:00Z,40.7,-73.9,\r\nx4,2,1577836920,2020-01-01T00:02:00Z,40.7,-73.9,\r\n5,2,1577836980,2020-01-01T00:03:00Z,40.7,"-73.9,extra"\r\n' \
    "$H" >"$T/quoted.csv"
run_capture sj import checkins "$T/quoted.csv" --unit "$unit" --source quoted
expect_status 0 "a check-in file with quoted fields imports"
expect_in "$T/out" "^rows 4  accepted 2  duplicates 0  rejected 2 " "4 rows (not 5 lines): 2 accepted, 2 rejected"
expect_in "$T/out" "^line 5: user_id: " "the row after the quoted line break is line 5"
expect_in "$T/out" "^line 6: row: 6 fields, expected 7" "a quoted comma is no separator"
check "the quoted ids are stored: users 1 and 3 at venue 2" test "$(q "SELECT count(*) FROM scan s
    JOIN checkpoint c ON c.id = s.checkpoint_id JOIN place p ON p.id = c.place_id
    WHERE p.name = 'quoted venue 2' AND s.at IN (1577836800, 1577836860)")" = 2
# the report's seconds: milliseconds, never a binary fraction's noise
expect_in "$T/out" '^seconds [0-9][0-9]*\.[0-9][0-9][0-9]  rows/s' "seconds with three decimals"
run_capture sj import checkins "$T/quoted.csv" --unit "$unit" --source quoted --json
check "JSON seconds: at most three decimals" \
    grep -Eq '^  "seconds": [0-9]+(\.[0-9]{1,3})?,?$' "$T/out"
# A NUL byte in a check-in line: that row is rejected, and the next line
# is a row of its own (the reader took the line up to the NUL, its break
# lost, and joined the next line to it: "row: more than 7 fields" on line
# 2 and line 3 gone).  Worked out by hand: rows 3 (lines 2-4), accepted 2.
printf '%s\n11,2,1577836800,2020-01-01T00:00:00Z,40.7,-73.9,caf\000e\n12,2,1577836860,2020-01-01T00:01:00Z,40.7,-73.9,\n13,2,1577836920,2020-01-01T00:02:00Z,40.7,-73.9,\n' \
    "$H" >"$T/nul.csv"
run_capture sj import checkins "$T/nul.csv" --unit "$unit" --source nul
expect_status 0 "a check-in file with a NUL byte imports"
expect_in "$T/out" "^rows 3  accepted 2  duplicates 0  rejected 1 " "3 rows: 2 accepted, the one with the NUL rejected"
expect_in "$T/out" "^line 2: row: a NUL byte" "line 2 is named, for its NUL byte"
check "users 12 and 13 are stored, user 11 is not" test "$(q "SELECT min(r.ext_id) || ',' ||
    max(r.ext_id) || ',' || count(*) FROM scan s JOIN import_ref r ON r.local_id = s.person_id
    AND r.source = 'nul' AND r.kind = 1")" = "12,13,2"
# A check-in at epoch 0 (1970-01-01T00:00:00Z) is refused, naming the time:
# scan_prepare takes instant 0 for "now", and the row was stored at the
# import's clock, a check-in of 1970 made one of today.
printf '%s\n21,2,0,1970-01-01T00:00:00Z,40.7,-73.9,\n22,2,1577836800,2020-01-01T00:00:00Z,40.7,-73.9,\n' \
    "$H" >"$T/zero.csv"
run_capture sj import checkins "$T/zero.csv" --unit "$unit" --source zero
expect_status 0 "a check-in file with a check-in at epoch 0 imports"
expect_in "$T/out" "^rows 2  accepted 1  duplicates 0  rejected 1 " "2 rows: the one at epoch 0 rejected"
expect_in "$T/out" "^line 2: time: must be after 1970-01-01T00:00:00Z" "line 2 is named, for its time"
check "only user 22's scan is stored, at its own time" test "$(q "SELECT r.ext_id || ',' || s.at
    FROM scan s JOIN import_ref r ON r.local_id = s.person_id AND r.source = 'zero'
    AND r.kind = 1")" = "22,1577836800"
# A damaged import_ref row mapping a user to no person id (-5): the row is
# rejected, and the first pass, which notes the people the rows name as a
# bit a person id, does not shift a bit by a negative count (undefined: the
# sanitizer build stopped the import there; checkins.c idbits_add).
q "INSERT INTO import_ref (source, kind, ext_id, local_id) VALUES ('damaged', 1, 778, -5)" >/dev/null
printf '%s\n778,2,1577836800,2020-01-01T00:00:00Z,40.7,-73.9,\n' "$H" >"$T/damaged.csv"
run_capture sj import checkins "$T/damaged.csv" --unit "$unit" --source damaged
expect_status 0 "a user mapped to no person id: the import runs"
expect_in "$T/out" "^rows 1  accepted 0  duplicates 0  rejected 1 " "and rejects that row"
# A truncated gzip: the first pass reads the whole file before anything is
# written, so nothing is imported; exit 1 (the file cannot be read to its
# end: sijin import --help), the message naming the file once (zlib's own
# message starts with it).
awk -v h="$H" 'BEGIN { print h; for (i = 1; i <= 3000; i++)
    printf "%d,3,%d,2020-01-01T00:00:00Z,40.7,-73.9,\n", 5000 + i, 1577836800 }' |
    gzip -c | head -c 4000 >"$T/cut.csv.gz"
n=$(count_rows scan)
run_capture sj import checkins "$T/cut.csv.gz" --unit "$unit" --source cut
expect_status 1 "a truncated gzip is refused, exit 1"
expect_in "$T/err" "^sijin: file: cannot read $T/cut.csv.gz: unexpected end of file\$" \
    "naming the file once and zlib's reason"
check "nothing of the truncated file is stored" test "$(count_rows scan)" = "$n"
printf '%s\n1,2,1577836800,2020-01-01T00:00:00Z,40.7,-73.9,\n7,8,1577836860,2020-01-01T00:01:00Z,40.7,-73.9,"open\n9,8,1577836920,2020-01-01T00:02:00Z,40.7,-73.9,\n' \
    "$H" >"$T/open.csv"
n=$(count_rows scan)
run_capture sj import checkins "$T/open.csv" --unit "$unit" --source open
expect_status 2 "a quote never closed refuses the check-in file"
expect_in "$T/err" "file: a quote opened on line 3 is never closed" "naming the line it opened on"
check "nothing imported: no scan, no person or venue of the source" test "$(count_rows scan):$(q \
    "SELECT count(*) FROM import_ref WHERE source = 'open'")" = "$n:0"
printf '姓名,电话,时间\n张三,13912345678,"2024-03-02 00:30\n' >"$T/open.ledger.csv"
run_capture sj import scans "$T/open.ledger.csv"
expect_status 2 "a quote never closed refuses the ledger"
expect_in "$T/err" "file: a quote opened on line 2 is never closed" "naming the line it opened on"

# refusals are listed by line and field; nothing of theirs is stored
printf 'checkpoint,姓名,电话,时间,方向\n%s,张三,13912345678,2024-03-02 08:00,进\n%s,张三,13912345678,2024-03-02 25:00,进\n%s,李四,13800000000,2024-03-02 08:00,进\n%s,张三,13912345678,2024-03-02 09:00,sideways\n' \
    "$cp" "$cp" "$cp" "$cp" >"$T/mixed.csv"
run_capture sj import scans "$T/mixed.csv"
expect_status 0 "a ledger with bad rows imports the good ones"
expect_in "$T/out" "accepted 1 .*rejected 3" "one accepted, three rejected"
expect_in "$T/out" "^line 3: time: " "line 3 names the time"
expect_in "$T/out" "^line 4: name: no person on record" "line 4: no such name and mobile"
expect_in "$T/out" "^line 5: direction: " "line 5 names the direction"
# A reject's detail quotes at most 40 bytes of the value: 14 × 进 (42
# bytes) is cut inside the 14th character, and the JSON report must still
# list the reject (Jansson refuses a string that is not UTF-8; the reject
# went missing, "rejects": [] beside "rejected": 1).
printf 'checkpoint,person,时间,方向\n%s,%s,2024-03-02 08:00,进进进进进进进进进进进进进进\n' \
    "$cp" "$pid" >"$T/longdir.csv"
run_capture sj import scans "$T/longdir.csv" --json --dry-run
expect_status 0 "a ledger with a 42-byte direction runs"
expect_in "$T/out" '"rejected": 1' "its row is rejected"
expect_in "$T/out" '"field": "direction"' "and listed in the JSON report's rejects, naming the direction"
expect_in "$T/out" '"detail": "'"'"'进进进进进进进进进进进进进' "with the value's first 13 characters"
# A ledger's 1970-01-01 08:00 in Asia/Shanghai is instant 0: refused, not
# stored at the import's clock (as a check-in at epoch 0, above)
printf 'checkpoint,person,时间,方向\n%s,%s,1970-01-01 08:00,进\n' "$cp" "$pid" >"$T/zero.ledger.csv"
n=$(count_rows scan)
run_capture sj import scans "$T/zero.ledger.csv"
expect_in "$T/out" "^line 2: time: must be after 1970-01-01T00:00:00Z" "a ledger's instant 0 is refused, naming the time"
check "nothing stored" test "$(count_rows scan)" = "$n"
# A dry run in batches sees its earlier batches, as the import would: the
# third row repeats the first (the same checkpoint, person, second and
# direction), so with batches of one row it is still a duplicate (each
# batch was rolled back before the next was checked: "accepted 3
# duplicates 0").  Nothing is kept.
printf 'checkpoint,person,时间,方向\n%s,%s,2024-03-03 08:00,进\n%s,%s,2024-03-03 08:01,进\n%s,%s,2024-03-03 08:00,进\n' \
    "$cp" "$pid" "$cp" "$pid" "$cp" "$pid" >"$T/dupdry.csv"
n=$(count_rows scan)
run_capture sj import scans "$T/dupdry.csv" --dry-run --batch-rows 1
expect_status 0 "a dry run in batches of one row runs"
expect_in "$T/out" "rows 3  accepted 2  duplicates 1  rejected 0 " "the repeated row is a duplicate across batches"
check "the dry run kept nothing" test "$(count_rows scan)" = "$n"
grep '^dry run' "$T/out" | sed 's/^dry run (nothing kept): //' >"$T/dupdry.dry"
run_capture sj import scans "$T/dupdry.csv" --batch-rows 1
head -1 "$T/out" >"$T/dupdry.real"
check "the dry run's report is the import's ($(cat "$T/dupdry.real"))" cmp -s "$T/dupdry.dry" "$T/dupdry.real"
check "the import stored 2 scans" test "$(count_rows scan)" = "$((n + 2))"
# the same with check-ins: user 5 at venue 11 at t, t + 100 s (within the
# 600 s re-entry window: one stay) and t again
printf '%s\n5,11,1709580000,2024-03-04T19:20:00Z,1,2,c\n5,11,1709580100,2024-03-04T19:21:40Z,1,2,c\n5,11,1709580000,2024-03-04T19:20:00Z,1,2,c\n' \
    "$H" >"$T/dupdry.ci.csv"
run_capture sj import checkins "$T/dupdry.ci.csv" --unit "$unit" --source dupdry --dry-run --batch-rows 1
expect_in "$T/out" "rows 3  accepted 2  duplicates 1  rejected 0  stays 1 " \
    "check-ins: a dry run in batches of one row finds the duplicate and the one stay"
check "... and keeps nothing" test "$(count_rows scan):$(q "SELECT count(*) FROM import_ref
    WHERE source = 'dupdry'")" = "$((n + 2)):0"
printf '{"checkpoint": %s, "person": %s, "time": "2024-03-02T10:00:00+08:00", "direction": "in"}\n' \
    "$cp" "$pid" >"$T/l.ndjson"
run_capture sj import scans "$T/l.ndjson" --json
expect_in "$T/out" '"accepted": 1' "an NDJSON ledger imports"
run_capture sj import scans "$T/l.ndjson" --format csv
expect_status 2 "NDJSON read as CSV: no known column"
run_capture sj import scans "$T/nobom.csv" --unit 1
expect_status 2 "--unit is for check-ins only"
