#!/bin/sh
# Run every test of sijin and end with the line "N passed, N failed".
#   tests/run.sh [BUILD_DIR]
# Unit tests are cmocka programs in BUILD_DIR/tests/; CLI tests are the
# tests/cli/*.sh scripts, which print "ok - name" / "not ok - name" lines.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0; failed=0; failures=""
export SIJIN_BIN="$top/$build/sijin"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for t in "$top/$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	# cmocka prints its summary on stderr; keep both streams for the log.
	"$t" >"$tmp/out" 2>&1; status=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$tmp/out" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$tmp/out" | tail -1)
	p=${p:-0}; f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		cat "$tmp/out"; failures="$failures $name"
	fi
	echo "$name: $p passed, $f failed"
done

for s in "$top"/tests/cli/*.sh; do
	[ "$(basename "$s")" = lib.sh ] && continue
	[ -f "$s" ] || continue
	name=$(basename "$s" .sh)
	sh "$s" >"$tmp/out" 2>&1; status=$?
	p=$(grep -c '^ok ' "$tmp/out"); f=$(grep -c '^not ok ' "$tmp/out")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		grep -v '^ok ' "$tmp/out"; failures="$failures $name"
	fi
	echo "$name: $p passed, $f failed"
done

# Black-box API tests: node's built-in test runner (tests/api/*.test.mjs).
if ls "$top"/tests/api/*.test.mjs >/dev/null 2>&1; then
	(cd "$top" && node --test --test-reporter=tap tests/api/) >"$tmp/out" 2>&1; status=$?
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/out" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/out" | tail -1)
	p=${p:-0}; f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		grep -B2 -A30 '^not ok' "$tmp/out" | head -200; failures="$failures api"
	fi
	echo "api: $p passed, $f failed"
fi

[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
