// A checkpoint attendant's scope (issue 3: "a checkpoint attendant only
// their checkpoints"; domain/scope.h SCOPE_CHECKPOINT / SCOPE_PLACE).
//
// The set-up, on the demo database: 高铁社区 (unit U) has the place P1
// 华新新干线小区 with the checkpoint A 大门疫情监测点, attended by `gate`.
// The test adds a second checkpoint B at P1 (attended by nobody), a second
// place P2 of U with a checkpoint C attended by a new attendant `gate2`,
// and records, all today:
//   r1 in at A (gate, 38.2 °C: alert a1)     r2 in at B (admin, 38.3 °C: alert a2)
//   r3 in at C (gate2, 38.4 °C: alert a3)    r1 in at C (gate2, 36.5 °C)
// So `gate` must see exactly the scan r1@A, the stay it opens and alert
// a1 — nothing of B (same place) or C (same unit) — while the leader
// (whose work group is assigned U) sees all four scans and three alerts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signIn, tokenClient, sql, assertProblem, cliAddUser, idNumber, listAll }
  from './lib.mjs';

let srv;
let admin;   // Bearer client of admin
let leader;  // the work group's leader: sees the whole unit
let gate;    // attends A only
let gate2;   // attends C only
const ids = {};
const t0 = new Date(Date.now() - 60e3).toISOString();

const scan = (client, cp, body) => client.post(`/api/v1/checkpoints/${cp}/scans`, body);
const must = (res, status = 200) => { assert.equal(res.status, status, res.text); return res.body; };
const idsOf = (items) => items.map((x) => x.id).sort((a, b) => a - b);

async function resident(n, name) {
  const number = idNumber(`37091119900202${String(n).padStart(3, '0')}`);
  const res = must(await admin.post('/api/v1/people', { name, id_number: number,
    unit_id: ids.unit, tags: ['resident'] }), 201);
  return { id: res.id, number };
}

before(async () => {
  // The demo's records are of March 2020 (and this file's own of 2024): keep
  // 10 years so that retention (docs/retention.md) does not hide them.
  srv = await startServer({ args: ['--retention-days', '3650'] });
  admin = await tokenClient(await signIn(srv.base, 'admin'));
  leader = await signIn(srv.base, 'leader');
  gate = await signIn(srv.base, 'gate');
  ids.A = Number(sql(srv.db, "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'"));
  ids.P1 = Number(sql(srv.db, `SELECT place_id FROM checkpoint WHERE id = ${ids.A}`));
  ids.unit = Number(sql(srv.db, "SELECT id FROM unit WHERE name = '高铁社区'"));
  ids.B = must(await admin.post('/api/v1/checkpoints', { place_id: ids.P1, name: '后门' }), 201).id;
  ids.P2 = must(await admin.post('/api/v1/places', { unit_id: ids.unit, kind: 'residential',
    name: '高铁北苑', address: '北苑路1号' }), 201).id;
  ids.C = must(await admin.post('/api/v1/checkpoints', { place_id: ids.P2, name: '北苑大门' }),
    201).id;
  cliAddUser(srv.db, 'gate2', ['--role', 'checkpoint', '--checkpoint', String(ids.C)]);
  gate2 = await signIn(srv.base, 'gate2', 'gate2-password-2020');

  const r1 = await resident(1, '测试甲');
  const r2 = await resident(2, '测试乙');
  const r3 = await resident(3, '测试丙');
  ids.r1 = r1.id;
  const s1 = must(await scan(gate, ids.A, { id_number: r1.number, direction: 'in', temperature: '38.2' }));
  const s2 = must(await scan(admin, ids.B, { id_number: r2.number, direction: 'in', temperature: '38.3' }));
  const s3 = must(await scan(gate2, ids.C, { id_number: r3.number, direction: 'in', temperature: '38.4' }));
  const s4 = must(await scan(gate2, ids.C, { id_number: r1.number, direction: 'in', temperature: '36.5' }));
  Object.assign(ids, { s1: s1.id, s2: s2.id, s3: s3.id, s4: s4.id,
    a1: s1.alert_id, a2: s2.alert_id, a3: s3.alert_id });
  for (const k of ['a1', 'a2', 'a3']) assert.ok(ids[k] > 0, `${k} raised`);
});

after(async () => { await srv?.stop(); });

