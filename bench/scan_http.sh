#!/bin/sh
# Benchmark of the scan path (issue 5 "Speed"; issue 4 "HTTP scans durable on
# PostgreSQL"): POST /api/v1/checkpoints/{id}/scans over HTTP on loopback
# with wrk (Debian package `wrk`) and bench/scan.lua, on a demo database with
# PLACES extra places (one checkpoint each) and PEOPLE residents, every scan
# durable before its answer (group commit; SQLite synchronous=FULL, or
# PostgreSQL with fsync and synchronous_commit on).  Per run it also prints
# wrk's socket errors by phase and kind, the writer's longest batch, the
# connections the server closed idle, the server's warnings, and from a
# sample every second of each phase (sample_phase) how long a wrk thread
# went without CPU and how many connections held unread bytes for 3 s or
# more on the server's side and on wrk's (docs/performance.md "wrk's
# socket errors").
#
# Each run: a sustained phase (DURATION, CONNS connections), then a burst
# (BURST, twice the connections: wrk is closed-loop, so twice the requests
# in flight; the server's --max-connections-per-address is raised to them,
# as every connection comes from 127.0.0.1); afterwards the scans stored are counted
# against the 2xx answers of both phases: no acknowledged scan may be
# missing (at most one scan a connection may be stored unanswered: wrk
# closes connections with requests in flight when a phase ends).  Prints
# wrk's figures, the server's peak resident memory (the sum over its
# processes), its CPU time a scan stored (user + system over both phases,
# /proc/PID/stat; on PostgreSQL also the database server's processes' CPU a
# scan), wrk's CPU time a request (both phases), and, on SQLite, the store's
# bytes per scan.  With RUNS > 1 the
# summary gives the median run (by sustained rate) and every run's figures.
#
#   sh bench/scan_http.sh [DURATION] [CONNS] [PEOPLE] [PLACES] [THREADS]
# defaults: 60s, 64 connections, 100000 people, 200 places, 2 server threads.
# Environment:
#   RUNS=N      runs (default 1); SQLite: each on a fresh copy of the database,
#               PostgreSQL: one after the other on the same database
#   BURST=10s   the burst phase (0: none)
#   DB=pg       PostgreSQL: a server of its own from scripts/pg.sh (PG_DURABLE=1:
#               fsync and synchronous_commit on), on a Unix socket, stopped after
#   PROCS=2     (PostgreSQL) two `sijin serve` processes on the one database,
#               each with its own wrk taking half the connections and people
#   KEEP=1      keep the folder: databases, each run's server log
#               (serve<run>.<process>.log), wrk's outputs; SIJIN=path: another binary
#   LOG_LEVEL=l the server's --log-level (default warn; info logs every request)
#   SCAN_LUA=f  another wrk script (default bench/scan.lua), e.g. an older one
#               to compare the load generator's CPU a request
#   SAMPLE=1    a sample every second (wrk's threads, unread bytes; with
#               KEEP=1 kept as sample.<run><s|b>), to tell whose a stall is;
#               off by default since the ninth session: its `ss`, awk and
#               /proc reads run on the same two cores and cost the rate
#               ~5-8 % (bench/RESULTS.md "Ninth session")
set -eu
cd "$(dirname "$0")/.."
duration=${1:-60s}; conns=${2:-64}; people=${3:-100000}; places=${4:-200}; threads=${5:-2}
runs=${RUNS:-1}; burst=${BURST:-10s}; dbkind=${DB:-sqlite}; procs=${PROCS:-1}
lua=${SCAN_LUA:-bench/scan.lua}
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is not installed" >&2; exit 1; }
[ "$procs" = 1 ] || [ "$dbkind" = pg ] || { echo "bench: PROCS=2 needs DB=pg" >&2; exit 1; }
# SIJIN: the binary to measure (default: build ./sijin); SIJIN_LIB and
# SIJIN_SRC: the library bench/scan_people.c links with and the sources of
# its headers (default build/libsijin.a and src: another build's, to measure
# an older binary).
if [ -z "${SIJIN:-}" ]; then make -s sijin >/dev/null; SIJIN=./sijin; fi
tmp=$(mktemp -d /tmp/sijin-scanbench-XXXXXX)
port0=$((20000 + $$ % 12000))  # below the kernel's ports for outgoing connections (32768-60999), which a client socket may hold
pids=; sampler=; pg=
cleanup() {
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null
	[ -n "${sampler2:-}" ] && kill "$sampler2" 2>/dev/null
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -n "$pg" ] && sh scripts/pg.sh stop "$pg"
	[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$dbkind" = pg ]; then
	# Set up without fsync (the demo and the people are many small
	# commits), then restart the server durable for the runs.
	pg=$(sh scripts/pg.sh start)
	db=$pg
	export SIJIN_KEY_FILE="$tmp/bench.key"
	count() { sh scripts/pg.sh psql "$db" -c "$1"; }
else
	db="$tmp/template.db"
	count() { sqlite3 "$rundb" "$1"; }
fi
"$SIJIN" --db "$db" demo --force >/dev/null
token=$("$SIJIN" --db "$db" user token admin --name bench 2>/dev/null | tail -1)
# The places and people, in one transaction (bench/scan_people.c).
lib=${SIJIN_LIB:-build/libsijin.a}
[ -f "$lib" ] || make -s "$lib"
ldlibs=$(make -s --no-print-directory --eval='print-ldlibs: ; @echo $(LDLIBS)' print-ldlibs)
cc -O2 -std=c17 -D_GNU_SOURCE -I"${SIJIN_SRC:-src}" -o "$tmp/scan_people" bench/scan_people.c \
    "$lib" $ldlibs
"$tmp/scan_people" "$db" "${SIJIN_KEY_FILE:-$db.key}" "$places" "$people" "$tmp/people.txt"
if [ "$dbkind" = pg ]; then
	sh scripts/pg.sh down "$pg"
	PG_DURABLE=1 sh scripts/pg.sh up "$pg"
	[ "$(sh scripts/pg.sh psql "$pg" -c "SHOW fsync")" = on ] || { echo "bench: fsync is off" >&2; exit 1; }
fi

# phase NAME DURATION CONNS: wrk on every server, in parallel; out in $tmp/NAME.*,
# and wrk's CPU (user + system clock ticks, read by the shell that waited for
# it: /proc/PID/stat's cutime + cstime) in $tmp/cpu-NAME.I.
phase() {
	i=0; wpids=
	for p in $pids; do
		port=$((port0 + i))
		SIJIN_TOKEN=$token PEOPLE_FILE="$tmp/people.txt" WRK_THREADS=$((2 / procs)) \
		    WRK_PARTS=$procs WRK_PART=$i WRK_RUN="$run$1$i" \
		    sh -c 'wrk "$@"; awk "{ print \$16 + \$17 }" /proc/$$/stat >"$0"' "$tmp/cpu-$1.$i" \
		    -t$((2 / procs)) -c$(($3 / procs)) -d"$2" --latency -s "$lua" \
		    "http://127.0.0.1:$port/api/v1/checkpoints/1/scans" >"$tmp/$1.$i" &
		wpids="$wpids $!"
		i=$((i + 1))
	done
	sampler2=
	[ "${SAMPLE:-0}" = 1 ] && { sample_phase "$run$1" $wpids & sampler2=$!; }
	for w in $wpids; do wait "$w"; done
	[ -n "$sampler2" ] && { kill "$sampler2" 2>/dev/null; wait "$sampler2" 2>/dev/null || true; }
	for w in $(seq 0 $((procs - 1))); do
		[ "$procs" -gt 1 ] && echo "  wrk $w:"
		grep -E "Requests/sec|latency p50|answers|Socket errors|Non-2xx" "$tmp/$1.$w" | sed 's/^/    /'
	done
}

# sample_phase NAME SHELLPIDS...: every second, into $tmp/sample.NAME, one
# line: the seconds since the phase began; each wrk thread's id, state and
# CPU clock ticks so far ("wrk:TID:STATE:TICKS"), the same for the servers'
# libmicrohttpd workers ("mhd:..."); the connections waiting in the
# servers' listen queues, not yet accepted ("L:"); the connections (by
# wrk's port) holding bytes not yet read on the server's side ("S:"
# requests libmicrohttpd has not read) and on wrk's side ("W:" answers wrk
# has not read); and how many connections there are.  So that a stall
# tells whose it is (docs/performance.md "wrk's socket errors"): a
# connection whose answer waits on wrk's side second after second is
# wrk's; one whose request waits on the server's side is the server's.
sample_phase() {
	name=$1; shift
	out="$tmp/sample.$name"; : >"$out"
	sleep 0.2
	wrks=$(for w in "$@"; do pgrep -P "$w" -x wrk; done)
	ports=$(i=0; for _ in $pids; do printf '%s ' $((port0 + i)); i=$((i + 1)); done)
	filt() { f=; for p in $ports; do f="${f:+$f or }$1 = :$p"; done; echo "( $f )"; }
	sf=$(filt sport); cf=$(filt dport)
	t0=$(date +%s)
	while :; do
		line="t=$(( $(date +%s) - t0 ))"
		for w in $wrks; do
			for t in /proc/"$w"/task/*; do
				[ "${t##*/}" = "$w" ] && continue  # wrk's main thread only sleeps
				line="$line wrk:$(awk '{ print $1 ":" $3 ":" $14 + $15 }' "$t/stat" 2>/dev/null)"
			done
		done
		for p in $pids; do
			for t in /proc/"$p"/task/*; do
				[ "$(cat "$t/comm" 2>/dev/null)" = MHD-worker ] &&
				    line="$line mhd:$(awk '{ print $1 ":" $3 ":" $14 + $15 }' "$t/stat" 2>/dev/null)"
			done
		done
		line="$line L:$(ss -Hltn "$sf" | awk '{ q += $2 } END { printf "%d", q }')"
		line="$line S:$(ss -Htn state established "$sf" | awk '$1 > 0 { n = split($4, a, ":"); printf "%s,", a[n] }')"
		line="$line W:$(ss -Htn state established "$cf" | awk '$1 > 0 { n = split($3, a, ":"); printf "%s,", a[n] }
		    END { printf " conns=%d", NR }')"
		echo "$line" >>"$out"
		sleep 1
	done
}

# sample_summary NAME: from $tmp/sample.NAME, the longest time a wrk thread
# used no CPU, and on each side the longest time one connection held
# unread bytes and how many connections did so for 3 s or more.
sample_summary() {
	[ -s "$tmp/sample.$1" ] || return 0
	awk '{
	  for (i = 2; i <= NF; i++) {
		if ($i ~ /^wrk:/) { split(substr($i, 5), a, ":"); id = a[1]
			if (id in last && a[3] == last[id]) { run[id]++; if (run[id] > wl) wl = run[id] }
			else run[id] = 0
			last[id] = a[3] }
		if ($i ~ /^L:/ && substr($i, 3) + 0 > lq) lq = substr($i, 3) + 0
		if ($i ~ /^S:/) sl = substr($i, 3)
		if ($i ~ /^W:/) wlst = substr($i, 3)
	  }
	  split("", nowS); split("", nowW)
	  n = split(sl, a, ","); for (i = 1; i <= n; i++) if (a[i] != "") nowS[a[i]] = 1
	  n = split(wlst, a, ","); for (i = 1; i <= n; i++) if (a[i] != "") nowW[a[i]] = 1
	  for (p in curS) if (!(p in nowS)) delete curS[p]
	  for (p in curW) if (!(p in nowW)) delete curW[p]
	  for (p in nowS) { c = ++curS[p]; if (c > ls) ls = c; if (c == 3) ns++ }
	  for (p in nowW) { c = ++curW[p]; if (c > lw) lw = c; if (c == 3) nw++ }
	}
	END { printf "a wrk thread without CPU for %d s at most; bytes unread for 3 s or more: " \
	    "%d connections on the server'"'"'s side (longest %d s), %d on wrk'"'"'s side (longest %d s); " \
	    "at most %d connections not yet accepted", wl, ns, ls, nw, lw, lq + 0 }' "$tmp/sample.$1"
}

# cputicks: user + system clock ticks of the server processes so far.
cputicks() {
	for p in $pids; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0; done |
	    awk '{ s += $1 } END { printf "%d", s }'
}

# iobytes: bytes the server processes have had written to the storage
# layer so far (/proc/PID/io write_bytes: the WAL, the checkpointer's
# copies into the database file; 0 where the kernel does not count them).
iobytes() {
	for p in $pids; do awk '/^write_bytes/ { print $2 }' "/proc/$p/io" 2>/dev/null || echo 0; done |
	    awk '{ s += $1 } END { printf "%d", s }'
}

# dbticks: user + system clock ticks of the PostgreSQL server so far (its
# postmaster and every process it started: the backends of the app's
# connections, the WAL writer, the checkpointer); 0 on SQLite, which runs
# inside the app.
dbticks() {
	[ "$dbkind" = pg ] || { printf 0; return; }
	pm=$(head -1 "$(printf '%s\n' "$pg" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')/data/postmaster.pid")
	for p in $pm $(ps -o pid= --ppid "$pm"); do
		awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0
	done | awk '{ s += $1 } END { printf "%d", s }'
}

# sum FILEPREFIX PATTERN FIELD: sum a number over the wrk outputs.
sum() { cat "$tmp/$1".* | awk -v f="$3" "/$2/"' { s += $f } END { printf "%d", s }'; }
maxp99() { cat "$tmp/$1".* | awk '/^latency p50/ { if ($9 + 0 > m) m = $9 + 0 } END { printf "%.2f", m }'; }

echo "sijin scan benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg); $dbkind, $procs server process(es) --threads $threads;" \
    "wrk $duration x $conns connections, burst $burst x $((2 * conns)); $people people at" \
    "$places checkpoints; $runs run(s)"
: >"$tmp/summary"
for run in $(seq "$runs"); do
	if [ "$dbkind" = sqlite ]; then
		rundb="$tmp/run$run.db"
		cp "$db" "$rundb"; cp "$db.key" "$rundb.key"
	else
		rundb=$db
	fi
	pids=
	for i in $(seq 0 $((procs - 1))); do
		# The burst's connections all come from 127.0.0.1: the limit per
		# address (default 256, a protection of issue 10) is raised to
		# them, per process, so that none is refused, and 8 more: the
		# /metrics read right after the burst came while wrk's
		# connections were still closing, and was refused.
		"$SIJIN" --db "$rundb" --port $((port0 + i)) --log-level "${LOG_LEVEL:-warn}" --threads "$threads" \
		    --max-connections-per-address "$(( (2 * conns + procs - 1) / procs + 8 > 256 ?
		    (2 * conns + procs - 1) / procs + 8 : 256 ))" serve \
		    2>"$tmp/serve$run.$i.log" &
		pids="$pids $!"
	done
	for i in $(seq 0 $((procs - 1))); do
		for _ in $(seq 100); do
			curl -sf "http://127.0.0.1:$((port0 + i))/healthz" >/dev/null 2>&1 && break
			sleep 0.1
		done
	done
	before=$(count "SELECT count(*) FROM scan")
	cpu0=$(cputicks); db0=$(dbticks); io0=$(iobytes)
	# Peak resident memory of the server processes together, every 200 ms.
	echo 0 >"$tmp/rss"
	( peak=0; while :; do
		rss=0
		for p in $pids; do
			r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
			rss=$((rss + ${r:-0}))
		done
		[ "$rss" -gt "$peak" ] && peak=$rss && echo "$peak" >"$tmp/rss"
		sleep 0.2; done ) &
	sampler=$!
	echo "run $run: sustained"
	phase s "$duration" "$conns"
	if [ "$burst" != 0 ]; then
		echo "run $run: burst"
		phase b "$burst" $((2 * conns))
	fi
	cpu1=$(cputicks); db1=$(dbticks); io1=$(iobytes)
	kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; sampler=
	# The writer's longest batch and longest periodic work (ms, the largest
	# over the processes): how long the writer held answers up at most, and
	# the longest the checkpointer's last pass held the writer (SQLite); the
	# connections the server closed after request-timeout seconds without a
	# request (wrk: read errors), since accept or an answer; the share of
	# scan requests that took over 10 and 20 ms inside the server, from its
	# latency histogram (from the request's headers read to its answer
	# sent: wrk's latency beyond that is the kernel's, the sockets' queues
	# and wrk's own), and of that the writer's part (from the scan queued
	# for the writer to its commit returned).
	stall=$(i=0; for p in $pids; do
		curl -sf "http://127.0.0.1:$((port0 + i))/metrics"; i=$((i + 1)); done |
	    awk '/^sijin_scan_writer_write_seconds_max / { if ($2 > w) w = $2 }
		/^sijin_scan_writer_periodic_seconds_max / { if ($2 > p) p = $2 }
		/^sijin_scan_writer_checkpoint_hold_seconds_max / { if ($2 > c) c = $2 }
		/^sijin_scan_writer_checkpoint_hold_seconds_total / { ct += $2 }
		/^sijin_scan_writer_checkpoint_holds_total / { cn += $2 }
		/^sijin_http_request_duration_seconds_bucket\{route="\/api\/v1\/checkpoints\/\{id\}\/scans",method="POST",le="0.01"\}/ { l10 += $2 }
		/^sijin_http_request_duration_seconds_bucket\{route="\/api\/v1\/checkpoints\/\{id\}\/scans",method="POST",le="0.02"\}/ { l20 += $2 }
		/^sijin_http_request_duration_seconds_count\{route="\/api\/v1\/checkpoints\/\{id\}\/scans",method="POST"\}/ { n += $2 }
		/^sijin_scan_writer_waited_total\{ge="0.01"\}/ { j10 += $2 }
		/^sijin_scan_writer_waited_total\{ge="0.02"\}/ { j20 += $2 }
		/^sijin_scan_writer_waited_seconds_max / { if ($2 > jm) jm = $2 }
		/^sijin_http_idle_closed_total\{since="accept"/ { a += $2 }
		/^sijin_http_idle_closed_total\{since="answer"/ { b += $2 }
		/^sijin_scan_writer_jobs_total / { j += $2 }
		/^sijin_scan_writer_batches_total / { nb += $2 }
		/^sijin_scan_writer_pair_memo_hits_total / { m += $2 }
		END { printf "writer longest batch %.1f ms, longest periodic work %.1f ms, " \
		    "longest hold by the checkpointer %.1f ms (%d holds, %.0f ms in all); " \
		    "connections closed idle: %d since accept, %d since an answer; " \
		    "scans planned from the memo of pairs: %d of %d; " \
		    "in the server (headers read to answer sent, both phases): %.2f %% of scans over 10 ms, %.2f %% over 20 ms; " \
		    "queued for the writer to durable: %.2f %% 10 ms or more, %.2f %% 20 ms or more, longest %.1f ms; " \
		    "%.1f scans a batch",
		    w * 1e3, p * 1e3, c * 1e3, cn, ct * 1e3, a, b, m, j, n ? 100 * (n - l10) / n : 0, n ? 100 * (n - l20) / n : 0,
		    j ? 100 * j10 / j : 0, j ? 100 * j20 / j : 0, jm * 1e3, nb ? j / nb : 0 }')
	rss_kib=$(cat "$tmp/rss")   # empty when the sampler was stopped while writing
	rss_mib=$(( ${rss_kib:-0} / 1024 ))
	for p in $pids; do kill "$p"; wait "$p" 2>/dev/null || true; done
	pids=
	after=$(count "SELECT count(*) FROM scan")
	rate=$(sum s "^Requests\/sec" 2); p99=$(maxp99 s)
	acked=$(sum s "^answers" 3); other=$(sum s "^answers" 5)
	stored=$((after - before))
	# The server's CPU (user + system, every thread, both phases) a scan
	# stored, in µs: the figure to compare builds by on a shared machine.
	us=$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$stored" \
	    'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
	dbus=$(awk -v t=$((db1 - db0)) -v hz="$(getconf CLK_TCK)" -v n="$stored" \
	    'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
	brate=0; bp99=0
	if [ "$burst" != 0 ]; then
		brate=$(sum b "^Requests\/sec" 2); bp99=$(maxp99 b)
		acked=$((acked + $(sum b "^answers" 3))); other=$((other + $(sum b "^answers" 5)))
	fi
	# wrk's socket errors (connect, read, write, timeout): connections refused
	# or closed by the server count as errors, not as answers.
	errs=$(cat "$tmp"/[sb].* 2>/dev/null | awk '/Socket errors/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i } END { printf "%d", s }')
	# The same by kind and phase.  wrk 4.1 counts as "read" a connection
	# the server closed (or reset) before a whole answer came, as "timeout"
	# an answer that took 2 s or more (those are left out of its latency
	# figures: a low "max" does not mean no answer was slow), as "connect"
	# a refused connection (docs/performance.md "wrk's socket errors").
	errkinds=$(for f in "$tmp"/s.* "$tmp"/b.*; do
		[ -f "$f" ] || continue
		awk -v ph="$(case $f in "$tmp"/s.*) echo sustained;; *) echo burst;; esac)" \
		    '/Socket errors/ { gsub(",", ""); printf "%s (connect %d, read %d, write %d, timeout %d) ",
		    ph, $4, $6, $8, $10 }' "$f"
	done)
	# wrk's CPU (user + system, both phases) a request it completed, in µs:
	# the load generator shares the cores with the server.
	wus=$(cat "$tmp"/cpu-* | awk -v n="$(cat "$tmp"/[sb].* | awk '/requests in/ { s += $1 }
	    END { print s + 0 }')" -v hz="$(getconf CLK_TCK)" '{ t += $1 }
	    END { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
	echo "run $run: sustained $rate scans/s p99 $p99 ms; burst $brate scans/s p99 $bp99 ms;" \
	    "2xx $acked, other answers $other, socket errors $errs; stored $stored (missing $((acked > stored ? acked - stored : 0)))," \
	    "server peak RSS $rss_mib MiB, server CPU $us µs a scan, database CPU $dbus µs a scan," \
	    "wrk CPU $wus µs a request"
	echo "$rate $p99 $brate $bp99 $acked $other $stored $rss_mib $errs $us $dbus $wus" >>"$tmp/summary"
	[ "$errs" = 0 ] || echo "  socket errors: $errkinds"
	if [ "${SAMPLE:-0}" = 1 ]; then
		echo "  sustained: $(sample_summary "${run}s")"
		[ "$burst" != 0 ] && echo "  burst: $(sample_summary "${run}b")"
	fi
	echo "  $stall; $(awk -v b=$((io1 - io0)) -v n="$stored" 'BEGIN { printf "%.0f", (n > 0 ? b / n : 0) }') bytes written to storage a scan (WAL and database, /proc/PID/io)"
	# The server's warnings (its log is removed with the run's folder
	# unless KEEP=1): how many, and the commonest, without their times.
	for i in $(seq 0 $((procs - 1))); do
		log="$tmp/serve$run.$i.log"
		n=$(grep -c 'level=\(warn\|error\)' "$log" || true)
		echo "  server $i log: $n warnings or errors"
		grep 'level=\(warn\|error\)' "$log" | sed 's/^[^ ]* //; s/[0-9a-f]\{16\}/RID/g' |
		    sort | uniq -c | sort -rn | head -5 | sed 's/^/    /'
	done
	if [ "$dbkind" = sqlite ]; then
		sqlite3 "$rundb" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
		sqlite3 "$rundb" "SELECT name, sum(pgsize), sum(unused) FROM dbstat
			WHERE name IN ('scan', 'scan_by_person', 'alert', 'alert_by_id') GROUP BY name" |
		    awk -F'|' -v n="$after" '
			{ bytes += $2 }
			END { printf "  store: %d scans, %.1f bytes/scan with indexes, stays and alerts\n", n, bytes / n }'
		[ "${KEEP:-0}" = 1 ] || rm -f "$rundb" "$rundb-wal" "$rundb-shm"
	fi
done
echo "median run (by sustained rate) of $runs; columns: sustained scans/s, p99 ms, burst scans/s," \
    "burst p99 ms, 2xx, other answers, stored, peak RSS MiB, socket errors, server CPU µs a scan," \
    "database CPU µs a scan (PostgreSQL's processes; 0 on SQLite), wrk CPU µs a request"
sort -n "$tmp/summary" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print "  median: " $0 }
	{ all = all "  run: " $0 "\n" } END { printf "%s", all }'
[ "${KEEP:-0}" = 1 ] && echo "kept: $tmp"
exit 0
