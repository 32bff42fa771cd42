// Black-box tests of the daily report (issue 9 "Reports and ledgers";
// docs/reports.md) against the real binary on a temporary demo database:
//  - the scenario (SCENARIO.md): on 2020-03-18 the group delivered 600 masks,
//    6 boxes = 240 bottles of alcohol and 6 boxes = 180 bottles of 84
//    disinfectant to its 3 communities, and visited them (3 visits); over
//    2020-03-05..2020-03-31 one enterprise request (泰山石膏有限公司,
//    accommodation) was resolved after the bureau's reply of 2020-03-16;
//  - every figure equals the count of the list view with the same filter
//    and scope (the lists are read through the API, page by page);
//  - issue 3's case: group A has 3 units, group B 2; a member of A lists 3
//    units, gets 404 for B's unit, and a report naming B's unit or group is
//    404; a region report of A's member never counts B's records;
//  - outputs: HTML escapes what users typed, CSV of one ledger, XLSX
//    attachment; exports are audited; bad input is a problem document.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, listAll, signIn, startServer } from './lib.mjs';

let srv;
let leader;
let admin;
let member;
const ids = {};
const RANGE = 'date=2020-03-05&to=2020-03-31';
// 2020-03-05T00:00+08:00 .. 2020-04-01T00:00+08:00 (the range's instants)
const FROM = encodeURIComponent('2020-03-05T00:00:00+08:00');
const TO = encodeURIComponent('2020-04-01T00:00:00+08:00');

before(async () => {
  // The demo's records are of March 2020 (and this file's own of 2024): keep
  // 10 years so that retention (docs/retention.md) does not hide them.
  srv = await startServer({ args: ['--retention-days', '3650'] });
  leader = await signIn(srv.base, 'leader');
  admin = await signIn(srv.base, 'admin');
  const units = (await leader.get('/api/v1/units')).body.items;
  ids.units = Object.fromEntries(units.map((u) => [u.name, u.id]));
  ids.group = (await leader.get('/api/v1/groups')).body.items[0].id;
  const regions = (await admin.get('/api/v1/regions')).body.items;
  ids.district = regions.find((r) => r.name === '岱岳区').id;
  ids.subdistrict = regions.find((r) => r.name === '粥店街道').id;
});

after(async () => {
  await srv.stop();
});

describe('the scenario (SCENARIO.md)', () => {
  test('2020-03-18: 600 masks, 240 bottles of alcohol, 180 bottles of 84 to 3 communities', async () => {
    const res = await leader.get(`/api/v1/reports/daily?date=2020-03-18&group=${ids.group}`);
    assert.equal(res.status, 200, res.text);
    const r = res.body;
    assert.equal(r.from, '2020-03-18');
    assert.equal(r.units.length, 5);
    const delivered = Object.fromEntries(r.supplies.delivered.map((q) => [q.item, [q.qty, q.uom, q.units]]));
    assert.deepEqual(delivered, { 口罩: [600, '个', 3], 酒精: [240, '瓶', 3], '84消毒液': [180, '瓶', 3] });
    assert.equal(r.supplies.units_supplied, 3);
    assert.equal(r.visits.visits, 3);   // the afternoon visits with the deliveries
    assert.match(r.brief, /向3个单位发放防疫物资口罩600个、酒精240瓶、84消毒液180瓶/);
  });

  test('2020-03-05..03-31: one enterprise request resolved after the reply of 2020-03-16', async () => {
    const res = await leader.get(`/api/v1/reports/daily?${RANGE}&group=${ids.group}`);
    assert.equal(res.status, 200, res.text);
    const q = res.body.requests;
    assert.equal(q.opened, 1);
    assert.equal(q.resolved, 1);
    assert.equal(q.resolved_requests.length, 1);
    const one = q.resolved_requests[0];
    assert.equal(one.unit_id, ids.units['泰山石膏有限公司']);
    assert.equal(one.service_code, 'accommodation');
    assert.equal(one.replied_by, '泰安市文化和旅游局');
    assert.equal(one.replied_at.slice(0, 10), '2020-03-16');
    assert.match(one.reply, /泰安宝盛大酒店/);
    const bureau = q.by_department.find((d) => d.name === '泰安市文化和旅游局');
    assert.deepEqual([bureau.opened, bureau.resolved], [1, 1]);
    assert.match(res.body.brief, /泰安市文化和旅游局于2020年3月16日答复后办结/);
    // both enterprise and project resumed by the end of March
    assert.deepEqual(res.body.resumption.resumed_rate, { numerator: 2, denominator: 2 });
  });
});