test('scans: the attendant lists only their checkpoint; the leader the whole unit', async () => {
  const mine = must(await gate.get(`/api/v1/scans?from=${t0}`));
  assert.deepEqual(idsOf(mine.items), [ids.s1]);
  const all = must(await leader.get(`/api/v1/scans?from=${t0}&unit_id=${ids.unit}`));
  assert.deepEqual(idsOf(all.items), [ids.s1, ids.s2, ids.s3, ids.s4].sort((a, b) => a - b));
  // narrowed to the unit or to the attendant's place: still only A's scan
  assert.deepEqual(idsOf(must(await gate.get(`/api/v1/scans?from=${t0}&unit_id=${ids.unit}`)).items),
    [ids.s1]);
  assert.deepEqual(idsOf(must(await gate.get(`/api/v1/scans?from=${t0}&place_id=${ids.P1}`)).items),
    [ids.s1]);
  // r1 was scanned at A and at C: the attendant sees the A scan only
  assert.deepEqual(idsOf(must(await gate.get(`/api/v1/scans?person_id=${ids.r1}`)).items), [ids.s1]);
  assert.deepEqual(idsOf(must(await leader.get(`/api/v1/scans?person_id=${ids.r1}`)).items),
    [ids.s1, ids.s4]);
  // another checkpoint, of the same place or of another place, is not found
  assertProblem(await gate.get(`/api/v1/scans?checkpoint_id=${ids.B}`), 404, 'not-found', 'checkpoint');
  assertProblem(await gate.get(`/api/v1/scans?checkpoint_id=${ids.C}`), 404, 'not-found', 'checkpoint');
  assertProblem(await gate.get(`/api/v1/scans?place_id=${ids.P2}`), 404, 'not-found', 'place');
});

test('daily counts and stays: only what was recorded at the attendant\'s checkpoint', async () => {
  const total = (body) => body.days.reduce((n, d) => n + d.total, 0);
  // the demo's scans are of 2020: the last 7 days hold only this test's
  assert.equal(total(must(await gate.get('/api/v1/scans/daily'))), 1);
  assert.equal(total(must(await leader.get(`/api/v1/scans/daily?unit_id=${ids.unit}`))), 4);
  // r1's stays: one opened at A (P1), one at C (P2)
  const staysOf = async (c, q) => (await listAll(c, `/api/v1/stays?${q}`)).items;
  const mine = await staysOf(gate, `person_id=${ids.r1}`);
  assert.deepEqual(mine.map((s) => [s.place_id, s.checkpoint_id]), [[ids.P1, ids.A]]);
  assert.equal((await staysOf(leader, `person_id=${ids.r1}`)).length, 2);
  // P1 today: r1's stay (A) and r2's (B); the attendant sees r1's only
  const p1 = await staysOf(gate, `place_id=${ids.P1}&from=${t0}`);
  assert.deepEqual(p1.map((s) => s.checkpoint_id), [ids.A]);
  assert.equal((await staysOf(leader, `place_id=${ids.P1}&from=${t0}`)).length, 2);
});

