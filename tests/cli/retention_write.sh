#!/bin/sh
# The write paths around the expiry instant (issue 10 "Retention";
# docs/retention.md "Write paths"): a new scan behaves as if expired scans
# did not exist — no idempotency replay of an expired scan's key, no stay
# joined to an expired stay — on the live path (`sijin scan`, the same
# scan_write the server's writer runs) and on import; and a finished
# service request expires from every read (`sijin request`, Open311 is
# tests/api/retention.test.mjs) and is purged with its rows.
#
# The clock is fixed per command (SIJIN_TEST_NOW).  NOW =
# 2026-11-29T12:00:00+08:00 = 1795924800; with the default 28 days CUT =
# NOW - 2419200 = 1793505600 (2026-11-01T12:00:00+08:00).  A scan made at
# CUT-60 was live when made and has expired at NOW; one at CUT is kept at
# NOW and expired at NOW+1.  Re-entry window: the default 600 s
# (docs/config.md), so an entry 90 s after another entry joins its stay —
# unless that one has expired.
. "$(dirname "$0")/lib.sh"

NOW=1795924800
CUT=$((NOW - 2419200))
# RFC 3339 in UTC+8 of an epoch second.
at() { TZ=Asia/Shanghai date -d "@$1" +%FT%T+08:00; }

