# Helpers for the black-box CLI tests: each test prints "ok - name" or
# "not ok - name" (TAP style); tests/run.sh counts them.
: "${SIJIN_BIN:?tests/run.sh sets SIJIN_BIN}"
T=$(mktemp -d /tmp/sijin-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export SIJIN_DB="$T/t.db"
unset SIJIN_CONFIG SIJIN_KEY_FILE

sj() { "$SIJIN_BIN" "$@"; }

# check NAME COMMAND...: ok when the command succeeds.
check() {
	name=$1; shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# run_capture CMD...: run, leaving stdout in $T/out, stderr in $T/err and
# the exit status in $status.
run_capture() {
	"$@" >"$T/out" 2>"$T/err"; status=$?
}

# expect_status WANT NAME: compare $status.
expect_status() {
	if [ "$status" -eq "$1" ]; then echo "ok - $2"; else
		echo "not ok - $2 (exit $status, want $1; stderr: $(cat "$T/err"))"; fi
}

# expect_out FILE PATTERN NAME: grep -q PATTERN in FILE.
expect_in() {
	if grep -q -- "$2" "$1"; then echo "ok - $3"; else
		echo "not ok - $3 (no '$2' in: $(head -c 400 "$1"))"; fi
}

# count_rows TABLE: rows in a table of the test database.
count_rows() { sqlite3 "$SIJIN_DB" "SELECT count(*) FROM $1"; }
