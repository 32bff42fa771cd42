// The alert feed's streams (GET /api/v1/alerts/stream, server-sent events)
// against the real binary: they hold their connections for as long as they
// last, so they must not be able to take every connection an address may
// hold (--max-connections-per-address; further connections are closed
// unanswered) and starve /healthz and scans; and a stream whose client went
// away must free its slot soon, not at the next keep-alive 15 s later
// (docs/checkpoint.md "Alerts", docs/config.md max-streams-per-address).
//
// The expected caps come from the settings: a client address may hold
// max-streams-per-address streams (default 16); all the streams through one
// TCP peer (a proxy) at most half of max-connections-per-address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { assertProblem, call, cliToken, signIn, startServer } from './lib.mjs';

const LISI = '370911197008152345';    // the demo's 李四, a resident at checkpoint 1's place

// Open one stream on a connection of its own.  Resolves to { status,
// headers, body (a refusal's text; '' for a stream), req, res }; a stream
// stays open until req.destroy().  A connection closed unanswered rejects.
function openStream(port, cookie, headers = {}) {
  return new Promise((ok, fail) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/alerts/stream', agent: false,
      headers: { Cookie: cookie, ...headers } });
    req.on('error', fail);
    req.on('response', (res) => {
      if (res.statusCode === 200) { ok({ status: 200, headers: res.headers, body: '', req, res }); return; }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body, req, res }));
    });
  });
}

// A refusal as assertProblem takes it (headers with get()).
function asReply(s) {
  let parsed = null;
  try { parsed = JSON.parse(s.body); } catch { /* not JSON */ }
  return { status: s.status, headers: new Headers(s.headers), body: parsed, text: s.body };
}

// Open streams until one is refused (or `most` are open): the open ones and
// the refusal.
async function fill(port, cookie, most, headersOf = () => ({})) {
  const open = [];
  for (let i = 0; i < most; i++) {
    const s = await openStream(port, cookie, headersOf(i));
    if (s.status !== 200) return { open, refused: s };
    open.push(s);
  }
  return { open, refused: null };
}

const port = (srv) => Number(new URL(srv.base).port);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// With the default cap: 16 streams, then 429; the address's other requests
// still get through.  --max-connections-per-address 40 keeps the test small:
// before the cap, streams took all 40 connections and the 41st request of
// the address was closed unanswered.
test('one address holds at most max-streams-per-address streams; its requests still pass', async () => {
  const srv = await startServer({ args: ['--max-connections-per-address', '40'] });
  let open = [];
  try {
    const leader = await signIn(srv.base, 'leader');
    const gate = cliToken(srv.db, 'gate');
    const got = await fill(port(srv), leader.cookie, 41);
    open = got.open;
    assert.equal(open.length, 16, 'streams open before the refusal');
    assert.ok(got.refused, 'no stream was refused');
    const p = assertProblem(asReply(got.refused), 429, 'rate-limited', 'stream');
    assert.match(p.detail, /16 streams are open from your address/);
    assert.ok(Number(got.refused.headers['retry-after']) >= 1, 'Retry-After');
    // The address's other requests: the health check and a scan.
    assert.equal((await call(srv, '/healthz')).status, 200);
    const scan = await call(srv, '/api/v1/checkpoints/1/scans', { method: 'POST', token: gate,
      body: { id_number: LISI, direction: 'in' } });
    assert.equal(scan.status, 200, scan.text);
    assert.equal(scan.body.decision, 'pass', scan.text);
    // The open streams are alive: each has its content type.
    for (const s of open) assert.match(s.headers['content-type'], /^text\/event-stream/);
  } finally {
    for (const s of open) s.req.destroy();
    await srv.stop();
  }
});

// Behind a reverse proxy every stream comes from the proxy's address:
// however many clients it serves, their streams take at most half of the
// proxy's connections (here 20 / 2 = 10), and the proxy's other requests
// still get through.
test('streams through one proxy take at most half of its connections', async () => {
  const srv = await startServer({ args: ['--trusted-proxies', '127.0.0.1',
    '--max-connections-per-address', '20'] });
  let open = [];
  try {
    const leader = await signIn(srv.base, 'leader');
    const gate = cliToken(srv.db, 'gate');
    const got = await fill(port(srv), leader.cookie, 21,
      (i) => ({ 'X-Forwarded-For': `10.0.0.${i + 1}` }));
    open = got.open;
    assert.equal(open.length, 10, 'streams open before the refusal');
    assert.ok(got.refused, 'no stream was refused');
    const p = assertProblem(asReply(got.refused), 503, 'store-busy', 'stream');
    assert.match(p.detail, /10 streams are open through your proxy/);
    assert.ok(Number(got.refused.headers['retry-after']) >= 1, 'Retry-After');
    const via = { 'X-Forwarded-For': '10.0.1.1' };
    assert.equal((await call(srv, '/healthz', { headers: via })).status, 200);
    const scan = await call(srv, '/api/v1/checkpoints/1/scans', { method: 'POST', token: gate,
      headers: via, body: { id_number: LISI, direction: 'in' } });
    assert.equal(scan.status, 200, scan.text);
  } finally {
    for (const s of open) s.req.destroy();
    await srv.stop();
  }
});

// A client that goes away while its stream waits (suspended, nothing to
// send) frees its slot within about a second: the server looks at the
// waiting streams' sockets every second.  Before, the stream lingered
// until the next keep-alive (up to 15 s) failed to send.
test('a stream whose client went away frees its slot within seconds', async () => {
  const srv = await startServer({ args: ['--max-streams-per-address', '1'] });
  const open = [];
  try {
    const leader = await signIn(srv.base, 'leader');
    const first = await openStream(port(srv), leader.cookie);
    open.push(first);
    assert.equal(first.status, 200);
    // Wait for the stream's opening comment: it is then suspended, waiting.
    await new Promise((ok) => first.res.once('data', ok));
    await sleep(300);
    const second = await openStream(port(srv), leader.cookie);
    assertProblem(asReply(second), 429, 'rate-limited', 'stream');
    first.req.destroy();
    const gone = Date.now();
    let again;
    while (Date.now() - gone < 4000) {
      again = await openStream(port(srv), leader.cookie);
      if (again.status === 200) break;
      await sleep(100);
    }
    open.push(again);
    assert.equal(again.status, 200, `the slot was still taken ${Date.now() - gone} ms after the client left`);
  } finally {
    for (const s of open) s.req.destroy();
    await srv.stop();
  }
});
