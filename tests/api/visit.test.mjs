// Black-box tests of visits, needs, checklists, inspections and findings
// (issue 8) against the real binary on a temporary demo database:
//  - the scenario's visits and inspections as `sijin demo` loads them
//    (SCENARIO.md "Visits" and "What the group checks at checkpoints");
//  - scope: the liaison of 高铁社区 sees only its visits and inspections and
//    may not record inspections; the auditor reads and writes nothing;
//  - a failed item becomes a finding; open and overdue lists; a re-check
//    closes it; a second re-check is a conflict;
//  - need → service request in one step, the link both ways;
//  - bad input: a problem document naming the field, and no row written;
//  - notes about a household never reach the audit log;
//  - the visit list's cursor returns every visit exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, listAll, signIn, sql, startServer } from './lib.mjs';

let srv;
let leader;   // 组长 of 市派岱岳区市政协机关工作二组: all five units
let gaotie;   // liaison of 高铁社区
let auditor;
const ids = {};

// Rows of every table the module writes, to prove a refusal wrote none.
function rowCounts() {
  const tables = ['visit', 'visit_visitor', 'need', 'household_note', 'checklist',
    'checklist_item', 'inspection', 'inspection_inspector', 'inspection_result', 'finding',
    'recheck', 'audit_event'];
  return Object.fromEntries(tables.map((t) => [t, count(srv.db, `SELECT count(*) FROM ${t}`)]));
}

before(async () => {
  // The demo's records are of March 2020 (and this file's own of 2024): keep
  // 10 years so that retention (docs/retention.md) does not hide them.
  srv = await startServer({ args: ['--retention-days', '3650'] });
  leader = await signIn(srv.base, 'leader');
  gaotie = await signIn(srv.base, 'gaotie');
  auditor = await signIn(srv.base, 'auditor');
  const units = (await leader.get('/api/v1/units')).body.items;
  ids.units = Object.fromEntries(units.map((u) => [u.name, u.id]));
  // The group's one member in the demo: its leader (read from the store).
  ids.leader = count(srv.db, "SELECT id FROM group_member WHERE role = 'leader'");
  const places = (await leader.get(`/api/v1/units/${ids.units['高铁社区']}/places`)).body.items;
  ids.compound = places.find((p) => p.name === '华新新干线小区').id;
  ids.gate = (await leader.get(`/api/v1/places/${ids.compound}/checkpoints`)).body.items[0].id;
  const households = (await leader.get(`/api/v1/places/${ids.compound}/households`)).body.items;
  ids.zhangsan = households.find((h) => h.room === '101').id;
});

after(async () => {
  await srv.stop();
});

