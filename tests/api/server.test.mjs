// Black-box tests of the HTTP server itself: routing, problem documents,
// sign-in, CSRF, tokens, limits, metrics, proxies, shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, call, signIn, cliToken as token, demoPasswords as DEMO_PASSWORDS, assertProblem, bin, top, unansweredHeads, headOfSize, firstAnswer, onPostgres } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('healthz answers 200 with the schema version', async () => {
  const r = await call(srv, '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  // The newest migration file's number (versions may have gaps, so not a
  // count of them): the highest NNNN of schema/sqlite/NNNN_*.sql.
  const newest = Math.max(...readdirSync(join(top, 'schema/sqlite'))
    .map((f) => parseInt(f, 10)).filter((n) => n > 0));
  assert.equal(r.body.schema_version, newest);
});

test('HEAD runs GET without a body; OPTIONS lists methods', async () => {
  const h = await call(srv, '/healthz', { method: 'HEAD' });
  assert.equal(h.status, 200);
  assert.equal(h.text, '');
  const o = await call(srv, '/api/v1/units', { method: 'OPTIONS' });
  assert.equal(o.status, 204);
  assert.deepEqual(o.headers.get('allow').split(', ').sort(), ['GET', 'HEAD', 'OPTIONS', 'POST']);
});

test('unknown path is 404, known path with wrong method 405 with Allow', async () => {
  assertProblem(await call(srv, '/api/v1/nothing-here'), 404, 'not-found');
  const r = await call(srv, '/healthz', { method: 'DELETE' });
  assertProblem(r, 405, 'method-not-allowed');
  assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
  assertProblem(await call(srv, '/api/v1/audit', { method: 'DELETE' }), 405, 'method-not-allowed');
});

test('a protected route without credentials is 401 with WWW-Authenticate', async () => {
  const r = await call(srv, '/api/v1/units');
  assertProblem(r, 401, 'unauthenticated');
  assert.match(r.headers.get('www-authenticate'), /^Bearer/);
  assertProblem(await call(srv, '/api/v1/units', { headers: { Authorization: 'Basic eDp5' } }),
    401, 'unauthenticated', 'Authorization');
  assertProblem(await call(srv, '/api/v1/units', { token: 'not-a-token' }), 401, 'unauthenticated');
});

test('sign-in: cookie attributes, same answer for wrong user and wrong password', async () => {
  const r = await call(srv, '/api/v1/session', { method: 'POST',
    body: { username: 'auditor', password: DEMO_PASSWORDS.auditor } });
  assert.equal(r.status, 200, r.text);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^sijin_session=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.doesNotMatch(cookie, /Secure/);  // plain HTTP on loopback; --cookie-secure adds it
  assert.notEqual(r.body.csrf_token, cookie.split(';')[0].split('=')[1]);
  assert.equal(r.body.tz, 'Asia/Shanghai');  // the setting tz's default (docs/config.md)
  const bad1 = await call(srv, '/api/v1/session', { method: 'POST', body: { username: 'auditor', password: 'wrong-password-1' } });
  const bad2 = await call(srv, '/api/v1/session', { method: 'POST', body: { username: 'nobody-here', password: 'wrong-password-1' } });
  assertProblem(bad1, 401, 'unauthenticated');
  assertProblem(bad2, 401, 'unauthenticated');
  assert.equal(bad1.body.detail, bad2.body.detail);
});

test('cookie sessions need the CSRF token for state changes, not for reads', async () => {
  const s = await signIn(srv.base, 'admin');
  assert.equal((await call(srv, '/api/v1/session', { session: s, csrf: '' })).status, 200);
  const noCsrf = await call(srv, '/api/v1/tokens', { method: 'POST', session: s, csrf: '', body: { name: 'x' } });
  assertProblem(noCsrf, 403, 'forbidden', 'X-CSRF-Token');
  const wrong = await call(srv, '/api/v1/tokens', { method: 'POST', session: s, csrf: s.csrf.replace(/^./, (c) => c === 'A' ? 'B' : 'A'), body: { name: 'x' } });
  assertProblem(wrong, 403, 'forbidden', 'X-CSRF-Token');
  const ok = await call(srv, '/api/v1/tokens', { method: 'POST', session: s, body: { name: 'x' } });
  assert.equal(ok.status, 201, ok.text);
  assert.match(ok.body.token, /^[A-Za-z0-9_-]{43}$/);
  // Signed out, the cookie no longer works.
  assert.equal((await call(srv, '/api/v1/session', { method: 'DELETE', session: s })).status, 204);
  assertProblem(await call(srv, '/api/v1/session', { session: s }), 401, 'unauthenticated');
});

