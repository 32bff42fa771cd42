// Security sweep (issue 10 "Abuse and bad input: security tests"; issue 3
// "sign-in ... audit"), black-box on the real binary, on both stores.
//
// Each test states the attack and what must hold; the expected values are
// the rules of docs/roles.md and docs/deploy.md, not what the server
// happens to answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startServer, signIn, tokenClient, call, sql, count, assertProblem, demoPasswords,
  listAll, pool, top } from './lib.mjs';

let srv;
let admin;    // Bearer client of admin
let auditor;  // session of the auditor

before(async () => {
  srv = await startServer();
  admin = await tokenClient(await signIn(srv.base, 'admin'));
  auditor = await signIn(srv.base, 'auditor');
});
after(async () => { await srv?.stop(); });

const lastEvent = async (action) => {
  const res = await auditor.get(`/api/v1/audit?action=${action}&limit=1`);
  assert.equal(res.status, 200, res.text);
  return res.body.items[0];
};

test('sign-in, failed sign-in and sign-out events carry the request id and address', async () => {
  const ok = await call(srv, '/api/v1/session', { method: 'POST',
    body: { username: 'culture', password: demoPasswords.culture } });
  assert.equal(ok.status, 200, ok.text);
  let ev = await lastEvent('user.sign_in');
  assert.equal(ev.username, 'culture');
  assert.equal(ev.request_id, ok.headers.get('x-request-id'));
  assert.equal(ev.ip, '127.0.0.1');

  const bad = await call(srv, '/api/v1/session', { method: 'POST',
    body: { username: 'culture', password: 'not-the-password-1' } });
  assert.equal(bad.status, 401);
  ev = await lastEvent('user.sign_in_failed');
  assert.equal(ev.request_id, bad.headers.get('x-request-id'));
  assert.equal(ev.ip, '127.0.0.1');

  const cookie = ok.headers.get('set-cookie').split(';')[0];
  const out = await call(srv, '/api/v1/session', { method: 'DELETE',
    headers: { Cookie: cookie, 'X-CSRF-Token': ok.body.csrf_token } });
  assert.equal(out.status, 204, out.text);
  ev = await lastEvent('user.sign_out');
  assert.equal(ev.username, 'culture');
  assert.equal(ev.request_id, out.headers.get('x-request-id'));
  assert.equal(ev.ip, '127.0.0.1');
});

// ---- SQL injection: every query parameter of every GET route ---------------
//
// The route list and each route's query parameters come from
// api/openapi.json (tests/unit/test_openapi.c proves it matches the route
// table).  Every parameter gets every payload, once as admin (global scope)
// and once as the liaison of 高铁社区 (one unit).  What must hold: never a
// 5xx; a refusal is a 4xx problem document (Open311 paths answer in their
// own error format); an answer never names a unit the caller's unfiltered
// answer does not (the four units outside 高铁社区 are the markers), and a
// list answer holds no record the caller's unfiltered list (every page)
// lacks; and afterwards no table has lost or gained a row.
const INJECTIONS = [
  "' OR '1'='1", '1 OR 1=1', "1; DROP TABLE unit; --", "%' OR 1=1 --",
  "1) UNION SELECT name, sql FROM sqlite_master --", "1' UNION SELECT NULL--",
  '-1', '99999999999999999999', '1e3', '\u0000', "'; SELECT pg_sleep(5); --",
];
const FOREIGN_UNITS = ['小堰堤社区', '李家庄社区', '泰山石膏有限公司', '丰泽领秀城项目'];

function getRoutes() {
  const doc = JSON.parse(readFileSync(join(top, 'api/openapi.json'), 'utf8'));
  const shared = doc.components.parameters || {};
  const out = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!ops.get) continue;
    const params = [...(ops.parameters || []), ...(ops.get.parameters || [])]
      .map((p) => (p.$ref ? shared[p.$ref.split('/').pop()] : p))
      .filter((p) => p.in === 'query').map((p) => p.name);
    if (params.length === 0 || path.endsWith('/stream')) continue;
    out.push({ path: path.replace('{file}', '1.json').replace(/\{[a-z_]+\}/g, '1'), params });
  }
  return out;
}

