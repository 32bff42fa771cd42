// Black-box tests of POST /api/v1/traces (issue 6; docs/trace.md) against
// the real binary on a temporary demo database (SQLite, or PostgreSQL with
// SIJIN_TEST_DB=pg).  The demo's stays lie in March 2020, so the server
// keeps personal data for 3000 days here (setting retention-days).
//
// Expected values come from an independent SQL query over the view `stay`:
// for an index person with stays at one place, a first-degree contact's
// total is the sum over their stays there of
// max(0, min(exit, E) − max(entry, S)) for each of the index person's stays
// [S, E) (DESIGN.md §4), kept when ≥ 15 min.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, signIn, sql, startServer } from './lib.mjs';

let srv;
let leader;
let index;  // { person, place }

before(async () => {
  srv = await startServer({ args: ['--retention-days', '3000'] });
  leader = await signIn(srv.base, 'leader');
  // The person whose stays are all at one place, with the most stays there.
  const row = sql(srv.db, 'SELECT person_id, min(place_id) FROM stay WHERE person_id IS NOT NULL ' +
    'GROUP BY person_id HAVING count(DISTINCT place_id) = 1 ORDER BY count(*) DESC, person_id LIMIT 1');
  const [person, place] = row.split('|').map(Number);
  index = { person, place };
});

after(async () => { await srv.stop(); });

const body = (extra = {}) => ({ person_id: index.person, from: '2020-03-01T00:00:00+08:00',
  to: '2020-04-30T00:00:00+08:00', ...extra });

