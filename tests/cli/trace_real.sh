#!/bin/sh
# Tracing on real input (issue 6 "Real input"; docs/trace.md): the October
# 2010 slice of the public Gowalla New York check-ins imported with
# `sijin import checkins` (entry-only places, 60-minute default stay), then
# ten index persons traced with `sijin trace --json` and compared with a
# brute-force oracle over the view `stay` (bench/trace_gowalla.py: every
# pair of overlapping stays at one place, pieces merged), contact by
# contact and second by second.  Skips, saying so, when the data is absent.
. "$(dirname "$0")/lib.sh"

DATA=${SIJIN_DATA:-$TOP/../shared/data}
[ -d "$DATA" ] || DATA=/work/shared/data
GOWALLA=$DATA/checkins/gowalla_nyc.csv.gz
NOW=1287878400  # 2010-10-24T00:00:00Z, after the file's last check-in

if [ ! -r "$GOWALLA" ]; then
	echo "ok - tracing on real input # SKIP $GOWALLA is absent (the data folder ../shared/data is not here)"
	exit 0
fi
run_capture sj demo
expect_status 0 "demo loads"
unit=$(q "SELECT id FROM unit WHERE name = '高铁社区'")
zcat "$GOWALLA" | awk -F, 'NR == 1 || $3 >= 1285891200' | gzip -c >"$T/oct.csv.gz"
SIJIN_TEST_NOW=$NOW sj import checkins "$T/oct.csv.gz" --unit "$unit" >"$T/import.out" 2>&1
expect_status_of() { if [ "$1" -eq 0 ]; then echo "ok - $2"; else echo "not ok - $2"; cat "$T/import.out"; fi; }
expect_status_of $? "the October 2010 slice imports"
if python3 "$TOP/bench/trace_gowalla.py" "$SIJIN_BIN" "$SIJIN_DB" "$T/oct.csv.gz" 10 $NOW 0 \
    >"$T/trace.out" 2>&1; then
	echo "ok - ten traces equal the oracle contact by contact, second by second"
else
	echo "not ok - ten traces equal the oracle contact by contact, second by second"
	cat "$T/trace.out"
fi
grep -q ' contacts, ' "$T/trace.out" && ! grep -q ': 0 contacts' "$T/trace.out" &&
	echo "ok - the slice gives the traced persons contacts" ||
	{ echo "not ok - the slice gives the traced persons contacts"; cat "$T/trace.out"; }
