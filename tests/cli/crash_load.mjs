// Load generator of the crash test (tests/cli/crash.sh, issue 10
// "Durability and faults"): sends scans and supply documents to a server
// that is about to be killed with SIGKILL, and records exactly which writes
// the server acknowledged.
//
//   node crash_load.mjs STATE_DIR BASE_URL [retry]
//
// With "retry" it only sends the pending scans again and exits.  With
// "through" (the PostgreSQL restart test, tests/cli/pgfault.sh) the server
// stays up while its database goes away: it runs until the file STATE_DIR/stop
// appears; an answer 503 that is a problem document (application/
// problem+json, status 503) is expected then: the scan is sent again later
// with the same key, documents are not; the count of 503s is written to
// STATE_DIR/unavailable.  A request without an answer is an error there.
//
// STATE_DIR holds the state that outlives one server (all files are
// appended to or rewritten whole, line by line):
//   config     "token cp site persons base" written by crash.sh: the API
//              token, the checkpoint, the supply site, person ids
//              (comma-separated), the first instant (seconds) of the scans;
//   seq        the next scan number;
//   acked      one line a 2xx-acknowledged write: "scan <id> <at> <key>" or
//              "doc <id> <note>", appended before the next request starts;
//   pending    scans sent but never answered (the connection died): sent
//              again, with the same idempotency key and time, by the next
//              run, as a scanning device would after the server came back.
// A scan n is at base + n seconds (each scan its own instant, so a
// duplicate row would show), direction in, idempotency key "crash-<n>".
// Documents (one of the CONCURRENCY loops, default 32) are receipts of 2
// lines with the note "crash-<n>"; they carry no idempotency key, so an
// unanswered one is not sent again.
//
// It runs CONCURRENCY loops until one request fails without an answer (the
// server is gone), then writes pending and exits 0.  A 5xx answer or an
// unexpected 4xx is an error: it exits 1 naming it.
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dir, base, mode] = process.argv.slice(2);
const CONCURRENCY = Number(process.env.CRASH_CONCURRENCY || 32);
const [token, cp, site, persons, first] = readFileSync(join(dir, 'config'), 'utf8').trim().split(' ');
const people = persons.split(',');
const read = (f, d) => existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : d;
let seq = Number(read('seq', '0'));
const retry = read('pending', '').split('\n').filter(Boolean).map(Number);
const inflight = new Set();
let gone = false;
let failure = null;
let unavailable = 0;

// A 503 problem document, in "through" mode: counted, and true.
function expectedUnavailable(res, body) {
  if (mode !== 'through' || res.status !== 503) return false;
  if (!/^application\/problem\+json/.test(res.headers.get('content-type') || '') ||
      body?.status !== 503)
    throw new Error(`a 503 that is not a problem document: ${JSON.stringify(body)}`);
  unavailable++;
  return true;
}

const iso = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

async function post(path, body) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  return { status: res.status, body: parsed, unavailable: expectedUnavailable(res, parsed) };
}

async function scan(n) {
  const at = Number(first) + n;
  inflight.add(n);
  const r = await post(`/api/v1/checkpoints/${cp}/scans`, {
    person_id: Number(people[n % people.length]), direction: 'in', time: iso(at),
    temperature: '36.6', idempotency_key: `crash-${n}`,
  });
  inflight.delete(n);
  if (r.unavailable) {
    retry.push(n);
    await new Promise((ok) => setTimeout(ok, 20));
    return;
  }
  if (r.status !== 200)
    throw new Error(`scan ${n}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  appendFileSync(join(dir, 'acked'), `scan ${r.body.id} ${at} crash-${n}\n`);
}

async function doc(n) {
  const note = `crash-${n}`;
  const r = await post('/api/v1/supply/documents', {
    kind: 'receipt', site_id: Number(site), source: 'donation', note,
    lines: [{ item: '口罩', quantity: '2' }, { item: '酒精', quantity: '1' }],
  });
  if (r.unavailable) return;
  if (r.status !== 201)
    throw new Error(`document ${n}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  appendFileSync(join(dir, 'acked'), `doc ${r.body.id} ${note}\n`);
}

const stopped = () => mode === 'through' && existsSync(join(dir, 'stop'));

// Loop 0 sends documents, the others scans (the pending ones first), so
// that documents go on however long scans wait for their group commit.
async function loop(_, k) {
  while (!gone && !failure && !stopped()) {
    try {
      if (k > 0 && retry.length) {
        await scan(retry.shift());
        continue;
      }
      if (mode === 'retry') break;
      const n = seq++;
      await (k === 0 ? doc(n) : scan(n));
    } catch (err) {
      if (err instanceof TypeError && mode !== 'through') gone = true;  // no answer
      else failure = err;
    }
  }
}

await Promise.all(Array.from({ length: CONCURRENCY }, loop));
// Scans never answered, and retries not yet sent, are sent again next time.
writeFileSync(join(dir, 'pending'), [...inflight, ...retry].map((n) => `${n}\n`).join(''));
writeFileSync(join(dir, 'seq'), `${seq}\n`);
writeFileSync(join(dir, 'unavailable'), `${unavailable}\n`);
if (failure) {
  console.error(`crash_load: ${failure.message}`);
  process.exit(1);
}
