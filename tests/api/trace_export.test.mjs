// Black-box tests of the trace export (issue 6 "Export as CSV and XLSX";
// domain/trace_export.h) on a temporary demo database kept for 3000 days:
//  - POST /api/v1/traces with "format": "csv" answers an attachment whose
//    rows are the JSON answer's intervals, one each, in its order, with
//    identity numbers masked ("3709**********1612": 4 + 10 stars + 4);
//  - Accept: text/csv and the XLSX type choose the file too;
//  - "reveal": true shows 18-character identity numbers to a role with
//    person.reveal (the leader) and is refused (403) to one without (the
//    gaotie unit liaison cannot trace at all: 403 as well);
//  - every run is audited with its format and reveal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, signIn, sql, startServer } from './lib.mjs';

let srv;
let leader;
let person;

before(async () => {
  srv = await startServer({ args: ['--retention-days', '3000'] });
  leader = await signIn(srv.base, 'leader');
  person = Number(sql(srv.db, 'SELECT person_id FROM stay WHERE person_id IS NOT NULL ' +
    'GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 1'));
});

after(async () => {
  await srv.stop();
});

const body = (extra = {}) => ({ person_id: person, from: '2020-03-01T00:00:00+08:00',
  to: '2020-04-01T00:00:00+08:00', ...extra });

function csvRows(text) {
  return text.replace(/^\ufeff/, '').trim().split('\r\n')
    .map((line) => line.slice(1, -1).split('","'));
}

test('CSV: one row per interval of the JSON answer, identity masked, audited', async () => {
  const json = (await leader.post('/api/v1/traces', body())).body;
  const intervals = json.contacts.flatMap((c, i) => c.intervals.map((v) => [i + 1, v.seconds]));
  assert.ok(intervals.length > 0, 'the demo gives contacts');
  const before = count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'trace.run'");
  const res = await leader.post('/api/v1/traces', body({ format: 'csv' }));
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  assert.match(res.headers.get('content-disposition'), new RegExp(`filename="trace-${person}.csv"`));
  const rows = csvRows(res.text);
  assert.equal(rows[0][0], '序号');
  assert.equal(rows.length - 1, intervals.length);
  rows.slice(1).forEach((r, k) => {
    assert.equal(Number(r[0]), intervals[k][0]);
    assert.equal(Number(r[9]), Math.floor(intervals[k][1] / 60));
    if (r[3]) assert.match(r[3], /^\d{4}\*{10}[\dX]{4}$/);
  });
  assert.equal(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'trace.run'"), before + 1);
  const detail = JSON.parse(sql(srv.db,
    "SELECT detail FROM audit_event WHERE action = 'trace.run' ORDER BY id DESC LIMIT 1"));
  assert.equal(JSON.stringify(detail).includes('"format":"csv"'), true, JSON.stringify(detail));
});

test('Accept chooses CSV or XLSX', async () => {
  const csv = await leader.post('/api/v1/traces', body(), { headers: { Accept: 'text/csv' } });
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const res = await fetch(`${srv.base}/api/v1/traces`, { method: 'POST', body: JSON.stringify(body()),
    headers: { 'Content-Type': 'application/json', Cookie: leader.cookie, 'X-CSRF-Token': leader.csrf,
      Accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
  assert.equal(res.status, 200);
  assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString(), 'PK');
});

test('reveal: clear identity numbers for the leader; refused where not allowed', async () => {
  const res = await leader.post('/api/v1/traces', body({ format: 'csv', reveal: true }));
  assert.equal(res.status, 200, res.text);
  const ids = csvRows(res.text).slice(1).map((r) => r[3]).filter(Boolean);
  assert.ok(ids.length > 0);
  for (const id of ids) assert.match(id, /^\d{17}[\dX]$/);
  assertProblem(await leader.post('/api/v1/traces', body({ reveal: true })), 422, 'invalid-input', 'reveal');
  assertProblem(await leader.post('/api/v1/traces', body({ format: 'pdf' })), 422, 'invalid-input', 'format');
  const gaotie = await signIn(srv.base, 'gaotie');
  assertProblem(await gaotie.post('/api/v1/traces', body({ format: 'csv', reveal: true })), 403, 'forbidden');
});

// Depth 2: every row's place column is its interval's place name (read
// from the store here) and its "经由" column the 1-based number of the
// contact the interval came through (worked out from the JSON answer's
// contact order); first-degree rows leave it empty.
test('depth 2 CSV: each row names its place and the contact it came through', async () => {
  // The first index person (fewest stays first) whose answer has a
  // second-degree contact.
  const people = sql(srv.db, 'SELECT person_id FROM stay WHERE person_id IS NOT NULL ' +
    'GROUP BY person_id ORDER BY count(*), person_id LIMIT 40').split('\n').map(Number);
  let who;
  let json;
  for (const p of people) {
    json = (await leader.post('/api/v1/traces', body({ person_id: p, depth: 2 }))).body;
    if (json.contacts?.some((c) => c.degree === 2)) { who = p; break; }
  }
  assert.ok(who, 'the demo gives a second-degree contact');
  const no = new Map(json.contacts.map((c, i) => [c.person_id, i + 1]));
  const names = new Map();
  const placeName = (id) => {
    if (!names.has(id)) names.set(id, sql(srv.db, `SELECT name FROM place WHERE id = ${id}`));
    return names.get(id);
  };
  const want = json.contacts.flatMap((c) => c.intervals.map((v) =>
    [placeName(v.place_id), v.via_person_id ? String(no.get(v.via_person_id)) : '']));
  const res = await leader.post('/api/v1/traces', body({ person_id: who, depth: 2, format: 'csv' }));
  assert.equal(res.status, 200, res.text);
  const rows = csvRows(res.text).slice(1);
  assert.equal(rows.length, want.length);
  rows.forEach((r, k) => assert.deepEqual([r[6], r[10]], want[k], `row ${k + 1}`));
});
