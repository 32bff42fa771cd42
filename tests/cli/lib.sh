# Helpers for the black-box CLI tests: each test prints "ok - name" or
# "not ok - name" (TAP style); tests/run.sh counts them.
#
# The test database is SQLite ($T/t.db) or, with SIJIN_TEST_DB=pg, a fresh
# schema in the PostgreSQL database of SIJIN_TEST_PG (tests/run.sh runs
# each script once per database).  Tests reach it only through these
# helpers: $SIJIN_DB, $KEY (its key file), q / q_db (SQL both databases
# understand), db_exists, db_drop, db_contains, new_db.
: "${SIJIN_BIN:?tests/run.sh sets SIJIN_BIN}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/sijin-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SIJIN_CONFIG SIJIN_KEY_FILE
DB_KIND=${SIJIN_TEST_DB:-sqlite}

# new_db NAME: the URL (or path) of a new, empty database.
new_db() {
	if [ "$DB_KIND" = pg ]; then
		sh "$TOP/scripts/pg.sh" schema "${SIJIN_TEST_PG:?SIJIN_TEST_DB=pg needs SIJIN_TEST_PG}" \
		    "$1_$$" || { echo "not ok - a PostgreSQL schema for the test"; exit 1; }
	else
		echo "$T/$1.db"
	fi
}

if [ "$DB_KIND" = pg ]; then
	SIJIN_DB=$(new_db t) || exit 1
	# A URL has no folder beside it for <db>.key.
	export SIJIN_KEY_FILE="$T/t.key"
	KEY=$SIJIN_KEY_FILE
else
	SIJIN_DB="$T/t.db"
	KEY="$SIJIN_DB.key"
fi
export SIJIN_DB

# The server's own psql (Debian's /usr/bin/psql is a slower wrapper).
PSQL=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
PSQL=${PSQL:-psql}

# q_db DB SQL: run SQL on database DB; rows one a line, columns split by
# "|" (both sqlite3's and psql's unaligned output); non-zero on an error.
q_db() {
	case $1 in
	postgres*) "$PSQL" -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
	*) sqlite3 -cmd '.timeout 5000' "$1" "$2" ;;
	esac
}

# q SQL: run SQL on the test database.
q() { q_db "$SIJIN_DB" "$1"; }

# q_join SQL: the rows of SQL joined by single spaces (group_concat).
q_join() { q "$1" | tr '\n' ' ' | sed 's/ $//'; }

# db_exists: whether the test database holds anything.
db_exists() {
	case $SIJIN_DB in
	postgres*) test "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")" -gt 0 ;;
	*) test -e "$SIJIN_DB" ;;
	esac
}

# db_drop: remove the test database (the schema stays, empty).
db_drop() {
	case $SIJIN_DB in
	postgres*)
		schema=$(printf '%s' "$SIJIN_DB" | sed 's/.*search_path%3D//')
		q "DROP SCHEMA $schema CASCADE; CREATE SCHEMA $schema" ;;
	*) rm -f "$SIJIN_DB" "$SIJIN_DB-wal" "$SIJIN_DB-shm" ;;
	esac
}

# db_contains TEXT: whether TEXT is stored anywhere in the test database
# (SQLite: the bytes of the file and its WAL; PostgreSQL: every row of
# every table as text, bytea as base64).
db_contains() {
	case $SIJIN_DB in
	postgres*)
		lit=$(printf '%s' "$1" | sed "s/'/''/g")
		test "$(q "SELECT count(*) FROM information_schema.tables t
		    WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		    AND position('$lit' in CAST(query_to_xml(format('SELECT * FROM %I.%I',
		    t.table_schema, t.table_name), true, false, '') AS text)) > 0")" -gt 0 ;;
	*) cat "$SIJIN_DB" "$SIJIN_DB-wal" 2>/dev/null | grep -qF -- "$1" ;;
	esac
}
db_lacks() { ! db_contains "$1"; }

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
count_rows() { q "SELECT count(*) FROM $1"; }

# ledger_people UNIT D...: the people of the import tests' paper ledgers,
# 账1..账3 with mobiles 13900000001..13900000003, added in unit UNIT on
# each database D through the test's own `on D ARGS...` (sijin on D with
# D's key file).
ledger_people() {
	_lp_unit=$1; shift
	for _lp_i in 1 2 3; do
		for _lp_d in "$@"; do
			on "$_lp_d" person add --name "账$_lp_i" --mobile "1390000000$_lp_i" \
			    --unit "$_lp_unit" >/dev/null 2>&1 || echo "not ok - person $_lp_i on $_lp_d"
		done
	done
}
