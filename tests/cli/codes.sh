#!/bin/sh
# Black-box tests of `sijin pass` and `sijin placecode` (docs/codes.md):
# exit codes, the signed code, verification verdicts, pictures written
# whole, refusals that name the field and store nothing.
. "$(dirname "$0")/lib.sh"

run_capture sj demo
expect_status 0 "demo loads"
today=$(TZ=Asia/Shanghai date +%F)
soon=$(TZ=Asia/Shanghai date -d '+30 days' +%F)
past=$(TZ=Asia/Shanghai date -d '-1 day' +%F)

# --- pass issue / show / verify / revoke ---------------------------------
run_capture sj pass issue 1 --to "$soon"
expect_status 0 "pass issue prints the new id"
id=$(cat "$T/out")
check "the pass id is a number" test "$id" -ge 1
run_capture sj pass show "$id"
expect_in "$T/out" "holder   张\* (person 1)" "pass show masks the holder"
expect_in "$T/out" "valid    $today to $soon" "pass show gives the local dates"
code=$(sed -n 's/^code     //p' "$T/out")
check "the code has the SJP1 form" sh -c "printf '%s' '$code' | grep -Eq '^SJP1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$'"
run_capture sj pass verify "$code"
expect_status 0 "a fresh pass verifies"
expect_in "$T/out" "^valid$" "verdict valid"
run_capture sj pass verify " $code	"
expect_status 0 "spaces and a tab around a pass are ignored, as by sijin scan --code"
expect_in "$T/out" "^valid$" "verdict valid with spaces around"
run_capture sj pass verify "$code" --place 2
expect_status 2 "wrong place exits 2"
expect_in "$T/out" "^wrong_place$" "verdict wrong_place"
run_capture sj pass verify "SJP1.nonsense"
expect_in "$T/out" "^malformed$" "verdict malformed"
expect_in "$T/err" "sijin: code: " "the error names the field"

run_capture sj pass show "$id" --format png --out "$T/pass.png"
expect_status 0 "pass show writes a PNG"
check "the PNG starts with its signature" sh -c "head -c 4 '$T/pass.png' | od -An -tx1 | grep -q '89 50 4e 47'"
run_capture sj pass show "$id" --format svg --out "$T/pass.svg"
expect_in "$T/pass.svg" "张\*</text>" "the SVG names the holder masked"
check "the SVG never holds the full name" sh -c "! grep -q 张三 '$T/pass.svg'"
run_capture sj pass show "$id" --format gif --out "$T/pass.gif"
expect_status 2 "an unknown format is a usage error"
check "no file is left for a refused picture" test ! -e "$T/pass.gif"

# --- scan --code: a scanned pass names its holder, as over HTTP ------------
# (issue 5: a scan carries the scanned code; docs/codes.md).  The spaces a
# hand scanner or a paste leaves around the code do not matter.
scans=$(count_rows scan)
run_capture sj scan --checkpoint 1 --code "  $code " --direction in
expect_status 0 "scan --code records a scan of the pass's holder"
expect_in "$T/out" " in .* 张\*" "the answer names the holder masked"
sid=$(sed -n 's/.*scan \([0-9][0-9]*\) .*/\1/p' "$T/out" | head -1)
check "the scan is the holder's (person 1) at place 1" \
	test "$(q "SELECT person_id || ',' || place_id FROM scan WHERE id = $sid")" = "1,1"
run_capture sj pass issue 1 --to "$soon" --place 2
other=$(cat "$T/out")
other_code=$(sj pass show "$other" | sed -n 's/^code     //p')
run_capture sj scan --checkpoint 1 --code "$other_code" --direction in
expect_status 2 "a pass for another place is refused"
expect_in "$T/err" "sijin: code: .*another place" "naming the code and why"
run_capture sj scan --checkpoint 1 --code "$code" --person 1 --direction in
expect_status 2 "a code and a person at once is a usage error"
run_capture sj scan --checkpoint 1 --code "SJP1.nonsense" --direction in
expect_status 2 "a malformed code is refused"
expect_in "$T/err" "sijin: code: " "naming the code"
check "only the one good scan was stored" test "$(count_rows scan)" = "$((scans + 1))"

