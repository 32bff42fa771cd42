#!/bin/sh
# Black-box tests of `sijin resumption report|list|rate` (issue 9 "Work
# resumption") against the real binary on a temporary demo database: the
# scenario's history of 泰山石膏有限公司 and 丰泽领秀城项目, the rate and
# trend with numerators and denominators, filing a report from flags with
# its audit event, and bad input (one line naming the field, the exit code
# of the README's table, nothing written).
. "$(dirname "$0")/lib.sh"
# The demo's service request was closed in March 2020: keep finished
# requests 10 years so that retention (docs/retention.md) does not hide it.
export SIJIN_RETENTION_REQUESTS_DAYS=3650

sj demo >/dev/null || echo "not ok - demo loads"

# --- the scenario --------------------------------------------------------
run_capture sj resumption list 泰山石膏有限公司
expect_status 0 "resumption list runs"
req=$(q "SELECT id FROM service_request WHERE unit_id = (SELECT id FROM unit WHERE name = '泰山石膏有限公司')")
expect_in "$T/out" "2020-03-06 not_resumed .*blocked by request $req" \
	"Taishan Gypsum not resumed on 03-06, blocked by its request"
expect_in "$T/out" "2020-03-18 resumed" "resumed the day after the request was resolved (03-17)"
run_capture sj resumption list 丰泽领秀城项目
expect_in "$T/out" "2020-03-10 partial .*(assumed)" "the project partial on 03-10, assumed"
expect_in "$T/out" "2020-03-20 resumed .*(assumed)" "the project resumed on 03-20, assumed"
run_capture sj resumption rate --date 2020-03-18
expect_in "$T/out" "resumed 1/2  partial 1/2  not resumed 0  units 2" "rate on 03-18: 1/2 and 1/2"
run_capture sj resumption rate --from 2020-03-19 --to 2020-03-20 --kind enterprise
check "the trend has one line a day" test "$(wc -l < "$T/out")" = 2
expect_in "$T/out" "2020-03-20  resumed 1/1" "enterprises on 03-20: 1 of 1 resumed"
run_capture sj resumption rate --date 2020-03-18 --json
expect_in "$T/out" '"reporting": 2' "JSON states the units reporting"

# --- filing a report -------------------------------------------------------
audit_before=$(count_rows audit_event)
run_capture sj resumption report 丰泽领秀城项目 --date 2020-03-25 --status partial \
	--on-site 30 --total 40 --capacity 60 --note 部分工人未返岗
expect_status 0 "resumption report files a report"
rid=$(cat "$T/out")
check "the audit event is written" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'resumption.report' AND object_id = $rid")" = 1
run_capture sj resumption rate --date 2020-03-25
expect_in "$T/out" "resumed 1/2  partial 1/2 .* staff 30/40 (1 reports)" "the latest report wins; staff 30/40"

# --- bad input -------------------------------------------------------------
rows_before="$(count_rows resumption_report) $(count_rows resumption_blocker) $(count_rows audit_event)"
run_capture sj resumption report 泰山石膏有限公司 --date 2020-03-25 --status half
expect_status 2 "an unknown status is exit 2"
expect_in "$T/err" "^sijin: status:" "the message names status"
run_capture sj resumption report 泰山石膏有限公司 --date 2020-03-25 --status partial --on-site 41 --total 40
expect_in "$T/err" "^sijin: staff_on_site:" "staff on site over the total is refused"
run_capture sj resumption report 泰山石膏有限公司 --date 2020-03-25 --status partial --capacity 101
expect_in "$T/err" "^sijin: capacity_pct:" "capacity over 100 is refused"
run_capture sj resumption report 泰山石膏有限公司 --date 2020-03-25 --status partial --blocker "$req"
expect_in "$T/err" "^sijin: blocker_ids\[0\]:" "a closed request is not a blocker"
run_capture sj resumption report 高铁社区 --date 2020-03-25 --status partial
expect_status 2 "a community is refused"
expect_in "$T/err" "^sijin: unit_id:" "the message names unit_id"
run_capture sj resumption list 没有的企业
expect_status 3 "an unknown unit is exit 3"
check "nothing was written" \
	test "$(count_rows resumption_report) $(count_rows resumption_blocker) $(count_rows audit_event)" = "$rows_before"
