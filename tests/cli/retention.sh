#!/bin/sh
# sijin purge and the server's purge job (docs/retention.md; issue 10), on
# the demo's organisation with hand-made rows at exact instants.
#
# The clock is fixed (SIJIN_TEST_NOW, docs/config.md "Test hooks") at
# NOW = 2026-11-29T12:00:00+08:00 = 1795924800; with the default 28 days
# CUT = NOW - 2419200 = 1793505600, and the visit-note cut-off date is
# 2026-11-01 = day 20758.  The demo is loaded at NOW, so its people were
# made at NOW (never purge candidates); its own 2020 scans, alerts,
# registrations and notes are removed first, and these rows put in
# (place 1 and its checkpoint 1, person 1 a resident with a household,
# visits 5 and 6 household visits):
#   scan 1  person 1     CUT-1  expired      scan 2 person 1 CUT  kept
#   scan 3  person 9001  CUT-1  expired      scan 4 no person CUT-1 expired
#   alert 1 scan 1       CUT-1  expired      alert 2 scan 2  CUT  kept
#   outsider person 9002 until CUT-1 expired; person 1 until CUT kept
#   note of visit 5 dated 20757 expired; of visit 6 dated 20758 kept
#   person 9001 (its one scan gone) and 9002 (its one registration gone),
#   made at 0 with no household or unit: removed
# so the purge deletes scan 3, alert 1, outsider_registration 1,
# household_note 1, person 2: 8 rows.
. "$(dirname "$0")/lib.sh"

NOW=1795924800
CUT=$((NOW - 2419200))
export SIJIN_TEST_NOW=$NOW
# The demo's service requests (2020) are kept here (10 years): their purge
# is tested in tests/cli/retention_write.sh and tests/unit/test_request_retention.c.
export SIJIN_RETENTION_REQUESTS_DAYS=3650

sj demo >/dev/null 2>&1 || { echo "not ok - demo database"; exit 1; }
q "DELETE FROM alert" && q "DELETE FROM scan" && q "DELETE FROM outsider_registration" &&
q "DELETE FROM household_note" || { echo "not ok - clearing the demo's checkpoint rows"; exit 1; }
q "INSERT INTO person (id, name, name_key, name_sort, created_at)
   SELECT 9001, 'o1', 'o1', name_sort, 0 FROM person WHERE id = 1" &&
q "INSERT INTO person (id, name, name_key, name_sort, created_at)
   SELECT 9002, 'o2', 'o2', name_sort, 0 FROM person WHERE id = 1" &&
q "INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons) VALUES
   (1, 1, 1, 1, $((CUT - 1)), 0, 0), (1, 2, 1, 1, $CUT, 0, 0),
   (1, 3, 1, 9001, $((CUT - 1)), 0, 0), (1, 4, 1, NULL, $((CUT - 1)), 0, 0)" &&
q "INSERT INTO alert (place_id, id, at, reasons, decision, scan_id, person_id, detail, created_at)
   VALUES (1, 1, $((CUT - 1)), 1, 1, 1, 1, 'd', 0), (1, 2, $CUT, 1, 1, 2, 1, 'd', 0)" &&
q "INSERT INTO outsider_registration (unit_id, person_id, came_from, reason, host, valid_from,
   valid_until, registered_at) VALUES (1, 9002, 'x', 'y', 'z', 0, $((CUT - 1)), 0),
   (1, 1, 'x', 'y', 'z', 0, $CUT, 0)" &&
q "INSERT INTO household_note (visit_id, household_id, visited_on, body, created_at) VALUES
   (5, 1, 20757, 'old', 0), (6, 2, 20758, 'new', 0)" ||
	{ echo "not ok - the rows of the test"; exit 1; }

rows() {
	q "SELECT (SELECT count(*) FROM scan) + (SELECT count(*) FROM alert)
	   + (SELECT count(*) FROM outsider_registration) + (SELECT count(*) FROM household_note)
	   + (SELECT count(*) FROM person)"
}
BEFORE=$(rows)

# expect_report NAME: the report in $T/out names the hand-worked counts.
expect_report() {
	ok=1
	for want in "scan 3" "alert 1" "outsider_registration 1" "household_note 1" \
	    "person 2" "total 8"; do
		tr -s ' ' <"$T/out" | grep -qx "$want" || ok=0
	done
	if [ $ok = 1 ]; then echo "ok - $1"; else echo "not ok - $1: $(cat "$T/out" "$T/err")"; fi
}

run_capture sj purge --dry-run
expect_status 0 "purge --dry-run exits 0"
expect_report "the dry run reports 3 scans, 1 alert, 1 registration, 1 note, 2 people"
check "the dry run deletes nothing" test "$(rows)" = "$BEFORE"
expect_in "$T/out" "cut-off scan       2026-11-01T12:00:00+08:00 (28 days)" \
    "the report gives the cut-off, 28 days before the fixed clock"

run_capture sj purge
expect_status 0 "purge exits 0"
expect_report "the purge deletes the same rows the dry run counted"
check "8 rows fewer" test "$(rows)" = "$((BEFORE - 8))"
check "scan 2, at exactly the cut-off, stays" test "$(q_join "SELECT id FROM scan ORDER BY id")" = 2
check "alert 2 stays" test "$(q_join "SELECT id FROM alert ORDER BY id")" = 2
check "the registration valid until the cut-off stays" \
    test "$(q_join "SELECT person_id FROM outsider_registration")" = 1
check "the note of 1 November stays" test "$(q_join "SELECT body FROM household_note")" = new
check "both people without a basis are gone, the resident stays" \
    test "$(q "SELECT count(*) FROM person WHERE id IN (1, 9001, 9002)")" = 1
check "both runs are on the audit log" test "$(q "SELECT count(*) FROM audit_event
    WHERE action IN ('retention.purge', 'retention.purge_dry_run') AND username = 'cli'")" = 2

run_capture sj purge --json
expect_in "$T/out" '"total": 0' "a second run finds nothing"
run_capture sj purge --now
expect_status 2 "an unknown argument is a usage error (exit 2)"

# The server's job: a scan that expired is gone one purge-interval (1 s)
# after the start, and the run is audited as user "system".
q "INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons)
   VALUES (1, 9, 1, 1, $((CUT - 1)), 0, 0)"
PORT=$((20000 + ($$ + 7) % 20000))
"$SIJIN_BIN" --port "$PORT" --purge-interval 1 serve >"$T/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait; rm -rf "$T"' EXIT
# The job commits the deletion, then its audit event (jpurge_run_audited):
# wait for both, or a slow run (the sanitizer build) reads in between.
purged() {
	[ "$(q "SELECT count(*) FROM scan WHERE id = 9")" = 0 ] &&
	    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'retention.purge'
	    AND username = 'system'")" -ge 1 ]
}
for _ in $(seq 1 40); do
	purged && break
	sleep 0.25
done
check "the server's purge job deleted the expired scan" \
    test "$(q "SELECT count(*) FROM scan WHERE id = 9")" = 0
check "the job's run is audited as system" test "$(q "SELECT count(*) FROM audit_event
    WHERE action = 'retention.purge' AND username = 'system'")" -ge 1
check "scan 2 is still there" test "$(q "SELECT count(*) FROM scan WHERE id = 2")" = 1
kill $SERVER; wait $SERVER
check "the server stops cleanly with the job running" test $? = 0
