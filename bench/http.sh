#!/bin/sh
# Benchmark: requests per second and latency percentiles of `sijin serve`
# on loopback, measured with wrk (Debian package `wrk`), for
#   GET /healthz                    (no sign-in; one store query)
#   GET /api/v1/units  + Bearer     (token look-up, scoped list query, JSON)
# Each is run ROUNDS times (default 3) for DURATION (default 10s) with
# CONNS connections (default 32) on 2 wrk threads; the script prints every
# run and the median requests/s and p99.  Record results in bench/RESULTS.md.
#   sh bench/http.sh [ROUNDS] [DURATION] [CONNS]
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-3}; duration=${2:-10s}; conns=${3:-32}
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
make -s sijin >/dev/null
tmp=$(mktemp -d /tmp/sijin-bench-XXXXXX)
port=$((20000 + $$ % 12000))  # below the kernel's ports for outgoing connections (32768-60999), which a client socket may hold
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
db="$tmp/bench.db"
./sijin --db "$db" demo --force >/dev/null
token=$(./sijin --db "$db" user token admin --name bench | tail -1)
./sijin --db "$db" --port "$port" --log-level warn --threads 2 serve 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

run() {  # run LABEL URL [HEADER]
	label=$1; url=$2; shift 2
	for i in $(seq "$rounds"); do
		wrk -t2 -c"$conns" -d"$duration" --latency "$@" "$url" >"$tmp/wrk.$i"
		rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.$i")
		p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.$i")
		p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.$i")
		errs=$(awk '/Non-2xx|Socket errors/ {print}' "$tmp/wrk.$i" | tr '\n' ' ')
		echo "$label run $i: $rps req/s, p50 $p50, p99 $p99 ${errs:+($errs)}"
		echo "$rps $p99" >>"$tmp/$label.runs"
	done
	sort -n "$tmp/$label.runs" | awk -v l="$label" '{r[NR]=$1; p[NR]=$2}
	    END {m=int((NR+1)/2); printf "%s median: %s req/s (p99 of that run %s)\n", l, r[m], p[m]}'
}

echo "sijin HTTP benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$conns -d$duration, server --threads 2"
run healthz "http://127.0.0.1:$port/healthz"
run units "http://127.0.0.1:$port/api/v1/units" -H "Authorization: Bearer $token"
