// Black-box tests of the Open311 GeoReport v2 server (issue 8;
// docs/open311.md) against the real binary on a temporary demo database:
// discovery, services and definitions in JSON and XML, the issue's
// start_date/end_date case (with any offset), an outside client that
// speaks only Open311 filing a request, reading it back in JSON and XML
// and seeing its notes grow as departments reply, and errors in Open311's
// own form that change nothing.  XML is checked with xmllint (libxml2-utils)
// and read with the small parser below.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { cliToken, count, signIn, sql, startServer } from './lib.mjs';

let srv;
let admin;     // JSON-API session clients: the group and the department side
let leader;
let culture;
let unitKey;   // the Open311 client's API key: the unit liaison of 高铁社区
let adminKey;
const ids = {};

// ---- a tiny XML reader: elements, text and the five entities ----------
// Enough for Open311's documents (no attributes, comments, CDATA or
// namespaces): returns { name, children: [...], text }.
function parseXml(text) {
  let i = text.indexOf('?>') + 2;
  const decode = (s) => s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (m, e) => (
    { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e]
    ?? String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))));
  function element() {
    while (/\s/.test(text[i])) i++;
    assert.equal(text[i], '<', `element expected at ${i}`);
    const close = text.indexOf('>', i);
    let tag = text.slice(i + 1, close);
    i = close + 1;
    if (tag.endsWith('/')) return { name: tag.slice(0, -1), children: [], text: '' };
    const node = { name: tag, children: [], text: '' };
    for (;;) {
      const lt = text.indexOf('<', i);
      node.text += decode(text.slice(i, lt));
      i = lt;
      if (text.startsWith(`</${tag}>`, i)) { i += tag.length + 3; return node; }
      node.children.push(element());
    }
  }
  return element();
}
const child = (n, name) => n.children.find((c) => c.name === name);
const kids = (n, name) => n.children.filter((c) => c.name === name);

