#!/bin/sh
# Run every test of sijin and end with the line "N passed, N failed".
#   tests/run.sh [BUILD_DIR]
# Unit tests are cmocka programs in BUILD_DIR/tests/; CLI tests are the
# tests/cli/*.sh scripts, which print "ok - name" / "not ok - name" lines;
# API tests are tests/api/*.test.mjs under node's test runner; browser
# tests are tests/browser/*.test.mjs, the same runner driving chromium.
#
# Every test that touches the store runs twice, on SQLite and on
# PostgreSQL (issue 4): a unit test that includes tests/unit/testdb.h, and
# every CLI and API test, with SIJIN_TEST_DB=sqlite and then =pg.  The
# PostgreSQL server is a throw-away one started here (scripts/pg.sh) and
# removed at the end; its URL is in SIJIN_TEST_PG.  When it cannot be
# started the run fails, saying so: it never skips the PostgreSQL half.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0; failed=0; failures=""
export SIJIN_BIN="$top/$build/sijin"
tmp=$(mktemp -d)
pg_url=""
cleanup() {
	[ -n "$pg_url" ] && sh "$top/scripts/pg.sh" stop "$pg_url"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# count NAME P F STATUS: add a program's results; a non-zero exit with no
# failure counted is one failure (a crash).
count() {
	p=${2:-0}; f=${3:-0}
	if [ "$4" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)); failed=$((failed + f))
	[ "$f" -ne 0 ] && failures="$failures $1"
	echo "$1: $p passed, $f failed"
}

if pg_url=$(sh "$top/scripts/pg.sh" start 2>"$tmp/pg.err") && [ -n "$pg_url" ]; then
	export SIJIN_TEST_PG="$pg_url"
	databases="sqlite pg"
else
	pg_url=""
	cat "$tmp/pg.err"
	echo "PostgreSQL could not be started, so the store tests cannot run on it (issue 4)."
	echo "Install it with \`sh scripts/deps.sh\` (Debian packages postgresql, postgresql-client)."
	count postgres 0 1 1
	databases="sqlite"
fi

label() { [ "$1" = pg ] && echo " (postgres)" || echo ""; }

for t in "$top/$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	dbs=sqlite
	grep -q 'testdb\.h' "$top/tests/unit/$name.c" 2>/dev/null && dbs=$databases
	for db in $dbs; do
		# cmocka prints its summary on stderr; keep both streams for the log.
		SIJIN_TEST_DB=$db "$t" >"$tmp/out" 2>&1; status=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$tmp/out" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$tmp/out" | tail -1)
		before=$failed
		count "$name$(label "$db")" "$p" "$f" "$status"
		[ "$failed" -ne "$before" ] && cat "$tmp/out"
	done
done

