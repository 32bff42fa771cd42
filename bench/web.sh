#!/bin/sh
# Benchmark: the web UI's static files from the table embedded in the
# binary (docs/web.md), with wrk on loopback:
#   GET /                         index.html, 200
#   GET /                         If-None-Match: its ETag → 304, no body
#   GET /web/vendor/echarts.min.js   1.1 MB, 200
#   GET /web/vendor/echarts.min.js   If-None-Match → 304
# Each ROUNDS times (default 3) for DURATION (default 5s) with CONNS
# connections (default 16) on 2 wrk threads; prints every run and the
# median req/s.  (wrk counts the 304s as "Non-2xx"; they are the point.)
#   sh bench/web.sh [ROUNDS] [DURATION] [CONNS]
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-3}; duration=${2:-5s}; conns=${3:-16}
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x ./sijin ] || { echo "bench: build ./sijin first (make sijin)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/sijin-bench-XXXXXX)
port=$((20000 + $$ % 12000))  # below the kernel's ports for outgoing connections (32768-60999), which a client socket may hold
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
./sijin --db "$tmp/bench.db" demo --force >/dev/null
./sijin --db "$tmp/bench.db" --port "$port" --log-level warn --threads 2 serve 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
base="http://127.0.0.1:$port"
etag() { curl -s -D - -o /dev/null "$1" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r'; }
run() {  # run LABEL URL [wrk args]
	label=$1; url=$2; shift 2
	for i in $(seq "$rounds"); do
		wrk -t2 -c"$conns" -d"$duration" --latency "$@" "$url" >"$tmp/wrk.$i"
		rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.$i")
		p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.$i")
		tr=$(awk '/^Transfer\/sec/ {print $2}' "$tmp/wrk.$i")
		echo "$label run $i: $rps req/s, p99 $p99, $tr/s"
		echo "$rps" >>"$tmp/$label.runs"
	done
	echo "$label median: $(sort -n "$tmp/$label.runs" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') req/s"
}
run index-200 "$base/"
run index-304 "$base/" -H "If-None-Match: $(etag "$base/")"
run echarts-200 "$base/web/vendor/echarts.min.js"
run echarts-304 "$base/web/vendor/echarts.min.js" -H "If-None-Match: $(etag "$base/web/vendor/echarts.min.js")"
