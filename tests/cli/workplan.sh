#!/bin/sh
# Black-box tests of `sijin plan`, `task`, `meeting` and `workplan` (issue 11)
# against the real binary on a temporary demo database: the demo group's
# record, the plan's life (revised, submitted, returned, resubmitted,
# approved; nobody approves their own plan), tasks from a meeting decision,
# a distribution linked to a task, overdue on the calendar, reporting in,
# and bad input refused with nothing written.
. "$(dirname "$0")/lib.sh"

G=市派岱岳区市政协机关工作二组

run_capture sj demo
expect_status 0 "demo loads"

# --- the group's record ---------------------------------------------------
run_capture sj workplan show "$G"
expect_status 0 "workplan show runs"
expect_in "$T/out" "— approved, version 1; version 1 approved 2020-03-05T16:00:00+08:00 by admin" \
	"plan approved by the organ on 2020-03-05"
expect_in "$T/out" "5 units, 5 reported in, 0 not yet" "5 units reported in"
expect_in "$T/out" "secretary 工作二组组长" "branch with the leader as secretary"
check "all five reported in on 2020-03-05 (day 18326)" \
	test "$(q "SELECT count(*) FROM assignment WHERE reported_on = 18326")" = 5
check "every visit of the scenario is linked to a task" \
	test "$(q "SELECT count(*) FROM visit WHERE id NOT IN (SELECT record_id FROM task_link WHERE record_type = 'visit')")" = 0
check "the three distributions are linked" \
	test "$(q "SELECT count(*) FROM task_link WHERE record_type = 'distribution'")" = 3
run_capture sj workplan show "$G" --json
expect_in "$T/out" '"approved_by": "admin"' "record as JSON"

# --- the plan's life --------------------------------------------------------
run_capture sj plan edit "$G" --goals "三条工作线（修订）"
expect_status 0 "an approved plan is revised"
check "the revision is a draft" test "$(q "SELECT status FROM work_plan")" = draft
check "its audit event holds the plan before and after" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'plan.update' AND detail LIKE
	    '{\"before\":{%\"goals\":\"进企业、进项目%\"status\":\"approved\"%},\"after\":{%\"goals\":\"三条工作线（修订）\"%\"status\":\"draft\"%}}'")" = 1
run_capture sj plan submit "$G" --as leader --note 修订稿
expect_status 0 "the leader submits the revision"
check "the submission's audit event holds the status before and after" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'plan.submit' AND detail LIKE
	    '{\"before\":{%\"status\":\"draft\"%},\"after\":{%\"status\":\"submitted\"%},\"as\":\"leader\"}'")" = 1
run_capture sj plan approve "$G" --as leader
expect_status 5 "the leader cannot approve their own plan"
expect_in "$T/err" "approver: a work plan cannot be approved by a leader or member of its own work group" \
	"the refusal says why"
run_capture sj plan approve "$G"
expect_status 5 "the command line approves only as a named user"
run_capture sj plan return "$G" --as admin
expect_status 2 "returning needs a comment"
check "refusals changed nothing" \
	test "$(q "SELECT count(*) FROM plan_version WHERE decision IS NULL")" = 1
run_capture sj plan return "$G" --as admin --comment 请细化分工
expect_status 0 "the organ sends it back"
run_capture sj plan submit "$G" --as leader
expect_status 0 "the leader resubmits"
run_capture sj plan approve "$G" --as admin --comment 同意
expect_status 0 "the organ approves"
expect_in "$T/out" "approved, version 3" "version 3 approved"
run_capture sj plan show "$G"
expect_in "$T/out" "v2 submitted .* by leader; returned .* by admin: 请细化分工" "version 2 kept, returned"
check "three versions kept" test "$(q "SELECT count(*) FROM plan_version")" = 3
check "audit events written" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action LIKE 'plan.%'")" = 5
# An edit that says what the plan holds, a day later: no revision, no new
# updated_at, no audit event.
UPDATED=$(q "SELECT updated_at FROM work_plan")
SIJIN_TEST_NOW=$(( $(date +%s) + 86400 )) run_capture sj plan edit "$G" --goals "三条工作线（修订）"
expect_status 0 "an edit that changes nothing is accepted"
check "and leaves the approved plan approved and untouched" \
	test "$(q "SELECT status || ' ' || updated_at FROM work_plan")" = "approved $UPDATED"
check "and writes no audit event" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action LIKE 'plan.%'")" = 5