SIJIN_TEST_NOW=$NOW sj demo >/dev/null 2>&1 || { echo "not ok - demo database"; exit 1; }
q "DELETE FROM alert" && q "DELETE FROM scan" || { echo "not ok - clearing the demo's scans"; exit 1; }
# Three residents of the demo with a household at the place of checkpoint 1.
set -- $(q "SELECT p.id FROM person p JOIN household h ON h.id = p.household_id
    JOIN checkpoint c ON c.place_id = h.place_id WHERE c.id = 1 ORDER BY p.id LIMIT 3")
P1=$1 P2=$2 P3=$3
[ -n "$P3" ] || { echo "not ok - three residents at checkpoint 1"; exit 1; }

# scan NOW PERSON TIME KEY: `sijin scan` at checkpoint 1, entry, clock NOW.
scan() {
	SIJIN_TEST_NOW=$1 sj scan --checkpoint 1 --person "$2" --direction in --time "$(at "$3")" \
	    --key "$4" --json >"$T/out" 2>&1
}
rows_at() { q "SELECT count(*) FROM scan WHERE person_id = $1 AND at = $2"; }
stay_of() { q "SELECT coalesce(stay_s, 0) FROM scan WHERE person_id = $1 AND at = $2"; }

# --- the live path -----------------------------------------------------------
scan $((CUT - 60)) "$P1" $((CUT - 60)) k1
check "a scan at CUT-60 made while live is stored and opens a stay" \
	test "$(rows_at "$P1" $((CUT - 60)))" = 1 -a "$(stay_of "$P1" $((CUT - 60)))" -gt 0
scan $NOW "$P1" $((CUT + 30)) k1
check "at NOW its key is not replayed: the scan at CUT+30 is stored" \
	test "$(rows_at "$P1" $((CUT + 30)))" = 1
check "... and opens its own stay instead of joining the expired one (90 s later)" \
	test "$(stay_of "$P1" $((CUT + 30)))" -gt 0
scan $NOW "$P1" $((CUT + 40)) k2
check "a live stay is still joined: the entry at CUT+40 opens none" \
	test "$(rows_at "$P1" $((CUT + 40)))" = 1 -a "$(stay_of "$P1" $((CUT + 40)))" = 0

scan "$CUT" "$P2" "$CUT" k3
scan $NOW "$P2" $((CUT + 30)) k3
check "a scan exactly at the cut-off is kept: its key is replayed at NOW (one row)" \
	test "$(q "SELECT count(*) FROM scan WHERE person_id = $P2")" = 1
expect_in "$T/out" '"replayed": true' "the replay says so"
scan $((NOW + 1)) "$P2" $((CUT + 31)) k3
check "one second later it has expired: the same key stores a new scan" \
	test "$(rows_at "$P2" $((CUT + 31)))" = 1 -a "$(stay_of "$P2" $((CUT + 31)))" -gt 0

# --- import --------------------------------------------------------------------
scan $((CUT - 60)) "$P3" $((CUT - 60)) k4
printf 'person,time,direction\n%s,%s,in\n' "$P3" "$(at $((CUT + 30)))" >"$T/live.csv"
SIJIN_TEST_NOW=$NOW sj import scans "$T/live.csv" --checkpoint 1 --json >"$T/out" 2>&1
expect_in "$T/out" '"accepted": 1' "an imported entry 90 s after an expired one is accepted"
check "... and opens its own stay" test "$(stay_of "$P3" $((CUT + 30)))" -gt 0
SIJIN_TEST_NOW=$NOW sj import scans "$T/live.csv" --checkpoint 1 --json >"$T/out" 2>&1
expect_in "$T/out" '"duplicates": 1' "importing it again: a duplicate of the live row"
printf 'person,time,direction\n%s,%s,in\n' "$P3" "$(at $((CUT - 60)))" >"$T/old.csv"
SIJIN_TEST_NOW=$NOW sj import scans "$T/old.csv" --checkpoint 1 --json >"$T/out" 2>&1
expect_in "$T/out" '"duplicates": 1' \
	"an expired row imported again is a duplicate of the stored one (an old file adds nothing)"
check "... so the person has 2 scans, not 3" \
	test "$(q "SELECT count(*) FROM scan WHERE person_id = $P3")" = 2

# --- service requests ----------------------------------------------------------
# The demo's request is dated 2020 and closed: at NOW it has expired.  One
# more, reported in 2020 and still open, never expires.
SIJIN_TEST_NOW=$NOW sj request add --service accommodation --unit "$(q "SELECT min(id) FROM unit")" \
    --description "open since 2020" --reported-at 2020-03-01T09:00:00+08:00 >"$T/out" 2>&1 ||
	echo "not ok - adding an open request: $(cat "$T/out")"
finished=$(q "SELECT count(*) FROM service_request
    WHERE status IN ('resolved', 'rejected', 'duplicate', 'closed')")
open=$(q "SELECT count(*) FROM service_request
    WHERE status NOT IN ('resolved', 'rejected', 'duplicate', 'closed')")
check "the demo has finished and open requests ($finished, $open)" \
	test "$finished" -ge 1 -a "$open" -ge 1
fid=$(q "SELECT min(id) FROM service_request WHERE status IN ('resolved', 'rejected',
    'duplicate', 'closed')")
SIJIN_TEST_NOW=$NOW sj request list --json >"$T/list" 2>&1
check "sijin request list shows the open requests only" \
	test "$(grep -c '"service_code"' "$T/list")" = "$open" -a \
	"$(grep -c '"status": "submitted"' "$T/list")" = "$open"
SIJIN_TEST_NOW=$NOW sj request show "$fid" >"$T/out" 2>&1
check "sijin request show of the expired one: not found (exit 3)" test $? = 3
SIJIN_RETENTION_REQUESTS_DAYS=3650 SIJIN_TEST_NOW=$NOW sj request show "$fid" >"$T/out" 2>&1
check "... found when requests are kept 10 years" test $? = 0

want_attr=$(q "SELECT count(*) FROM request_attribute WHERE request_id = $fid")
want_upd=$(q "SELECT count(*) FROM request_update WHERE request_id = $fid")
want_ref=$(q "SELECT count(*) FROM referral WHERE request_id = $fid")
SIJIN_TEST_NOW=$NOW sj purge --json >"$T/out" 2>&1
check "the purge deletes the $finished finished request(s)" \
	test "$(q "SELECT count(*) FROM service_request")" = "$open"
expect_in "$T/out" "\"service_request\": $finished" "... and says so"
expect_in "$T/out" "\"request_update\": $want_upd" "... with its $want_upd history rows"
expect_in "$T/out" "\"referral\": $want_ref" "... its $want_ref referrals"
expect_in "$T/out" "\"request_attribute\": $want_attr" "... and its $want_attr attributes"
check "the purge also deleted the expired scans (CUT-60 ones) and kept the live ones" \
	test "$(q "SELECT count(*) FROM scan WHERE at < $CUT")" = 0 -a \
	"$(q "SELECT count(*) FROM scan WHERE at >= $CUT")" -ge 5

