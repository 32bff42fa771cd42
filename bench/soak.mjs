// Load generator of `make soak` (bench/soak.sh; issue 10 "Load"): mixed
// traffic against a running `sijin serve` — scans (POST, each with its own
// idempotency key), scan lists, alert lists, traces and daily reports — in
// the proportions of MIX, from CONNS concurrent workers.
//   node bench/soak.mjs capacity BASE TOKEN CP PEOPLE SECONDS
//       as fast as the workers go for SECONDS; prints {"rps": n, "errors": n}
//   node bench/soak.mjs soak BASE TOKEN CP PEOPLE SECONDS RPS PID
//       RPS requests a second (paced) for SECONDS; every minute one JSON line
//       {"minute", "requests", "errors", "p50_ms", "p95_ms", "p99_ms",
//        "rss_kib", "by_kind"} with the server's resident memory (PID's VmRSS)
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
let seq = 0;

function pick() {
  let r = Math.random() * total;
  for (const [k, w] of MIX) { if ((r -= w) < 0) return k; }
  return 'scan';
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
      body: JSON.stringify({ person_id: person, direction: n % 2 ? 'out' : 'in',
        idempotency_key: `soak-${process.pid}-${n}` }) });
  else if (kind === 'scans')
    res = await fetch(`${base}/api/v1/scans?person_id=${person}&limit=50`, { headers });
  else if (kind === 'alerts')
    res = await fetch(`${base}/api/v1/alerts?limit=50`, { headers });
  else if (kind === 'trace')
    res = await fetch(`${base}/api/v1/traces`, { method: 'POST', headers,
      body: JSON.stringify({ person_id: person, days: 14 }) });
  else
    res = await fetch(`${base}/api/v1/reports/daily?date=${today()}&region=1`, { headers });
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
  const report = () => {
    const lat = stats.lat.sort((a, b) => a - b);
    console.log(JSON.stringify({ minute: ++minute, requests: stats.n, errors: stats.errors,
      p50_ms: +pct(lat, 0.5).toFixed(1), p95_ms: +pct(lat, 0.95).toFixed(1),
      p99_ms: +pct(lat, 0.99).toFixed(1), rss_kib: rss(pidArg), by_kind: stats.by,
      error_kinds: stats.errorKinds }));
    stats = fresh();
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
  if (stats.n > 0) report();
}
