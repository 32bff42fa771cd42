#!/bin/sh
# The task line on the command line (issue 11 "Task line as a shared
# classification"): `visit add|list --task-line`, `request add|list
# --task-line`, by code or by the Chinese name; an unknown line is exit 2
# with the field named and nothing written (README "Exit codes").
. "$(dirname "$0")/lib.sh"
# The demo's service request was closed in March 2020: keep finished
# requests 10 years so that retention (docs/retention.md) does not hide it.
export SIJIN_RETENTION_REQUESTS_DAYS=3650

sj demo >/dev/null || echo "not ok - demo loads"
leader=工作二组组长   # the group's one member in the demo (demo.c)

# The demo: six visits on the livelihood line, none on the others.
run_capture sj visit list --task-line livelihood --json
check "the demo's six visits are on the livelihood line" test "$(grep -c '"purpose"' "$T/out")" = 6
run_capture sj visit list --task-line economy --json
check "no demo visit is on the economy line" test "$(grep -c '"purpose"' "$T/out")" = 0
run_capture sj request list --task-line 经济运行
expect_status 0 "request list by the Chinese name of a line"
expect_in "$T/out" "accommodation" "the enterprise request is on the economy line"

# A visit by the Chinese name, with a need that takes the visit's line.
run_capture sj visit add --unit 李家庄社区 --on 2020-03-27 --purpose 调研物资缺口 \
	--visitor "$leader" --need "supplies:口罩不足" --task-line 疫情防控
expect_status 0 "visit add --task-line 疫情防控"
vid=$(cat "$T/out")
check "stored as the code, visit and need alike" \
	test "$(q_join "SELECT task_line FROM visit WHERE id = $vid UNION ALL SELECT task_line FROM need WHERE visit_id = $vid")" = "prevention prevention"
run_capture sj visit show "$vid"
expect_in "$T/out" "task line prevention" "visit show prints the line"

# Unknown lines: exit 2, the field named, nothing written.
visits=$(count_rows visit); requests=$(count_rows service_request)
run_capture sj visit add --unit 李家庄社区 --on 2020-03-28 --purpose 走访 --visitor "$leader" \
	--task-line housing
expect_status 2 "visit add with an unknown line is exit 2"
expect_in "$T/err" "task_line: unknown task line 'housing'" "the message names task_line"
run_capture sj request add --service staffing --unit 丰泽领秀城项目 --description 缺少工人 \
	--task-line 民生
expect_status 2 "request add with an unknown line is exit 2"
expect_in "$T/err" "task_line" "the message names task_line"
run_capture sj request list --task-line nope
expect_status 2 "request list with an unknown line is exit 2"
check "nothing was written" test "$(count_rows visit) $(count_rows service_request)" = "$visits $requests"

run_capture sj request add --service staffing --unit 丰泽领秀城项目 --description 项目缺少工人 \
	--task-line economy
expect_status 0 "request add --task-line economy"
rid=$(tail -1 "$T/out")
check "the request is stored on the economy line" \
	test "$(q "SELECT task_line FROM service_request WHERE id = $rid")" = economy
