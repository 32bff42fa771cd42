#!/bin/sh
# sijin backup / restore (docs/backup.md): an online backup of a database a
# live server keeps writing to, verified, restored into a new path.  Every
# write acknowledged before the backup started must be in the copy, and the
# server must keep answering while the backup runs.
. "$(dirname "$0")/lib.sh"

if [ "$DB_KIND" = pg ]; then
	# PostgreSQL has its own tools; sijin says so instead of copying.
	sj init --admin-password-file /dev/stdin <<-PW >/dev/null 2>&1
	backup-test-password
	PW
	run_capture sj backup "$T/b.db"
	expect_status 2 "backup on PostgreSQL is refused (exit 2)"
	expect_in "$T/err" "pg_dump" "backup on PostgreSQL names pg_dump"
	check "backup on PostgreSQL writes no file" test ! -e "$T/b.db"
	exit 0
fi

sj demo >/dev/null 2>&1 || { echo "not ok - demo database"; exit 1; }
TOKEN=$(sj user token admin --name backup-load 2>/dev/null | head -1)
REGION=$(q "SELECT region_id FROM unit ORDER BY id LIMIT 1")
PORT=$((20000 + $$ % 12000))  # below the kernel's ports for outgoing connections (32768-60999), which a client socket may hold
# The binary itself, not the sj function: $! must be the server, not a subshell.
"$SIJIN_BIN" --port "$PORT" serve >"$T/serve.log" 2>&1 &
SERVER=$!
LOADER=""; PROBER=""
# Whatever happens, stop what this test started (lib.sh's trap removed $T).
trap 'touch "$T/stop"; kill $SERVER $LOADER $PROBER 2>/dev/null; wait; rm -rf "$T"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.25
done
check "the server answers" curl -sf "http://127.0.0.1:$PORT/healthz" -o /dev/null

# The load: units created one after another; a name is written to ack only
# once the server answered 201, so ack holds exactly the acknowledged writes.
load() {
	i=0
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		    -H 'Content-Type: application/json' \
		    -d "{\"name\":\"负载单位$i\",\"kind\":\"community\",\"region_id\":$REGION}" \
		    "http://127.0.0.1:$PORT/api/v1/units")
		if [ "$code" = 201 ]; then echo "负载单位$i" >>"$T/ack"; else echo "$i $code" >>"$T/refused"; fi
	done
}
: >"$T/ack"
load &
LOADER=$!
# Probe the server while the backups run: every answer must be 200.
probe() {
	while [ ! -e "$T/stop" ]; do
		curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$PORT/api/v1/units" \
		    -H "Authorization: Bearer $TOKEN" >>"$T/probes"
	done
}
: >"$T/probes"
probe &
PROBER=$!
tries=0
while [ "$(wc -l <"$T/ack")" -lt 20 ] && [ "$tries" -lt 200 ]; do sleep 0.1; tries=$((tries + 1)); done
check "the load got 20 writes acknowledged" test "$(wc -l <"$T/ack")" -ge 20

cp "$T/ack" "$T/ack.before"
run_capture sj backup "$T/b.db"
expect_status 0 "backup while the server takes writes"
expect_in "$T/out" "integrity ok" "backup reports the verified copy"
sed 's/^/# /' "$T/out"
# More backups under load, to give the load time to meet one.
for n in 2 3 4 5; do sj backup "$T/b$n.db" >/dev/null 2>&1 || echo "# backup $n failed"; done
after=$(wc -l <"$T/ack")
touch "$T/stop"
wait "$LOADER" "$PROBER"
check "writes kept being acknowledged during the backups" test "$after" -gt "$(wc -l <"$T/ack.before")"
check "no write was refused" test ! -s "$T/refused"
check "every probe during the backups answered 200" test -z "$(grep -v '^200$' "$T/probes")"
check "the server is still up" kill -0 "$SERVER"
kill "$SERVER"; wait "$SERVER"; stopped=$?
SERVER=""
check "the server stopped cleanly on SIGTERM (exit $stopped)" test "$stopped" -eq 0
echo "# $(wc -l <"$T/ack") writes acknowledged, $(wc -l <"$T/probes") probes"

run_capture sj backup "$T/b.db"
expect_status 4 "backup never overwrites a file"
check "the copy has no temporary file beside it" test ! -e "$T/b.db.tmp"
check "the copy passes integrity_check" test "$(sqlite3 "$T/b.db" 'PRAGMA integrity_check')" = ok

run_capture sj --db "$T/r.db" --key-file "$KEY" restore "$T/b.db"
expect_status 0 "restore into a new path"
check "the restored database passes integrity_check" \
    test "$(sqlite3 "$T/r.db" 'PRAGMA integrity_check')" = ok
missing=0
while read -r name; do
	[ "$(sqlite3 "$T/r.db" "SELECT count(*) FROM unit WHERE name = '$name'")" = 1 ] ||
	    missing=$((missing + 1))
done <"$T/ack.before"
check "every write acknowledged before the backup is in the copy ($(wc -l <"$T/ack.before"))" \
    test "$missing" -eq 0
check "the key file was left alone" test ! -e "$T/r.db.key"
run_capture sj --db "$T/r.db" --key-file "$KEY" person find 张
expect_status 0 "the restored database opens with the original key"
expect_in "$T/out" "张三" "identity data of the copy reads back"

run_capture sj --db "$T/r.db" --key-file "$KEY" restore "$T/b.db"
expect_status 4 "restore refuses an existing database without --force"
run_capture sj --db "$T/r.db" --key-file "$KEY" restore "$T/b2.db" --force
expect_status 0 "restore --force replaces it"

sj --db "$T/other.db" init --admin-password-file /dev/stdin >/dev/null 2>&1 <<-PW
other-password-123
PW
run_capture sj --db "$T/r2.db" --key-file "$T/other.db.key" restore "$T/b.db"
expect_status 4 "restore refuses a key file that cannot open the backup"
check "a refused restore writes nothing" test ! -e "$T/r2.db"

printf 'not a database at all' >"$T/junk.db"
run_capture sj --db "$T/r3.db" --key-file "$KEY" restore "$T/junk.db"
check "restore refuses a file that is not a database (exit $status)" test "$status" -ne 0
check "nothing restored from it" test ! -e "$T/r3.db"
sqlite3 "$T/r.db" "UPDATE schema_migrations SET version = 999 WHERE version = (SELECT max(version) FROM schema_migrations)" 2>/dev/null
run_capture sj --db "$T/r4.db" --key-file "$KEY" restore "$T/r.db"
expect_status 6 "restore refuses a schema newer than the binary"