const TABLES = ['unit', 'place', 'person', 'app_user', 'service_request', 'visit', 'scan',
  'supply_doc', 'task', 'work_plan'];
const tableCounts = () => TABLES.map((t) => count(srv.db, `SELECT count(*) FROM ${t}`));

test('SQL injection in every query parameter of every list route', { timeout: 600000 }, async () => {
  const gaotie = await signIn(srv.base, 'gaotie');
  const before = tableCounts();
  const routes = getRoutes();
  assert.ok(routes.length >= 40, `only ${routes.length} routes with query parameters`);
  const cases = [];
  for (const who of [admin, gaotie]) {
    for (const r of routes) {
      const base = await who.get(r.path);
      const foreignInBase = FOREIGN_UNITS.filter((u) => base.text.includes(u));
      const ids = base.status === 200 && Array.isArray(base.body?.items)
        ? new Set((await listAll(who, r.path)).items.map((x) => x.id)) : null;
      for (const name of r.params)
        for (const v of INJECTIONS)
          cases.push({ who, r, name, v, foreignInBase, ids });
    }
  }
  const failures = [];
  await pool(cases, 4, async ({ who, r, name, v, foreignInBase, ids }) => {
    const url = `${r.path}?${name}=${encodeURIComponent(v)}`;
    const res = await who.get(url);
    const why = (msg) => failures.push(`${who === admin ? 'admin' : 'gaotie'} ${url}: ${msg}`);
    if (res.status >= 500) return why(`${res.status} ${res.text.slice(0, 200)}`);
    if (res.status >= 400 && !r.path.startsWith('/open311/') &&
        !/^application\/problem\+json/.test(res.headers.get('content-type') || ''))
      return why(`${res.status} is not a problem document`);
    for (const u of FOREIGN_UNITS)
      if (!foreignInBase.includes(u) && res.text.includes(u)) return why(`widened: shows ${u}`);
    const extra = res.status === 200 && ids && Array.isArray(res.body?.items)
      ? res.body.items.filter((x) => x.id !== undefined && !ids.has(x.id)) : [];
    if (extra.length) return why(`widened: ids ${extra.map((x) => x.id)} not in the unfiltered list`);
    return null;
  });
  assert.deepEqual(failures, []);
  assert.deepEqual(tableCounts(), before);
  // the store is whole and still answers
  assert.equal((await admin.get('/healthz')).status, 200);
  assert.equal((await gaotie.get('/api/v1/units')).body.items.length, 1);
});

// The API has no sort parameter (every list has one fixed order, docs in
// api/openapi.json), so the filters above are all there is to inject into;
// path ids are the other way in.
test('SQL injection in path ids: every GET route with an id answers 4xx', async () => {
  const doc = JSON.parse(readFileSync(join(top, 'api/openapi.json'), 'utf8'));
  const failures = [];
  const paths = Object.keys(doc.paths).filter((p) => doc.paths[p].get && /\{[a-z_]+\}/.test(p));
  assert.ok(paths.length >= 30, `only ${paths.length} routes with an id`);
  for (const path of paths)
    for (const v of ["1' OR '1'='1", '1 OR 1=1', '1;DROP TABLE unit', '-1', '0x1', '1e3',
      '99999999999999999999', '%00']) {
      const url = path.replace(/\{[a-z_]+\}/g, encodeURIComponent(v));
      const res = await admin.get(url);
      if (res.status >= 500 || res.status < 400) failures.push(`${url}: ${res.status}`);
    }
  assert.deepEqual(failures, []);
  assert.equal(count(srv.db, 'SELECT count(*) FROM unit') > 0, true);
});

// strtoll saturates: before the fix "99999999999999999999" read as
// INT64_MAX and was taken as an id (and an empty answer then tripped
// UBSan's check of qsort on a NULL array in scan_list.c).
test('an integer too large for 64 bits is refused, not read as the largest id', async () => {
  for (const [path, name] of [['/api/v1/scans', 'person_id'], ['/api/v1/stays', 'person_id'],
    ['/api/v1/units', 'region_id'], ['/api/v1/visits', 'unit_id'], ['/api/v1/requests', 'unit_id'],
    ['/api/v1/audit', 'user_id'], ['/api/v1/units', 'limit']]) {
    const p = assertProblem(await admin.get(`${path}?${name}=99999999999999999999`), 422,
      'invalid-input', name);
    assert.match(p.detail, /out of range/);
  }
  assert.equal((await admin.get('/api/v1/scans?person_id=9223372036854775807')).status, 200);
});

