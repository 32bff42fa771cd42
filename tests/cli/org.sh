#!/bin/sh
# Black-box tests of the foundation commands: init, demo, migrate, config,
# unit, person — against the real binary on a temporary database.
. "$(dirname "$0")/lib.sh"

# --- demo: SCENARIO.md's organisation -----------------------------------
run_capture sj demo
expect_status 0 "demo loads"
expect_in "$T/out" "units *5" "demo summary counts 5 units"
run_capture sj unit list
expect_status 0 "unit list runs"
# The five units of SCENARIO.md with their kinds, in pinyin order
# (feng < gao < li < tai < xiao), the columns aligned by display width: a
# Chinese character takes two columns, so the name column is as wide as
# 泰山石膏有限公司 (8 characters, 16 columns) and 丰泽领秀城项目 (7, 14)
# gets 2 spaces of padding before the space between columns.
cat >"$T/want" <<'WANT'
id kind       name             region
5  project    丰泽领秀城项目   岱岳区
1  community  高铁社区         粥店街道
3  community  李家庄社区       粥店街道
4  enterprise 泰山石膏有限公司 岱岳区
2  community  小堰堤社区       粥店街道
WANT
check "unit list shows the five scenario units, columns aligned by display width" \
	cmp -s "$T/want" "$T/out"
run_capture sj unit list --kind bogus
expect_status 2 "unit list with an unknown kind fails"
check "and prints nothing on standard output" test ! -s "$T/out"
expect_in "$T/err" "^sijin: kind: 'bogus'" "the error names the field"
run_capture sj unit add --name 市直村 --kind village --region 泰安市
expect_status 2 "a unit under a city is refused"
expect_in "$T/err" "^sijin: region_id: '泰安市' is a city" "naming the field and why"
check "group assigned all five units, reported in 2020-03-05 (18326)" \
	test "$(q "SELECT count(*) FROM assignment WHERE reported_on = 18326")" = 5
check "the leader is a 主任" \
	test "$(q "SELECT title FROM group_member WHERE role='leader'")" = "主任"
run_capture sj unit show 高铁社区
expect_in "$T/out" "华新新干线小区" "高铁社区 holds 华新新干线小区"
expect_in "$T/out" "monitoring_point" "with its monitoring point"
check "key file is readable by its owner only" \
	test "$(stat -c %a "$KEY")" = 600
check "identity numbers are not stored in clear" db_lacks 370911197008152345

run_capture sj demo
expect_status 4 "demo refuses to overwrite an existing database"
run_capture sj demo --force --json
expect_status 0 "demo --force replaces it"
expect_in "$T/out" '"units": 5' "demo --json summary"

# --- person find: masked, any accepted form -----------------------------
run_capture sj person find "+86 139-0538-0001"
expect_in "$T/out" "张三" "a mobile in another form finds 张三"
expect_in "$T/out" "139\*\*\*\*0001" "mobile shown masked"
run_capture sj person find 370911197008152345 --json
expect_in "$T/out" '"id_number_masked": "3709\*\*\*\*\*\*\*\*\*\*2345"' "identity number masked"
run_capture sj person find 李
expect_in "$T/out" "李四" "find by part of a name"

# --- bad input: one line naming the field, non-zero, nothing written ----
before=$(count_rows person)
run_capture sj person add --name 王五 --id-number 370911196503121235 --unit 高铁社区
expect_status 2 "wrong check character is refused"
expect_in "$T/err" "^sijin: id_number: check character is 5, expected 4$" "message names field and reason"
check "stderr is one line" test "$(wc -l <"$T/err")" = 1
run_capture sj person add --name "$(printf 'ab\377')" --unit 1
expect_status 2 "invalid UTF-8 name is refused"
expect_in "$T/err" "name: invalid UTF-8 at byte 2" "invalid UTF-8 reports the byte offset"
run_capture sj person add --name 王五 --unit 不存在的社区
expect_status 3 "unknown unit is not found"
expect_in "$T/err" "unit: no unit named" "unknown unit names the field"
run_capture sj person add --name 王五 --id-number 370911199002301234 --unit 1
expect_status 2 "impossible birth date refused"
run_capture sj person add --name 王五 --mobile 12345 --unit 1
expect_status 2 "malformed mobile refused"
check "nothing was written by the refused commands" test "$(count_rows person)" = "$before"

run_capture sj person add --name 王五 --id-number 11010519491231002x --mobile 13800138000 --unit 1 --tag elderly
expect_status 0 "lowercase x identity number accepted"
run_capture sj person find 11010519491231002X
expect_in "$T/out" "王五" "stored normalised to upper-case X"
run_capture sj person add --name 王五二 --id-number 11010519491231002X --unit 1
expect_status 4 "the same identity number twice in a unit is a conflict"
run_capture sj person add --name 王五 --id-number 11010519491231002X --unit 2
expect_status 0 "the same identity number in another unit is another record"
run_capture sj person find 11010519491231002X
# Without the id column (ids depend on the demo): the name column as wide
# as "name" and 王五 (4 columns each).
cat >"$T/want" <<'WANT'
name id number          mobile      tags
王五 1101**********002X 138****8000 elderly
王五 1101**********002X -           -
WANT
sed -E 's/^[^ ]+ +//' "$T/out" >"$T/got"
check "find by identity number lists both records, aligned" cmp -s "$T/want" "$T/got"

# --- unit add -------------------------------------------------------------
run_capture sj unit add --name 望岳社区 --kind village --region 粥店街道
expect_status 0 "unit add"
run_capture sj unit add --name 望岳社区 --kind village --region 粥店街道
expect_status 4 "duplicate unit name in a region"
run_capture sj unit add --name 别的 --kind factory --region 粥店街道
expect_status 2 "unknown kind refused"
expect_in "$T/err" "kind: 'factory': must be one of community, enterprise, project, village" "kind error lists the choices"
run_capture sj unit list --kind village
expect_in "$T/out" "望岳社区" "list filtered by kind"

# --- schema versions --------------------------------------------------------
q "INSERT INTO schema_migrations VALUES (999, '0999_future', 0)"
run_capture sj unit list
expect_status 6 "a database newer than the binary is refused"
expect_in "$T/err" "newer than this sijin" "and says why"
run_capture sj migrate
expect_status 6 "migrate refuses it too"

db_drop
rm -f "$KEY"
echo "first-admin-2020" >"$T/pw"
run_capture sj init --admin-password-file "$T/pw"
expect_status 0 "init creates a database"
run_capture sj migrate
expect_in "$T/out" "applied 0 migrations" "migrate on a current database applies nothing"
run_capture sj init --admin-password-file "$T/pw"
expect_status 4 "init refuses an existing database"

# --- config: one table, four sources ------------------------------------
printf 'port = 9001\nthreads = 3\n' >"$T/sijin.ini"
run_capture env SIJIN_THREADS=5 "$SIJIN_BIN" --config "$T/sijin.ini" config --port 9002
expect_in "$T/out" "^port = 9002  # --port" "a flag beats the file"
expect_in "$T/out" "^threads = 5  # SIJIN_THREADS" "the environment beats the file"
run_capture sj --port 99999 config
expect_status 2 "an out-of-range setting is refused"
run_capture sj nosuchcommand
expect_status 2 "unknown command"
run_capture sj unit --help
expect_status 0 "unit --help"
run_capture sj --trusted-proxies 10.0.0.0/8 config
expect_status 2 "a proxy range instead of an address is refused at start-up"
expect_in "$T/err" "trusted-proxies" "and the setting is named"
