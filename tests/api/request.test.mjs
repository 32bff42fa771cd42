// Black-box tests of service requests over the JSON API (issue 8) against
// the real binary on a temporary demo database: the due-date
// cases on the 2024 calendar (worked by hand in docs/calendar.md), due
// dates recomputed when the calendar is loaded, the lifecycle and its time
// rule, referrals and the department's view, bad input that writes
// nothing, overdue lists, services, audit events, and the demo's Taishan
// Gypsum request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assertProblem, count, listAll, signIn, sql, startServer, top } from './lib.mjs';

let srv;
let admin;     // session clients of the demo accounts
let leader;
let culture;   // department liaison of 泰安市文化和旅游局
let gaotie;    // unit liaison of 高铁社区
const ids = {};

// Every table a refused request must leave alone.
function rowCounts() {
  const tables = ['service_request', 'request_update', 'referral', 'request_attribute',
    'service', 'service_attribute', 'calendar_day', 'audit_event'];
  return Object.fromEntries(tables.map((t) => [t, count(srv.db, `SELECT count(*) FROM ${t}`)]));
}

async function raise(client, body) {
  const res = await client.post('/api/v1/requests', body);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('location'), `/api/v1/requests/${res.body.id}`);
  return res.body;
}

before(async () => {
  srv = await startServer({ args: ['--retention-requests-days', '3650'] });
  admin = await signIn(srv.base, 'admin');
  leader = await signIn(srv.base, 'leader');
  culture = await signIn(srv.base, 'culture');
  gaotie = await signIn(srv.base, 'gaotie');
  const units = (await admin.get('/api/v1/units?limit=500')).body.items;
  ids.units = Object.fromEntries(units.map((u) => [u.name, u.id]));
  const deps = sql(srv.db, 'SELECT id, name FROM department ORDER BY id').split('\n');
  ids.deps = Object.fromEntries(deps.map((l) => l.split('|')).map(([id, n]) => [n, Number(id)]));
  ids.bureau = ids.deps['泰安市文化和旅游局'];
  ids.town = ids.deps['粥店街道办事处'];
});

after(async () => { await srv.stop(); });

describe('the demo', () => {
  test('holds the Taishan Gypsum request, referred twice, replied 2020-03-16, closed', async () => {
    const list = (await admin.get('/api/v1/requests?service_code=accommodation')).body.items;
    const demo = list.find((r) => r.unit_name === '泰山石膏有限公司');
    assert.ok(demo, JSON.stringify(list));
    const r = (await admin.get(`/api/v1/requests/${demo.id}`)).body;
    assert.equal(r.status, 'closed');
    assert.equal(r.reported_at, '2020-03-06T10:00:00+08:00');
    assert.equal(r.reported_at_assumed, true);
    assert.deepEqual(r.referrals.map((f) => f.department_name), ['泰安市文化和旅游局', '粥店街道办事处']);
    assert.equal(r.referrals[0].replied_at, '2020-03-16T15:00:00+08:00');
    assert.match(r.referrals[0].reply, /东尊华美达、泰安宝盛大酒店、蓝海御华/);
    assert.equal(r.referrals[1].reply, null);
    assert.match(r.updates.find((u) => u.to_status === 'resolved').comment, /泰安宝盛大酒店/);
    // Ten working days after Fri 2020-03-06 (no holiday in March 2020):
    // 03-09..03-13 and 03-16..03-20.
    assert.equal(r.resolution_due, '2020-03-20');
    const cal = (await admin.get('/api/v1/calendar/2020')).body;
    assert.ok(cal.loaded_at);
    assert.ok(cal.days.some((d) => d.date === '2020-01-31' && !d.working), 'the extended Spring Festival');
  });
});