describe('every figure equals the list view with the same filter and scope', () => {
  test('a group over the range', async () => {
    const r = (await leader.get(`/api/v1/reports/daily?${RANGE}&group=${ids.group}`)).body;
    let scans = 0, alerts = 0, fever = 0, visits = 0, needs = 0, insp = 0, disinf = 0, outsiders = 0;
    let opened = 0, resolved = 0;
    for (const u of Object.values(ids.units)) {
      scans += (await listAll(leader, `/api/v1/scans?unit_id=${u}&from=${FROM}&to=${TO}&limit=500`)).items.length;
      const al = (await listAll(leader, `/api/v1/alerts?unit_id=${u}&from=${FROM}&to=${TO}`)).items;
      alerts += al.length;
      fever += al.filter((a) => a.reasons.includes('fever')).length;
      const vs = (await listAll(leader, `/api/v1/visits?unit_id=${u}&from=2020-03-05&to=2020-03-31`)).items;
      visits += vs.length;
      needs += vs.reduce((n, v) => n + v.needs.length, 0);
      insp += (await listAll(leader, `/api/v1/inspections?unit_id=${u}&from=2020-03-05&to=2020-03-31`)).items.length;
      disinf += (await listAll(leader, `/api/v1/disinfections?unit_id=${u}&from=${FROM}&to=${TO}`)).items.length;
      outsiders += (await listAll(leader, `/api/v1/outsiders?unit_id=${u}`)).items
        .filter((o) => o.registered_at >= '2020-03-05' && o.registered_at < '2020-04-01').length;
      opened += (await listAll(leader, `/api/v1/requests?unit_id=${u}&reported_from=${FROM}&reported_to=${encodeURIComponent('2020-03-31T23:59:59+08:00')}`))
        .items.filter((q) => q.status !== 'duplicate').length;
      resolved += (await listAll(leader, `/api/v1/requests?unit_id=${u}&resolved_from=${FROM}&resolved_to=${TO}`))
        .items.filter((q) => q.status !== 'duplicate').length;
    }
    assert.ok(scans > 0 && visits > 0, 'the demo has scans and visits in March');
    assert.equal(r.registrations.scans, scans);
    assert.equal(r.alerts.total, alerts);
    assert.equal(r.alerts.fever, fever);
    assert.equal(r.visits.visits, visits);
    assert.equal(r.visits.needs, needs);
    assert.equal(r.inspections.inspections, insp);
    assert.equal(r.disinfection.done, disinf);
    assert.equal(r.outsiders, outsiders);
    assert.equal(r.requests.opened, opened);
    assert.equal(r.requests.resolved, resolved);
    const rate = (await leader.get(`/api/v1/resumption/rate?date=2020-03-31&group_id=${ids.group}`)).body;
    assert.deepEqual(r.resumption, rate);
  });

  test('counts by task line equal the lists filtered by task_line', async () => {
    const r = (await leader.get(`/api/v1/reports/daily?${RANGE}&group=${ids.group}`)).body;
    assert.deepEqual(r.task_lines.map((l) => l.code), ['prevention', 'economy', 'livelihood', null]);
    for (const line of r.task_lines.filter((l) => l.code)) {
      let visits = 0, needs = 0, opened = 0, resolved = 0;
      for (const u of Object.values(ids.units)) {
        const vs = (await listAll(leader, `/api/v1/visits?unit_id=${u}&from=2020-03-05&to=2020-03-31&task_line=${line.code}`)).items;
        visits += vs.length;
        needs += (await listAll(leader, `/api/v1/visits?unit_id=${u}&from=2020-03-05&to=2020-03-31`)).items
          .reduce((n, v) => n + v.needs.filter((x) => x.task_line === line.code).length, 0);
        opened += (await listAll(leader, `/api/v1/requests?unit_id=${u}&task_line=${line.code}&reported_from=${FROM}&reported_to=${encodeURIComponent('2020-03-31T23:59:59+08:00')}`))
          .items.filter((q) => q.status !== 'duplicate').length;
        resolved += (await listAll(leader, `/api/v1/requests?unit_id=${u}&task_line=${line.code}&resolved_from=${FROM}&resolved_to=${TO}`))
          .items.filter((q) => q.status !== 'duplicate').length;
      }
      assert.deepEqual([line.visits, line.needs, line.requests_opened, line.requests_resolved],
        [visits, needs, opened, resolved], line.code);
    }
    // the scenario: the six visits are livelihood (走访慰问, 入户), the enterprise's request economy
    const byCode = Object.fromEntries(r.task_lines.map((l) => [l.code, l]));
    assert.equal(byCode.livelihood.visits, 6);
    assert.equal(byCode.economy.requests_resolved, 1);
    assert.equal(r.task_lines.reduce((n, l) => n + l.visits, 0), r.visits.visits);
  });

  test('a unit report counts that unit only, and the region report equals the group here', async () => {
    const gaotie = ids.units['高铁社区'];
    const r = (await leader.get(`/api/v1/reports/daily?${RANGE}&unit=${gaotie}`)).body;
    const scans = (await listAll(leader, `/api/v1/scans?unit_id=${gaotie}&from=${FROM}&to=${TO}&limit=500`)).items.length;
    assert.equal(r.registrations.scans, scans);
    assert.deepEqual(r.units.map((u) => u.id), [gaotie]);
    assert.equal(r.supplies.units_supplied, 1);
    assert.deepEqual(r.supplies.delivered.map((q) => q.qty), [200, 80, 60]);
    const g = (await leader.get(`/api/v1/reports/daily?${RANGE}&group=${ids.group}`)).body;
    const d = (await leader.get(`/api/v1/reports/daily?${RANGE}&region=${ids.district}`)).body;
    assert.equal(d.registrations.scans, g.registrations.scans);
    assert.equal(d.visits.visits, g.visits.visits);
  });
});

