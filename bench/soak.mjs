// Load generator of `make soak` (bench/soak.sh; issue 10 "Load"): mixed
// traffic against a running `sijin serve` — scans (POST, each with its own
// idempotency key), scan lists, alert lists, traces and daily reports — in
// the proportions of MIX, from CONNS concurrent workers.
// Every read costs the same at minute 30 as at minute 2, so that a soak
// measures the server and not the growth of its answers: lists take 50
// rows; a trace covers the last TRACE_WINDOW_S seconds (default 900: the
// soak's own recent scans, a window of constant size); the daily report is
// of REPORT_DATE (soak.sh passes the demo's day; default today, whose
// report grows with every scan of the soak: each report holds the whole
// day's ledger).  Memory that does grow with the data written — the live
// trace index, 20 bytes a stay; SQLite's page caches, up to cache_size a
// connection — is read from /metrics each minute.
//   node bench/soak.mjs capacity BASE TOKEN CP PEOPLE SECONDS
//       as fast as the workers go for SECONDS; prints {"rps": n, "errors": n}
//   node bench/soak.mjs soak BASE TOKEN CP PEOPLE SECONDS RPS PID
//       RPS requests a second (paced) for SECONDS; every minute one JSON line
//       {"minute", "requests", "errors", "p50_ms", "p95_ms", "p99_ms",
//        "rss_kib", "index_stays", "index_kib", "heap_used_kib",
//        "heap_free_kib", "sqlite_kib", "by_kind"} with the server's resident
//       memory (PID's VmRSS) and, from /metrics, the trace index's stays and
//       heap bytes, the C heap's bytes in use and free-but-kept (mallinfo2)
//       and SQLite's share of the bytes in use (its page caches)
// PEOPLE: person ids, comma-separated.  An error is any answer that is not
// 2xx, or a request that failed.
import { readFileSync } from 'node:fs';

const [mode, base, token, cp, peopleArg, secondsArg, rpsArg, pidArg] = process.argv.slice(2);
const people = peopleArg.split(',').map(Number);
const seconds = Number(secondsArg);
const CONNS = Number(process.env.CONNS || 16);
// kind, weight: mostly scans, as at a checkpoint; reads and reports as the office does.
const MIX = [['scan', 70], ['scans', 12], ['alerts', 8], ['trace', 5], ['report', 5]];
const total = MIX.reduce((n, [, w]) => n + w, 0);
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
const TRACE_WINDOW_S = Number(process.env.TRACE_WINDOW_S || 900);
const REPORT_DATE = process.env.REPORT_DATE || '';
let seq = 0;

function pick() {
  let r = Math.random() * total;
  for (const [k, w] of MIX) { if ((r -= w) < 0) return k; }
  return 'scan';
}

// RFC 3339 in UTC, whole seconds.
function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

async function one(kind) {
  const n = seq++;
  const person = people[n % people.length];
  let res;
  if (kind === 'scan')
    res = await fetch(`${base}/api/v1/checkpoints/${cp}/scans`, { method: 'POST', headers,
      body: JSON.stringify({ person_id: person,
        direction: Math.floor(n / people.length) % 2 ? 'out' : 'in',
        idempotency_key: `soak-${process.pid}-${n}` }) });
  else if (kind === 'scans')
    res = await fetch(`${base}/api/v1/scans?person_id=${person}&limit=50`, { headers });
  else if (kind === 'alerts')
    res = await fetch(`${base}/api/v1/alerts?limit=50`, { headers });
  else if (kind === 'trace')
    res = await fetch(`${base}/api/v1/traces`, { method: 'POST', headers,
      body: JSON.stringify({ person_id: person, from: iso(Date.now() - TRACE_WINDOW_S * 1000),
        to: iso(Date.now()) }) });
  else
    res = await fetch(`${base}/api/v1/reports/daily?date=${REPORT_DATE || today()}&region=1`,
      { headers });
  await res.arrayBuffer();
  return res.status >= 200 && res.status < 300;
}

async function timed(kind, stats) {
  const t0 = performance.now();
  let ok = false;
  try { ok = await one(kind); } catch { ok = false; }
  const ms = performance.now() - t0;
  stats.lat.push(ms);
  stats.n++;
  stats.by[kind] = (stats.by[kind] || 0) + 1;
  if (!ok) { stats.errors++; stats.errorKinds[kind] = (stats.errorKinds[kind] || 0) + 1; }
}

// The gauges of /metrics named here, in KiB for the byte ones.
async function gauges() {
  const out = { index_stays: -1, index_kib: -1, heap_used_kib: -1, heap_free_kib: -1,
    sqlite_kib: -1 };
  try {
    const text = await (await fetch(`${base}/metrics`)).text();
    const g = (name) => Number((text.match(new RegExp(`^${name} (\\d+)`, 'm')) || [])[1] ?? -1);
    out.index_stays = g('sijin_trace_index_stays');
    out.index_kib = Math.round(g('sijin_trace_index_bytes') / 1024);
    out.heap_used_kib = Math.round(g('sijin_heap_in_use_bytes') / 1024);
    out.heap_free_kib = Math.round(g('sijin_heap_free_bytes') / 1024);
    out.sqlite_kib = Math.round(g('sijin_sqlite_heap_bytes') / 1024);
  } catch { /* reported as -1 */ }
  return out;
}

const fresh = () => ({ n: 0, errors: 0, lat: [], by: {}, errorKinds: {} });
const pct = (a, p) => (a.length ? a[Math.min(a.length - 1, Math.floor(p * a.length))] : 0);

function rss(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
  } catch { return -1; }
}

if (mode === 'capacity') {
  const stats = fresh();
  const end = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: CONNS }, async () => {
    while (Date.now() < end) await timed(pick(), stats);
  }));
  console.log(JSON.stringify({ rps: Math.round(stats.n / seconds), errors: stats.errors }));
} else {
  const rps = Number(rpsArg);
  let stats = fresh();
  let minute = 0;
  const start = Date.now();
  const report = async () => {
    const done = stats;
    stats = fresh();
    const lat = done.lat.sort((a, b) => a - b);
    const line = { minute: ++minute, requests: done.n, errors: done.errors,
      p50_ms: +pct(lat, 0.5).toFixed(1), p95_ms: +pct(lat, 0.95).toFixed(1),
      p99_ms: +pct(lat, 0.99).toFixed(1), rss_kib: rss(pidArg) };
    console.log(JSON.stringify({ ...line, ...(await gauges()), by_kind: done.by,
      error_kinds: done.errorKinds }));
  };
  const timer = setInterval(report, 60000);
  // Paced: request i starts at start + i / rps, at most CONNS*4 in flight.
  let i = 0, inflight = 0;
  await new Promise((done) => {
    const tick = () => {
      const now = Date.now();
      if (now - start >= seconds * 1000) {
        const wait = () => (inflight === 0 ? done() : setTimeout(wait, 50));
        return wait();
      }
      while (i < ((now - start) / 1000) * rps && inflight < CONNS * 4) {
        i++; inflight++;
        timed(pick(), stats).finally(() => { inflight--; });
      }
      setTimeout(tick, 5);
    };
    tick();
  });
  clearInterval(timer);
  if (stats.n > 0) await report();
}
