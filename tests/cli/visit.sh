#!/bin/sh
# Black-box tests of `sijin visit`, `sijin need` and `sijin inspection`
# (issue 8) against the real binary on a temporary demo database: the
# scenario's visits and inspections, adding a visit and an inspection from
# flags, findings, open/overdue lists, re-checks, need → request, the audit
# log, and bad input (one line naming the field, the exit code of the
# README's table, nothing written).
. "$(dirname "$0")/lib.sh"
# The records here are dated in the past (2020, 2024): keep 10 years so that
# retention (docs/retention.md) does not hide them.
export SIJIN_RETENTION_DAYS=3650

sj demo >/dev/null || echo "not ok - demo loads"
leader=工作二组组长   # the group's one member in the demo (demo.c)

# --- the scenario --------------------------------------------------------
run_capture sj visit list
expect_status 0 "visit list runs"
check "six scenario visits (3 on 03-18, 3 on 03-23)" \
	test "$(grep -c '2020-03-18' "$T/out") $(grep -c '2020-03-23' "$T/out")" = "3 3"
run_capture sj visit list --unit 高铁社区 --json
check "高铁社区 has four visits (03-18; 03-23 talk and two households)" \
	test "$(grep -c '"purpose"' "$T/out")" = 4
run_capture sj inspection list
expect_in "$T/out" "大门疫情监测点" "the compound's monitoring point was inspected"
expect_in "$T/out" "职工食堂" "the staff canteen was inspected"
run_capture sj inspection show 2
expect_in "$T/out" "pass registration" "registration passed"
expect_in "$T/out" "na   disinfection" "disinfection not applicable"
run_capture sj inspection checklists
expect_in "$T/out" "special_groups *特殊人群名单" "the checkpoint checklist lists the special-group list"

# --- a household visit with a need ------------------------------------------
audit_before=$(count_rows audit_event)
run_capture sj visit add --household 1 --on 2020-03-30 --purpose 回访住户 \
	--visitor "$leader" --summary "住户隐私说明" --need "livelihood:买菜难"
expect_status 0 "visit add to a household"
vid=$(cat "$T/out")
run_capture sj visit show "$vid"
expect_in "$T/out" "1号楼 1单元 101" "the household's address is shown"
expect_in "$T/out" "\[livelihood\] 买菜难" "the need is shown"
check "the notes are in household_note only" \
	test "$(q "SELECT count(*) FROM household_note WHERE visit_id = $vid") $(q "SELECT count(*) FROM visit WHERE id = $vid AND summary IS NULL")" = "2 1"
check "one audit event for the visit" test "$(count_rows audit_event)" = $((audit_before + 1))
check "the audit event leaves the household notes out" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'visit.create' AND username = 'cli' AND detail NOT LIKE '%住户隐私%' AND detail NOT LIKE '%买菜难%'")" = 1

# --- bad visits: nothing written ------------------------------------------------
before=$(count_rows visit):$(count_rows need):$(count_rows household_note)
run_capture sj visit add --household 999 --on 2020-03-30 --purpose 回访 --visitor "$leader"
expect_status 3 "an unknown household is not found"
expect_in "$T/err" "^sijin: household_id: no household with id 999$" "the message names the field"
run_capture sj visit add --unit 高铁社区 --on 2020-03-30 --purpose 回访 --visitor "$leader" \
	--need "housing:漏水"
expect_status 2 "an unknown need category is refused"
expect_in "$T/err" "needs\[0\].category" "the message names the need"
run_capture sj visit add --unit 高铁社区 --on 2020-03-32 --purpose 回访 --visitor "$leader"
expect_status 2 "a bad date is refused"
run_capture sj visit add --unit 高铁社区 --on 2020-03-30 --purpose 回访 --visitor 无此人
expect_status 3 "an unknown visitor is not found"
check "nothing was written" \
	test "$(count_rows visit):$(count_rows need):$(count_rows household_note)" = "$before"

# --- an inspection with a failed item; findings; re-check ---------------------
items="--item registration=pass --item code_scan=pass --item temperature=pass \
--item outsider_register=na --item special_groups=na"
# shellcheck disable=SC2086
run_capture sj inspection add --checkpoint 1 --checklist checkpoint --on 2020-03-30 \
	--inspector "$leader" $items --item "disinfection=fail:消毒记录缺失" \
	--rectify-by disinfection=2020-04-02
expect_status 0 "inspection add with a failed item"
run_capture sj inspection findings --open
expect_in "$T/out" "消毒记录缺失" "the failed item is an open finding"
fid=$(q "SELECT id FROM finding WHERE description = '消毒记录缺失'")
run_capture sj inspection findings --overdue --on 2020-04-02
check "not overdue on its rectify-by day" test "$(grep -c '消毒记录缺失' "$T/out")" = 0
run_capture sj inspection findings --overdue --on 2020-04-03
expect_in "$T/out" "yes .*消毒记录缺失" "overdue the day after"

before=$(count_rows inspection):$(count_rows inspection_result):$(count_rows finding)
# shellcheck disable=SC2086
run_capture sj inspection add --checkpoint 1 --checklist checkpoint --on 2020-04-01 \
	--inspector "$leader" $items --item disinfection=ok
expect_status 2 "a result other than pass, fail, na is refused"
expect_in "$T/err" "^sijin: items\[5\].result: " "the message names the item's result"
# shellcheck disable=SC2086
run_capture sj inspection add --checkpoint 1 --checklist checkpoint --on 2020-04-01 \
	--inspector "$leader" $items --item "disinfection=fail:未消毒"
expect_status 2 "a failed item without a rectify-by date is refused"
expect_in "$T/err" "items\[5\].rectify_by: a failed item needs a rectify-by date" \
	"the message says what is missing"
# shellcheck disable=SC2086
run_capture sj inspection add --checkpoint 1 --checklist checkpoint --on 2020-04-01 \
	--inspector "$leader" $items --item disinfection=pass --item temperature=pass
expect_status 2 "an item given twice is refused"
expect_in "$T/err" "'temperature' is given twice" "the message names the item"
check "no inspection was written" \
	test "$(count_rows inspection):$(count_rows inspection_result):$(count_rows finding)" = "$before"

run_capture sj inspection recheck "$fid" --on 2020-04-04 --result pass --note 已整改
expect_status 0 "a passing re-check"
run_capture sj inspection findings --closed
expect_in "$T/out" "closed .*消毒记录缺失" "the re-check closed the finding"
run_capture sj inspection recheck "$fid" --on 2020-04-05 --result pass
expect_status 4 "a closed finding is not re-checked again"

# --- need → service request ---------------------------------------------------
nid=$(q "SELECT id FROM need WHERE visit_id = $vid")
run_capture sj need request "$nid"
expect_status 0 "need request"
rid=$(cat "$T/out")
check "the need names the request" \
	test -n "$rid" -a "$(q "SELECT request_id FROM need WHERE id = $nid")" = "$rid"
run_capture sj need request "$nid"
expect_status 4 "a need becomes a request once"
