#!/bin/sh
# Black-box tests of `sijin supply` (issue 7) on a demo database: the
# issue's back-dated case and pack case from the command line, quantities
# in packs, bad documents refused whole with one message per bad line,
# confirmation, requests, the exports (CSV on standard output, XLSX read
# back with unzip), and an audit event for every change.
. "$(dirname "$0")/lib.sh"

sj demo --force >/dev/null 2>&1
check "demo loads" db_exists

# The scenario's supplies: 600 / 240 / 180 delivered, all requests complete.
check "scenario: 600 masks delivered" test "$(q "SELECT sum(l.qty) FROM supply_line l JOIN supply_doc d ON d.id = l.doc_id JOIN supply_item i ON i.id = l.item_id WHERE d.kind = 'distribution' AND i.name = '口罩'")" = 600
check "scenario: 240 bottles of alcohol" test "$(q "SELECT sum(l.qty) FROM supply_line l JOIN supply_doc d ON d.id = l.doc_id JOIN supply_item i ON i.id = l.item_id WHERE d.kind = 'distribution' AND i.name = '酒精'")" = 240
check "scenario: 180 bottles of disinfectant" test "$(q "SELECT sum(l.qty) FROM supply_line l JOIN supply_doc d ON d.id = l.doc_id JOIN supply_item i ON i.id = l.item_id WHERE d.kind = 'distribution' AND i.name = '84消毒液'")" = 180
run_capture sj supply request list
expect_status 0 "request list"
check "scenario: 9 requests, all complete" test "$(grep -c ' complete ' "$T/out")" = 9

# Pack sizes: positive whole numbers only.
for bad in '箱=0' '箱=-1' '箱=2.5' '箱=x'; do
	run_capture sj supply item add --name 坏包装 --unit bottle --pack "$bad"
	expect_status 2 "pack size $bad refused"
done
check "no item stored for bad packs" test "$(count_rows "supply_item WHERE name = '坏包装'")" = 0

# Case 3: box = 24 bottles; 2 boxes in, 1 box and 5 bottles out: 0箱19瓶.
run_capture sj supply item add --name 消毒水 --name-en water --unit 瓶 --pack 箱/box=24
expect_status 0 "item with a pack"
run_capture sj supply receive --site 工作二组物资库 --source purchase --from 某药店 --date 2024-03-01 --line '消毒水=2箱'
expect_status 0 "receive 2 boxes"
run_capture sj supply distribute --from 工作二组物资库 --unit 高铁社区 --date 2024-03-02 --line '消毒水=1 box' --line '消毒水=5瓶'
expect_status 0 "distribute 1 box and 5 bottles"
run_capture sj supply stock --site 工作二组物资库 --item 消毒水
expect_in "$T/out" "0箱19瓶" "19 bottles remain, shown 0箱19瓶"
run_capture sj supply item add --name 手套 --unit pair --pack 包=2
run_capture sj supply adjust --site 工作二组物资库 --reason 盘点 --count '手套=5包'
expect_status 0 "stocktake of 5 packs of 2"
run_capture sj supply stock --site 工作二组物资库 --item 手套 --json
expect_in "$T/out" '"qty": 10' "the stocktake gives 10"
run_capture sj supply item show 手套
expect_in "$T/out" "包=2双" "the pack keeps size 2"

# Case 1: back-dated distribution refused against the later balance.
sj supply item add --name 防护服 --unit box >/dev/null
sj supply receive --site 泰安市政协机关物资库 --source donation --date 2024-03-01 --line '防护服=100' >/dev/null
sj supply transfer --from 泰安市政协机关物资库 --to 工作二组物资库 --date 2024-03-10 --line '防护服=80' >/dev/null
docs=$(count_rows supply_doc)
run_capture sj supply transfer --from 泰安市政协机关物资库 --to 工作二组物资库 --date 2024-03-05 --line '防护服=50'
expect_status 4 "back-dated transfer of 50 refused (exit 4)"
expect_in "$T/err" "insufficient stock of 防护服 at 泰安市政协机关物资库: the balance on 2024-03-10 would be -30箱" "the message names the date and the shortfall"
check "nothing stored for the refused transfer" test "$(count_rows supply_doc)" = "$docs"
run_capture sj supply stock --site 泰安市政协机关物资库 --item 防护服 --date 2024-03-10 --json
expect_in "$T/out" '"qty": 20' "the balance on 2024-03-10 is 20"