run_capture sj pass revoke "$id" --reason "证件遗失"
expect_status 0 "pass revoke"
run_capture sj pass verify "$code"
expect_status 2 "a revoked pass does not verify"
expect_in "$T/out" "^revoked$" "verdict revoked"
check "the revocation is audited" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'pass.revoke' AND object_id = $id")" = 1
run_capture sj scan --checkpoint 1 --code "$code" --direction out
expect_status 2 "a revoked pass scans no one"
expect_in "$T/err" "sijin: code: pass $id has been revoked" "saying so"
check "nothing stored for it" test "$(count_rows scan)" = "$((scans + 1))"
# A revoked pass is shown without its code and not printed (docs/codes.md).
run_capture sj pass show "$id"
expect_status 0 "a revoked pass is still shown"
expect_in "$T/out" "^status   revoked$" "as revoked"
expect_in "$T/out" "^code     none: pass $id has been revoked" "without its code"
check "the code is nowhere in it" sh -c "! grep -qF '$code' '$T/out'"
run_capture sj pass show "$id" --json
check "--json gives code null" sh -c "grep -q '\"code\": null' '$T/out'"
rm -f "$T/revoked.png"
run_capture sj pass show "$id" --format png --out "$T/revoked.png"
expect_status 3 "a revoked pass is not printed (not found, exit 3)"
expect_in "$T/err" "sijin: pass: pass $id has been revoked: its code is not given out again" "saying why"
check "no picture written" test ! -e "$T/revoked.png"

# --- refusals store nothing ----------------------------------------------
n=$(count_rows pass)
run_capture sj pass issue 1 --to "$past"
expect_status 2 "an expired range is refused"
expect_in "$T/err" "sijin: valid_to: " "naming valid_to"
run_capture sj pass issue 1 --to 2020-02-30
expect_status 2 "a date that does not exist is refused"
run_capture sj pass issue 999 --to "$soon"
expect_status 3 "an unknown person is not found"
run_capture sj pass issue 1
expect_status 2 "--to is required"
run_capture sj pass revoke 999
expect_status 3 "revoking an unknown pass is not found"
check "no refused pass was stored" test "$(count_rows pass)" = "$n"

# --- placecode -------------------------------------------------------------
run_capture sj placecode show 1
expect_status 3 "a checkpoint has no place code at first"
run_capture sj placecode print 1 --format svg --out "$T/poster.svg"
expect_status 0 "placecode print makes the code and the poster"
expect_in "$T/poster.svg" ">华新新干线小区</text>" "the poster names the place"
expect_in "$T/poster.svg" "http://127.0.0.1:8080/c/" "with the default public URL"
token=$(q "SELECT token FROM place_code WHERE checkpoint_id = 1")
run_capture sj --port 8081 placecode show 1
expect_in "$T/out" "http://127.0.0.1:8081/c/$token" "public-url not set follows --port"
run_capture sj --public-url https://sijin.example.cn placecode show 1
expect_in "$T/out" "https://sijin.example.cn/c/$token" "public-url sets the printed address"
run_capture sj placecode print 1 --format png --out "$T/poster.png"
expect_status 0 "the PNG poster"
check "printing again keeps the token" test "$(q "SELECT token FROM place_code WHERE checkpoint_id = 1")" = "$token"
run_capture sj placecode rotate 1
expect_status 0 "placecode rotate"
check "rotating changes the token" test "$(q "SELECT token FROM place_code WHERE checkpoint_id = 1")" != "$token"
check "create and rotate are audited, without the token" test "$(q "SELECT count(*) FROM audit_event
	WHERE action IN ('place_code.create', 'place_code.rotate') AND object_id = 1")" = 2
run_capture sj placecode print 99 --format png --out "$T/none.png"
expect_status 3 "an unknown checkpoint is not found"
run_capture sj placecode print 1 --out "$T/x.png"
expect_status 2 "print needs --format"
run_capture sj --public-url ftp://x placecode show 1
expect_status 2 "a public-url that is not http(s) is refused"
expect_in "$T/err" "public-url" "naming the setting"
