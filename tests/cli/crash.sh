#!/bin/sh
# Crash test (issue 10 "Durability and faults"): a load generator
# (crash_load.mjs) sends scans and supply documents to `sijin serve`, which
# is killed with SIGKILL at a random moment once it is under load, COUNT
# times (default 20; `make soak` runs it with more), and started again each
# time.  After every kill:
#   - every write the server acknowledged (2xx) is in the store exactly once:
#     each acknowledged scan (by its instant) and document (by its note) is
#     there, no scan instant occurs twice (every scan has its own instant, and scans left unanswered
#     by a kill are sent again with the same idempotency key after the
#     restart, so a scan written before the kill but never answered must
#     not come back as a second row);
#   - unacknowledged writes are whole or absent: every document of the run
#     has both its lines;
#   - on SQLite, PRAGMA integrity_check says ok (PostgreSQL keeps its own
#     data safe when the application server dies; the checks above run on
#     both databases).
#   COUNT=200 sh tests/cli/crash.sh     (SIJIN_BIN set as tests/run.sh does)
. "$(dirname "$0")/lib.sh"

COUNT=${COUNT:-20}
HERE="$TOP/tests/cli"
command -v node >/dev/null || { echo "not ok - node is needed for the load generator"; exit 1; }
sj demo >/dev/null 2>&1 || { echo "not ok - demo database"; exit 1; }
TOKEN=$(sj user token admin --name crash-load 2>/dev/null | tail -1)
CP=$(q "SELECT min(id) FROM checkpoint")
SITE=$(q "SELECT id FROM supply_site WHERE kind = 'group' ORDER BY id LIMIT 1")
PERSONS=$(q "SELECT id FROM person ORDER BY id LIMIT 40" | tr '\n' ',' | sed 's/,$//')
FIRST=$(( $(date +%s) - 86400 ))
mkdir -p "$T/state"
echo "$TOKEN $CP $SITE $PERSONS $FIRST" >"$T/state/config"
PORT=$((20000 + $$ % 12000))  # below the kernel's ports for outgoing connections (32768-60999), which a client socket may hold
SERVER=""; LOADER=""
trap 'kill -9 $SERVER 2>/dev/null; kill $LOADER 2>/dev/null; wait; rm -rf "$T"' EXIT

before=$(q "SELECT count(*) FROM scan WHERE checkpoint_id = $CP AND at >= $FIRST")
check "no scans of the test's time range before it starts" test "$before" -eq 0