test('alerts: the list, by id, acknowledging and the live feed', async () => {
  const open = must(await gate.get(`/api/v1/alerts?from=${t0}`));
  assert.deepEqual(idsOf(open.items), [ids.a1]);
  assert.deepEqual(idsOf(must(await leader.get(`/api/v1/alerts?from=${t0}`)).items),
    [ids.a1, ids.a2, ids.a3].sort((a, b) => a - b));
  assert.equal(must(await gate.get(`/api/v1/alerts/${ids.a1}`)).id, ids.a1);
  for (const a of [ids.a2, ids.a3]) {
    assertProblem(await gate.get(`/api/v1/alerts/${a}`), 404, 'not-found', 'alert');
    assertProblem(await gate.post(`/api/v1/alerts/${a}/ack`, { note: '已处置' }), 404, 'not-found',
      'alert');
  }
  assert.equal(sql(srv.db, `SELECT count(*) FROM alert WHERE acked_at IS NOT NULL AND id IN (${ids.a2}, ${ids.a3})`), '0');

  // An alert that is not from a scan (an overdue disinfection) belongs to
  // its place: P1's is the attendant's, P2's is not.  Written as the
  // disinfection check writes them.
  const now = Math.floor(Date.now() / 1000);
  sql(srv.db, `INSERT INTO alert (place_id, id, at, reasons, decision, detail, created_at) VALUES
    (${ids.P1}, 900000001, ${now}, 256, 0, '消毒已逾期: 大门', ${now}),
    (${ids.P2}, 900000002, ${now}, 256, 0, '消毒已逾期: 北苑', ${now})`);
  assert.deepEqual(idsOf(must(await gate.get(`/api/v1/alerts?from=${t0}`)).items), [ids.a1, 900000001]);
  assertProblem(await gate.get('/api/v1/alerts/900000002'), 404, 'not-found', 'alert');
  assert.equal(must(await gate2.get('/api/v1/alerts/900000002')).id, 900000002);

  // The live feed: a fever at B, then at C, then at A; the attendant's
  // stream carries only A's, the leader's all three.
  const open2 = async (client) => {
    const ctl = new AbortController();
    const res = await fetch(`${srv.base}/api/v1/alerts/stream`, { headers: { Cookie: client.cookie },
      signal: ctl.signal });
    assert.equal(res.status, 200);
    return { ctl, reader: res.body.getReader(), text: '' };
  };
  const gs = await open2(gate);
  const ls = await open2(leader);
  const r4 = await resident(4, '测试丁');
  const fb = must(await scan(admin, ids.B, { id_number: r4.number, direction: 'in', temperature: '38.5' }));
  const fc = must(await scan(gate2, ids.C, { id_number: r4.number, direction: 'in', temperature: '38.6' }));
  const fa = must(await scan(gate, ids.A, { id_number: r4.number, direction: 'in', temperature: '38.7' }));
  const readUntil = async (s, id) => {
    const deadline = Date.now() + 10000;
    while (!s.text.includes(`id: ${id}\n`) && Date.now() < deadline) {
      const { value, done } = await s.reader.read();
      if (done) break;
      s.text += Buffer.from(value).toString('utf8');
    }
    s.ctl.abort();
    return [...s.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  };
  // Published in order b, c, a: once a's event arrived, b's and c's
  // would have come before it.
  assert.deepEqual(await readUntil(gs, fa.alert_id), [fa.alert_id]);
  assert.deepEqual(await readUntil(ls, fa.alert_id), [fb.alert_id, fc.alert_id, fa.alert_id]);
});

test('organisation: only the attendant\'s checkpoints and their places', async () => {
  must(await gate.get(`/api/v1/units/${ids.unit}`));   // the unit of their checkpoint
  assert.deepEqual(idsOf(must(await gate.get(`/api/v1/units/${ids.unit}/places`)).items), [ids.P1]);
  assert.deepEqual(idsOf(must(await leader.get(`/api/v1/units/${ids.unit}/places`)).items),
    [ids.P1, ids.P2]);
  assert.deepEqual(idsOf(must(await gate.get(`/api/v1/places/${ids.P1}/checkpoints`)).items), [ids.A]);
  assert.deepEqual(idsOf(must(await leader.get(`/api/v1/places/${ids.P1}/checkpoints`)).items),
    [ids.A, ids.B]);
  must(await gate.get(`/api/v1/checkpoints/${ids.A}`));
  for (const cp of [ids.B, ids.C]) {
    assertProblem(await gate.get(`/api/v1/checkpoints/${cp}`), 404, 'not-found');
    assertProblem(await gate.get(`/api/v1/checkpoints/${cp}/place-code`), 404, 'not-found');
    assertProblem(await scan(gate, cp, { id_number: idNumber('37091119900202009'), direction: 'in' }),
      404, 'not-found', 'checkpoint');
  }
  assertProblem(await gate.get(`/api/v1/places/${ids.P2}`), 404, 'not-found');
  assertProblem(await gate.get(`/api/v1/places/${ids.P2}/checkpoints`), 404, 'not-found');
  assertProblem(await gate.get(`/api/v1/places/${ids.P2}/households`), 404, 'not-found');
});

test('disinfection: the attendant writes and reads their places\' log only', async () => {
  const at = new Date(Date.now() - 1800e3).toISOString();
  const d2 = must(await gate2.post(`/api/v1/places/${ids.P2}/disinfections`,
    { area: '北苑门岗', agent: '84消毒液', at }), 201);
  assertProblem(await gate.post(`/api/v1/places/${ids.P2}/disinfections`,
    { area: '北苑门岗', agent: '84消毒液', at }), 404, 'not-found', 'place');
  const d1 = must(await gate.post(`/api/v1/places/${ids.P1}/disinfections`,
    { area: '大门岗亭', agent: '84消毒液', at }), 201);
  // the demo's entries are of 2020: since an hour ago there are these two
  const since = new Date(Date.now() - 3600e3).toISOString();
  const mine = must(await gate.get(`/api/v1/disinfections?from=${since}`));
  assert.deepEqual(idsOf(mine.items), [d1.id]);
  assert.deepEqual(idsOf(must(await leader.get(`/api/v1/disinfections?from=${since}`)).items),
    [d2.id, d1.id]);  // d2 was written first
  assertProblem(await gate.get(`/api/v1/disinfections?place_id=${ids.P2}`), 404, 'not-found', 'place');
});

test('outsider registrations: only those made at the attendant\'s checkpoints', async () => {
  const reg = (client, extra, n) => client.post('/api/v1/outsiders', { name: `外来${n}`,
    mobile: `1371234${String(n).padStart(4, '0')}`, from: '济南', reason: '探亲', host: '住户', ...extra });
  const atC = must(await reg(gate2, { checkpoint_id: ids.C }, 1), 201);
  const noCp = must(await reg(leader, { unit_id: ids.unit }, 2), 201);
  const atA = must(await reg(gate, { checkpoint_id: ids.A }, 3), 201);
  // the attendant must name a checkpoint they attend
  const before = sql(srv.db, 'SELECT count(*) FROM outsider_registration');
  assertProblem(await reg(gate, { unit_id: ids.unit }, 4), 422, 'invalid-input', 'checkpoint_id');
  assertProblem(await reg(gate, { checkpoint_id: ids.C }, 5), 404, 'not-found', 'checkpoint_id');
  assertProblem(await reg(gate, { checkpoint_id: ids.B }, 6), 404, 'not-found', 'checkpoint_id');
  assert.equal(sql(srv.db, 'SELECT count(*) FROM outsider_registration'), before);

  // the demo's three registrations were made at A
  const demo = sql(srv.db, `SELECT id FROM outsider_registration WHERE checkpoint_id = ${ids.A}
    AND id <> ${atA.id} ORDER BY id`).split('\n').map(Number);
  assert.equal(demo.length, 3);
  const mine = (await listAll(gate, '/api/v1/outsiders')).items;
  assert.deepEqual(idsOf(mine), [...demo, atA.id]);
  const all = (await listAll(leader, '/api/v1/outsiders')).items;
  assert.deepEqual(idsOf(all), [...demo, atC.id, noCp.id, atA.id].sort((a, b) => a - b));
  must(await gate.get(`/api/v1/outsiders/${atA.id}`));
  assertProblem(await gate.get(`/api/v1/outsiders/${atC.id}`), 404, 'not-found', 'outsider');
  assertProblem(await gate.get(`/api/v1/outsiders/${noCp.id}`), 404, 'not-found', 'outsider');
});

// A typed name holding U+FFFD (the mark of a lossy decode upstream: the
// name has lost characters) or a control character is refused, naming the
// field, wherever people's names and text are taken: registration (name),
// outsiders (name, from, reason, host); nothing is stored.
test('names damaged upstream (U+FFFD) or with control characters are refused', async () => {
  const people = sql(srv.db, 'SELECT count(*) FROM person');
  const outsiders = sql(srv.db, 'SELECT count(*) FROM outsider_registration');
  for (const name of ['张\uFFFD', '\uFFFD', '张\u0007三', '张\u001B三'])
    assertProblem(await admin.post('/api/v1/people', { name, unit_id: ids.unit, tags: ['resident'] }),
      422, 'invalid-input', 'name');
  const good = { name: '外来甲', mobile: '13712349999', from: '济南', reason: '探亲', host: '住户',
    checkpoint_id: ids.A };
  for (const field of ['name', 'from', 'reason', 'host'])
    for (const bad of ['济\uFFFD', '济\u0007南'])
      assertProblem(await gate.post('/api/v1/outsiders', { ...good, [field]: bad }), 422,
        'invalid-input', field);
  assert.equal(sql(srv.db, 'SELECT count(*) FROM person'), people);
  assert.equal(sql(srv.db, 'SELECT count(*) FROM outsider_registration'), outsiders);
  // the same names without the damage are taken
  must(await admin.post('/api/v1/people', { name: '张三', unit_id: ids.unit, tags: ['resident'] }), 201);
  must(await gate.post('/api/v1/outsiders', good), 201);
});