test('API tokens: bearer works, revoked does not, list never shows the secret', async () => {
  const t = token(srv.db, 'admin');
  const me = await call(srv, '/api/v1/session', { token: t });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'admin');
  const list = await call(srv, '/api/v1/tokens', { token: t });
  assert.equal(list.status, 200);
  assert.ok(!list.text.includes(t));
  const mine = list.body.items.find((x) => t.startsWith(x.prefix));
  assert.ok(mine, 'the token is listed by its prefix');
  assert.equal((await call(srv, `/api/v1/tokens/${mine.id}`, { method: 'DELETE', token: t })).status, 204);
  assertProblem(await call(srv, '/api/v1/session', { token: t }), 401, 'unauthenticated');
});

test('cached tokens: revoked or disabled through the server at once, by the command line within 2 s', async () => {
  // The server caches a token's principal for at most 2 s (src/http/authn.c):
  // a change made through this server applies to the very next request, one
  // made by another process (the command line) within those 2 s.
  const admin = token(srv.db, 'admin');
  const t1 = token(srv.db, 'auditor');
  for (let i = 0; i < 4; i++)  // cached in every worker thread
    assert.equal((await call(srv, '/api/v1/session', { token: t1 })).status, 200);
  const list = await call(srv, '/api/v1/tokens', { token: t1 });
  assert.equal(list.status, 200, list.text);
  const row = list.body.items.find((x) => t1.startsWith(x.prefix));
  assert.ok(row, 'the token is listed');
  // Through the command line (another process): an entry cached before the
  // revocation lives at most 2 s, and none is made after it, so every
  // request that reaches the server 2 s after the revocation is refused.
  execFileSync(bin, ['--db', srv.db, 'user', 'token-revoke', String(row.id)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2050));
  for (let i = 0; i < 4; i++)
    assertProblem(await call(srv, '/api/v1/session', { token: t1 }), 401, 'unauthenticated');
  // A user disabled through the server: refused on the next request.
  const pw = join(tmpdir(), `sijin-pw-${process.pid}`);
  writeFileSync(pw, 'cache-test-password-1\n');
  execFileSync(bin, ['--db', srv.db, 'user', 'add', 'cachetest', '--role', 'auditor', '--password-file', pw], { stdio: 'ignore' });
  unlinkSync(pw);
  const t2 = token(srv.db, 'cachetest');
  for (let i = 0; i < 4; i++)
    assert.equal((await call(srv, '/api/v1/session', { token: t2 })).status, 200);
  const users = await call(srv, '/api/v1/users', { token: admin });
  assert.equal(users.status, 200, users.text);
  const member = users.body.items.find((u) => u.username === 'cachetest');
  const dis = await call(srv, `/api/v1/users/${member.id}`, { method: 'PATCH', token: admin, body: { disabled: true } });
  assert.ok(dis.status === 200 || dis.status === 204, dis.text);
  for (let i = 0; i < 4; i++)
    assertProblem(await call(srv, '/api/v1/session', { token: t2 }), 401, 'unauthenticated');
});

test('bad bodies get 4xx problem documents naming what was wrong', async () => {
  const t = token(srv.db, 'admin');
  const post = (o) => call(srv, '/api/v1/tokens', { method: 'POST', token: t, ...o });
  const malformed = await post({ raw: '{"name": "refused",' });
  assertProblem(malformed, 400, 'malformed-json', 'body');
  assert.match(malformed.body.detail, /line 1 column/);
  assertProblem(await post({ raw: '[1,2]' }), 400, 'malformed-json', 'body');
  assertProblem(await post({ raw: '{"name":"a","name":"b"}' }), 400, 'malformed-json', 'body');
  // the field at fault is the header, as the import and photo routes name it
  assertProblem(await post({ raw: '{"name":"refused"}', type: 'text/plain' }), 415, 'unsupported-media-type',
    'Content-Type');
  // RFC 8259 allows \u0000 in a string; no field holds it: refused in words,
  // not by the JSON library's flag (JSON_ALLOW_NUL)
  const nul = await post({ raw: '{"name":"a\\u0000b"}' });
  assertProblem(nul, 400, 'malformed-json', 'body');
  assert.match(nul.body.detail, /NUL character/);
  assert.doesNotMatch(nul.body.detail, /JSON_ALLOW_NUL/);
  assertProblem(await post({ raw: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }),
    400, 'malformed-json', 'body');
  assertProblem(await post({ body: { name: 'refused', colour: 'red' } }), 422, 'invalid-input', 'colour');
  assertProblem(await post({ body: { name: 42 } }), 422, 'invalid-input', 'name');
  assertProblem(await post({ body: {} }), 422, 'invalid-input', 'name');
  assertProblem(await post({ body: { name: 'refused', expires_in_days: 99999 } }), 422, 'invalid-input', 'expires_in_days');
  assertProblem(await post({ raw: JSON.stringify({ name: 'refused'.repeat(5000) }) }), 413, 'too-large', 'body');
  // Nothing was created by any of the refused requests: only the one token.
  const list = await call(srv, '/api/v1/tokens', { token: t });
  assert.equal(list.body.items.filter((x) => x.name === 'refused').length, 0);
});