describe('the scenario (sijin demo)', () => {
  test('six visits: three communities on 03-18, 高铁社区 and two households on 03-23', async () => {
    const { items } = await listAll(leader, '/api/v1/visits?to=2020-03-31');
    const brief = items.map((v) => [v.visited_on, v.unit_name, v.household]);
    // Newest first; on one date the highest id (the last recorded) first.
    assert.deepEqual(brief, [
      ['2020-03-23', '高铁社区', '3号楼 2单元 502'],
      ['2020-03-23', '高铁社区', '1号楼 1单元 101'],
      ['2020-03-23', '高铁社区', null],
      ['2020-03-18', '李家庄社区', null],
      ['2020-03-18', '小堰堤社区', null],
      ['2020-03-18', '高铁社区', null],
    ]);
    // The report records no difficulty for the households: no needs.
    assert.equal(items.reduce((n, v) => n + v.needs.length, 0), 0);
    for (const v of items) assert.deepEqual(v.visitors.map((x) => x.member_id), [ids.leader]);
  });

  test('the monitoring point: registration, code scan, temperature pass; the rest n/a', async () => {
    const { items } = await listAll(leader, `/api/v1/inspections?checkpoint_id=${ids.gate}`);
    assert.equal(items.length, 1);
    const n = items[0];
    assert.equal(n.inspected_on, '2020-03-23');
    assert.equal(n.place_name, '华新新干线小区');
    assert.equal(n.checklist, 'checkpoint');
    assert.deepEqual(n.items.map((i) => [i.item, i.label, i.result]), [
      ['registration', '登记', 'pass'], ['code_scan', '扫码', 'pass'],
      ['temperature', '测温', 'pass'], ['disinfection', '消毒', 'na'],
      ['outsider_register', '外来人员登记', 'na'], ['special_groups', '特殊人群名单', 'na'],
    ]);
  });

  test('the canteen of 泰山石膏有限公司: boxed meals and separate dining pass', async () => {
    const { items } = await listAll(leader,
      `/api/v1/inspections?unit_id=${ids.units['泰山石膏有限公司']}`);
    assert.equal(items.length, 1);
    assert.equal(items[0].checklist, 'canteen');
    assert.ok(items[0].inspected_on > '2020-03-05', items[0].inspected_on);
    assert.match(items[0].summary, /假设/);  // the date is marked assumed
    assert.deepEqual(items[0].items.map((i) => [i.item, i.result]),
      [['boxed_meals', 'pass'], ['separate_dining', 'pass'], ['disinfection', 'na']]);
    assert.equal((await leader.get('/api/v1/findings')).body.items.length, 0);
  });

  test('the shipped checklists', async () => {
    const res = await gaotie.get('/api/v1/checklists');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.items.map((c) => [c.code, c.items.map((i) => i.label).join('、')]), [
      ['checkpoint', '登记、扫码、测温、消毒、外来人员登记、特殊人群名单'],
      ['canteen', '单独领取盒饭、分开就餐、消毒'],
    ]);
  });
});

describe('scope', () => {
  test('the liaison of 高铁社区 sees only its visits and inspections', async () => {
    const visits = (await listAll(gaotie, '/api/v1/visits')).items;
    // 03-18 (with the deliveries), and on 03-23 the talk and two households.
    assert.equal(visits.length, 4);
    assert.ok(visits.every((v) => v.unit_id === ids.units['高铁社区']));
    const all = (await listAll(leader, '/api/v1/visits')).items;
    const other = all.find((v) => v.unit_name === '李家庄社区');
    assertProblem(await gaotie.get(`/api/v1/visits/${other.id}`), 404, 'not-found');
    const insp = (await listAll(gaotie, '/api/v1/inspections')).items;
    assert.deepEqual(insp.map((n) => n.checklist), ['checkpoint']);
    // A filter does not widen the scope.
    const gypsum = await gaotie.get(`/api/v1/visits?unit_id=${ids.units['泰山石膏有限公司']}`);
    assert.deepEqual(gypsum.body.items, []);
  });

  test('the liaison may not record inspections; the auditor may not write', async () => {
    const before = rowCounts();
    const body = {
      checkpoint_id: ids.gate, checklist: 'checkpoint', inspected_on: '2020-03-30',
      inspector_ids: [ids.leader],
      items: ['registration', 'code_scan', 'temperature', 'disinfection', 'outsider_register',
        'special_groups'].map((item) => ({ item, result: 'pass' })),
    };
    assertProblem(await gaotie.post('/api/v1/inspections', body), 403, 'forbidden');
    assertProblem(await auditor.post('/api/v1/inspections', body), 403, 'forbidden');
    assertProblem(await auditor.post('/api/v1/visits', { unit_id: ids.units['高铁社区'],
      visited_on: '2020-03-30', purpose: '走访', visitor_ids: [ids.leader] }), 403, 'forbidden');
    assert.deepEqual(rowCounts(), before);
    assert.equal((await auditor.get('/api/v1/visits')).status, 200);
  });
});

