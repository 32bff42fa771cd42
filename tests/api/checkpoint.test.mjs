// Black-box tests of the checkpoint API (issue 5) against the real binary
// on a temporary demo database (SQLite, or PostgreSQL with
// SIJIN_TEST_DB=pg): scans with their decision, stays and alerts; every
// malformed field refused with a problem naming it and nothing stored; the
// attendant's scope; idempotent retries; outsider registrations; the alert
// list, acknowledgement and live feed (server-sent events); the stays of the
// issue's A/B case; the daily count by local day; the disinfection log; and
// that every acknowledged scan survives kill -9 of the server, exactly once.
//
// Expected values come from the inputs and the rules (DESIGN.md §4): the
// demo's place 华新新干线小区 has a default stay of 2 h and records exits;
// 37.5 °C is at or above the fever threshold 37.3 °C; 98.6 °F is 37.0 °C.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import http from 'node:http';

import {
  assertProblem, bin, call, count, signIn, sql, startServer, tokenClient,
} from './lib.mjs';

const LISI = '370911197008152345';    // the demo's 李四 (assumed in demo.c)
const ZHANGSAN = '370911196503121234';

// GB 11643-1999 §5.4: the check character of 17 digits.
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

let srv;
let admin;     // Bearer client of admin
let gate;      // session of the attendant of 大门疫情监测点
let unitUser;  // session of the 高铁社区 liaison
const ids = {};

const scans = () => count(srv.db, 'SELECT count(*) FROM scan');
const scan = (client, body, cp = ids.cp, headers = {}) =>
  client.post(`/api/v1/checkpoints/${cp}/scans`, body, { headers });

// A registered resident of 高铁社区 made for one test, with a fresh number.
let serial = 0;
async function newResident(name) {
  serial++;
  const number = idNumber(`37091119850101${String(serial).padStart(3, '0')}`);
  const res = await admin.post('/api/v1/people', { name, id_number: number, unit_id: ids.gaotie,
    tags: ['resident'] });
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id, number };
}

before(async () => {
  // The demo's records are of March 2020 (and this file's own of 2024): keep
  // 10 years so that retention (docs/retention.md) does not hide them.
  srv = await startServer({ args: ['--retention-days', '3650'] });
  admin = await tokenClient(await signIn(srv.base, 'admin'));
  gate = await signIn(srv.base, 'gate');
  unitUser = await signIn(srv.base, 'gaotie');
  ids.cp = Number(sql(srv.db, "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'"));
  ids.place = Number(sql(srv.db, "SELECT place_id FROM checkpoint WHERE name = '大门疫情监测点'"));
  ids.gaotie = Number(sql(srv.db, "SELECT id FROM unit WHERE name = '高铁社区'"));
  const back = await admin.post('/api/v1/checkpoints', { place_id: ids.place, name: '后门' });
  assert.equal(back.status, 201, back.text);
  ids.backDoor = back.body.id;  // same place, not attended by gate
});

after(async () => { await srv?.stop(); });

test('the demo day is loaded: residents, outsiders, one fever alert', () => {
  assert.ok(count(srv.db, 'SELECT count(*) FROM scan') > 50);
  assert.equal(count(srv.db, 'SELECT count(*) FROM outsider_registration'), 3);
  assert.equal(count(srv.db, 'SELECT count(*) FROM alert'), 1);
  assert.equal(count(srv.db, 'SELECT count(*) FROM alert WHERE reasons = 1 AND temperature = 376'), 1);
  // every stay is a half-open, non-empty interval
  assert.equal(count(srv.db, 'SELECT count(*) FROM stay WHERE exit_at <= entry_at'), 0);
});