test('query parameters are validated', async () => {
  const t = token(srv.db, 'admin');
  assertProblem(await call(srv, '/api/v1/audit?colour=red', { token: t }), 422, 'invalid-input', 'colour');
  assertProblem(await call(srv, '/api/v1/audit?limit=0', { token: t }), 422, 'invalid-input', 'limit');
  assertProblem(await call(srv, '/api/v1/audit?limit=5&limit=6', { token: t }), 422, 'invalid-input', 'limit');
  assertProblem(await call(srv, '/api/v1/audit?cursor=!!!', { token: t }), 422, 'invalid-input', 'cursor');
  assertProblem(await call(srv, '/api/v1/audit?from=yesterday', { token: t }), 422, 'invalid-input', 'from');
});

test('roles: the audit log is for admin and auditor only', async () => {
  const leader = await signIn(srv.base, 'leader');
  assertProblem(await call(srv, '/api/v1/audit', { session: leader }), 403, 'forbidden');
  const auditor = await signIn(srv.base, 'auditor');
  const r = await call(srv, '/api/v1/audit?action=user.sign_in', { session: auditor });
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length >= 1);
  assert.ok(r.body.items.every((e) => e.action.startsWith('user.sign_in')));
});

test('sign-in is rate limited per username with Retry-After', async () => {
  let last;
  for (let i = 0; i < 6; i++)
    last = await call(srv, '/api/v1/session', { method: 'POST', body: { username: 'gate', password: 'wrong-password-' + i } });
  assertProblem(last, 429, 'rate-limited');
  const after = Number(last.headers.get('retry-after'));
  assert.ok(after > 0 && after <= 900, String(after));
  // Even the right password is refused while limited.
  const right = await call(srv, '/api/v1/session', { method: 'POST', body: { username: 'gate', password: DEMO_PASSWORDS.gate } });
  assert.equal(right.status, 429);
});