# The checks after a kill; prints what is wrong, silent when all is well.
# Scans are told apart by their instant and documents by their note, not
# by id: ids of a transaction that never committed are given out again.
verify() {
	: >"$T/problems"
	# The acknowledged and the stored, one per line, compared with comm:
	# no list of thousands goes on a command line (make soak's long loops).
	awk '$1 == "scan" {print $3}' "$T/state/acked" 2>/dev/null | sort -u >"$T/acked_scans"
	awk '$1 == "doc" {print $3}' "$T/state/acked" 2>/dev/null | sort -u >"$T/acked_docs"
	q "SELECT at FROM scan WHERE checkpoint_id = $CP AND at >= $FIRST" | sort -u >"$T/stored_scans"
	q "SELECT note FROM supply_doc WHERE note LIKE 'crash-%'" | sort -u >"$T/stored_docs"
	n_scans=$(grep -c . "$T/acked_scans")
	n_docs=$(grep -c . "$T/acked_docs")
	missing=$(comm -23 "$T/acked_scans" "$T/stored_scans" | grep -c .)
	[ "$missing" = 0 ] || echo "acknowledged scans: $((n_scans - missing)) of $n_scans stored" >>"$T/problems"
	missing=$(comm -23 "$T/acked_docs" "$T/stored_docs" | grep -c .)
	[ "$missing" = 0 ] || echo "acknowledged documents: $((n_docs - missing)) of $n_docs stored" >>"$T/problems"
	dup=$(q "SELECT count(*) FROM (SELECT at FROM scan WHERE checkpoint_id = $CP AND at >= $FIRST
	    GROUP BY at HAVING count(*) > 1) d")
	[ "$dup" = 0 ] || echo "$dup scan instants stored twice" >>"$T/problems"
	broken=$(q "SELECT count(*) FROM supply_doc d WHERE d.note LIKE 'crash-%'
	    AND (SELECT count(*) FROM supply_line l WHERE l.doc_id = d.id) <> 2")
	[ "$broken" = 0 ] || echo "$broken documents without both lines" >>"$T/problems"
	if [ "$DB_KIND" = sqlite ]; then
		ic=$(sqlite3 "$SIJIN_DB" "PRAGMA integrity_check" 2>&1)
		[ "$ic" = ok ] || echo "integrity_check: $ic" >>"$T/problems"
	fi
	cat "$T/problems"
}

failures=0; kills=0; i=0
while [ "$i" -lt "$COUNT" ]; do
	i=$((i + 1))
	"$SIJIN_BIN" --port "$PORT" --log-level warn serve >>"$T/serve.log" 2>&1 &
	SERVER=$!
	up=no
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && { up=yes; break; }
		kill -0 "$SERVER" 2>/dev/null || break
		sleep 0.05
	done
	if [ "$up" = no ]; then
		echo "not ok - the server starts again after kill $kills ($(tail -3 "$T/serve.log"))"
		failures=$((failures + 1)); break
	fi
	acked=$(cat "$T/state/acked" 2>/dev/null | grep -c .)
	node "$HERE/crash_load.mjs" "$T/state" "http://127.0.0.1:$PORT" 2>"$T/load.err" &
	LOADER=$!
	# Under load (a few writes acknowledged since the start, however slow
	# the machine), then a random moment up to 0.8 s later.
	for _ in $(seq 300); do
		[ "$(cat "$T/state/acked" 2>/dev/null | grep -c .)" -ge $((acked + 3)) ] && break
		sleep 0.05
	done
	sleep "$(awk -v s="$$$i" 'BEGIN { srand(s); printf "%.2f", rand() * 0.8 }')"
	kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
	kills=$((kills + 1))
	wait "$LOADER"; load=$?; LOADER=""
	if [ "$load" -ne 0 ]; then
		echo "not ok - kill $kills: the load ended with status $load: $(cat "$T/load.err")"
		failures=$((failures + 1)); break
	fi
	problems=$(verify)
	if [ -n "$problems" ]; then
		echo "not ok - after kill $kills: $problems"
		failures=$((failures + 1)); break
	fi
done

n_ack=$(cat "$T/state/acked" 2>/dev/null | grep -c .)
n_scan=$(cat "$T/state/acked" 2>/dev/null | grep -c '^scan')
check "killed with SIGKILL $kills times under load (wanted $COUNT), every check passed" \
    test "$failures" -eq 0 -a "$kills" -eq "$COUNT"
check "the load got writes acknowledged ($n_ack: $n_scan scans, the rest documents)" \
    test "$n_scan" -gt "$COUNT" -a "$n_ack" -gt "$n_scan"
# A last start: the scans left unanswered by the last kill go through, and
# the store still holds every acknowledged write once.
"$SIJIN_BIN" --port "$PORT" --log-level warn serve >>"$T/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
pending=$(cat "$T/state/pending" 2>/dev/null | grep -c .)
timeout 20 node "$HERE/crash_load.mjs" "$T/state" "http://127.0.0.1:$PORT" retry 2>"$T/retry.err"
check "the $pending scans left unanswered by the last kill are accepted when sent again" \
    test "$(grep -c . "$T/state/pending")" -eq 0 -a ! -s "$T/retry.err"
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
problems=$(verify)
check "after the retries: every acknowledged write once, nothing twice${problems:+ ($problems)}" \
    test -z "$problems"