// xmllint --noout: well-formed, or it throws with libxml2's report.
function xmllint(text) {
  execFileSync('xmllint', ['--noout', '-'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function o311(path, init = {}) {
  const res = await fetch(srv.base + path, init);
  const text = await res.text();
  const type = res.headers.get('content-type') || '';
  let body = null;
  if (type.startsWith('application/json')) body = JSON.parse(text);
  if (type.startsWith('text/xml')) { xmllint(text); body = parseXml(text); }
  return { status: res.status, type, text, body, headers: res.headers };
}

// POST a form the way Open311 clients do.
function post(path, fields) {
  return o311(path, { method: 'POST', body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

function assertError(res, status, pattern) {
  assert.equal(res.status, status, res.text);
  if (res.type.startsWith('text/xml')) {
    assert.equal(res.body.name, 'errors');
    const e = child(res.body, 'error');
    assert.equal(child(e, 'code').text, String(status));
    assert.match(child(e, 'description').text, pattern);
  } else {
    assert.ok(Array.isArray(res.body), res.text);
    assert.equal(res.body[0].code, status);
    assert.match(res.body[0].description, pattern);
  }
}

function rowCounts() {
  return ['service_request', 'request_update', 'referral', 'request_attribute', 'audit_event']
    .map((t) => count(srv.db, `SELECT count(*) FROM ${t}`));
}

before(async () => {
  srv = await startServer();
  admin = await signIn(srv.base, 'admin');
  leader = await signIn(srv.base, 'leader');
  culture = await signIn(srv.base, 'culture');
  unitKey = cliToken(srv.db, 'gaotie');
  adminKey = cliToken(srv.db, 'admin');
  const units = (await admin.get('/api/v1/units?limit=500')).body.items;
  ids.units = Object.fromEntries(units.map((u) => [u.name, u.id]));
  const deps = sql(srv.db, 'SELECT id, name FROM department').split('\n');
  ids.deps = Object.fromEntries(deps.map((l) => l.split('|')).map(([i, n]) => [n, Number(i)]));
});

after(async () => { await srv.stop(); });

describe('discovery and services', () => {
  test('discovery lists the v2 endpoint in both formats', async () => {
    const j = await o311('/open311/v2/discovery.json');
    assert.equal(j.status, 200);
    assert.equal(j.body.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
    assert.match(j.body.endpoints[0].url, /\/open311\/v2$/);
    const x = await o311('/open311/v2/discovery.xml');
    assert.equal(x.status, 200);
    assert.equal(x.body.name, 'discovery');
    const formats = kids(child(child(child(x.body, 'endpoints'), 'endpoint'), 'formats'), 'format');
    assert.deepEqual(formats.map((f) => f.text), ['text/xml', 'application/json']);
  });

  test('services and a definition with a required list attribute', async () => {
    const j = await o311('/open311/v2/services.json');
    assert.equal(j.status, 200);
    const codes = j.body.map((s) => s.service_code);
    assert.deepEqual(codes, ['accommodation', 'staffing', 'supplies', 'permits', 'finance',
      'livelihood', 'other']);
    assert.equal(j.body[0].service_name, '住宿和后勤保障');
    assert.equal(j.body[0].metadata, true);
    assert.equal(j.body[1].metadata, false);
    assert.equal(j.body[0].type, 'realtime');
    const x = await o311('/open311/v2/services.xml?jurisdiction_id=sijin');
    assert.equal(x.body.name, 'services');
    assert.deepEqual(kids(x.body, 'service').map((s) => child(s, 'service_code').text), codes);
    const def = await o311('/open311/v2/services/permits.json');
    assert.equal(def.body.service_code, 'permits');
    assert.deepEqual(def.body.attributes[0].values.map((v) => v.key),
      ['resumption', 'licence', 'other']);
    assert.equal(def.body.attributes[0].required, true);
    const defx = await o311('/open311/v2/services/permits.xml');
    assert.equal(defx.body.name, 'service_definition');
    const attr = child(child(defx.body, 'attributes'), 'attribute');
    assert.equal(child(attr, 'datatype').text, 'singlevaluelist');
    assert.equal(kids(child(attr, 'values'), 'value').length, 3);
    assertError(await o311('/open311/v2/services/teleport.json'), 404, /teleport/);
    assertError(await o311('/open311/v2/services/permits.html'), 404, /json or .xml/);
    assertError(await o311('/open311/v2/services.json?jurisdiction_id=beijing'), 404,
      /jurisdiction/);
  });
});

describe('requests by date (issue 8)', () => {
  test('the window 2024-03-01 00:00..12:00 +08:00 holds exactly the 09:00 request', async () => {
    // A service of its own keeps the demo's and other tests' requests out.
    const svc = await admin.post('/api/v1/services', { code: 'window', name: '时间窗',
      response_days: 1, resolution_days: 5 });
    assert.equal(svc.status, 201, svc.text);
    const made = {};
    for (const t of ['2024-02-28T10:00:00+08:00', '2024-03-01T09:00:00+08:00',
      '2024-03-01T13:00:00+08:00', '2024-03-05T10:00:00+08:00']) {
      const res = await admin.post('/api/v1/requests', { service_code: 'window',
        unit_id: ids.units['高铁社区'], description: `created ${t}`, reported_at: t });
      assert.equal(res.status, 201, res.text);
      made[t.slice(0, 13)] = res.body.id;
    }
    const q = (params) => o311('/open311/v2/requests.json?' + new URLSearchParams(
      { api_key: adminKey, service_code: 'window', ...params }));
    const idsOf = (res) => { assert.equal(res.status, 200, res.text); return res.body.map((r) => r.service_request_id).sort((a, b) => a - b); };
    assert.deepEqual(idsOf(await q({ start_date: '2024-03-01T00:00:00+08:00',
      end_date: '2024-03-01T12:00:00+08:00' })), [made['2024-03-01T09']]);
    // The same window written in UTC.
    assert.deepEqual(idsOf(await q({ start_date: '2024-02-29T16:00:00Z',
      end_date: '2024-03-01T04:00:00Z' })), [made['2024-03-01T09']]);
    // And with another offset (-05:00).
    assert.deepEqual(idsOf(await q({ start_date: '2024-02-29T11:00:00-05:00',
      end_date: '2024-02-29T23:00:00-05:00' })), [made['2024-03-01T09']]);
    // start only → 3 (09:00, 13:00, 03-05); end only → 2 (02-28, 09:00).
    assert.equal((await q({ start_date: '2024-03-01T00:00:00+08:00' })).body.length, 3);
    assert.deepEqual(idsOf(await q({ end_date: '2024-03-01T12:00:00+08:00' })),
      [made['2024-02-28T10'], made['2024-03-01T09']]);
    // The window in XML.
    const x = await o311('/open311/v2/requests.xml?' + new URLSearchParams({ api_key: adminKey,
      service_code: 'window', start_date: '2024-03-01T00:00:00+08:00',
      end_date: '2024-03-01T12:00:00+08:00' }));
    assert.equal(x.body.name, 'service_requests');
    assert.deepEqual(kids(x.body, 'request').map((r) => child(r, 'service_request_id').text),
      [String(made['2024-03-01T09'])]);
    // Bad dates and spans are Open311 errors.
    assertError(await q({ start_date: '2024-03-01' }), 400, /start_date/);
    assertError(await q({ start_date: '2024-01-01T00:00:00Z', end_date: '2024-06-01T00:00:00Z' }),
      400, /90 days/);
    assertError(await q({ start_date: '2024-03-02T00:00:00Z', end_date: '2024-03-01T00:00:00Z' }),
      400, /before start_date/);
    // status filter and a list of ids (which overrides the rest).
    assert.equal((await q({ status: 'closed' })).body.length, 0);
    assert.equal((await q({ status: 'open' })).body.length, 4);
    const byId = await o311('/open311/v2/requests.json?' + new URLSearchParams({ api_key: adminKey,
      service_request_id: `${made['2024-02-28T10']},${made['2024-03-05T10']}`,
      start_date: '2030-01-01T00:00:00Z' }));
    assert.deepEqual(idsOf(byId), [made['2024-02-28T10'], made['2024-03-05T10']]);
  });
});

describe('an outside client that speaks only Open311', () => {
  test('files a request, reads it in JSON and XML, and sees its notes grow', async () => {
    // ---- the client: files a request with its unit's key ----
    const filed = await post('/open311/v2/requests.json', { api_key: unitKey,
      jurisdiction_id: 'sijin', service_code: 'accommodation',
      description: '小区来了6名外地支援人员，需要安排住宿', 'attribute[headcount]': '6',
      first_name: '三', last_name: '张', email: 'not-kept@example.org', lat: '36.1856',
      long: '117.1089', address_string: '华新新干线小区' });
    assert.equal(filed.status, 201, filed.text);
    const id = filed.body[0].service_request_id;
    assert.ok(Number.isInteger(id) && id > 0);

    const read = async () => {
      const j = await o311(`/open311/v2/requests/${id}.json?api_key=${unitKey}`);
      assert.equal(j.status, 200, j.text);
      assert.equal(j.body.length, 1);
      const x = await o311(`/open311/v2/requests/${id}.xml?api_key=${unitKey}`);
      assert.equal(x.status, 200, x.text);
      assert.match(x.type, /^text\/xml/);
      assert.equal(x.body.name, 'service_requests');
      const req = child(x.body, 'request');
      // The XML says what the JSON says.
      const r = j.body[0];
      for (const k of ['service_request_id', 'status', 'service_code', 'description',
        'requested_datetime', 'expected_datetime', 'detailed_status'])
        assert.equal(child(req, k).text, String(r[k]), k);
      const xnotes = kids(child(req, 'notes'), 'note');
      assert.equal(xnotes.length, r.notes.length);
      xnotes.forEach((n, i) => assert.equal(child(n, 'summary').text, r.notes[i].summary));
      return r;
    };
    let r = await read();
    assert.equal(r.status, 'open');
    assert.equal(r.detailed_status, 'submitted');
    assert.equal(r.service_name, '住宿和后勤保障');
    assert.equal(r.address, '华新新干线小区');
    assert.equal(r.lat, 36.1856);
    assert.equal(r.long, 117.1089);
    // Not yet referred: the service's default department is responsible.
    assert.equal(r.agency_responsible, '泰安市文化和旅游局');
    assert.equal(r.notes.length, 1);
    assert.equal(r.notes[0].type, 'create');
    assert.match(r.expected_datetime, /T23:59:59\+08:00$/);
    // The e-mail address is not stored.
    assert.equal(count(srv.db, "SELECT count(*) FROM service_request WHERE reporter_name = '张 三'"), 1);

    // ---- the group refers it to two departments (JSON API) ----
    for (const dep of ['泰安市文化和旅游局', '粥店街道办事处']) {
      const res = await leader.post(`/api/v1/requests/${id}/referrals`,
        { department_id: ids.deps[dep] });
      assert.equal(res.status, 201, res.text);
    }
    r = await read();
    assert.equal(r.notes.length, 3);
    assert.equal(r.agency_responsible, '泰安市文化和旅游局、粥店街道办事处');
    assert.equal(r.detailed_status, 'referred');

    // ---- the bureau replies (JSON API, as the department liaison) ----
    const reply = await culture.post(`/api/v1/requests/${id}/replies`,
      { text: '泰安宝盛大酒店正常营业，可安排入住', outcome: 'answered' });
    assert.equal(reply.status, 201, reply.text);
    r = await read();
    assert.equal(r.notes.length, 4);
    const last = r.notes.at(-1);
    assert.equal(last.type, 'reply');
    assert.equal(last.agency, '泰安市文化和旅游局');
    assert.equal(last.description, '泰安宝盛大酒店正常营业，可安排入住');
    assert.equal(r.status_notes, '泰安宝盛大酒店正常营业，可安排入住');
    assert.equal(r.detailed_status, 'replied');
    assert.equal(r.status, 'open');

    // ---- resolved: closed in Open311's terms ----
    const done = await leader.post(`/api/v1/requests/${id}/updates`,
      { status: 'resolved', comment: '已入住泰安宝盛大酒店' });
    assert.equal(done.status, 201, done.text);
    r = await read();
    assert.equal(r.status, 'closed');
    assert.equal(r.status_notes, '已入住泰安宝盛大酒店');
    assert.equal(r.notes.length, 5);

    // ---- the client's list shows it; another unit's key does not ----
    const mine = await o311(`/open311/v2/requests.json?api_key=${unitKey}&status=closed`);
    assert.ok(mine.body.some((q) => q.service_request_id === id));
    const otherKey = cliToken(srv.db, 'culture');
    const bureau = await o311(`/open311/v2/requests/${id}.json?api_key=${otherKey}`);
    assert.equal(bureau.status, 200);  // referred to the bureau: visible
    assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE action = 'request.create'
      AND object_id = ${id} AND username = 'gaotie'`), 1);
  });

  test('a list attribute given as attribute[code]', async () => {
    const ok = await post('/open311/v2/requests.xml', { api_key: unitKey, service_code: 'permits',
      description: '复工备案', 'attribute[approval]': 'resumption' });
    assert.equal(ok.status, 201, ok.text);
    const id = child(child(ok.body, 'request'), 'service_request_id').text;
    const r = (await admin.get(`/api/v1/requests/${id}`)).body;
    assert.deepEqual(r.attributes, { approval: 'resumption' });
    assert.equal(r.source, 'open311');
  });
});

describe('Open311 errors change nothing', () => {
  test('bad key, unknown service, missing attribute, 4,001 characters, wrong media type', async () => {
    const before = rowCounts();
    assertError(await post('/open311/v2/requests.json', { service_code: 'accommodation',
      description: 'x' }), 403, /api_key/);
    assertError(await post('/open311/v2/requests.json', { api_key: 'nope', service_code:
      'accommodation', description: 'x' }), 403, /api_key/);
    assertError(await post('/open311/v2/requests.json', { api_key: unitKey,
      service_code: 'teleport', description: 'x' }), 400, /service_code/);
    assertError(await post('/open311/v2/requests.xml', { api_key: unitKey,
      service_code: 'permits', description: '复工' }), 400, /attribute\[approval\]: is required/);
    assertError(await post('/open311/v2/requests.json', { api_key: unitKey,
      service_code: 'livelihood', description: '诉'.repeat(4001) }), 400,
    /description: is 4001 characters long; at most 4000/);
    assertError(await post('/open311/v2/requests.json', { api_key: unitKey,
      service_code: 'livelihood' }), 400, /description/);
    assertError(await post('/open311/v2/requests.json', { api_key: unitKey,
      service_code: 'livelihood', description: 'x', jurisdiction_id: 'beijing' }), 404,
    /jurisdiction/);
    assertError(await post('/open311/v2/requests.json', { api_key: unitKey,
      service_code: 'livelihood', description: 'x', lat: '36.1' }), 400, /long/);
    // WGS 84: a latitude lies in -90..90, a longitude in -180..180.
    assertError(await post('/open311/v2/requests.json', { api_key: unitKey,
      service_code: 'livelihood', description: 'x', lat: '999', long: '117.1' }), 400,
    /lat: must lie in -90\.\.90/);
    assertError(await post('/open311/v2/requests.json', { api_key: unitKey,
      service_code: 'livelihood', description: 'x', lat: '36.1', long: '-180.5' }), 400,
    /long: must lie in -180\.\.180/);
    const json = await o311('/open311/v2/requests.json', { method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ api_key: unitKey, service_code: 'livelihood', description: 'x' }) });
    assertError(json, 400, /x-www-form-urlencoded/);
    const bad = await o311('/open311/v2/requests.json', { method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `api_key=${unitKey}&service_code=livelihood&description=%zz` });
    assertError(bad, 400, /escape/);
    assert.deepEqual(rowCounts(), before);
    // Reading needs a key; unknown and out-of-scope ids are 404 alike.
    assertError(await o311('/open311/v2/requests.json'), 403, /api_key/);
    assertError(await o311(`/open311/v2/requests/999999.json?api_key=${unitKey}`), 404,
      /999999/);
    assertError(await o311('/open311/v2/requests/1.xml?api_key=' + unitKey), 404, /request/);
    assertError(await o311(`/open311/v2/requests.json?api_key=${unitKey}&colour=red`), 400,
      /colour/);
  });
});