describe('issue 3: a member of group A never sees group B in a report', () => {
  let unitsA;
  let unitsB;
  let groupB;
  before(async () => {
    const mk = async (name, kind, region) => {
      const res = await admin.post('/api/v1/units', { kind, name, region_id: region });
      assert.equal(res.status, 201, res.text);
      return res.body.id;
    };
    const groupA = (await admin.post('/api/v1/groups', { name: '报表A组' })).body.id;
    groupB = (await admin.post('/api/v1/groups', { name: '报表B组' })).body.id;
    unitsA = [await mk('报表甲社区', 'community', ids.subdistrict),
      await mk('报表乙社区', 'community', ids.subdistrict), await mk('报表丙社区', 'community', ids.subdistrict)];
    unitsB = [await mk('报表丁公司', 'enterprise', ids.district), await mk('报表戊项目', 'project', ids.district)];
    for (const [g, us] of [[groupA, unitsA], [groupB, unitsB]])
      for (const u of us)
        assert.equal((await admin.post(`/api/v1/groups/${g}/assignments`, { unit_id: u })).status, 201);
    const user = await admin.post('/api/v1/users', { username: 'report_a', role: 'member',
      group_id: groupA, password: 'report-a-pass-2020' });
    assert.equal(user.status, 201, user.text);
    member = await signIn(srv.base, 'report_a', 'report-a-pass-2020');
    // B's data: two visits on 2020-03-18; A's: one
    const visitor = {};
    for (const g of [groupA, groupB]) {
      const m = await admin.post(`/api/v1/groups/${g}/members`, { name: `组员${g}`, role: 'member' });
      assert.equal(m.status, 201, m.text);
      visitor[g] = m.body.id;
    }
    for (const [u, g] of [[unitsB[0], groupB], [unitsB[1], groupB], [unitsA[0], groupA]]) {
      const v = await admin.post('/api/v1/visits', { unit_id: u, visited_on: '2020-03-18', purpose: '走访',
        visitor_ids: [visitor[g]] });
      assert.equal(v.status, 201, v.text);
    }
  });

  test('lists 3 units; B unit by id is 404', async () => {
    const list = await member.get('/api/v1/units');
    assert.deepEqual(list.body.items.map((u) => u.id).sort(), [...unitsA].sort());
    assertProblem(await member.get(`/api/v1/units/${unitsB[0]}`), 404, 'not-found');
  });

  test('a report naming B unit or B group is 404; the region report counts A only', async () => {
    assertProblem(await member.get(`/api/v1/reports/daily?date=2020-03-18&unit=${unitsB[0]}`), 404, 'not-found', 'unit');
    assertProblem(await member.get(`/api/v1/reports/daily?date=2020-03-18&group=${groupB}`), 404, 'not-found', 'group');
    const r = await member.get(`/api/v1/reports/daily?date=2020-03-18&region=${ids.district}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.units.map((u) => u.id).sort(), [...unitsA].sort());
    assert.equal(r.body.visits.visits, 1);   // A's one visit, none of B's two
    const adminView = (await admin.get(`/api/v1/reports/daily?date=2020-03-18&group=${groupB}`)).body;
    assert.equal(adminView.visits.visits, 2);
  });
});

describe('outputs', () => {
  test('HTML: a page with every user string escaped', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const u = await admin.post('/api/v1/units', { kind: 'community', name: evil, region_id: ids.subdistrict });
    assert.equal(u.status, 201, u.text);
    const res = await admin.get(`/api/v1/reports/daily?date=2020-03-18&region=${ids.subdistrict}&format=html`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.match(res.text, /<h1>日报：粥店街道 2020年3月18日<\/h1>/);
    assert.match(res.text, /600个/);
    assert.ok(res.text.includes('<li>&lt;img src=x onerror=alert(1)&gt;</li>'));
    assert.doesNotMatch(res.text, /<img/);
  });

  test('CSV of one ledger, audited; XLSX attachment', async () => {
    const before = count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'report.export'");
    const csv = await leader.get(`/api/v1/reports/daily?${RANGE}&group=${ids.group}&format=csv&ledger=requests`);
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.match(csv.headers.get('content-disposition'), /attachment; filename="report-2020-03-05-group-requests.csv"/);
    const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(lines.length, 2);   // header + the one request
    assert.match(lines[1], /泰山石膏有限公司/);
    const xlsx = await fetch(`${srv.base}/api/v1/reports/daily?date=2020-03-18&group=${ids.group}&format=xlsx`,
      { headers: { Cookie: leader.cookie } });
    assert.equal(xlsx.status, 200);
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    assert.equal(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'report.export'"), before + 2);
  });

  test('bad input: a problem document naming the parameter', async () => {
    assertProblem(await leader.get(`/api/v1/reports/daily?group=${ids.group}`), 422, 'invalid-input', 'date');
    assertProblem(await leader.get(`/api/v1/reports/daily?date=2020-03-18`), 422, 'invalid-input', 'group');
    assertProblem(await leader.get(`/api/v1/reports/daily?date=2020-03-18&group=${ids.group}&unit=1`), 422, 'invalid-input', 'group');
    assertProblem(await leader.get(`/api/v1/reports/daily?date=2020-03-18&to=2020-03-17&group=${ids.group}`), 422, 'invalid-input', 'to');
    assertProblem(await leader.get(`/api/v1/reports/daily?date=2020-03-18&group=${ids.group}&format=pdf`), 422, 'invalid-input', 'format');
    assertProblem(await leader.get(`/api/v1/reports/daily?date=2020-03-18&group=${ids.group}&format=csv`), 422, 'invalid-input', 'ledger');
    assertProblem(await leader.get(`/api/v1/reports/daily?date=2020-03-18&group=${ids.group}&colour=red`), 422, 'invalid-input', 'colour');
    const gate = await signIn(srv.base, 'gate');
    assertProblem(await gate.get(`/api/v1/reports/daily?date=2020-03-18&group=${ids.group}`), 403, 'forbidden');
  });
});
