#!/bin/sh
# A live server on a store that stops taking writes (issue 10;
# docs/reliability.md): writes fail with a 503 "store-unavailable" problem
# document, reads keep working, nothing half-written or corrupted, and
# writes succeed again once the fault is gone — without a restart.
#
# The fault, with no root (a loop or tmpfs mount needs it):
#   SQLite      the server's file-size limit (RLIMIT_FSIZE, set on the
#               running process with prlimit) drops to 1 byte: every write
#               of the database or its WAL fails with EFBIG, as a full
#               file system fails it with ENOSPC (SQLite reports an I/O
#               error; the server ignores SIGXFSZ); then the limit goes
#               back up ("space returns").
#   PostgreSQL  ALTER DATABASE ... SET default_transaction_read_only = on
#               and the server's sessions ended, so that they reconnect
#               read-only (SQLSTATE 25006); then RESET and end them again.
# tests/unit/test_store_fault.c covers SQLITE_FULL (max_page_count),
# SQLITE_READONLY (query_only) and SQLSTATE 53100 disk_full per connection.
. "$(dirname "$0")/lib.sh"

sj demo >/dev/null 2>&1 || { echo "not ok - demo database"; exit 1; }
TOKEN=$(sj user token admin --name faults 2>/dev/null | head -1)
REGION=$(q "SELECT region_id FROM unit ORDER BY id LIMIT 1")
CP=$(q "SELECT id FROM checkpoint ORDER BY id LIMIT 1")
PORT=$((20000 + ($$ + 11) % 20000))
"$SIJIN_BIN" --port "$PORT" serve >"$T/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait; rm -rf "$T"' EXIT
for _ in $(seq 1 40); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.25
done
URL="http://127.0.0.1:$PORT/api/v1"

# post_unit NAME: POST a unit; the status in $T/code, the body in $T/body.
post_unit() {
	curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' \
	    -d "{\"name\":\"$1\",\"kind\":\"community\",\"region_id\":$REGION}" "$URL/units" >"$T/code"
}
post_scan() {
	curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' \
	    -d "{\"id_number\":\"370911197008152345\",\"direction\":\"in\",\"idempotency_key\":\"$1\"}" \
	    "$URL/checkpoints/$CP/scans" >"$T/code"
}
get_units() {
	curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/units"
}

post_unit 故障前
check "a write before the fault succeeds (201)" test "$(cat "$T/code")" = 201

if [ "$DB_KIND" = pg ]; then
	# Whatever happens, the shared test database must not stay read-only.
	trap 'kill $SERVER 2>/dev/null; wait; q "BEGIN READ WRITE; ALTER DATABASE
	    $(q "SELECT current_database()") RESET default_transaction_read_only; COMMIT" \
	    >/dev/null 2>&1; rm -rf "$T"' EXIT
	end_sessions() {
		q "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		   WHERE datname = current_database() AND pid <> pg_backend_pid()) t" >/dev/null
	}
	q "ALTER DATABASE $(q "SELECT current_database()") SET default_transaction_read_only = on"
	end_sessions
	get_units >/dev/null  # the first request after the cut reconnects
	fault_off() {
		q "BEGIN READ WRITE; ALTER DATABASE $(q "SELECT current_database()")
		   RESET default_transaction_read_only; COMMIT"
		end_sessions
		get_units >/dev/null
	}
else
	prlimit --pid "$SERVER" --fsize=1:unlimited
	fault_off() { prlimit --pid "$SERVER" --fsize=unlimited:unlimited; }
fi

codes=""
for i in 1 2 3; do
	post_unit "故障中$i"; codes="$codes$(cat "$T/code") "
done
check "writes under the fault fail with 503 (got: $codes)" test "$codes" = "503 503 503 "
expect_in "$T/body" '"type":"urn:sijin:problem:store-unavailable"' \
    "the 503 is a store-unavailable problem document"
check "the problem is application/problem+json" \
    grep -qi '^content-type: application/problem+json' "$T/head"
post_scan fault-scan-1
check "a scan under the fault fails with 503" test "$(cat "$T/code")" = 503
check "reads keep working under the fault (200)" test "$(get_units)" = 200

fault_off
post_unit 故障后
check "writes work again once the fault is gone (201), no restart" test "$(cat "$T/code")" = 201
post_scan fault-scan-2
check "scans work again (200)" test "$(cat "$T/code")" = 200
check "the server kept running" kill -0 "$SERVER"
kill $SERVER; wait $SERVER
check "the server stops cleanly" test $? = 0
check "both acknowledged units are stored, none of the refused ones" \
    test "$(q_join "SELECT name FROM unit WHERE name LIKE '故障%' ORDER BY name")" = "故障前 故障后"
if [ "$DB_KIND" = sqlite ]; then
	check "integrity_check ok" test "$(q "PRAGMA integrity_check")" = ok
fi
