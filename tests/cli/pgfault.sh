#!/bin/sh
# PostgreSQL faults (issue 4 "Bad input and faults"):
#   - PostgreSQL down at start: `sijin serve` exits non-zero with a clear
#     error naming the URL, its password hidden (runs in both halves of
#     tests/run.sh: it needs no server);
#   - PostgreSQL restarted while serving (the PostgreSQL half only, on a
#     server of its own from scripts/pg.sh so that no other test sees the
#     restart): while it is down, requests fail with 503 problem documents
#     (never a hang, a crash or another status); the server reconnects by
#     itself once it is back; and no acknowledged write is lost: the load
#     generator (crash_load.mjs "through") records every 2xx-acknowledged
#     scan and document, sends scans refused with 503 again with the same
#     idempotency key, and afterwards each acknowledged write is in the
#     database exactly once.
. "$(dirname "$0")/lib.sh"

PORT=$((20000 + $$ % 12000))  # below the kernel's ports for outgoing connections (32768-60999), which a client socket may hold
SERVER=""; LOADER=""; OWN_PG=""
trap '[ -n "${KEEPLOG:-}" ] && cp "$T/serve.log" /tmp/perfwork/pgfault-serve.log; kill $SERVER $LOADER 2>/dev/null; wait; [ -n "$OWN_PG" ] && sh "$TOP/scripts/pg.sh" stop "$OWN_PG"; rm -rf "$T"' EXIT

# ---- PostgreSQL down at start ---------------------------------------------
echo "not a real key file" >"$T/any.key"
for url in "postgresql://sijin:s3cret-pw@/sijin?host=$T/no-server" \
    "postgresql:///sijin?host=$T/no-server&password=s3cret-pw" \
    "postgresql://sijin:s3cret-pw@127.0.0.1:1/sijin"; do
	SIJIN_KEY_FILE="$T/any.key" timeout 30 "$SIJIN_BIN" --db "$url" --port "$PORT" serve \
	    >"$T/out" 2>"$T/err"; status=$?
	shown=$(printf '%s' "$url" | sed 's/s3cret-pw/***/')
	check "down at start: non-zero exit, not a hang ($status)" test "$status" -ne 0 -a "$status" -ne 124
	check "down at start: the error names the URL ($shown)" grep -qF "cannot connect to $shown" "$T/err"
	check "down at start: the password is not shown" test "$(grep -c 's3cret-pw' "$T/err")" -eq 0
done

[ "$DB_KIND" = pg ] || exit 0

# ---- PostgreSQL restarted while serving -----------------------------------
OWN_PG=$(sh "$TOP/scripts/pg.sh" start) || { echo "not ok - a PostgreSQL server of the test's own"; exit 1; }
export SIJIN_DB="$OWN_PG"
sj demo >/dev/null 2>&1 || { echo "not ok - demo database"; exit 1; }
TOKEN=$(sj user token admin --name pgfault-load 2>/dev/null | tail -1)
CP=$(q "SELECT min(id) FROM checkpoint")
SITE=$(q "SELECT id FROM supply_site WHERE kind = 'group' ORDER BY id LIMIT 1")
PERSONS=$(q "SELECT id FROM person ORDER BY id LIMIT 40" | tr '\n' ',' | sed 's/,$//')
FIRST=$(( $(date +%s) - 86400 ))
mkdir -p "$T/state"
echo "$TOKEN $CP $SITE $PERSONS $FIRST" >"$T/state/config"
"$SIJIN_BIN" --port "$PORT" serve >"$T/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
node "$TOP/tests/cli/crash_load.mjs" "$T/state" "http://127.0.0.1:$PORT" through 2>"$T/load.err" &
LOADER=$!
# acked_n: writes acknowledged so far; wait_acked N: until more than N (≤ 30 s).
acked_n() { cat "$T/state/acked" 2>/dev/null | grep -c .; }
wait_acked() {
	for _ in $(seq 300); do [ "$(acked_n)" -gt "$1" ] && return 0; sleep 0.1; done
	return 1
}
wait_acked 10
before=$(acked_n)
sh "$TOP/scripts/pg.sh" down "$OWN_PG"
sleep 1.5
# While it is down: a read is a 503 problem document too.
code=$(curl -s -o "$T/down.json" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/v1/units")
check "while PostgreSQL is down a read is 503 application/problem+json ($code)" \
    test "$code" = "503 application/problem+json"
expect_in "$T/down.json" '"status":503' "the 503 is a problem document"
during=$(acked_n)
sh "$TOP/scripts/pg.sh" up "$OWN_PG"
# Back: the server reconnects by itself; give the load a moment to go on.
ok=no
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    "http://127.0.0.1:$PORT/api/v1/units")
	[ "$code" = 200 ] && { ok=yes; break; }
	sleep 0.1
done
check "the server reconnects by itself once PostgreSQL is back" test "$ok" = yes
wait_acked $((during + 10))
touch "$T/state/stop"
wait "$LOADER"; load=$?; LOADER=""
check "the load saw only 2xx and 503 problem documents${load:+ }$(head -c 300 "$T/load.err")" test "$load" -eq 0
after=$(cat "$T/state/acked" | grep -c .)
unavailable=$(cat "$T/state/unavailable")
check "writes were acknowledged before ($before), refused with 503 while down ($unavailable), acknowledged after ($after)" \
    test "$before" -gt 0 -a "$unavailable" -gt 0 -a "$after" -gt "$during"
# Scans refused last are sent again now the database is back.
timeout 20 node "$TOP/tests/cli/crash_load.mjs" "$T/state" "http://127.0.0.1:$PORT" retry 2>"$T/retry.err"
check "scans refused with 503 are accepted when sent again" \
    test "$(cat "$T/state/pending" | grep -c .)" -eq 0 -a ! -s "$T/retry.err"
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
scans=$(awk '$1 == "scan" {print $2}' "$T/state/acked" | sort -u | tr '\n' ',' | sed 's/,$//')
docs=$(awk '$1 == "doc" {print $2}' "$T/state/acked" | sort -u | tr '\n' ',' | sed 's/,$//')
n_scans=$(awk '$1 == "scan"' "$T/state/acked" | sort -u | grep -c .)
n_docs=$(awk '$1 == "doc"' "$T/state/acked" | sort -u | grep -c .)
check "every acknowledged scan is stored ($n_scans)" \
    test "$(q "SELECT count(*) FROM scan WHERE id IN ($scans)")" = "$n_scans"
check "every acknowledged document is stored ($n_docs)" \
    test "$(q "SELECT count(*) FROM supply_doc WHERE id IN (${docs:-0})")" = "$n_docs"
check "no scan is stored twice" test "$(q "SELECT count(*) FROM (SELECT at FROM scan
    WHERE checkpoint_id = $CP AND at >= $FIRST GROUP BY at HAVING count(*) > 1) d")" = 0
check "every document is whole (both lines)" test "$(q "SELECT count(*) FROM supply_doc d
    WHERE d.note LIKE 'crash-%' AND (SELECT count(*) FROM supply_line l WHERE l.doc_id = d.id) <> 2")" = 0