// ---- stored XSS and formula injection ---------------------------------------
//
// Text a person typed — a unit's, place's and checkpoint's names, a
// request's description, an item's name, a document's note — holding
// markup or a spreadsheet formula must come back inert in every output
// that is not JSON: Open311 XML and the place-code poster SVG escape it
// (the escaped form is there, the raw one is not), the check-in page never
// carries it (its script fills the page with textContent from JSON), and
// CSV exports put an apostrophe before a leading '=' (OWASP "CSV
// injection").
const XSS = '<img src=x onerror=alert(1)>';
const FORMULA = '=HYPERLINK("http://evil.example/","点我")';

test('markup comes back escaped in XML and SVG, never in the check-in page', async () => {
  const region = (await admin.get('/api/v1/regions')).body.items.find((r) => r.name === '岱岳区').id;
  const unit = await admin.post('/api/v1/units', { kind: 'community', name: `社区${XSS}`,
    region_id: region });
  assert.equal(unit.status, 201, unit.text);
  const place = await admin.post('/api/v1/places', { unit_id: unit.body.id, kind: 'residential',
    name: `小区${XSS}`, address: `路${XSS}` });
  assert.equal(place.status, 201, place.text);
  const cp = await admin.post('/api/v1/checkpoints', { place_id: place.body.id, name: `大门${XSS}` });
  assert.equal(cp.status, 201, cp.text);
  const code = await admin.post(`/api/v1/checkpoints/${cp.body.id}/place-code`);
  assert.equal(code.status, 201, code.text);

  // the poster: names escaped (the SVG is XML)
  const svg = await admin.get(`/api/v1/checkpoints/${cp.body.id}/place-code/poster?format=svg`);
  assert.equal(svg.status, 200, svg.text.slice(0, 300));
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.ok(!svg.text.includes('<img'), 'raw markup in the SVG');
  assert.ok(svg.text.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the name is shown escaped');

  // the check-in page is static: the names reach it only as JSON
  const token = code.body.token;
  const page = await call(srv, `/c/${token}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.ok(!page.text.includes('onerror'), 'the page carries stored text');
  const info = await call(srv, `/api/v1/checkin/${token}`);
  assert.equal(info.status, 200, info.text);
  assert.match(info.headers.get('content-type'), /^application\/json/);
  assert.equal(info.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(info.body.checkpoint_name, `大门${XSS}`);

  // Open311 XML: the description, reporter and address escaped
  const req = await admin.post('/api/v1/requests', { service_code: 'other', unit_id: unit.body.id,
    description: `描述${XSS}`, reporter_name: `张${XSS}`, address: `地址${XSS}` });
  assert.equal(req.status, 201, req.text);
  const xml = await call(srv, `/open311/v2/requests/${req.body.id}.xml`,
    { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(xml.status, 200, xml.text);
  assert.ok(!xml.text.includes('<img'), 'raw markup in the XML');
  assert.ok(xml.text.includes('描述&lt;img src=x onerror=alert(1)&gt;'), xml.text.slice(0, 600));
  const all = await call(srv, '/open311/v2/requests.xml',
    { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(all.status, 200);
  assert.ok(!all.text.includes('<img'), 'raw markup in the XML list');

  // the daily report's HTML: the unit's name and the request escaped
  const today = new Date().toISOString().slice(0, 10);
  const html = await admin.get(`/api/v1/reports/daily?unit=${unit.body.id}&date=${today}&format=html`);
  assert.equal(html.status, 200, html.text.slice(0, 300));
  assert.match(html.headers.get('content-type'), /^text\/html/);
  assert.ok(!html.text.includes('<img'), 'raw markup in the report');
  assert.ok(html.text.includes('社区&lt;img src=x onerror=alert(1)&gt;'), html.text.slice(0, 600));
});

test('a leading formula is neutralised in the supply CSV exports', async () => {
  const leader = await signIn(srv.base, 'leader');
  const sites = (await leader.get('/api/v1/supply/sites')).body.items;
  const store = sites.find((s) => s.kind === 'group').id;
  const item = await leader.post('/api/v1/supply/items', { name: FORMULA, base_unit: 'piece' });
  assert.equal(item.status, 201, item.text);
  const doc = await leader.post('/api/v1/supply/documents', { kind: 'receipt', site_id: store,
    source: 'donation', date: '2020-03-20', note: '+cmd|" /C calc"!A0',
    lines: [{ item_id: item.body.id, qty: 5 }] });
  assert.equal(doc.status, 201, doc.text);
  for (const path of [`/api/v1/supply/ledger/export?format=csv&site_id=${store}`,
    `/api/v1/supply/stock/export?format=csv&site_id=${store}`]) {
    const res = await leader.get(path);
    assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 200)}`);
    // RFC 4180: every field quoted, quotes doubled; the formula gets an apostrophe
    assert.ok(res.text.includes('"\'=HYPERLINK(""http://evil.example/"",""点我"")"'),
      `${path}: ${res.text.slice(0, 400)}`);
    // no field of any row starts a formula
    for (const line of res.text.split('\r\n'))
      assert.doesNotMatch(line, /(^|,)"?[=+@]/, `${path}: ${line}`);
  }
  const ledger = await leader.get(`/api/v1/supply/ledger/export?format=csv&site_id=${store}`);
  assert.ok(ledger.text.includes('"\'+cmd|"" /C calc""!A0"'), ledger.text.slice(0, 600));
});

// ---- CSRF, session fixation, tokens ----------------------------------------

test('CSRF: no state-changing route takes a cookie without the CSRF token', { timeout: 120000 },
  async () => {
    const doc = JSON.parse(readFileSync(join(top, 'api/openapi.json'), 'utf8'));
    const s = await signIn(srv.base, 'admin');
    const before = count(srv.db, 'SELECT count(*) FROM audit_event');
    const open = new Set(['POST /api/v1/session', 'POST /api/v1/checkin/{token}']);
    let n = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of ['post', 'put', 'patch', 'delete']) {
        const op = ops[method];
        if (!op || path.startsWith('/open311/') || open.has(`${method.toUpperCase()} ${path}`))
          continue;
        const url = path.replace(/\{[a-z_]+\}/g, '1');
        // no body: the CSRF check comes before the body is even looked at
        const res = await call(srv, url, { method: method.toUpperCase(), session: s, csrf: '' });
        assertProblem(res, 403, 'forbidden', 'X-CSRF-Token');
        n++;
      }
    }
    assert.ok(n >= 60, `only ${n} state-changing routes`);
    assert.equal(count(srv.db, 'SELECT count(*) FROM audit_event'), before);
  });