test('metrics: Prometheus text with requests by route and status and a histogram', async () => {
  await call(srv, '/healthz');
  const r = await call(srv, '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  assert.match(r.text, /^# TYPE sijin_http_requests_total counter$/m);
  assert.match(r.text, /^sijin_http_requests_total\{route="\/healthz",method="GET",status="200"\} [1-9]\d*$/m);
  assert.match(r.text, /^sijin_http_requests_total\{route="\/api\/v1\/units",method="GET",status="401"\} [1-9]\d*$/m);
  assert.match(r.text, /^sijin_http_request_duration_seconds_bucket\{route="\/healthz",method="GET",le="\+Inf"\} \d+$/m);
  assert.match(r.text, /^sijin_store_errors_total \d+$/m);
  // SQLite: the log's folder synced once, when the scan writer's syncer started
  if (!onPostgres)
    assert.match(r.text, /^sijin_scan_writer_log_dir_syncs_total 1$/m);
  for (const line of r.text.split('\n').filter((l) => l && !l.startsWith('#')))
    assert.match(line, /^[a-z_]+(\{([a-z_]+="[^"]*",?)+\})? [0-9.e+-]+$/, line);
});

test('the access log has one line per request with id, user, route, status, time', async () => {
  const r = await call(srv, '/healthz');
  const rid = r.headers.get('x-request-id');
  await new Promise((res) => setTimeout(res, 50));
  const line = srv.log().split('\n').find((l) => l.includes('rid=' + rid));
  assert.ok(line, 'access line present');
  assert.match(line, /level=info http rid=[0-9a-f]{16} ip=127\.0\.0\.1 user=- method=GET route=\/healthz status=200 ms=\d/);
});

test('X-Forwarded-For is trusted only from configured proxies', async () => {
  const xff = { 'X-Forwarded-For': '203.0.113.7' };
  const signInWith = async (s) => (await call(s, '/api/v1/session', { method: 'POST', headers: xff,
    body: { username: 'culture', password: DEMO_PASSWORDS.culture } })).status;
  const lastIp = async (s) => {
    const a = await call(s, '/api/v1/audit?action=user.sign_in&limit=1', { token: token(s.db, 'admin') });
    return a.body.items[0].ip;
  };
  assert.equal(await signInWith(srv), 200);
  assert.equal(await lastIp(srv), '127.0.0.1');
  const proxied = await startServer({ args: ['--trusted-proxies', '127.0.0.1'] });
  try {
    assert.equal(await signInWith(proxied), 200);
    assert.equal(await lastIp(proxied), '203.0.113.7');
  } finally { await proxied.stop(); }
});

test('SIGTERM lets a request in flight finish, then exits 0', async () => {
  const s = await startServer();
  const pending = call(s, '/api/v1/session', { method: 'POST', body: { username: 'admin', password: DEMO_PASSWORDS.admin } });
  await new Promise((res) => setTimeout(res, 20));  // the Argon2id check takes ~100 ms
  s.proc.kill('SIGTERM');
  const r = await pending;
  assert.equal(r.status, 200, r.text);
  await s.stop();  // asserts exit status 0
  assert.match(s.log(), /stopped/);
});

test('oversized request headers are refused, the server keeps serving', async () => {
  const r = await call(srv, '/healthz', { headers: { 'X-Padding': 'a'.repeat(100 * 1024) } }).catch((e) => ({ status: 'closed', e }));
  assert.ok(r.status === 431 || r.status === 'closed', String(r.status));
  assert.equal((await call(srv, '/healthz')).status, 200);
});

test('every request head from 6 to 20 KiB gets an answer: a 431 or a normal one, never a bare close', { timeout: 120000 }, async () => {
  // libmicrohttpd keeps the head in its 8 KiB a connection (server.c
  // HEADER_MEMORY_LIMIT): heads of ~7.8 to ~8 KiB left no room for the
  // 431's headers and were closed with no answer at all.  RFC 6585 §5: a
  // server refusing a head for its size answers 431.
  const port = Number(new URL(srv.base).port);
  assert.deepEqual(await unansweredHeads(port), []);
  // HEAD gets the same status, its length said and no body (RFC 9110 §9.3.2).
  const head = Buffer.from(headOfSize(7900).toString('latin1').replace(/^GET/, 'HEAD'), 'latin1');
  assert.match(await firstAnswer(port, head), /^HTTP\/1\.1 431 /);
  assert.equal((await call(srv, '/healthz')).status, 200);
});

test('invalid or cut UTF-8 in paths, queries and echoed values never crashes', async () => {
  const t = token(srv.db, 'admin');
  assertProblem(await call(srv, '/nothing%FF'), 404, 'not-found');
  assertProblem(await call(srv, '/api/v1/units/%C0'), 401, 'unauthenticated');
  assertProblem(await call(srv, '/api/v1/units/%FF', { token: t }), 404, 'not-found');
  assertProblem(await call(srv, '/api/v1/units?kind=%FF', { token: t }), 422, 'invalid-input', 'kind');
  assertProblem(await call(srv, '/api/v1/units?limit=%FF', { token: t }), 422, 'invalid-input', 'limit');
  const weird = await call(srv, '/api/v1/units', { method: 'POST', token: t,
    body: { kind: '‹' + '中'.repeat(90) + '>', name: 'n', region_id: 3 } });
  assertProblem(weird, 422, 'invalid-input', 'kind');
  // A message that reaches the 256-byte buffer must be cut on a character boundary.
  const name = '长'.repeat(99);
  assert.equal((await call(srv, '/api/v1/units', { method: 'POST', token: t, body: { kind: 'village', name, region_id: 3 } })).status, 201);
  const dup = await call(srv, '/api/v1/units', { method: 'POST', token: t, body: { kind: 'village', name, region_id: 3 } });
  assertProblem(dup, 409, 'conflict', 'name');
  assert.equal((await call(srv, '/healthz')).status, 200);
});

test('an early 404 without a body keeps the connection open', async () => {
  const r = await call(srv, '/api/v1/nothing');
  assert.equal(r.status, 404);
  assert.notEqual(r.headers.get('connection'), 'close');
});
