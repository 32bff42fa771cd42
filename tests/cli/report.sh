#!/bin/sh
# Black-box tests of `sijin report daily` and `sijin trace --format` (issue
# 9 "Reports and ledgers", issue 6 export) against the real binary on a
# temporary demo database: the demo day's deliveries (600 masks, 240
# bottles of alcohol, 180 of 84 disinfectant to 3 communities, SCENARIO.md),
# the range's resolved request with the bureau's reply of 2020-03-16, the
# HTML page, a CSV ledger and an XLSX workbook with their audit events, a
# trace export, and bad input (one line naming the field, exit 2, nothing
# written).
. "$(dirname "$0")/lib.sh"
# The demo's service request was closed in March 2020: keep finished
# requests 10 years so that retention (docs/retention.md) does not hide it.
export SIJIN_RETENTION_REQUESTS_DAYS=3650

sj demo >/dev/null || echo "not ok - demo loads"
group=$(q "SELECT id FROM work_group")

run_capture sj report daily --date 2020-03-18 --group "$group"
expect_status 0 "report daily runs"
expect_in "$T/out" "发放到单位 口罩	600个（3个单位）" "600 masks to 3 units"
expect_in "$T/out" "发放到单位 酒精	240瓶（3个单位）" "240 bottles of alcohol to 3 units"
expect_in "$T/out" "发放到单位 84消毒液	180瓶（3个单位）" "180 bottles of 84 to 3 units"
expect_in "$T/out" "^走访（次）	3$" "the three visits of the afternoon"

run_capture sj report daily --date 2020-03-05 --to 2020-03-31 --group "$group"
expect_in "$T/out" "^办结诉求（件）	1$" "one request resolved in March"
expect_in "$T/out" "泰安市文化和旅游局于2020年3月16日答复后办结" "with the bureau's reply of 03-16"

run_capture sj report daily --date 2020-03-18 --group "$group" --format html
expect_in "$T/out" "<h1>日报：" "HTML page"

audit_before=$(count_rows audit_event)
run_capture sj report daily --date 2020-03-05 --to 2020-03-31 --group "$group" \
	--format csv --ledger requests --out "$T/q.csv"
expect_status 0 "a CSV ledger is written"
check "the CSV has the header and the one request" test "$(wc -l < "$T/q.csv")" = 2
run_capture sj report daily --date 2020-03-18 --group "$group" --format xlsx --out "$T/r.xlsx"
expect_status 0 "an XLSX workbook is written"
check "the workbook has one sheet per ledger" \
	test "$(unzip -l "$T/r.xlsx" | grep -c 'xl/worksheets/sheet')" = 8
check "both exports are audited" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'report.export'")" = 2

person=$(q "SELECT person_id FROM stay WHERE person_id IS NOT NULL GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 1")
run_capture sj --retention-days 3000 trace --person "$person" --at 2020-03-24T00:00:00+08:00 \
	--days 3 --format csv --out "$T/t.csv"
expect_status 0 "a trace is exported as CSV"
expect_in "$T/t.csv" "序号" "with its header"
check "the trace export is audited" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'trace.export'")" = 1

# --- bad input ---------------------------------------------------------------
rows_before=$(count_rows audit_event)
run_capture sj report daily --group "$group"
expect_status 2 "no --date is exit 2"
run_capture sj report daily --date 2020-03-18
expect_status 2 "no group, unit or region is exit 2"
run_capture sj report daily --date 2020-03-18 --to 2020-03-01 --group "$group"
expect_status 2 "to before date is exit 2"
expect_in "$T/err" "^sijin: to:" "the message names to"
run_capture sj report daily --date 2020-03-18 --group "$group" --format csv --out "$T/x.csv"
expect_status 2 "CSV without a ledger is exit 2"
expect_in "$T/err" "^sijin: ledger:" "the message names ledger"
run_capture sj report daily --date 2020-03-18 --group 999
expect_status 3 "an unknown group is exit 3"
check "nothing was written" test "$(count_rows audit_event)" = "$rows_before"

# --- the registrations ledger writes temperatures in °C ----------------------
# The demo's one fever (issue 5: the 华新新干线小区 day has one fever alert)
# is stored in tenths of a °C; the ledger writes the °C it stands for under
# 体温(°C): 376 is "37.6", worked out here from the stored integer.
t=$(q "SELECT temperature FROM alert WHERE temperature IS NOT NULL")
run_capture sj --retention-days 3650 report daily --date 2020-03-23 --unit 高铁社区 --format csv \
	--ledger registrations --out "$T/reg.csv"
expect_status 0 "the registrations ledger is written"
expect_in "$T/reg.csv" '"体温(°C)","结果","原因"' "its temperature column is in °C"
# the decision and its reasons as people read them, in the export's language
# (its headers are Chinese): web/i18n/zh-CN.json's decision.alert and
# reason.fever, not the API's codes alert and fever
expect_in "$T/reg.csv" "\"$((t / 10)).$((t % 10))\",\"注意\",\"体温异常（发热）\"" "the fever reads $((t / 10)).$((t % 10)), 注意, 体温异常（发热）"
check "no decision is written as its code" sh -c "! grep -Eq '\"(pass|alert|deny)\"' '$T/reg.csv'"
check "every row's decision is a label" test "$(tail -n +2 "$T/reg.csv" | tr -d '\r' | grep -Ec '"(通行|注意|禁止通行)","[^"]*"$')" = \
	"$(($(wc -l <"$T/reg.csv") - 1))"

# --- the registrations ledger is in the order of the scans' times ------------
# A registration imported later (a newer id) at 06:30, before the day's
# first demo scan, comes first, and the times never go back (sort -c on the
# time column, an oracle independent of sijin); the rows are all the unit's
# scans of the day.
cp=$(q "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'")
pid=$(q "SELECT min(id) FROM person")
printf 'checkpoint,person,time,direction\n%s,%s,2020-03-23 06:30,in\n' "$cp" "$pid" >"$T/early.csv"
run_capture sj --retention-days 3650 import scans "$T/early.csv"
expect_in "$T/out" "accepted 1" "an early registration is imported after the day's scans"
run_capture sj --retention-days 3650 report daily --date 2020-03-23 --unit 高铁社区 --format csv \
	--ledger registrations --out "$T/reg.csv"
check "the first row is the 06:30 registration" sh -c "sed -n 2p '$T/reg.csv' | grep -q '^\"2020-03-23 06:30\"'"
check "the times never go back" sh -c "tail -n +2 '$T/reg.csv' | cut -d, -f1 | LC_ALL=C sort -c"
check "every scan of the unit's day is a row" test "$(($(wc -l <"$T/reg.csv") - 1))" = "$(q "SELECT count(*)
    FROM scan s JOIN place p ON p.id = s.place_id JOIN unit u ON u.id = p.unit_id
    WHERE u.name = '高铁社区' AND s.at >= 1584892800 AND s.at < 1584979200")"
check "no temperature is left in tenths" sh -c "! grep -q '\"$t\"' '$T/reg.csv'"
