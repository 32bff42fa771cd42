// Black-box tests of work resumption (issue 9 "Work resumption") against the
// real binary on a temporary demo database:
//  - the scenario: 泰山石膏有限公司 not resumed from 2020-03-06, blocked by its
//    accommodation request, resumed 2020-03-18 (the request was resolved on
//    2020-03-17); 丰泽领秀城项目 partial 03-10, resumed 03-20, both assumed;
//  - the rate with its numerators and denominators, filters, and the trend
//    (one point per day);
//  - filing a report: 201 with Location and an audit event; latest wins;
//  - scope: the 高铁社区 liaison cannot see the enterprise (404); a unit
//    outside the group is 404 to the leader; the auditor reads, cannot file;
//  - bad input: a problem document naming the field, and no row written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, listAll, signIn, startServer } from './lib.mjs';

let srv;
let leader;
let gaotie;
let auditor;
let admin;
const ids = {};

function rows() {
  return ['resumption_report', 'resumption_blocker', 'audit_event']
    .map((t) => count(srv.db, `SELECT count(*) FROM ${t}`));
}

before(async () => {
  srv = await startServer({ args: ['--retention-requests-days', '3650'] });
  leader = await signIn(srv.base, 'leader');
  gaotie = await signIn(srv.base, 'gaotie');
  auditor = await signIn(srv.base, 'auditor');
  admin = await signIn(srv.base, 'admin');
  const units = (await leader.get('/api/v1/units')).body.items;
  ids.units = Object.fromEntries(units.map((u) => [u.name, u.id]));
  ids.gypsum = ids.units['泰山石膏有限公司'];
  ids.project = ids.units['丰泽领秀城项目'];
  ids.request = count(srv.db, `SELECT id FROM service_request WHERE unit_id = ${ids.gypsum}`);
  const regions = (await admin.get('/api/v1/regions')).body.items;
  ids.district = regions.find((r) => r.name === '岱岳区').id;
});

after(async () => {
  await srv.stop();
});