test('no cross-site door: sign-in takes JSON only, and no CORS grant is made', async () => {
  // A form on another site can post text/plain or urlencoded bodies without
  // a preflight; the sign-in refuses them, so it cannot sign a victim in.
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])
    assertProblem(await call(srv, '/api/v1/session', { method: 'POST', type,
      raw: JSON.stringify({ username: 'leader', password: demoPasswords.leader }) }),
    415, 'unsupported-media-type');
  const evil = { Origin: 'https://evil.example' };
  const leader = await signIn(srv.base, 'leader');
  for (const res of [
    await call(srv, '/api/v1/units', { session: leader, headers: evil }),
    await call(srv, '/api/v1/units', { method: 'OPTIONS', headers: { ...evil,
      'Access-Control-Request-Method': 'POST' } }),
  ]) {
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  }
});

test('session fixation: a session id the client brings is never adopted', async () => {
  // an id the attacker made up
  const planted = 'A'.repeat(43);
  const r1 = await call(srv, '/api/v1/session', { method: 'POST',
    headers: { Cookie: `sijin_session=${planted}` },
    body: { username: 'leader', password: demoPasswords.leader } });
  assert.equal(r1.status, 200, r1.text);
  const issued = r1.headers.get('set-cookie').split(';')[0].split('=')[1];
  assert.notEqual(issued, planted);
  assert.match(issued, /^[A-Za-z0-9_-]{43}$/);
  assertProblem(await call(srv, '/api/v1/session', { headers: { Cookie: `sijin_session=${planted}` } }),
    401, 'unauthenticated');
  // the attacker's own valid session, planted in the victim's browser:
  // the victim's sign-in gets a fresh id, and the planted one stays the
  // attacker's (it is not raised to the victim's account)
  const attacker = await signIn(srv.base, 'gaotie');
  const r2 = await call(srv, '/api/v1/session', { method: 'POST',
    headers: { Cookie: attacker.cookie },
    body: { username: 'admin', password: demoPasswords.admin } });
  assert.equal(r2.status, 200, r2.text);
  const victim = r2.headers.get('set-cookie').split(';')[0];
  assert.notEqual(victim, attacker.cookie);
  const who = async (cookie) => (await call(srv, '/api/v1/session', { headers: { Cookie: cookie } }))
    .body.user.username;
  assert.equal(await who(attacker.cookie), 'gaotie');
  assert.equal(await who(victim), 'admin');
  // two sign-ins of one user never share an id
  const again = await signIn(srv.base, 'leader');
  assert.notEqual(again.cookie.split('=')[1], issued);
});