test('a scan: decision, person masked, the stay it opens and closes', async () => {
  const r = await newResident('测试甲');
  const inn = await scan(gate, { id_number: r.number, direction: 'in', temperature: '36.6' });
  assert.equal(inn.status, 200, inn.text);
  assert.equal(inn.body.decision, 'pass');
  assert.deepEqual(inn.body.reasons, []);
  assert.equal(inn.body.person.id, r.id);
  assert.equal(inn.body.person.name, '测**');
  assert.equal(inn.body.person.id_number_masked, `${r.number.slice(0, 4)}${'*'.repeat(10)}${r.number.slice(14)}`);
  assert.equal(inn.body.temperature, '36.6');
  assert.equal(inn.body.source, 'attendant');
  assert.equal(inn.body.stay.action, 'opened');
  assert.equal(inn.body.stay.id, inn.body.id);
  assert.equal(Date.parse(inn.body.stay.exit_at) - Date.parse(inn.body.stay.entry_at), 2 * 3600e3);
  assert.equal(inn.body.stay.exit_recorded, false);
  const out = await scan(gate, { id_number: r.number, direction: 'out' });
  assert.equal(out.status, 200, out.text);
  assert.equal(out.body.stay.action, 'closed');
  assert.equal(out.body.stay.id, inn.body.id);
  assert.equal(out.body.stay.exit_recorded, true);
  assert.equal(out.body.temperature, null);
  // the operator is the attendant
  const op = sql(srv.db, `SELECT operator_id FROM scan WHERE id = ${inn.body.id}`);
  assert.equal(Number(op), Number(sql(srv.db, "SELECT id FROM app_user WHERE username = 'gate'")));
});

test('temperatures as typed at a gate', async () => {
  const r = await newResident('测试乙');
  const cases = [
    ['37,5', '37.5', 'alert'],          // decimal comma; ≥ 37.3 °C: fever
    ['37．2', '37.2', 'pass'],           // full-width stop; below the threshold
    ['37.3', '37.3', 'alert'],          // the threshold itself raises the alert
    ['98.6°F', '37.0', 'pass'],         // 66.6 × 5/9 = 37.0
    ['98.6 F', '37.0', 'pass'],
    [36.8, '36.8', 'pass'],             // a JSON number is °C
  ];
  for (const [typed, stored, decision] of cases) {
    const res = await scan(gate, { id_number: r.number, direction: 'out', temperature: typed });
    assert.equal(res.status, 200, `${typed}: ${res.text}`);
    assert.equal(res.body.temperature, stored, String(typed));
    assert.equal(res.body.decision, decision, String(typed));
    assert.deepEqual(res.body.reasons, decision === 'alert' ? ['fever'] : [], String(typed));
  }
});

test('every malformed field is refused with a problem naming it; nothing is stored', async () => {
  const before = scans();
  const alerts = count(srv.db, 'SELECT count(*) FROM alert');
  const cases = [
    [{ id_number: LISI, direction: 'in', temperature: 'hot' }, 422, 'temperature'],
    [{ id_number: LISI, direction: 'in', temperature: '98.6' }, 422, 'temperature'],   // °F needs its unit
    [{ id_number: LISI, direction: 'in', temperature: '33.0' }, 422, 'temperature'],
    [{ id_number: LISI, direction: 'in', temperature: true }, 422, 'temperature'],
    [{ id_number: LISI, direction: 'in', time: '2020-13-01T00:00:00Z' }, 422, 'time'],
    [{ id_number: LISI, direction: 'in', time: '2026-01-01T08:00:00' }, 422, 'time'],  // no offset
    [{ id_number: LISI, direction: 'in', time: '2999-01-01T08:00:00Z' }, 422, 'time'],  // future
    [{ id_number: LISI, direction: 'sideways' }, 422, 'direction'],
    [{ id_number: LISI }, 422, 'direction'],
    [{ id_number: '370911197008152346', direction: 'in' }, 422, 'id_number'],  // check character
    [{ id_number: '37091119700815234', direction: 'in' }, 422, 'id_number'],   // 17 characters
    [{ direction: 'in' }, 422, 'id_number'],
    [{ code: 'not a code', direction: 'in' }, 422, 'code'],
    [{ code: 'SJP1.AAAA.BBBB', direction: 'in' }, 422, 'code'],
    [{ id_number: LISI, direction: 'in', idempotency_key: 'k'.repeat(201) }, 422, 'idempotency_key'],
    [{ id_number: LISI, direction: 'in', colour: 'red' }, 422, 'colour'],
    [{ person_id: 999999, direction: 'in' }, 404, 'person_id'],
  ];
  for (const [body, status, field] of cases) {
    const res = await scan(gate, body);
    assertProblem(res, status, status === 404 ? 'not-found' : 'invalid-input', field);
  }
  // unknown checkpoint; a checkpoint the attendant does not attend; a malformed id
  assertProblem(await scan(gate, { id_number: LISI, direction: 'in' }, 999999), 404, 'not-found',
    'checkpoint');
  assertProblem(await scan(gate, { id_number: LISI, direction: 'in' }, ids.backDoor), 404,
    'not-found', 'checkpoint');
  assertProblem(await scan(gate, { id_number: LISI, direction: 'in' }, 'abc'), 404, 'not-found',
    'checkpoint');
  // payload size, malformed JSON
  const big = await call(srv, `/api/v1/checkpoints/${ids.cp}/scans`, { method: 'POST',
    session: gate, raw: JSON.stringify({ id_number: LISI, direction: 'in', pad: 'x'.repeat(5000) }) });
  assertProblem(big, 413, 'too-large', 'body');
  const broken = await call(srv, `/api/v1/checkpoints/${ids.cp}/scans`, { method: 'POST',
    session: gate, raw: '{"id_number":' });
  assertProblem(broken, 400, 'malformed-json', 'body');
  // the unit liaison may read scans, not record them
  assertProblem(await scan(unitUser, { id_number: LISI, direction: 'in' }), 403, 'forbidden');
  assert.equal(scans(), before);
  assert.equal(count(srv.db, 'SELECT count(*) FROM alert'), alerts);
  assert.equal((await call(srv, '/healthz')).status, 200);  // still serving
});