describe('the scenario (sijin demo)', () => {
  test('Taishan Gypsum: not resumed, blocked by the request, then resumed the day after it was resolved', async () => {
    const res = await leader.get(`/api/v1/resumption/units/${ids.gypsum}/reports`);
    assert.equal(res.status, 200);
    const brief = res.body.items.map((r) => [r.report_date, r.status, r.blocker_ids, r.assumed]);
    assert.deepEqual(brief, [
      ['2020-03-18', 'resumed', [], false],
      ['2020-03-06', 'not_resumed', [ids.request], false],
    ]);
  });

  test('the project: partial on 03-10, resumed on 03-20, both assumed', async () => {
    const res = await leader.get(`/api/v1/resumption/units/${ids.project}/reports`);
    assert.deepEqual(res.body.items.map((r) => [r.report_date, r.status, r.assumed]), [
      ['2020-03-20', 'resumed', true],
      ['2020-03-10', 'partial', true],
    ]);
  });

  test('the rate on 2020-03-18: 1 of 2 resumed, 1 of 2 partial', async () => {
    const res = await leader.get(`/api/v1/resumption/rate?date=2020-03-18&region_id=${ids.district}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.units, 2);
    assert.deepEqual(res.body.resumed_rate, { numerator: 1, denominator: 2 });
    assert.deepEqual(res.body.partial_rate, { numerator: 1, denominator: 2 });
    assert.equal(res.body.not_resumed, 0);
    const projects = await leader.get('/api/v1/resumption/rate?date=2020-03-18&kind=project');
    assert.deepEqual(projects.body.resumed_rate, { numerator: 0, denominator: 1 });
  });

  test('the trend 03-16..03-20: one point a day', async () => {
    const res = await leader.get('/api/v1/resumption/trend?from=2020-03-16&to=2020-03-20');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.points.map((p) => [p.date, p.resumed, p.partial, p.not_resumed]), [
      ['2020-03-16', 0, 1, 1], ['2020-03-17', 0, 1, 1], ['2020-03-18', 1, 1, 0],
      ['2020-03-19', 1, 1, 0], ['2020-03-20', 2, 0, 0],
    ]);
  });
});

describe('filing reports', () => {
  test('a report is created with its audit event; the latest wins', async () => {
    const before = rows();
    const res = await leader.post(`/api/v1/resumption/units/${ids.project}/reports`, {
      report_date: '2020-03-25', status: 'partial', staff_on_site: 30, staff_total: 40,
      capacity_pct: 60, note: '部分工人未返岗',
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('location'), `/api/v1/resumption/reports/${res.body.id}`);
    assert.equal(res.body.status, 'partial');
    assert.equal(res.body.assumed, false);
    assert.deepEqual(rows(), [before[0] + 1, before[1], before[2] + 1]);
    assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE action = 'resumption.report' AND object_id = ${res.body.id}`), 1);
    const got = await auditor.get(`/api/v1/resumption/reports/${res.body.id}`);
    assert.equal(got.status, 200);
    const rate = (await leader.get('/api/v1/resumption/rate?date=2020-03-25')).body;
    assert.deepEqual(rate.resumed_rate, { numerator: 1, denominator: 2 });
    assert.deepEqual(rate.staff_return_rate, { numerator: 30, denominator: 40, reports: 1 });
    // Before the new report the project was resumed (03-20).
    const earlier = (await leader.get('/api/v1/resumption/rate?date=2020-03-24')).body;
    assert.deepEqual(earlier.resumed_rate, { numerator: 2, denominator: 2 });
  });

  test('scope: other units are not found; the auditor may not file', async () => {
    assertProblem(await gaotie.get(`/api/v1/resumption/units/${ids.gypsum}/reports`), 404, 'not-found');
    assertProblem(await gaotie.post(`/api/v1/resumption/units/${ids.gypsum}/reports`,
      { report_date: '2020-03-25', status: 'resumed' }), 404, 'not-found');
    const other = await admin.post('/api/v1/units', { kind: 'enterprise', name: '别的企业',
      region_id: ids.district });
    assert.equal(other.status, 201, other.text);
    assertProblem(await leader.get(`/api/v1/resumption/units/${other.body.id}/reports`), 404, 'not-found');
    assertProblem(await auditor.post(`/api/v1/resumption/units/${ids.gypsum}/reports`,
      { report_date: '2020-03-25', status: 'resumed' }), 403, 'forbidden');
  });

  test('bad input names the field and writes nothing', async () => {
    const before = rows();
    const post = (unit, body) => leader.post(`/api/v1/resumption/units/${unit}/reports`, body);
    const base = { report_date: '2020-03-25', status: 'partial' };
    const cases = [
      [ids.gypsum, { ...base, status: 'half' }, 'status'],
      [ids.gypsum, { ...base, staff_on_site: 41, staff_total: 40 }, 'staff_on_site'],
      [ids.gypsum, { ...base, capacity_pct: 101 }, 'capacity_pct'],
      [ids.gypsum, { ...base, blocker_ids: [ids.request] }, 'blocker_ids[0]'],
      [ids.units['高铁社区'], base, 'unit_id'],
      [ids.gypsum, { ...base, colour: 'red' }, 'colour'],
      [ids.gypsum, { ...base, report_date: '2099-01-01' }, 'report_date'],
    ];
    for (const [unit, body, field] of cases) {
      assertProblem(await post(unit, body), 422, 'invalid-input', field);
    }
    assertProblem(await leader.get('/api/v1/resumption/rate?kind=community'), 422, 'invalid-input', 'kind');
    assert.deepEqual(rows(), before);
  });
});

describe('the reports of a unit are paged with a cursor', () => {
  test('7 more reports, pages of 3: each once, newest date first, then newest id', async () => {
    const dates = ['2020-04-01', '2020-04-02', '2020-04-02', '2020-04-03', '2020-04-03',
      '2020-04-03', '2020-04-05'];
    for (const d of dates) {
      const res = await admin.post(`/api/v1/resumption/units/${ids.project}/reports`,
        { report_date: d, status: 'resumed' });
      assert.equal(res.status, 201, res.text);
    }
    const all = (await leader.get(`/api/v1/resumption/units/${ids.project}/reports?limit=500`)).body;
    assert.equal(all.next_cursor, null);
    // by hand: date descending, then id descending
    const want = [...all.items].sort((a, b) => (a.report_date === b.report_date
      ? b.id - a.id : (a.report_date < b.report_date ? 1 : -1))).map((r) => r.id);
    assert.deepEqual(all.items.map((r) => r.id), want);
    assert.ok(want.length >= 9);   // the demo's 2 and these 7
    const { items, pages } = await listAll(leader, `/api/v1/resumption/units/${ids.project}/reports?limit=3`);
    assert.deepEqual(items.map((r) => r.id), want);
    assert.equal(pages, Math.ceil(want.length / 3));
    assertProblem(await leader.get(`/api/v1/resumption/units/${ids.project}/reports?limit=0`), 422,
      'invalid-input', 'limit');
    assertProblem(await leader.get(`/api/v1/resumption/units/${ids.project}/reports?cursor=xyz`), 422,
      'invalid-input', 'cursor');
  });
});