test('first degree equals the SQL oracle, sorted by total overlap', async () => {
  const before = count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'trace.run'");
  const res = await leader.post('/api/v1/traces', body());
  assert.equal(res.status, 200, res.text);
  const q = `SELECT c.person_id, sum(CASE WHEN c.exit_at < i.exit_at THEN c.exit_at ELSE i.exit_at END
      - CASE WHEN c.entry_at > i.entry_at THEN c.entry_at ELSE i.entry_at END)
    FROM stay i JOIN stay c ON c.place_id = i.place_id AND c.entry_at < i.exit_at AND c.exit_at > i.entry_at
    WHERE i.person_id = ${index.person} AND c.person_id IS NOT NULL AND c.person_id <> ${index.person}
    GROUP BY c.person_id`;
  const want = new Map(sql(srv.db, q).split('\n').filter(Boolean)
    .map((l) => l.split('|').map(Number)).filter(([, s]) => s >= 900));
  assert.ok(want.size > 0, 'the demo gives the index person contacts');
  const got = res.body.contacts;
  assert.equal(got.length, want.size);
  for (const c of got) {
    assert.equal(c.degree, 1);
    assert.equal(c.masked, false);
    assert.equal(c.total_s, want.get(c.person_id), `contact ${c.person_id}`);
    assert.equal(c.intervals.reduce((s, iv) => s + iv.seconds, 0), c.total_s);
    for (const iv of c.intervals) assert.equal(iv.place_id, index.place);
  }
  for (let i = 1; i < got.length; i++) assert.ok(got[i - 1].total_s >= got[i].total_s);
  assert.equal(res.body.params.min_overlap_s, 900);
  assert.ok(res.body.own_stays.length > 0);
  assert.equal(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'trace.run'"), before + 1);
});

test('depth 2 lists second-degree contacts via a first-degree one', async () => {
  const res = await leader.post('/api/v1/traces', body({ depth: 2 }));
  assert.equal(res.status, 200, res.text);
  const first = new Set(res.body.contacts.filter((c) => c.degree === 1).map((c) => c.person_id));
  for (const c of res.body.contacts.filter((x) => x.degree === 2)) {
    assert.ok(!first.has(c.person_id));
    for (const iv of c.intervals) assert.ok(first.has(iv.via_person_id));
  }
  assert.equal(res.body.n_first + res.body.n_second, res.body.contacts.length);
});

test('bad input is refused naming the parameter, and nothing is audited', async () => {
  const before = count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'trace.run'");
  assertProblem(await leader.post('/api/v1/traces', body({ depth: 3 })), 422, 'invalid-input', 'depth');
  assertProblem(await leader.post('/api/v1/traces', body({ min_overlap_minutes: -1 })), 422,
    'invalid-input', 'min_overlap_minutes');
  // Minutes that × 60 would overflow int64 are refused, not wrapped (2^62 × 60
  // is 0 mod 2^64: it ran with a margin of 0 s); depth 2^32 + 2 is not 2.
  assertProblem(await leader.post('/api/v1/traces', body({ margin_minutes: 2 ** 62 })), 422,
    'invalid-input', 'margin_minutes');
  assertProblem(await leader.post('/api/v1/traces', body({ margin_minutes: 3660 * 1440 + 1 })), 422,
    'invalid-input', 'margin_minutes');
  const long = await leader.post('/api/v1/traces', body({ min_overlap_minutes: 2 ** 61 }));
  assertProblem(long, 422, 'invalid-input', 'min_overlap_minutes');
  assert.doesNotMatch(long.body.detail, /negative/);
  assertProblem(await leader.post('/api/v1/traces', body({ depth: 2 ** 32 + 2 })), 422,
    'invalid-input', 'depth');
  assertProblem(await leader.post('/api/v1/traces', body({ to: '2020-02-01T00:00:00+08:00' })), 422,
    'invalid-input', 'to');
  assertProblem(await leader.post('/api/v1/traces', body({ from: '2099-01-01T00:00:00+08:00',
    to: '2099-02-01T00:00:00+08:00' })), 422, 'invalid-input', 'from');
  assertProblem(await leader.post('/api/v1/traces', body({ person_id: 999999 })), 422,
    'invalid-input', 'person_id');
  assertProblem(await leader.post('/api/v1/traces', body({ min_overlap_minutes: 61 * 24 * 60 })), 422,
    'invalid-input', 'min_overlap_minutes');  // longer than the 60-day window
  assertProblem(await leader.post('/api/v1/traces', body({ mobile: '13905380002' })), 422,
    'invalid-input', 'person_id');  // two names given
  const noPerson = { from: body().from, to: body().to };
  assertProblem(await leader.post('/api/v1/traces', { ...noPerson, mobile: '13800000000' }), 422,
    'invalid-input', 'mobile');
  assertProblem(await leader.post('/api/v1/traces', { ...noPerson, mobile: '12' }), 422,
    'invalid-input', 'mobile');
  assertProblem(await leader.post('/api/v1/traces', { ...noPerson, id_number: '370911197008152340' }),
    422, 'invalid-input', 'id_number');
  assertProblem(await leader.post('/api/v1/traces', { ...noPerson, pass: 'SJP1.AAAA.BBBB' }), 422,
    'invalid-input', 'pass');
  assert.equal(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'trace.run'"), before);
});

test('the index person by identity number, mobile or pass is the same trace', async () => {
  // 李四 of the demo (src/domain/demo.c): identity number and mobile.
  const lisi = Number(sql(srv.db, "SELECT id FROM person WHERE id_number_mask LIKE '3709%2345'"));
  const window = { from: body().from, to: body().to };
  const byId = await leader.post('/api/v1/traces', { ...window, person_id: lisi });
  assert.equal(byId.status, 200, byId.text);
  const pass = await leader.post('/api/v1/passes', { person_id: lisi,
    valid_to: new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10) });
  assert.equal(pass.status, 201, pass.text);
  for (const name of [{ id_number: '370911197008152345' }, { mobile: '139 0538 0002' },
    { pass: pass.body.code }]) {
    const res = await leader.post('/api/v1/traces', { ...window, ...name });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.params.person_id, lisi);
    assert.deepEqual(res.body.contacts, byId.body.contacts);
  }
});

test('only admin, leader and member may trace', async () => {
  for (const user of ['gate', 'gaotie', 'auditor']) {
    const c = await signIn(srv.base, user);
    assertProblem(await c.post('/api/v1/traces', body()), 403, 'forbidden');
  }
});