test('a retry with the same idempotency key returns the first answer and stores nothing', async () => {
  const r = await newResident('测试丙');
  const key = `station-3:${Date.now()}`;
  const first = await scan(gate, { id_number: r.number, direction: 'in', temperature: '37.6',
    idempotency_key: key });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.replayed, false);
  assert.ok(first.body.alert_id > 0);
  const n = scans();
  const again = await scan(gate, { id_number: r.number, direction: 'in', temperature: '37.6' },
    ids.cp, { 'Idempotency-Key': key });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual({ ...again.body, replayed: false }, first.body);
  assert.equal(scans(), n);
  const other = await scan(gate, { id_number: r.number, direction: 'out', idempotency_key: key });
  assertProblem(other, 409, 'conflict', 'idempotency_key');
  assert.equal(scans(), n);
});

test('the epoch (a clock never set) is refused as a time, not taken for "now"', async () => {
  // 1970-01-01T00:00:00Z is instant 0, which stood for "absent": a scan
  // with it was recorded at the server's clock, a disinfection round and an
  // outsider's registration likewise started now.
  const r = await newResident('测试纪元');
  const n = scans();
  const rounds = count(srv.db, 'SELECT count(*) FROM disinfection');
  const regs = count(srv.db, 'SELECT count(*) FROM outsider_registration');
  for (const time of ['1970-01-01T00:00:00Z', '1970-01-01T08:00:00+08:00']) {
    const res = await scan(gate, { id_number: r.number, direction: 'in', time });
    assertProblem(res, 422, 'invalid-input', 'time');
    assert.match(res.body.detail, /after 1970-01-01T00:00:00Z/);
  }
  assertProblem(await gate.post(`/api/v1/places/${ids.place}/disinfections`,
    { area: '大门', agent: '84消毒液', at: '1970-01-01T00:00:00Z' }), 422, 'invalid-input', 'at');
  assertProblem(await gate.post('/api/v1/outsiders', { name: '纪元', mobile: '13712340009',
    checkpoint_id: ids.cp, from: '北京', reason: '探亲', host: 'x', valid_from: '1970-01-01T00:00:00Z' }),
  422, 'invalid-input', 'valid_from');
  assert.equal(scans(), n);
  assert.equal(count(srv.db, 'SELECT count(*) FROM disinfection'), rounds);
  assert.equal(count(srv.db, 'SELECT count(*) FROM outsider_registration'), regs);
});