test('an API token is refused once revoked, whoever revokes it, and with its user disabled',
  async () => {
    const me = async (token) => (await call(srv, '/api/v1/session', { token })).status;
    const leader = await signIn(srv.base, 'leader');
    const own = await leader.post('/api/v1/tokens', { name: 'own', expires_in_days: 1 });
    const byAdmin = await leader.post('/api/v1/tokens', { name: 'by admin', expires_in_days: 1 });
    assert.equal(await me(own.body.token), 200);
    assert.equal(await me(byAdmin.body.token), 200);
    assert.equal((await leader.del(`/api/v1/tokens/${own.body.id}`)).status, 204);
    assert.equal(await me(own.body.token), 401);
    assert.equal((await admin.del(`/api/v1/tokens/${byAdmin.body.id}`)).status, 204);
    assert.equal(await me(byAdmin.body.token), 401);
    // a revoked token stays revoked: using it again, or on another route
    assertProblem(await call(srv, '/api/v1/units', { token: own.body.token }), 401, 'unauthenticated');
    // a user disabled: their tokens stop at once
    const culture = await signIn(srv.base, 'culture');
    const t = await culture.post('/api/v1/tokens', { name: 'c', expires_in_days: 1 });
    assert.equal(await me(t.body.token), 200);
    const users = (await admin.get('/api/v1/users')).body.items;
    const id = users.find((u) => u.username === 'culture').id;
    const dis = await admin.patch(`/api/v1/users/${id}`, { disabled: true });
    assert.equal(dis.status, 200, dis.text);
    assert.equal(await me(t.body.token), 401);
    assertProblem(await call(srv, '/api/v1/session', { session: culture }), 401, 'unauthenticated');
  });

// ---- brute force -------------------------------------------------------------

test('brute force: locked per account from any address, and per address for any account',
  { timeout: 120000 }, async () => {
    // Behind a trusted proxy each client has its own address (X-Forwarded-For).
    const s = await startServer({ args: ['--trusted-proxies', '127.0.0.1'] });
    try {
      const signInAs = (username, password, ip) => call(s, '/api/v1/session', { method: 'POST',
        headers: { 'X-Forwarded-For': ip }, body: { username, password } });
      // per account: 5 failures for `gate`, each from another address
      for (let i = 0; i < 5; i++)
        assert.equal((await signInAs('gate', `wrong-password-${i}`, `198.51.100.${i + 1}`)).status, 401);
      let p = assertProblem(await signInAs('gate', demoPasswords.gate, '198.51.100.99'), 429,
        'rate-limited', 'username');
      assert.ok(Number(p.retry_after ?? 1) > 0);
      assert.ok(Number((await signInAs('gate', demoPasswords.gate, '198.51.100.98')).headers
        .get('retry-after')) > 0);
      // another account is not affected from those addresses
      assert.equal((await signInAs('gaotie', demoPasswords.gaotie, '198.51.100.1')).status, 200);
      // per address: 20 failures from 203.0.113.7 over 20 made-up usernames
      for (let i = 0; i < 20; i++)
        assert.equal((await signInAs(`nobody${i}`, 'wrong-password-x', '203.0.113.7')).status, 401);
      p = assertProblem(await signInAs('auditor', demoPasswords.auditor, '203.0.113.7'), 429,
        'rate-limited', 'ip');
      // the same account from another address is fine
      assert.equal((await signInAs('auditor', demoPasswords.auditor, '203.0.113.8')).status, 200);
      // refused attempts are audited as failures only when checked: the
      // locked ones wrote no session
      assert.equal(count(s.db, "SELECT count(*) FROM session s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'gate'"), 0);
    } finally { await s.stop(); }
  });