for s in "$top"/tests/cli/*.sh; do
	[ "$(basename "$s")" = lib.sh ] && continue
	[ -f "$s" ] || continue
	name=$(basename "$s" .sh)
	for db in $databases; do
		SIJIN_TEST_DB=$db sh "$s" >"$tmp/out" 2>&1; status=$?
		before=$failed
		count "$name$(label "$db")" "$(grep -c '^ok ' "$tmp/out")" \
		    "$(grep -c '^not ok ' "$tmp/out")" "$status"
		[ "$failed" -ne "$before" ] && grep -v '^ok ' "$tmp/out"
	done
done

# Under AddressSanitizer + UndefinedBehaviorSanitizer with the leak checker
# (issue 10): when SIJIN_ASAN_BUILD names a sanitizer build (scripts/test.sh
# makes build-asan), the suite runs again on it, one line each: every unit
# test ("asan test_x"), every CLI test ("asan x") and the API tests ("asan
# api") on SQLite, and the CLI tests that only work on PostgreSQL on it;
# the few left out are named in asan_skip with the reason
# (docs/reliability.md).  Every sanitizer report of any process —
# each sijin command, and the servers the CLI scripts and node start, which
# inherit the environment — goes to a file (ASAN_OPTIONS log_path), not
# only to a stderr a test may swallow; a test that leaves one fails,
# whatever its own checks said.
if [ -n "${SIJIN_ASAN_BUILD:-}" ]; then
	asan_bin="$top/$SIJIN_ASAN_BUILD/sijin"
	asan_run() {  # NAME COMMAND...: run, count, fail on a sanitizer report
		name=$1; shift
		rm -rf "$tmp/asan"; mkdir -p "$tmp/asan"
		ASAN_OPTIONS="detect_leaks=1:log_path=$tmp/asan/report" \
		UBSAN_OPTIONS="print_stacktrace=1:log_path=$tmp/asan/report" \
		SIJIN_TEST_DB=$asan_db "$@" >"$tmp/out" 2>&1; status=$?
		case $name in
		asan\ test_*)
			p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$tmp/out" | tail -1)
			f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$tmp/out" | tail -1) ;;
		asan\ api*)
			p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/out" | tail -1)
			f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/out" | tail -1) ;;
		*)	p=$(grep -c '^ok ' "$tmp/out"); f=$(grep -c '^not ok ' "$tmp/out") ;;
		esac
		reports=$(ls "$tmp/asan" | wc -l)
		[ "$reports" -gt 0 ] && f=$(( ${f:-0} + 1 )) && status=1
		before=$failed
		count "$name" "$p" "$f" "$status"
		if [ "$failed" -ne "$before" ]; then
			case $name in
			asan\ api*) grep -B2 -A30 '^not ok' "$tmp/out" | head -200 ;;
			*) grep -v '^ok ' "$tmp/out" | tail -40 ;;
			esac
			cat "$tmp"/asan/* 2>/dev/null | head -80
		fi
	}
	# asan_skip NAME: why a CLI test is not repeated under the sanitizers
	# (empty: it is).
	asan_skip() {
		case $1 in
		lib) echo "not a test" ;;
		fuzz) echo "the fuzz drivers are built with the sanitizers already" ;;
		esac
	}
	# SIJIN_ASAN_PG=1: the store unit tests, the CLI and the API tests on
	# PostgreSQL as well (not in CI for time: docs/reliability.md).
	asan_dbs=sqlite
	[ "${SIJIN_ASAN_PG:-0}" = 1 ] && asan_dbs=$databases
	for t in "$top/$SIJIN_ASAN_BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		un=$(basename "$t")
		dbs=sqlite
		grep -q 'testdb\.h' "$top/tests/unit/$un.c" 2>/dev/null && dbs=$asan_dbs
		for asan_db in $dbs; do
			asan_run "asan $un$(label "$asan_db")" "$t"
		done
	done
	for asan_db in $asan_dbs; do
		for s in "$top"/tests/cli/*.sh; do
			n=$(basename "$s" .sh)
			[ -n "$(asan_skip "$n")" ] && continue
			asan_run "asan $n$(label "$asan_db")" env SIJIN_BIN="$asan_bin" sh "$s"
		done
		ls "$top"/tests/api/*.test.mjs >/dev/null 2>&1 || continue
		asan_run "asan api$(label "$asan_db")" env SIJIN_BIN="$asan_bin" sh -c \
		    'cd "$1" && node --test --test-reporter=tap tests/api/' sh "$top"
	done
	# The CLI tests whose work is on PostgreSQL only (their SQLite run only
	# skips or checks little) run on it as well.
	if [ "${SIJIN_ASAN_PG:-0}" != 1 ] && [ -n "$pg_url" ]; then
		asan_db=pg
		for n in import_stores pgfault; do
			[ -f "$top/tests/cli/$n.sh" ] && asan_run "asan $n (postgres)" \
			    env SIJIN_BIN="$asan_bin" sh "$top/tests/cli/$n.sh"
		done
	fi
fi

# Static analysis (issue 10): gcc -fanalyzer over src/, every finding fixed
# or justified in scripts/analyze-justified.txt (make analyze); one line.
(cd "$top" && make -s analyze BUILD="$build") >"$tmp/out" 2>&1; status=$?
before=$failed
if [ "$status" -eq 0 ]; then count analyze 1 0 0; else count analyze 0 1 "$status"; fi
[ "$failed" -ne "$before" ] && tail -40 "$tmp/out"

# Black-box API tests: node's built-in test runner (tests/api/*.test.mjs).
if ls "$top"/tests/api/*.test.mjs >/dev/null 2>&1; then
	for db in $databases; do
		(cd "$top" && SIJIN_TEST_DB=$db node --test --test-reporter=tap tests/api/) \
		    >"$tmp/out" 2>&1; status=$?
		p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/out" | tail -1)
		f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/out" | tail -1)
		before=$failed
		count "api$(label "$db")" "$p" "$f" "$status"
		[ "$failed" -ne "$before" ] && grep -B2 -A30 '^not ok' "$tmp/out" | head -200
	done
fi

# Browser tests (issue 9): Debian's chromium driven by playwright-core
# under node's test runner (tests/browser/*.test.mjs), on SQLite only —
# the pages read the same API the API tests run on both databases.
# Screenshots go to build/artifacts/.
if ls "$top"/tests/browser/*.test.mjs >/dev/null 2>&1; then
	(cd "$top" && SIJIN_TEST_DB=sqlite node --test --test-concurrency=1 --test-reporter=tap \
	    tests/browser/) >"$tmp/out" 2>&1; status=$?
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/out" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/out" | tail -1)
	before=$failed
	count browser "$p" "$f" "$status"
	[ "$failed" -ne "$before" ] && grep -B2 -A30 '^not ok' "$tmp/out" | head -200
fi

[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