# One bad line among good ones: refused whole, one message per bad line.
run_capture sj supply receive --site 工作二组物资库 --source purchase --line '口罩=100' --line '手电筒=3' --line '酒精=2桶' --line '酒精=0' --line '酒精=2.5箱'
expect_status 2 "a document with bad lines is invalid (exit 2)"
expect_in "$T/err" "line 2: item: no item named '手电筒'" "line 2 named"
expect_in "$T/err" "line 3: quantity: '2桶': 桶 is not a unit of 酒精" "line 3 named"
expect_in "$T/err" "line 4: quantity: must be greater than 0" "line 4 named"
expect_in "$T/err" "line 5: quantity: '2.5箱': fractional" "line 5 named"
check "one message per bad line" test "$(grep -c '^sijin: line' "$T/err")" = 4
check "nothing stored for the bad document" test "$(count_rows supply_doc)" = "$docs"
run_capture sj supply consume --site 不存在的库 --line '口罩=1'
expect_status 3 "unknown site (exit 3)"

# Requests and confirmation.
run_capture sj supply request add --unit 小堰堤社区 --item 消毒水 --qty 1箱 --reason 复工消毒 --needed-by 2030-01-01
expect_status 0 "request raised"
req=$(cat "$T/out")
run_capture sj supply distribute --from 工作二组物资库 --unit 小堰堤社区 --line "消毒水=10@$req"
expect_status 0 "distribution fulfilling the request"
dist=$(cat "$T/out")
run_capture sj supply request list --open
expect_in "$T/out" "partial" "10 of 24 delivered: partial"
run_capture sj supply shortages
expect_in "$T/out" "消毒水" "open shortage listed"
run_capture sj supply confirm "$dist" --by 小堰堤社区联络员 --note 少一瓶
expect_status 0 "receipt confirmed"
run_capture sj supply confirm "$dist" --by 小堰堤社区联络员
expect_status 4 "confirmed once only"
run_capture sj supply doc show "$dist"
expect_in "$T/out" "received .* by 小堰堤社区联络员; discrepancy: 少一瓶" "confirmation shown"
run_capture sj supply request cancel "$req" --reason 已从别处解决
expect_status 0 "request cancelled"

# Exports.
run_capture sj supply export ledger --format csv
expect_status 0 "CSV export on standard output"
check "CSV starts with a byte order mark and the header" sh -c "head -c 9 '$T/out' | od -An -c | grep -q '357 273 277'"
expect_in "$T/out" '"站点","物品","日期","单据号"' "CSV header"
check "CSV: one row per movement" test "$(($(wc -l <"$T/out") - 1))" = "$(count_rows supply_move)"
run_capture sj supply export ledger --format xlsx --out "$T/l.xlsx"
expect_status 0 "XLSX export"
expect_in "$T/err" "rows written to" "XLSX rows reported"
unzip -p "$T/l.xlsx" xl/worksheets/sheet1.xml >"$T/sheet.xml"
expect_in "$T/sheet.xml" '<c r="D2" t="inlineStr"><is><t>1</t></is></c>' "document number as a text cell"
expect_in "$T/sheet.xml" '<c r="C2" s="[0-9]*"><v>43907</v></c>' "2020-03-17 as a date cell"
check "XLSX: one row per movement" test "$(grep -o '<row ' "$T/sheet.xml" | wc -l)" = "$(($(count_rows supply_move) + 1))"
run_capture sj supply export stock --format xlsx
expect_status 2 "XLSX needs --out"

# Every change was audited from the command line.
check "audit events for the documents" test "$(count_rows "audit_event WHERE action = 'supply_document.create' AND username = 'cli'")" -ge 6
check "audit event for the confirmation" test "$(count_rows "audit_event WHERE action = 'supply_document.confirm' AND object_id = $dist")" = 1

# Minimum stock per site: 高铁社区 holds 200 masks after the demo's
# distribution (600 split evenly over three communities); a minimum of 300
# puts exactly that line below minimum, a minimum of 200 does not (200 is not
# below 200), and clearing removes it.
run_capture sj supply site min 高铁社区 口罩 300
expect_status 0 "set a minimum stock level"
run_capture sj supply stock --below-min
check "exactly one line is below its minimum" test "$(grep -c 'below minimum' "$T/out")" = 1
expect_in "$T/out" "高铁社区.*口罩.*200.*below minimum" "高铁社区's masks (200 < 300) are below minimum"
run_capture sj supply site min 高铁社区 口罩 200
run_capture sj supply stock --below-min
check "200 on hand with a minimum of 200 is not below" test "$(grep -c 'below minimum' "$T/out")" = 0
run_capture sj supply site min 高铁社区 口罩 --clear
expect_status 0 "clear the minimum"
