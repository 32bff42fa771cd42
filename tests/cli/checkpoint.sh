#!/bin/sh
# Black-box tests of `sijin scan` (issue 5) and the demo's checkpoint day,
# against the real binary on a temporary database (SQLite, or PostgreSQL
# with SIJIN_TEST_DB=pg).  Expected values follow from the inputs: the
# demo's 华新新干线小区 keeps a stay 2 h when no exit is scanned; 37.5 °C
# is at or above the 37.3 °C fever threshold.
. "$(dirname "$0")/lib.sh"

run_capture sj demo
expect_status 0 "demo loads"
expect_in "$T/out" "scans" "demo summary counts scans"
expect_in "$T/out" "alerts *1$" "the demo day has one alert"
check "the demo's one alert is a fever of 37.6 °C" \
	test "$(q "SELECT reasons || ':' || temperature FROM alert")" = "1:376"
check "the demo's outsiders were registered before they passed" \
	test "$(q "SELECT count(*) FROM outsider_registration o WHERE NOT EXISTS (SELECT 1 FROM scan s
	    WHERE s.person_id = o.person_id AND (s.kind & 1) = 0 AND s.at < o.valid_from)")" = 3
check "the demo day is 2020-03-23 in Shanghai" \
	test "$(q "SELECT count(*) FROM scan WHERE at < 1584892800 OR at >= 1584979200")" = 0
check "the demo is the same from the same seed" test "$(q "SELECT sum(id * at + kind) FROM scan")" \
	= "$(db_drop 2>/dev/null && sj demo >/dev/null && q "SELECT sum(id * at + kind) FROM scan")"
cp=$(q "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'")

# --- recording -----------------------------------------------------------
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction in --temperature 37,5
expect_status 0 "scan records"
expect_in "$T/out" "^alert fever  scan" "a fever at 37.5 °C is an alert"
expect_in "$T/out" "李\*" "the person shown masked"
expect_in "$T/out" "37.5 °C" "the temperature as stored"
expect_in "$T/out" "^stay [0-9]* opened" "the entry opened a stay"
expect_in "$T/out" "exit not recorded" "until an exit, the stay's end is the default"

run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction out --key cli-1 --json
expect_status 0 "scan --json"
expect_in "$T/out" '"action": "closed"' "the exit closed the stay"
expect_in "$T/out" '"replayed": false' "a first scan is no replay"
n=$(count_rows scan)
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction out --key cli-1 --json
expect_in "$T/out" '"replayed": true' "the same key again is a replay"
check "a replay stores nothing" test "$(count_rows scan)" = "$n"

# --- refusals: one line naming the field, nothing stored -------------------
n=$(count_rows scan)
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction in --temperature 98.6
expect_status 2 "a Fahrenheit value without its unit is refused"
expect_in "$T/err" "^sijin: temperature: '98.6' °C is above the plausible range" "naming temperature"
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction in --temperature 98.6°F
expect_status 0 "98.6°F is accepted"
expect_in "$T/out" "37.0 °C" "and stored as 37.0 °C"
n=$(count_rows scan)
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152346 --direction in
expect_status 2 "a wrong check character"
expect_in "$T/err" "^sijin: id_number: check character is 6, expected 5$" "names id_number"
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction sideways
expect_status 2 "a bad direction"
expect_in "$T/err" "^sijin: direction: must be in or out$" "names direction"
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction in --time 2020-03-23T09:00:00
expect_status 2 "a time without offset"
expect_in "$T/err" "^sijin: time: " "names time"
# the epoch is instant 0, "no --time, now": a clock never set, refused, not recorded now
run_capture sj scan --checkpoint "$cp" --id-number 370911197008152345 --direction in --time 1970-01-01T00:00:00Z
expect_status 2 "the epoch as a time"
expect_in "$T/err" "^sijin: time: must be after 1970-01-01T00:00:00Z" "names time"
run_capture sj scan --checkpoint 99999 --id-number 370911197008152345 --direction in
expect_status 3 "an unknown checkpoint is not found"
expect_in "$T/err" "^sijin: checkpoint: no checkpoint with id 99999$" "names checkpoint"
run_capture sj scan --checkpoint "$cp" --direction in
expect_status 2 "no identity number"
expect_in "$T/err" "^sijin: id_number: is required" "names id_number"
run_capture sj scan --id-number 370911197008152345 --direction in
expect_status 2 "no checkpoint"
check "stderr is one line" test "$(wc -l <"$T/err")" = 1
check "nothing was written by the refused commands" test "$(count_rows scan)" = "$n"

# --- an unknown identity number is an unregistered outsider ------------------
run_capture sj scan --checkpoint "$cp" --id-number 11010519491231002X --direction in
expect_status 0 "an unknown identity number is recorded"
expect_in "$T/out" "^deny outsider_unregistered" "and denied"
expect_in "$T/out" "1101\*\*\*\*\*\*\*\*\*\*002X" "shown masked"
check "the clear number is stored nowhere" db_lacks 11010519491231002X

run_capture sj scan --help
expect_status 0 "scan --help"
expect_in "$T/out" "usage: sijin scan" "usage text"