describe('inspections, findings and re-checks', () => {
  const items = (over) => ['registration', 'code_scan', 'temperature', 'disinfection',
    'outsider_register', 'special_groups'].map((item) => over[item] || { item, result: 'pass' });

  test('a failed item is a finding; overdue after its date; a re-check closes it', async () => {
    const res = await leader.post('/api/v1/inspections', {
      checkpoint_id: ids.gate, checklist: 'checkpoint', inspected_on: '2020-04-01',
      inspector_ids: [ids.leader], summary: '复查监测点',
      items: items({ disinfection: { item: 'disinfection', result: 'fail',
        note: '消毒记录缺失', rectify_by: '2020-04-03' } }),
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('location'), `/api/v1/inspections/${res.body.id}`);
    const failed = res.body.items.find((i) => i.item === 'disinfection');
    assert.ok(failed.finding_id);
    const fid = failed.finding_id;

    let open = (await leader.get('/api/v1/findings?status=open&on=2020-04-03')).body.items;
    assert.deepEqual(open.map((f) => [f.id, f.rectify_by, f.overdue]), [[fid, '2020-04-03', false]]);
    // Overdue from the day after the rectify-by date.
    assert.deepEqual((await leader.get('/api/v1/findings?overdue=true&on=2020-04-03')).body.items, []);
    open = (await leader.get('/api/v1/findings?overdue=true&on=2020-04-04')).body.items;
    assert.deepEqual(open.map((f) => [f.id, f.overdue]), [[fid, true]]);
    // The liaison of 高铁社区 reads it too.
    assert.equal((await gaotie.get(`/api/v1/findings/${fid}`)).status, 200);

    // A re-check dated after today would close the finding in the future.
    assertProblem(await leader.post(`/api/v1/findings/${fid}/rechecks`,
      { checked_on: '2099-01-01', result: 'pass' }), 422, 'invalid-input', 'checked_on');
    const rc = await leader.post(`/api/v1/findings/${fid}/rechecks`,
      { checked_on: '2020-04-05', result: 'pass', note: '已整改' });
    assert.equal(rc.status, 201, rc.text);
    assert.equal(rc.headers.get('location'), `/api/v1/findings/${fid}`);
    assert.equal(rc.body.status, 'closed');
    assert.equal(rc.body.closed_on, '2020-04-05');
    assert.equal(rc.body.rechecks.length, 1);
    assert.equal(rc.body.closed_by, rc.body.rechecks[0].id);
    assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE action = 'finding.recheck' AND object_id = ${fid}`), 1);
    const again = await leader.post(`/api/v1/findings/${fid}/rechecks`,
      { checked_on: '2020-04-06', result: 'pass' });
    assertProblem(again, 409, 'conflict', 'finding');
    assert.deepEqual((await leader.get('/api/v1/findings?status=open')).body.items, []);
  });

  test('PATCH changes the summary and inspectors only; a checklist by id', async () => {
    const n = (await listAll(leader, `/api/v1/inspections?checkpoint_id=${ids.gate}&to=2020-03-23`)).items[0];
    const res = await leader.patch(`/api/v1/inspections/${n.id}`, { summary: '各环节落实到位' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.summary, '各环节落实到位');
    assert.deepEqual(res.body.items, n.items);
    assert.equal(res.body.inspected_on, n.inspected_on);
    assertProblem(await leader.patch(`/api/v1/inspections/${n.id}`, { inspected_on: '2020-03-24' }),
      422, 'invalid-input', 'inspected_on');
    assertProblem(await leader.patch(`/api/v1/inspections/${n.id}`, { inspector_ids: [] }),
      422, 'invalid-input', 'inspector_ids');
    assertProblem(await gaotie.patch(`/api/v1/inspections/${n.id}`, { summary: 'x' }),
      403, 'forbidden');
    const lists = (await leader.get('/api/v1/checklists')).body.items;
    const canteen = await leader.get(`/api/v1/checklists/${lists[1].id}`);
    assert.equal(canteen.status, 200);
    assert.equal(canteen.body.code, 'canteen');
    assertProblem(await leader.get('/api/v1/checklists/99999'), 404, 'not-found');
  });

  test('bad inspections: a problem naming the field, nothing stored', async () => {
    const before = rowCounts();
    const base = { checkpoint_id: ids.gate, checklist: 'checkpoint', inspected_on: '2020-04-10',
      inspector_ids: [ids.leader] };
    const cases = [
      [{ ...base, items: items({ temperature: { item: 'temperature', result: 'ok' } }) },
        'items[2].result'],
      [{ ...base, items: items({ disinfection: { item: 'disinfection', result: 'fail',
        note: '未消毒' } }) }, 'items[3].rectify_by'],
      [{ ...base, items: [...items({}).slice(0, 5), { item: 'code_scan', result: 'pass' }] },
        'items[5].item'],
      [{ ...base, items: items({}).slice(0, 5) }, 'items'],
      [{ ...base, items: items({}), extra: 1 }, 'extra'],
      [{ ...base, inspected_on: '2020-02-30', items: items({}) }, 'inspected_on'],
      // A day after today (review of issue 9): record an inspection once done.
      [{ ...base, inspected_on: '2099-03-25', items: items({}) }, 'inspected_on'],
    ];
    for (const [body, field] of cases)
      assertProblem(await leader.post('/api/v1/inspections', body), 422, 'invalid-input', field);
    assertProblem(await leader.post('/api/v1/checklists', { code: 'x', name: 'x', target: 'place',
      items: [{ code: 'a', label: '甲' }, { code: 'a', label: '乙' }] }), 403, 'forbidden');
    assert.deepEqual(rowCounts(), before);
  });
});

describe('visits and needs', () => {
  test('a household visit: notes shown to readers, kept out of the audit log', async () => {
    const res = await leader.post('/api/v1/visits', {
      household_id: ids.zhangsan, visited_on: '2020-03-30', purpose: '回访住户',
      summary: '住户反映独居不便隐私甲', visitor_ids: [ids.leader],
      needs: [{ category: 'livelihood', difficulty: '买药不便隐私乙' }],
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('location'), `/api/v1/visits/${res.body.id}`);
    assert.equal(res.body.unit_id, ids.units['高铁社区']);
    assert.equal(res.body.summary, '住户反映独居不便隐私甲');
    assert.equal(res.body.needs[0].difficulty, '买药不便隐私乙');
    assert.equal(count(srv.db, `SELECT count(*) FROM household_note WHERE visit_id = ${res.body.id}`), 2);
    const events = sql(srv.db, "SELECT detail FROM audit_event WHERE action = 'visit.create'");
    assert.match(events, /回访住户/);
    assert.doesNotMatch(events, /隐私甲|隐私乙/);
    // The liaison of 高铁社区 sees it; PATCH changes the date and summary.
    assert.equal((await gaotie.get(`/api/v1/visits/${res.body.id}`)).status, 200);
    const p = await leader.patch(`/api/v1/visits/${res.body.id}`,
      { visited_on: '2020-03-31', summary: null });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.visited_on, '2020-03-31');
    assert.equal(p.body.summary, null);
    assert.equal(p.body.purpose, '回访住户');
    assert.equal(count(srv.db, `SELECT count(*) FROM household_note WHERE visit_id = ${res.body.id} AND visited_on = 18352`), 1);
  });

  test('a need becomes a service request in one step, linked both ways', async () => {
    const v = await leader.post('/api/v1/visits', {
      unit_id: ids.units['泰山石膏有限公司'], visited_on: '2020-03-09', purpose: '调研复工复产',
      visitor_ids: [ids.leader],
      needs: [{ category: 'accommodation', difficulty: '外方6名专家找不到符合标准的住宿' }],
    });
    assert.equal(v.status, 201, v.text);
    const needId = v.body.needs[0].id;
    assertProblem(await gaotie.post(`/api/v1/needs/${needId}/request`), 404, 'not-found');
    const res = await leader.post(`/api/v1/needs/${needId}/request`);
    assert.equal(res.status, 201, res.text);
    const requestId = res.body.request_id;
    assert.ok(requestId > 0);
    assert.equal(res.headers.get('location'), `/api/v1/requests/${requestId}`);
    assert.equal((await leader.get(`/api/v1/needs/${needId}`)).body.request_id, requestId);
    const req = await leader.get(`/api/v1/requests/${requestId}`);
    assert.equal(req.status, 200, req.text);
    assert.equal(req.body.origin, `need:${needId}`);
    assert.equal(req.body.description, '外方6名专家找不到符合标准的住宿');
    const before = rowCounts();
    assertProblem(await leader.post(`/api/v1/needs/${needId}/request`), 409, 'conflict', 'need');
    assert.deepEqual(rowCounts(), before);
    const open = (await leader.get('/api/v1/needs?open=true')).body.items;
    assert.ok(!open.some((n) => n.id === needId));
  });

  test('a need added to a visit; needs listed by category and by whether still open', async () => {
    const v = (await listAll(gaotie, '/api/v1/visits?from=2020-03-18&to=2020-03-18')).items[0];
    assert.equal(v.unit_name, '高铁社区');
    // The liaison records a need of their own unit (DESIGN.md §1).
    const res = await gaotie.post(`/api/v1/visits/${v.id}/needs`,
      { category: 'supplies', difficulty: '消毒液不足' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('location'), `/api/v1/needs/${res.body.id}`);
    assert.equal(res.body.visit_id, v.id);
    assert.equal(res.body.visited_on, '2020-03-18');
    assert.equal(res.body.request_id, null);
    const supplies = (await leader.get('/api/v1/needs?category=supplies')).body.items;
    assert.deepEqual(supplies.map((n) => n.id), [res.body.id]);
    assert.ok((await leader.get('/api/v1/needs?open=true')).body.items.some((n) => n.id === res.body.id));
    assertProblem(await leader.get('/api/v1/needs?category=housing'), 422, 'invalid-input', 'category');
    assertProblem(await leader.get('/api/v1/needs?open=yes'), 422, 'invalid-input', 'open');
  });

  test('bad visits: a problem naming the field, nothing stored', async () => {
    const before = rowCounts();
    const base = { visited_on: '2020-03-30', purpose: '走访', visitor_ids: [ids.leader] };
    assertProblem(await leader.post('/api/v1/visits', { ...base, household_id: 99999 }),
      404, 'not-found', 'household_id');
    assertProblem(await leader.post('/api/v1/visits', { ...base, unit_id: ids.units['高铁社区'],
      household_id: ids.zhangsan }), 422, 'invalid-input', 'unit_id');
    assertProblem(await leader.post('/api/v1/visits', { ...base, unit_id: ids.units['高铁社区'],
      needs: [{ category: 'housing', difficulty: '漏水' }] }), 422, 'invalid-input',
    'needs[0].category');
    assertProblem(await leader.post('/api/v1/visits', { ...base, unit_id: ids.units['高铁社区'],
      visitor_ids: [99999] }), 404, 'not-found', 'visitor_ids[0]');
    assertProblem(await leader.post('/api/v1/visits', { ...base, unit_id: ids.units['高铁社区'],
      visitor_ids: 'leader' }), 422, 'invalid-input', 'visitor_ids');
    assertProblem(await gaotie.post('/api/v1/visits', { ...base,
      unit_id: ids.units['李家庄社区'] }), 404, 'not-found', 'unit_id');
    assertProblem(await leader.post('/api/v1/visits', { ...base, unit_id: ids.units['高铁社区'],
      visited_on: '2099-03-25' }), 422, 'invalid-input', 'visited_on');
    assert.deepEqual(rowCounts(), before);
  });

  test('the cursor returns every visit once, newest first', async () => {
    const { items, pages } = await listAll(leader, '/api/v1/visits?limit=2');
    const total = count(srv.db, 'SELECT count(*) FROM visit');
    assert.equal(items.length, total);
    assert.equal(new Set(items.map((v) => v.id)).size, total);
    assert.equal(pages, Math.ceil(total / 2));
    for (let i = 1; i < items.length; i++) {
      const a = items[i - 1], b = items[i];
      assert.ok(a.visited_on > b.visited_on || (a.visited_on === b.visited_on && a.id > b.id));
    }
  });
});