// ---- path traversal, oversized requests -------------------------------------

test('static files never escape the web root', async () => {
  const tries = [
    '/web/..%2f..%2f..%2fetc%2fpasswd', '/web/%2e%2e/%2e%2e/etc/passwd',
    '/web/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/web/..%5c..%5cetc%5cpasswd',
    '/web/%252e%252e%252fetc%252fpasswd', '/web//etc/passwd', '/web/%2fetc%2fpasswd',
    '/web/....//....//etc/passwd', '/web/.%2e/.%2e/etc/passwd', '/web/..%c0%af..%c0%afetc/passwd',
    '/web/checkin.js/../../../etc/passwd', '/web/%00../../etc/passwd', '/..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd', '/c/..%2f..%2fetc%2fpasswd', '/web/..%2f..%2fapi%2fopenapi.json',
    `/web/..%2f..%2f${encodeURIComponent(srv.db.replace(/^\//, ''))}`,
  ];
  for (const path of tries) {
    const res = await fetch(srv.base + path);
    const text = await res.text();
    assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
    assert.doesNotMatch(text, /root:.*:0:0:/, path);
    assert.doesNotMatch(text, /SQLite format 3|"openapi"/, path);
  }
  // the web root itself still serves
  assert.equal((await fetch(`${srv.base}/web/checkin.js`)).status, 200);
});

// A raw request: the head as given, no body sent; resolves with the status
// line's code and the whole answer.
function rawRequest(port, head) {
  return new Promise((ok, fail) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    sock.on('connect', () => sock.write(head));
    sock.on('data', (d) => { data += d; });
    sock.on('error', () => {});
    sock.on('close', () => ok({ status: Number((data.match(/^HTTP\/1\.1 (\d{3})/) || [])[1] || 0), data }));
    setTimeout(() => { sock.destroy(); fail(new Error(`no answer to ${head.slice(0, 60)}`)); }, 10000);
  });
}

test('oversized bodies get 413 problems on every route that takes one; huge headers 431',
  { timeout: 120000 }, async () => {
    const doc = JSON.parse(readFileSync(join(top, 'api/openapi.json'), 'utf8'));
    const port = new URL(srv.base).port;
    let n = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of ['post', 'put', 'patch']) {
        if (!ops[method]) continue;
        const url = path.replace(/\{[a-z_]+\}/g, '1');
        const res = await rawRequest(port, `${method.toUpperCase()} ${url} HTTP/1.1\r\n`
          + `Host: 127.0.0.1\r\nAuthorization: Bearer ${admin.token}\r\n`
          + 'Content-Type: application/json\r\nContent-Length: 67108864\r\nConnection: close\r\n\r\n');
        assert.equal(res.status, 413, `${method} ${url}: ${res.data.slice(0, 300)}`);
        assert.match(res.data, /application\/problem\+json/);
        assert.match(res.data, /"field": ?"body"/);
        n++;
      }
    }
    assert.ok(n >= 60, `only ${n} routes take a body`);
    // a chunked body announces no length: it is refused once past the limit
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 24; i++) c.enqueue(new TextEncoder().encode(' '.repeat(64 * 1024)));
        c.close();
      },
    });
    const chunked = await fetch(`${srv.base}/api/v1/tokens`, { method: 'POST', body: chunks,
      duplex: 'half', headers: { Authorization: `Bearer ${admin.token}`,
        'Content-Type': 'application/json' } });
    const cp = await chunked.json();
    assert.equal(chunked.status, 413, JSON.stringify(cp));
    assert.equal(cp.field, 'body');
    const big = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.ok(big.status === 431 || big.status === 0, `huge header: ${big.status}`);
    const many = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${
      Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`);
    assert.ok(many.status === 431 || many.status === 0, `many headers: ${many.status}`);
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
  });