test('an Idempotency-Key header sent twice is refused, naming idempotency_key, and nothing is stored', async () => {
  // Two keys are two answers to "which scan is this"; the first one was
  // taken silently and the second ignored.  node:http sends an array value
  // as one header line per value (fetch would join them into one line).
  const r = await newResident('测试双键');
  const n = scans();
  const twice = await new Promise((resolve, reject) => {
    const req = http.request(`${srv.base}/api/v1/checkpoints/${ids.cp}/scans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: gate.cookie, 'X-CSRF-Token': gate.csrf,
        'Idempotency-Key': [`two-a-${Date.now()}`, `two-b-${Date.now()}`] },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text), text,
        headers: { get: (k) => res.headers[k.toLowerCase()] } }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ id_number: r.number, direction: 'in' }));
  });
  assertProblem(twice, 422, 'invalid-input', 'idempotency_key');
  assert.match(twice.body.detail, /given more than once/);
  assert.equal(scans(), n);
  // One header, as ever, is the key.
  const once = await scan(gate, { id_number: r.number, direction: 'in' }, ids.cp,
    { 'Idempotency-Key': `one-${Date.now()}` });
  assert.equal(once.status, 200, once.text);
  assert.equal(scans(), n + 1);
});

test('large request heads: up to 6 KiB carried out, over it a 431 problem document and nothing stored', async () => {
  // libmicrohttpd's 8 KiB per connection must still hold the answer's
  // headers: a head of ~7.2 KiB used to be carried out and then closed
  // without any answer (server.c HEADER_MAX_BYTES).
  const r = await newResident('测试头');
  const n = scans();
  const ok = await scan(gate, { id_number: r.number, direction: 'in', idempotency_key: `head-${Date.now()}` },
    ids.cp, { 'X-Filler': 'a'.repeat(4000) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(scans(), n + 1);
  for (const size of [6200, 6600]) {
    const big = await scan(gate, { id_number: r.number, direction: 'out', idempotency_key: `head-${size}` },
      ids.cp, { 'X-Filler': 'a'.repeat(size) });
    assertProblem(big, 431, 'headers-too-large');
    assert.match(big.body.detail, /at most 6144/);
  }
  // Many small headers count with libmicrohttpd's record of each.
  const many = Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`x-h${i}`, 'v']));
  assertProblem(await scan(gate, { id_number: r.number, direction: 'out', idempotency_key: 'head-many' },
    ids.cp, many), 431, 'headers-too-large');
  assert.equal(scans(), n + 1);
});

test('an unknown identity number is denied as an unregistered outsider until registered', async () => {
  const number = idNumber('11010519800101777');
  const denied = await scan(gate, { id_number: number, direction: 'in', temperature: '36.5' });
  assert.equal(denied.status, 200, denied.text);
  assert.equal(denied.body.decision, 'deny');
  assert.deepEqual(denied.body.reasons, ['outsider_unregistered']);
  assert.equal(denied.body.person.id, null);
  assert.equal(denied.body.stay, null);
  assert.ok(denied.body.alert_id > 0);
  // registered at the gate: name, mobile, where from, why, whom
  const reg = await gate.post('/api/v1/outsiders', { name: '外来甲', mobile: '13712345678',
    id_number: number, checkpoint_id: ids.cp, from: '北京市东城区', reason: '探亲',
    host: '3号楼2单元502' });
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.headers.get('location'), `/api/v1/outsiders/${reg.body.id}`);
  assert.equal(reg.body.person.name, '外**');
  assert.equal(reg.body.person.mobile_masked, '137****5678');
  assert.equal(reg.body.from, '北京市东城区');
  const passed = await scan(gate, { id_number: number, direction: 'in', temperature: '36.5' });
  assert.equal(passed.body.decision, 'pass');
  assert.equal(passed.body.person.id, reg.body.person.id);
  assert.equal(passed.body.stay.action, 'opened');
  // refusals name their field
  assertProblem(await gate.post('/api/v1/outsiders', { name: '外来乙', mobile: '13712345679',
    checkpoint_id: ids.cp, reason: '探亲', host: 'x' }), 422, 'invalid-input', 'from');
  assertProblem(await gate.post('/api/v1/outsiders', { name: '外来乙', mobile: '13712345679',
    checkpoint_id: ids.cp, from: 'x', reason: '探亲' }), 422, 'invalid-input', 'host');
  assertProblem(await gate.post('/api/v1/outsiders', { name: '外来乙', mobile: '12345',
    checkpoint_id: ids.cp, from: 'x', reason: '探亲', host: 'y' }), 422, 'invalid-input', 'mobile');
  assertProblem(await gate.post('/api/v1/outsiders', { name: '外来乙', mobile: '13712345679',
    checkpoint_id: ids.backDoor, from: 'x', reason: '探亲', host: 'y' }), 404, 'not-found',
    'checkpoint_id');
  const list = await unitUser.get('/api/v1/outsiders?limit=500');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.items.some((o) => o.id === reg.body.id));
});

test('an outsider registered with an identity number on record for another name is refused unless confirmed', async () => {
  // The identity number is the person's key (DESIGN.md §4 "People"): a
  // registration under another name is a mistyped number or name, and was
  // silently put on the record of the person the number belongs to.
  const r = await newResident('测试重名');
  const regs = () => count(srv.db, `SELECT count(*) FROM outsider_registration WHERE person_id = ${r.id}`);
  const register = (body) => gate.post('/api/v1/outsiders', { mobile: '13712340001',
    id_number: r.number, checkpoint_id: ids.cp, from: '北京市东城区', reason: '探亲',
    host: '3号楼2单元502', ...body });
  const refused = await register({ name: '王小明' });
  assertProblem(refused, 409, 'conflict', 'id_number');
  // The registered name only masked (first character kept, every other one '*').
  assert.match(refused.body.detail, /registered to another name \(测\*\*\*\)/);
  assert.doesNotMatch(refused.text, /测试重名|试重名/);
  assertProblem(await register({ name: '王小明', confirm_person: false }), 409, 'conflict', 'id_number');
  assertProblem(await register({ name: '王小明', confirm_person: 'yes' }), 422, 'invalid-input', 'confirm_person');
  assert.equal(regs(), 0);
  assert.equal(sql(srv.db, `SELECT name FROM person WHERE id = ${r.id}`), '测试重名');
  // The same name attaches as before; so does another name once confirmed.
  const same = await register({ name: '测试重名' });
  assert.equal(same.status, 201, same.text);
  assert.equal(same.body.person.id, r.id);
  const confirmed = await register({ name: '王小明', confirm_person: true });
  assert.equal(confirmed.status, 201, confirmed.text);
  assert.equal(confirmed.body.person.id, r.id);
  assert.equal(regs(), 2);
  // Names compare after NFKC and case folding (UAX #15, Unicode CaseFolding):
  // full-width 'Ｌｉ Ｌｅｉ' is 'li lei'.
  const latin = await newResident('Ｌｉ Ｌｅｉ');
  const folded = await gate.post('/api/v1/outsiders', { name: 'LI LEI', mobile: '13712340002',
    id_number: latin.number, checkpoint_id: ids.cp, from: '上海', reason: '探亲', host: 'x' });
  assert.equal(folded.status, 201, folded.text);
  assert.equal(folded.body.person.id, latin.id);
});

test('an outsider registration by person_id refuses name, mobile and id_number beside it', async () => {
  // Who is a person on record (person_id) or the fields that find or make
  // one; given both, the fields were dropped unchecked: a malformed mobile
  // and identity number were answered 201 with nothing of them stored.
  const r = await newResident('测试编号');
  const regs = () => count(srv.db, 'SELECT count(*) FROM outsider_registration');
  const before = regs();
  const register = (body) => gate.post('/api/v1/outsiders', { person_id: r.id, checkpoint_id: ids.cp,
    from: '北京市东城区', reason: '探亲', host: '3号楼2单元502', ...body });
  for (const extra of [{ mobile: 'garbage' }, { mobile: '13712340003' }, { name: '<script>' },
    { id_number: '370911197008152346' }, { id_number: LISI }, { confirm_person: true }]) {
    const res = await register(extra);
    assertProblem(res, 422, 'invalid-input', 'person_id');
    assert.match(res.body.detail, /either person_id or name and mobile/);
  }
  assert.equal(regs(), before);
  // person_id alone registers that person.
  const ok = await register({});
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.person.id, r.id);
  assert.equal(regs(), before + 1);
});

test('stays: A enters at t and never exits, B stays 30 min: no overlap (issue case)', async () => {
  const a = await newResident('测试甲乙');
  const b = await newResident('测试乙丙');
  const t = Math.floor(Date.now() / 1000) - 8 * 3600;
  const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  for (const [who, time, direction] of [[a, t, 'in'], [b, t + 6 * 3600, 'in'],
    [b, t + 6.5 * 3600, 'out']]) {
    const res = await scan(gate, { id_number: who.number, direction, time: iso(time) });
    assert.equal(res.status, 200, res.text);
  }
  const list = async (who) => (await unitUser.get(`/api/v1/stays?person_id=${who.id}`)).body.items;
  const [sa] = await list(a);
  const [sb] = await list(b);
  assert.equal(Date.parse(sa.entry_at) / 1000, t);
  assert.equal(Date.parse(sa.exit_at) / 1000, t + 7200);   // closed at the default 2 h
  assert.equal(sa.exit_recorded, false);
  assert.equal(sa.exit_not_recorded, true);                 // and flagged
  assert.equal(sa.open, false);
  assert.equal(Date.parse(sb.entry_at) / 1000, t + 6 * 3600);
  assert.equal(sb.duration_s, 1800);
  assert.equal(sb.exit_recorded, true);
  const overlap = Math.max(0, Math.min(Date.parse(sa.exit_at), Date.parse(sb.exit_at))
    - Math.max(Date.parse(sa.entry_at), Date.parse(sb.entry_at)));
  assert.equal(overlap, 0);
  // an exit before the open stay's entry is refused
  const c = await newResident('测试丁');
  assert.equal((await scan(gate, { id_number: c.number, direction: 'in', time: iso(t + 3600) })).status, 200);
  assertProblem(await scan(gate, { id_number: c.number, direction: 'out', time: iso(t) }), 422,
    'invalid-input', 'time');
});

test('the scan list pages newest first, every scan once, in scope', async () => {
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = `/api/v1/scans?place_id=${ids.place}&limit=40${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await unitUser.get(q);
    assert.equal(res.status, 200, res.text);
    seen.push(...res.body.items.map((s) => s.id));
    cursor = res.body.next_cursor;
    pages++;
  } while (cursor);
  const stored = sql(srv.db, `SELECT id FROM scan WHERE place_id = ${ids.place} ORDER BY id DESC`)
    .split('\n').map(Number);
  assert.deepEqual(seen, stored);
  assert.equal(pages, Math.ceil(stored.length / 40));
  const other = await admin.post('/api/v1/units', { kind: 'village', name: '别的村',
    region_id: Number(sql(srv.db, "SELECT id FROM region WHERE name = '粥店街道'")) });
  assertProblem(await unitUser.get(`/api/v1/scans?unit_id=${other.body.id}`), 404, 'not-found', 'unit');
  assertProblem(await unitUser.get('/api/v1/scans?from=yesterday'), 422, 'invalid-input', 'from');
  assertProblem(await unitUser.get('/api/v1/scans?cursor=!!'), 422, 'invalid-input', 'cursor');
});

test('a registration at 2024-03-02 00:30 Shanghai counts under 2024-03-02, whatever TZ', async () => {
  const r = await newResident('测试午夜');
  // Written by the command line (an import: the past limit does not apply)
  // from a process whose own TZ is America/Los_Angeles, where that instant
  // is still 2024-03-01.
  execFileSync(bin, ['--db', srv.db, 'scan', '--checkpoint', String(ids.cp), '--id-number', r.number,
    '--direction', 'in', '--time', '2024-03-01T16:30:00Z', '--source', 'import'],
  { env: { ...process.env, TZ: 'America/Los_Angeles' }, stdio: 'pipe' });
  const res = await unitUser.get(`/api/v1/scans/daily?place_id=${ids.place}&from=2024-03-01&to=2024-03-02`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.tz, 'Asia/Shanghai');
  assert.deepEqual(res.body.days.map((d) => [d.date, d.in, d.out]),
    [['2024-03-01', 0, 0], ['2024-03-02', 1, 0]]);
  assertProblem(await unitUser.get('/api/v1/scans/daily?from=2024-03-02&to=2024-03-01'), 422,
    'invalid-input', 'to');
});

test('alerts: listed in scope, acknowledged once with a note, streamed live', async () => {
  // The live feed first, then a fever: the event arrives with the alert.
  const ctl = new AbortController();
  const stream = await fetch(`${srv.base}/api/v1/alerts/stream`, {
    headers: { Cookie: unitUser.cookie }, signal: ctl.signal });
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get('content-type'), /^text\/event-stream/);
  const reader = stream.body.getReader();
  const r = await newResident('测试发热');
  const fever = await scan(gate, { id_number: r.number, direction: 'in', temperature: '38.1' });
  assert.equal(fever.body.decision, 'alert');
  let text = '';
  const deadline = Date.now() + 10000;
  while (!text.includes(`id: ${fever.body.alert_id}\n`) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  ctl.abort();
  assert.match(text, /^retry: 3000\n/);
  const event = text.split('\n\n').find((e) => e.startsWith(`id: ${fever.body.alert_id}\n`));
  assert.ok(event, `no event for alert ${fever.body.alert_id} in: ${text}`);
  assert.match(event, /\nevent: alert\n/);
  const data = JSON.parse(event.split('\ndata: ')[1]);
  assert.equal(data.scan_id, fever.body.id);
  assert.deepEqual(data.reasons, ['fever']);
  assert.equal(data.temperature, '38.1');

  const open = await unitUser.get('/api/v1/alerts?state=open&limit=500');
  assert.equal(open.status, 200, open.text);
  assert.ok(open.body.items.some((a) => a.id === fever.body.alert_id));
  assertProblem(await gate.post(`/api/v1/alerts/${fever.body.alert_id}/ack`, {}), 422,
    'invalid-input', 'note');
  const ack = await gate.post(`/api/v1/alerts/${fever.body.alert_id}/ack`,
    { note: '复测37.9℃，已联系社区医生，送发热门诊' });
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.body.acknowledged.note, '复测37.9℃，已联系社区医生，送发热门诊');
  assertProblem(await gate.post(`/api/v1/alerts/${fever.body.alert_id}/ack`, { note: 'again' }),
    409, 'conflict', 'alert');
  const still = await unitUser.get('/api/v1/alerts?state=open&limit=500');
  assert.ok(!still.body.items.some((a) => a.id === fever.body.alert_id));
  assert.equal(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'alert.ack'"), 1);
  assertProblem(await unitUser.get('/api/v1/alerts?state=maybe'), 422, 'invalid-input', 'state');
});

// What the feed sends in its first 500 ms after a (re)connection with the
// given Last-Event-ID header (undefined: none).
async function streamStart(lastEventId) {
  const ctl = new AbortController();
  const headers = { Cookie: unitUser.cookie };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
  const res = await fetch(`${srv.base}/api/v1/alerts/stream`, { headers, signal: ctl.signal });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  let text = '';
  const stop = setTimeout(() => ctl.abort(), 500);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
  } catch { /* aborted */ }
  clearTimeout(stop);
  return text;
}

// A reconnection with Last-Event-ID replays the alerts after that id
// (docs/checkpoint.md); a header that is no id this feed sends replays
// nothing (it once read as 0 and replayed the newest 100 alerts).
test('the feed replays after a Last-Event-ID it sent, and nothing after garbage', async () => {
  const r = await newResident('测试重连');
  const a = await scan(gate, { id_number: r.number, direction: 'in', temperature: '38.4' });
  assert.equal(a.body.decision, 'alert', a.text);
  const eventIds = (t) => [...t.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(eventIds(await streamStart(String(a.body.alert_id - 1))), [a.body.alert_id]);
  assert.deepEqual(eventIds(await streamStart(String(a.body.alert_id))), []);
  for (const bad of ['abc', '-5', '0', `${a.body.alert_id - 1}x`, '99999999999999999999999', ''])
    assert.deepEqual(eventIds(await streamStart(bad)), [], `Last-Event-ID: ${bad}`);
  assert.deepEqual(eventIds(await streamStart()), []);
});

// libmicrohttpd decodes %HH in the path and the query; a decoded %00 ended
// the C string there ("/units/1%00x" was unit 1, "state=open%00x" was
// "open").  Left undecoded, it is no id and no state.
test('%00 in the path or the query is never cut short', async () => {
  const u = await unitUser.get(`/api/v1/units/${ids.gaotie}%00x`);
  assertProblem(u, 404, 'not-found');
  assertProblem(await unitUser.get('/api/v1/alerts?state=open%00x'), 422, 'invalid-input', 'state');
  assertProblem(await unitUser.get('/api/v1/alerts?limit=1%00'), 422, 'invalid-input', 'limit');
  const ok = await unitUser.get('/api/v1/alerts?state=%6Fpen&limit=1');  // %6F is 'o'
  assert.equal(ok.status, 200, ok.text);
});

test('a change to a place applies to the next scan (the checkpoint cache starts again)', async () => {
  // The server caches a checkpoint as a scope sees it for up to 2 s, but
  // every change it answers starts a new cache generation (docs/performance.md).
  const place = await admin.post('/api/v1/places', { unit_id: ids.gaotie, kind: 'public',
    name: '缓存测试点', records_exits: true });
  assert.equal(place.status, 201, place.text);
  const cp = await admin.post('/api/v1/checkpoints', { place_id: place.body.id, name: '缓存测试岗' });
  assert.equal(cp.status, 201, cp.text);
  const who = await newResident('缓存测试');
  for (let i = 0; i < 4; i++) {  // cached on every worker thread
    const r = await scan(admin, { person_id: who.id, direction: i % 2 ? 'out' : 'in' }, cp.body.id);
    assert.equal(r.status, 200, r.text);
  }
  const patch = await admin.patch(`/api/v1/places/${place.body.id}`, { records_exits: false });
  assert.ok(patch.status === 200 || patch.status === 204, patch.text);
  const before = scans();
  for (let i = 0; i < 4; i++)  // whichever thread answers: refused, nothing stored
    assertProblem(await scan(admin, { person_id: who.id, direction: 'out' }, cp.body.id),
      422, 'invalid-input', 'direction');
  assert.equal(scans(), before);
});

test('the disinfection log', async () => {
  const at = new Date(Date.now() - 3600e3).toISOString();
  const res = await gate.post(`/api/v1/places/${ids.place}/disinfections`, { area: '大门岗亭',
    agent: '84消毒液', concentration: '1:100', at });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.area, '大门岗亭');
  assert.equal(Date.parse(res.body.next_due_at) - Date.parse(res.body.at), 4 * 3600e3);
  const list = await unitUser.get(`/api/v1/disinfections?place_id=${ids.place}`);
  assert.equal(list.body.items[0].id, res.body.id);
  assertProblem(await gate.post(`/api/v1/places/${ids.place}/disinfections`, { area: '',
    agent: '84消毒液' }), 422, 'invalid-input', 'area');
  assertProblem(await gate.post(`/api/v1/places/${ids.place}/disinfections`, { area: '大门',
    agent: '84消毒液', next_due_at: '2000-01-01T00:00:00Z' }), 422, 'invalid-input', 'next_due_at');
  assertProblem(await unitUser.get('/api/v1/disinfections?overdue=perhaps'), 422, 'invalid-input',
    'overdue');
});

// Crash safety: scans are sent 24 at a time; once 150 have been answered
// the server is killed with SIGKILL.  Every answered scan must be in the
// database exactly once, and after a restart a retry of an answered scan's
// key is a replay.
test('every acknowledged scan survives kill -9 of the server, exactly once', { timeout: 120000 }, async () => {
  const victim = await startServer();
  try {
    const client = await tokenClient(await signIn(victim.base, 'admin'));
    const cp = Number(sql(victim.db, "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'"));
    const acked = [];
    let next = 0;
    let killed = false;
    async function worker() {
      while (!killed && next < 2000) {
        const i = next++;
        const key = `crash-${i}`;
        try {
          const res = await client.post(`/api/v1/checkpoints/${cp}/scans`, { id_number: LISI,
            direction: i % 2 ? 'out' : 'in', idempotency_key: key });
          if (res.status === 200) acked.push({ id: res.body.id, key, direction: i % 2 ? 'out' : 'in' });
          if (acked.length >= 150 && !killed) {
            killed = true;
            victim.proc.kill('SIGKILL');
          }
        } catch { /* the connection died with the server */ }
      }
    }
    await Promise.all(Array.from({ length: 24 }, worker));
    await new Promise((ok) => { if (victim.proc.exitCode !== null || victim.proc.signalCode) ok(); else victim.proc.on('exit', ok); });
    assert.equal(victim.proc.signalCode, 'SIGKILL');
    assert.ok(acked.length >= 150);
    const idList = acked.map((a) => a.id).join(',');
    assert.equal(count(victim.db, `SELECT count(*) FROM scan WHERE id IN (${idList})`), acked.length);
    assert.equal(count(victim.db, `SELECT count(DISTINCT id) FROM scan WHERE id IN (${idList})`), acked.length);
    // Restart on the same database: an answered key replays its scan.
    const again = spawn(bin, ['--db', victim.db, '--port', String(new URL(victim.base).port), 'serve'],
      { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100; i++) {
        try { if ((await fetch(`${victim.base}/healthz`)).status === 200) break; } catch { /* starting */ }
        await new Promise((ok) => setTimeout(ok, 100));
      }
      const a = acked[acked.length - 1];
      const res = await client.post(`/api/v1/checkpoints/${cp}/scans`, { id_number: LISI,
        direction: a.direction, idempotency_key: a.key });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.replayed, true);
      assert.equal(res.body.id, a.id);
    } finally {
      again.kill('SIGTERM');
      await new Promise((ok) => again.on('exit', ok));
    }
  } finally {
    rmSync(victim.dir, { recursive: true, force: true });
  }
});