describe('due dates (issue 8: five working days, cut-off 17:00)', () => {
  test('received before the 2024 calendar: due 10-07, then 10-12 once it is loaded', async () => {
    const patch = await admin.patch('/api/v1/services/livelihood',
      { resolution_days: 5, response_days: 1 });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.body.resolution_days, 5);
    const early = await raise(leader, { service_code: 'livelihood', unit_id: ids.units['高铁社区'],
      description: '国庆前的诉求', reported_at: '2024-09-30T09:00:00+08:00' });
    // Weekends only: Mon 09-30 + 5 working days = Mon 10-07.
    assert.equal(early.resolution_due, '2024-10-07');
    const ref = await leader.post(`/api/v1/requests/${early.id}/referrals`,
      { department_id: ids.town, at: '2024-09-30T10:00:00+08:00' });
    assert.equal(ref.status, 201, ref.text);
    assert.equal(ref.body.referrals[0].due_on, '2024-10-07');

    const text = readFileSync(join(top, 'data/calendar/cn-2024.txt'), 'utf8');
    const before = rowCounts();
    const denied = await leader.req('PUT', '/api/v1/calendar/2024',
      { body: text, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    assertProblem(denied, 403, 'forbidden');
    assert.deepEqual(rowCounts(), before);
    const load = await admin.req('PUT', '/api/v1/calendar/2024',
      { body: text, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    assert.equal(load.status, 200, load.text);
    assert.equal(load.body.due_dates_changed, 2);  // the request and its referral
    assert.ok(load.body.days.some((d) => d.date === '2024-10-12' && d.working));

    const after = (await leader.get(`/api/v1/requests/${early.id}`)).body;
    assert.equal(after.resolution_due, '2024-10-12');
    assert.equal(after.referrals[0].due_on, '2024-10-12');
    assert.equal(after.updates.at(-1).kind, 'due');
    assert.match(after.updates.at(-1).comment, /2024-10-07 → 2024-10-12/);
  });

  test('received Mon 2024-09-30 09:00 → 10-12; Fri 2024-09-27 17:30 → 10-11', async () => {
    const mon = await raise(leader, { service_code: 'livelihood', unit_id: ids.units['高铁社区'],
      description: '周一上午', reported_at: '2024-09-30T09:00:00+08:00' });
    assert.equal(mon.receipt_day, '2024-09-30');
    assert.equal(mon.resolution_due, '2024-10-12');
    const fri = await raise(leader, { service_code: 'livelihood', unit_id: ids.units['高铁社区'],
      description: '周五下班后', reported_at: '2024-09-27T17:30:00+08:00' });
    // After the cut-off: the receipt day is the next working day, Sun 09-29.
    assert.equal(fri.receipt_day, '2024-09-29');
    assert.equal(fri.resolution_due, '2024-10-11');
    // The same through the calculator, also written in UTC.
    const due = await leader.get('/api/v1/due-date?received=2024-09-27T09:30:00Z&days=5');
    assert.equal(due.status, 200, due.text);
    assert.deepEqual(due.body, { received: '2024-09-27T17:30:00+08:00', days: 5, cutoff: '17:00',
      receipt_day: '2024-09-29', due: '2024-10-11' });
    assertProblem(await leader.get('/api/v1/due-date?days=5'), 422, 'invalid-input', 'received');
  });

  test('a calendar that marks a weekday as worked is refused whole', async () => {
    const before = rowCounts();
    const res = await admin.req('PUT', '/api/v1/calendar/2025',
      { json: { source: 'x', days: [{ date: '2025-01-01', working: false, name: '元旦' },
        { date: '2025-01-02', working: true, name: '?' }] } });
    assertProblem(res, 422, 'invalid-input', 'days[1].date');
    assert.deepEqual(rowCounts(), before);
    const ok = await admin.req('PUT', '/api/v1/calendar/2025',
      { json: { source: '测试', days: [{ date: '2025-01-01', working: false, name: '元旦' }] } });
    assert.equal(ok.status, 200, ok.text);
    const years = (await gaotie.get('/api/v1/calendar')).body.items.map((y) => y.year);
    assert.deepEqual(years, [2020, 2024, 2025]);
  });
});

describe('bad input changes nothing', () => {
  test('unknown service, missing attribute, 4,001 characters, bad transition, wrong department', async () => {
    const unit = ids.units['泰山石膏有限公司'];
    const r = await raise(leader, { service_code: 'accommodation', unit_id: unit,
      description: '测试', attributes: { headcount: 3 } });
    assert.equal(r.attributes.headcount, '3');
    assert.equal(r.status, 'submitted');
    const before = rowCounts();
    assertProblem(await leader.post('/api/v1/requests',
      { service_code: 'teleport', unit_id: unit, description: 'x' }), 422, 'invalid-input',
    'service_code');
    assertProblem(await leader.post('/api/v1/requests',
      { service_code: 'permits', unit_id: unit, description: '复工审批' }), 422, 'invalid-input',
    'attribute[approval]');
    assertProblem(await leader.post('/api/v1/requests',
      { service_code: 'permits', unit_id: unit, description: '复工审批',
        attributes: { approval: 'bribe' } }), 422, 'invalid-input', 'attribute[approval]');
    assertProblem(await leader.post('/api/v1/requests',
      { service_code: 'livelihood', unit_id: unit, description: '诉'.repeat(4001) }), 422,
    'invalid-input', 'description');
    assertProblem(await leader.post('/api/v1/requests',
      { service_code: 'livelihood', unit_id: unit, description: 'x', colour: 'red' }), 422,
    'invalid-input', 'colour');
    // submitted → closed is not a transition.
    assertProblem(await leader.post(`/api/v1/requests/${r.id}/updates`, { status: 'closed' }),
      409, 'conflict', 'status');
    assertProblem(await leader.post(`/api/v1/requests/${r.id}/updates`, { status: 'lost' }),
      422, 'invalid-input', 'status');
    // Not referred to anyone yet: a reply from the bureau is refused.
    assertProblem(await admin.post(`/api/v1/requests/${r.id}/replies`,
      { department_id: ids.bureau, text: '已办' }), 409, 'conflict', 'department_id');
    // The bureau's own liaison does not even see it.
    assertProblem(await culture.post(`/api/v1/requests/${r.id}/replies`, { text: '已办' }), 404,
      'not-found');
    assert.deepEqual(rowCounts(), before);
    // 4,000 characters is fine.
    const long = await raise(leader, { service_code: 'livelihood', unit_id: unit,
      description: '诉'.repeat(4000) });
    assert.equal([...long.description].length, 4000);
  });
});

describe('lifecycle, referrals and the department view', () => {
  test('refer to the bureau; only the bureau sees and answers it; resolve, close, reopen', async () => {
    const unit = ids.units['泰山石膏有限公司'];
    const r = await raise(leader, { service_code: 'accommodation', unit_id: unit,
      description: '专家住宿', reported_at: '2024-03-01T09:00:00+08:00' });
    const other = await raise(leader, { service_code: 'accommodation', unit_id: unit,
      description: '另一件事', reported_at: '2024-03-01T09:00:00+08:00' });
    // A unit liaison may not refer; the leader may.
    assertProblem(await gaotie.post(`/api/v1/requests/${r.id}/referrals`,
      { department_id: ids.bureau }), 403, 'forbidden');
    let res = await leader.post(`/api/v1/requests/${r.id}/referrals`,
      { department_id: ids.bureau, at: '2024-03-01T10:00:00+08:00', comment: '请协调' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'referred');
    assertProblem(await leader.post(`/api/v1/requests/${r.id}/referrals`,
      { department_id: ids.bureau }), 409, 'conflict', 'department_id');

    // The department view: the bureau sees this one, not the other.
    const mine = (await culture.get('/api/v1/requests?limit=1000')).body.items.map((q) => q.id);
    assert.ok(mine.includes(r.id));
    assert.ok(!mine.includes(other.id));
    assertProblem(await culture.get(`/api/v1/requests/${other.id}`), 404, 'not-found');
    const refs = (await culture.get('/api/v1/referrals?pending=true')).body.items;
    assert.ok(refs.every((f) => f.department_id === ids.bureau));
    assert.ok(refs.some((f) => f.request.id === r.id));
    // Units of the organisation stay hidden from the department.
    assertProblem(await culture.get('/api/v1/units'), 403, 'forbidden');

    // A reply dated before the referral was sent is refused.
    assertProblem(await culture.post(`/api/v1/requests/${r.id}/replies`,
      { text: '已办', at: '2024-03-01T09:30:00+08:00' }), 422, 'invalid-input', 'at');
    res = await culture.post(`/api/v1/requests/${r.id}/replies`,
      { text: '东尊华美达等酒店正常营业', outcome: 'answered', at: '2024-03-05T15:00:00+08:00' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'replied');
    assert.equal(res.body.referrals[0].outcome, 'answered');
    assert.equal(res.body.updates.at(-1).author, 'culture');
    assert.equal(res.body.updates.at(-1).department_name, '泰安市文化和旅游局');
    assertProblem(await culture.post(`/api/v1/requests/${r.id}/replies`, { text: '再答' }), 409,
      'conflict', 'department_id');
    // The department may resolve but not close.
    assertProblem(await culture.post(`/api/v1/requests/${r.id}/updates`, { status: 'closed' }),
      403, 'forbidden');
    res = await leader.post(`/api/v1/requests/${r.id}/updates`,
      { status: 'resolved', comment: '专家已入住', at: '2024-03-06T09:00:00+08:00' });
    assert.equal(res.status, 201, res.text);
    res = await leader.post(`/api/v1/requests/${r.id}/updates`, { status: 'closed' });
    assert.equal(res.body.status, 'closed');
    // Reopen only with a comment.
    const before = rowCounts();
    assertProblem(await leader.post(`/api/v1/requests/${r.id}/updates`, { status: 'accepted' }),
      422, 'invalid-input', 'comment');
    assert.deepEqual(rowCounts(), before);
    res = await leader.post(`/api/v1/requests/${r.id}/updates`,
      { status: 'accepted', comment: '专家又搬走了' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'accepted');
    // Every change is audited.
    assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE object_type =
      'service_request' AND object_id = ${r.id}`), 6);
    assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE object_id = ${r.id}
      AND action = 'request.reply' AND username = 'culture'`), 1);
  });

  test('an update older than the last state change is kept but changes nothing', async () => {
    const r = await raise(leader, { service_code: 'livelihood', unit_id: ids.units['高铁社区'],
      description: '时间规则', reported_at: '2024-03-01T09:00:00+08:00' });
    let res = await leader.post(`/api/v1/requests/${r.id}/updates`,
      { status: 'accepted', at: '2024-03-01T11:00:00+08:00' });
    assert.equal(res.body.applied, true);
    res = await leader.post(`/api/v1/requests/${r.id}/updates`,
      { status: 'rejected', comment: '迟到的驳回', at: '2024-03-01T10:00:00+08:00' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.applied, false);
    assert.equal(res.body.status, 'accepted');
    assert.equal(res.body.status_at, '2024-03-01T11:00:00+08:00');
    // In the history, in time order, marked not applied.
    const kinds = res.body.updates.map((u) => [u.to_status, u.applied]);
    assert.deepEqual(kinds, [['submitted', true], ['rejected', false], ['accepted', true]]);
  });

  test('overdue requests and referrals are flagged and listed', async () => {
    const r = await raise(leader, { service_code: 'livelihood', unit_id: ids.units['李家庄社区'],
      description: '逾期', reported_at: '2024-01-02T09:00:00+08:00' });
    assert.equal(r.overdue, true);
    await leader.post(`/api/v1/requests/${r.id}/referrals`,
      { department_id: ids.town, at: '2024-01-02T10:00:00+08:00' });
    const list = (await leader.get('/api/v1/requests?overdue=true&limit=1000')).body.items;
    assert.ok(list.some((q) => q.id === r.id));
    assert.ok(list.every((q) => q.overdue && q.open));
    const refs = (await leader.get(`/api/v1/referrals?overdue=true&department_id=${ids.town}`)).body.items;
    assert.ok(refs.some((f) => f.request_id === r.id && f.overdue));
    // The demo's closed request is not overdue though its due date passed.
    assert.ok(!list.some((q) => q.unit_name === '泰山石膏有限公司' && q.status === 'closed'));
  });

  test('a unit liaison raises for their own unit and sees only its requests', async () => {
    const r = await raise(gaotie, { service_code: 'supplies', description: '口罩短缺',
      attributes: { item: '口罩' } });
    assert.equal(r.unit_name, '高铁社区');
    assertProblem(await gaotie.post('/api/v1/requests', { service_code: 'supplies',
      unit_id: ids.units['李家庄社区'], description: '别人的' }), 404, 'not-found', 'unit_id');
    const seen = (await gaotie.get('/api/v1/requests?limit=1000')).body.items;
    assert.ok(seen.length > 0 && seen.every((q) => q.unit_name === '高铁社区'));
    // Comments yes, status changes no.
    const c = await gaotie.post(`/api/v1/requests/${r.id}/updates`, { comment: '急需' });
    assert.equal(c.status, 201, c.text);
    assertProblem(await gaotie.post(`/api/v1/requests/${r.id}/updates`, { status: 'accepted' }),
      403, 'forbidden');
  });
});

describe('services', () => {
  test('listed in order; edited by administrators only; the code never changes', async () => {
    const list = (await gaotie.get('/api/v1/services')).body.items;
    assert.deepEqual(list.slice(0, 7).map((s) => s.code), ['accommodation', 'staffing',
      'supplies', 'permits', 'finance', 'livelihood', 'other']);
    assert.equal(list[0].name, '住宿和后勤保障');
    assert.equal(list[0].department_name, '泰安市文化和旅游局');
    const permits = (await gaotie.get('/api/v1/services/permits')).body;
    assert.equal(permits.attributes[0].code, 'approval');
    assert.equal(permits.attributes[0].required, true);
    assertProblem(await leader.patch('/api/v1/services/other', { name: '其它' }), 403, 'forbidden');
    assertProblem(await admin.patch('/api/v1/services/other', { code: 'misc' }), 422,
      'invalid-input', 'code');
    assertProblem(await admin.patch('/api/v1/services/other', { resolution_days: 0 }), 422,
      'invalid-input', 'resolution_days');
    const add = await admin.post('/api/v1/services', { code: 'housing', name: '住房',
      response_days: 1, resolution_days: 3, department_id: ids.town,
      attributes: [{ code: 'rooms', datatype: 'number', required: true, description: '间数' }] });
    assert.equal(add.status, 201, add.text);
    assert.equal(add.headers.get('location'), '/api/v1/services/housing');
    assertProblem(await admin.post('/api/v1/services', { code: 'housing', name: '住房',
      response_days: 1, resolution_days: 3 }), 409, 'conflict', 'code');
    const off = await admin.patch('/api/v1/services/housing', { active: false });
    assert.equal(off.body.active, false);
    assert.equal(off.body.resolution_days, 3);
    assertProblem(await leader.post('/api/v1/requests', { service_code: 'housing',
      unit_id: ids.units['高铁社区'], description: 'x', attributes: { rooms: 2 } }), 422,
    'invalid-input', 'service_code');
    assert.ok(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'service.update'") >= 2);
  });
});

describe('lists', () => {
  test('pages follow the cursor newest first, each request once', async () => {
    const total = count(srv.db, 'SELECT count(*) FROM service_request');
    const { items, pages } = await listAll(admin, '/api/v1/requests?limit=2');
    assert.equal(items.length, total);
    assert.ok(pages >= Math.ceil(total / 2));
    const ids = items.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.equal(new Set(ids).size, ids.length);
    assertProblem(await admin.get('/api/v1/requests?cursor=zz'), 422, 'invalid-input', 'cursor');
    assertProblem(await admin.get('/api/v1/requests?limit=0'), 422, 'invalid-input', 'limit');
  });
});