# --- tasks from a meeting decision ---------------------------------------
run_capture sj meeting add "$G" --kind coordination --on 2020-03-16 --title 复工协调会 \
	--unit 泰山石膏有限公司 --department 泰安市文化和旅游局 --attendee 工作二组组长 \
	--guest "企业负责人,泰山石膏有限公司" --decision "task:协助企业落实专家住宿"
expect_status 0 "a coordination meeting is recorded"
M=$(cat "$T/out")
D=$(q "SELECT id FROM meeting_decision WHERE meeting_id = $M")
run_capture sj task add "$G" --title 落实专家住宿 --line economy --owner 工作二组组长 \
	--unit 泰山石膏有限公司 --due 2020-04-26 --decision "$D"
expect_status 0 "a task from the decision"
TID=$(cat "$T/out")
run_capture sj meeting show "$M"
expect_in "$T/out" "decision $D (1, task): 协助企业落实专家住宿 → tasks $TID" "the decision shows its task"
run_capture sj task show "$TID"
expect_in "$T/out" "from decision $D of meeting $M" "the task names its decision"

# --- overdue on the calendar (2020-04-26 is a make-up working day) --------
run_capture sj task list "$G" --overdue --as-of 2020-04-26
check "not overdue on the make-up working day it is due" sh -c "! grep -q '^$TID ' '$T/out'"
run_capture sj task list "$G" --overdue --as-of 2020-04-27
expect_in "$T/out" "^$TID .*OVERDUE" "overdue the day after"

# --- a distribution linked to a task --------------------------------------
DIST=$(q "SELECT min(id) FROM supply_doc WHERE kind = 'distribution'")
run_capture sj task link "$TID" distribution "$DIST"
expect_status 0 "a distribution is linked"
run_capture sj task show "$TID"
expect_in "$T/out" "link distribution $DIST 2020-03-18 发放" "the task shows the distribution"
run_capture sj task link "$TID" distribution "$DIST"
expect_status 4 "linking twice is a conflict"
run_capture sj task link "$TID" distribution 99999
expect_status 3 "a missing record is not found"

# --- progress ---------------------------------------------------------------
run_capture sj task note "$TID" --body 已协调入住 --status done --on 2020-03-16
expect_status 0 "a progress note closes the task"
run_capture sj task list "$G" --overdue --as-of 2020-04-27
check "a done task is not overdue" sh -c "! grep -q '^$TID ' '$T/out'"

# --- bad input --------------------------------------------------------------
q "INSERT INTO work_group (name, created_at) VALUES ('另一工作组', 0);
   INSERT INTO group_member (group_id, name, role, created_at)
   SELECT id, '外组组员', 'member', 0 FROM work_group WHERE name = '另一工作组';"
before=$(q "SELECT count(*) FROM task")
run_capture sj task add "$G" --title x --line economy --owner 外组组员
expect_status 2 "an owner who is not a member is refused"
expect_in "$T/err" "owner_id: member .* is not a member of work group $G" "the error names the owner"
run_capture sj task add "$G" --title x --line economy --owner 工作二组组长 --due 2020-03-04
expect_status 2 "a due date before the plan's start is refused"
expect_in "$T/err" "due_on: 2020-03-04 is before the start of the work plan, 2020-03-05" \
	"the error names the plan's start"
run_capture sj task add "$G" --title x --line health --owner 工作二组组长
expect_status 2 "an unknown task line is refused"
expect_in "$T/err" "task_line: unknown task line 'health'" "the error lists the lines"
check "nothing was written" test "$(q "SELECT count(*) FROM task")" = "$before"

# --- reporting in -------------------------------------------------------------
run_capture sj workplan report-in "$G" 高铁社区 --on 2020-03-05 --contact 王主任
expect_status 0 "reporting in is recorded with the contact"
run_capture sj workplan reporting "$G" --as-of 2020-04-06
expect_in "$T/out" "高铁社区  reported 2020-03-05  last visit 2020-03-23  VISIT DUE  contact 王主任" \
	"not visited for 14 days: listed"
run_capture sj workplan reporting "$G" --as-of 2020-04-06 --gap-days 15
check "with a 15-day gap it is not" sh -c "! grep -q '高铁社区.*VISIT DUE' '$T/out'"
run_capture sj workplan report-in "$G" 丁公司 --on 2020-03-05
expect_status 3 "a unit not assigned (or unknown) is not found"
run_capture sj workplan task-lines
expect_in "$T/out" "livelihood 保障民生" "task lines listed"
