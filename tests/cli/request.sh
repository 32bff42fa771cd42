#!/bin/sh
# Black-box tests of `sijin request|service|calendar` (issue 8) against the
# real binary: the demo's Taishan Gypsum request, issue 8's due-date cases
# (worked by hand in docs/calendar.md), the recomputation when the 2024
# calendar is loaded, refusals that write nothing, and audit events.
. "$(dirname "$0")/lib.sh"
# The demo's service request was closed in March 2020: keep finished
# requests 10 years so that retention (docs/retention.md) does not hide it.
export SIJIN_RETENTION_REQUESTS_DAYS=3650

sj demo >/dev/null 2>&1 || echo "not ok - demo loads"

# --- the demo --------------------------------------------------------------
run_capture sj request list
expect_status 0 "request list runs"
expect_in "$T/out" "closed .*accommodation.*泰山石膏有限公司" "the demo's Taishan Gypsum request is listed, closed"
run_capture sj request show 1
expect_in "$T/out" "reported    2020-03-06T10:00:00+08:00 (assumed)" "reported 2020-03-06 10:00, marked assumed"
expect_in "$T/out" "泰安市文化和旅游局, sent .*replied 2020-03-16" "the bureau replied 2020-03-16"
expect_in "$T/out" "粥店街道办事处, sent" "also referred to the town government"
expect_in "$T/out" "东尊华美达、泰安宝盛大酒店、蓝海御华" "the reply names the three hotels"
expect_in "$T/out" "入住泰安宝盛大酒店" "resolved: the experts moved into 泰安宝盛大酒店"
run_capture sj request show 1 --json
expect_in "$T/out" '"status": "closed"' "show --json"
run_capture sj service list
expect_in "$T/out" "accommodation  住宿和后勤保障" "service list shows the shipped services"
expect_in "$T/out" "泰安市文化和旅游局" "accommodation's default department is the bureau (demo)"
run_capture sj calendar show 2020
expect_in "$T/out" "2020-01-31  off" "the 2020 calendar has the extended Spring Festival"

# --- issue 8's due dates ---------------------------------------------------
# Five working days: make livelihood's resolution time 5 with SQL both
# databases understand (there is no CLI for editing services).
q "UPDATE service SET resolution_days = 5 WHERE code = 'livelihood'" >/dev/null
run_capture sj request add --service livelihood --unit 高铁社区 --description 国庆前 \
	--reported-at 2024-09-30T09:00:00+08:00
expect_status 0 "request add before the 2024 calendar"
early=$(cat "$T/out")
check "weekends only: due Mon 2024-10-07 (20003)" \
	test "$(q "SELECT resolution_due FROM service_request WHERE id = $early")" = 20003
run_capture sj request refer "$early" --department 粥店街道办事处 --at 2024-09-30T10:00:00+08:00
expect_status 0 "request refer"
run_capture sj calendar load "$TOP/data/calendar/cn-2024.txt"
expect_status 0 "calendar load 2024"
expect_in "$T/out" "loaded 2024: 36 days; due dates moved: 2" "the request and its referral moved"
check "after loading: due Sat 2024-10-12 (20008)" \
	test "$(q "SELECT resolution_due FROM service_request WHERE id = $early")" = 20008
check "the referral's due date moved too" \
	test "$(q "SELECT due_on FROM referral WHERE request_id = $early")" = 20008
run_capture sj request add --service livelihood --unit 高铁社区 --description 周五傍晚 \
	--reported-at 2024-09-27T17:30:00+08:00
fri=$(cat "$T/out")
check "received Fri 17:30: due 2024-10-11 (20007)" \
	test "$(q "SELECT resolution_due FROM service_request WHERE id = $fri")" = 20007
run_capture sj calendar due --received 2024-09-30T09:00:00+08:00 --days 5
expect_in "$T/out" "due         2024-10-12" "calendar due: Mon 09:00 → 10-12"
run_capture sj calendar due --received 2024-09-27T17:30:00+08:00 --days 5
expect_in "$T/out" "receipt day 2024-09-29" "calendar due: Fri 17:30 counts from Sun 09-29"
run_capture sj --request-cutoff 18h calendar due --received 2024-09-27T17:30:00+08:00 --days 5
expect_in "$T/out" "receipt day 2024-09-27" "with the cut-off at 18:00, Fri 17:30 is still Friday"

# --- lifecycle --------------------------------------------------------------
run_capture sj request reply "$early" --department 粥店街道办事处 --text 已协调 --outcome solved
expect_status 0 "request reply"
run_capture sj request resolve "$early" --comment 已解决
expect_status 0 "request resolve"
check "resolved" test "$(q "SELECT status FROM service_request WHERE id = $early")" = resolved
run_capture sj request update "$early" --status closed
expect_status 0 "request update --status closed"
run_capture sj request list --status closed --service livelihood
expect_in "$T/out" "国庆前" "request list --status closed"
run_capture sj request list --overdue
check "list --overdue: neither closed request is listed" sh -c "! grep -q 国庆前 '$T/out'"

# --- refusals write nothing -------------------------------------------------
rows() { q "SELECT (SELECT count(*) FROM service_request) + (SELECT count(*) FROM request_update)
	+ (SELECT count(*) FROM referral) + (SELECT count(*) FROM audit_event)"; }
before=$(rows)
run_capture sj request add --service teleport --unit 高铁社区 --description x
expect_status 2 "unknown service code: exit 2"
expect_in "$T/err" "service_code" "the error names service_code"
run_capture sj request add --service permits --unit 高铁社区 --description 复工
expect_status 2 "missing required attribute: exit 2"
expect_in "$T/err" "attribute\[approval\]" "the error names the attribute"
long=$(printf '%4001s' '' | tr ' ' 'x')
run_capture sj request add --service livelihood --unit 高铁社区 --description "$long"
expect_status 2 "description over 4,000 characters: exit 2"
run_capture sj request update "$fri" --status closed
expect_status 4 "submitted → closed: exit 4 (conflict)"
run_capture sj request update "$early" --status accepted
expect_status 2 "reopen without a comment: exit 2"
run_capture sj request reply "$fri" --department 泰安市文化和旅游局 --text 答复
expect_status 4 "a reply from a department not referred to: exit 4"
expect_in "$T/err" "was not referred to 泰安市文化和旅游局" "the error says so"
run_capture sj request refer 99999 --department 泰安市文化和旅游局
expect_status 3 "unknown request: exit 3"
run_capture sj calendar load /nonexistent
expect_status 1 "calendar load of a missing file: exit 1"
printf 'year 2025\n2025-01-02 work oops\n' >"$T/bad.txt"
run_capture sj calendar load "$T/bad.txt"
expect_status 2 "a weekday marked worked: exit 2"
expect_in "$T/err" "line 2" "the error names the line"
check "refusals changed nothing" test "$(rows)" = "$before"

# --- reopen with a comment; audit ------------------------------------------
run_capture sj request update "$early" --status accepted --comment 又出现了
expect_status 0 "reopen with a comment"
run_capture sj request update "$fri" --status accepted --at 2024-09-27T17:00:00+08:00
expect_status 2 "an update before the request was reported is refused"
check "audit: one event per change by cli" \
	test "$(q "SELECT count(*) FROM audit_event WHERE object_type = 'service_request'
	    AND object_id = $early AND username = 'cli'")" = 6
check "audit: the calendar load" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'calendar.load'")" = 1

run_capture sj request --help
expect_status 0 "request --help"
expect_in "$T/out" "sijin request refer ID --department D" "help names refer"
run_capture sj request frobnicate
expect_status 2 "unknown sub-command: exit 2"
