// The task line as a shared classification (issue 11 "Task line as a
// shared classification: visits, needs, service requests and tasks carry
// one"; SCENARIO.md "The three task lines"; docs/workplan.md).
//
// What must hold, worked out from the rules of domain/visit.h and
// domain/request.h:
//  - the demo's six visits are the work of the livelihood task (保障民生)
//    and its one service request (the experts' accommodation) the work of
//    the economy task (经济运行);
//  - a visit, its needs and a request accept a line and return it; a need
//    given none takes its visit's; a request made from a need takes the
//    need's; PATCH null clears a visit's line;
//  - lists narrow to a line;
//  - an unknown line is a 422 problem naming the field, and nothing is
//    written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, listAll, signIn, startServer } from './lib.mjs';

let srv;
let leader;
const ids = {};

const rows = () => ['visit', 'need', 'service_request', 'household_note']
  .map((t) => count(srv.db, `SELECT count(*) FROM ${t}`));

before(async () => {
  srv = await startServer({ args: ['--retention-requests-days', '3650'] });
  leader = await signIn(srv.base, 'leader');
  const units = (await leader.get('/api/v1/units')).body.items;
  ids.units = Object.fromEntries(units.map((u) => [u.name, u.id]));
  ids.leader = count(srv.db, "SELECT id FROM group_member WHERE role = 'leader'");
});

after(async () => { await srv?.stop(); });

test('the demo: visits on the livelihood line, the enterprise request on the economy line', async () => {
  const visits = (await listAll(leader, '/api/v1/visits?to=2020-03-31')).items;
  assert.equal(visits.length, 6);
  assert.deepEqual([...new Set(visits.map((v) => v.task_line))], ['livelihood']);
  const requests = (await listAll(leader, '/api/v1/requests')).items;
  assert.equal(requests.length, 1);
  assert.equal(requests[0].task_line, 'economy');
  assert.equal(requests[0].service_code, 'accommodation');
  // the filters: all six, none, the one request, none
  assert.equal((await listAll(leader, '/api/v1/visits?task_line=livelihood')).items.length, 6);
  assert.equal((await listAll(leader, '/api/v1/visits?task_line=economy')).items.length, 0);
  assert.deepEqual((await listAll(leader, '/api/v1/requests?task_line=economy')).items
    .map((r) => r.id), [requests[0].id]);
  assert.equal((await listAll(leader, '/api/v1/requests?task_line=prevention')).items.length, 0);
});

test('a visit, its needs and the request made from a need carry their lines', async () => {
  const res = await leader.post('/api/v1/visits', {
    unit_id: ids.units['小堰堤社区'], visited_on: '2020-03-25', purpose: '调研防疫物资缺口',
    visitor_ids: [ids.leader], task_line: 'prevention',
    needs: [{ category: 'supplies', difficulty: '口罩不足' },
      { category: 'staffing', difficulty: '志愿者不足', task_line: 'livelihood' }],
  });
  assert.equal(res.status, 201, res.text);
  const v = res.body;
  assert.equal(v.task_line, 'prevention');
  assert.deepEqual(v.needs.map((n) => n.task_line), ['prevention', 'livelihood']);
  // lists narrow by line: the new visit is the only prevention visit,
  // its second need the only livelihood need
  assert.deepEqual((await listAll(leader, '/api/v1/visits?task_line=prevention')).items
    .map((x) => x.id), [v.id]);
  assert.deepEqual((await listAll(leader, '/api/v1/needs?task_line=livelihood')).items
    .map((n) => n.id), [v.needs[1].id]);
  // a need added later without a line takes the visit's
  const later = await leader.post(`/api/v1/visits/${v.id}/needs`,
    { category: 'other', difficulty: '消毒液不足' });
  assert.equal(later.status, 201, later.text);
  assert.equal(later.body.task_line, 'prevention');
  // the request made from the livelihood need is on the livelihood line
  const req = await leader.post(`/api/v1/needs/${v.needs[1].id}/request`);
  assert.equal(req.status, 201, req.text);
  assert.equal(req.body.id, v.needs[1].id);   // the need, now linked
  const got = await leader.get(`/api/v1/requests/${req.body.request_id}`);
  assert.equal(got.body.task_line, 'livelihood');
  // PATCH: another line, then null clears it
  let p = await leader.patch(`/api/v1/visits/${v.id}`, { task_line: 'economy' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.task_line, 'economy');
  p = await leader.patch(`/api/v1/visits/${v.id}`, { task_line: null });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.task_line, null);
  // a request raised directly
  const r2 = await leader.post('/api/v1/requests', { service_code: 'staffing',
    unit_id: ids.units['丰泽领秀城项目'], description: '项目复工缺少工人', task_line: 'economy' });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.body.task_line, 'economy');
});

test('an unknown task line is refused, naming the field, and nothing is written', async () => {
  const before = rows();
  const visit = { unit_id: ids.units['小堰堤社区'], visited_on: '2020-03-26', purpose: '走访',
    visitor_ids: [ids.leader] };
  assertProblem(await leader.post('/api/v1/visits', { ...visit, task_line: 'housing' }), 422,
    'invalid-input', 'task_line');
  // the Chinese name is for people at the command line; the API takes codes
  assertProblem(await leader.post('/api/v1/visits', { ...visit, task_line: '疫情防控' }), 422,
    'invalid-input', 'task_line');
  assertProblem(await leader.post('/api/v1/visits', { ...visit, task_line: 42 }), 422,
    'invalid-input', 'task_line');
  assertProblem(await leader.post('/api/v1/visits', { ...visit,
    needs: [{ category: 'supplies', difficulty: '口罩不足', task_line: 'Prevention' }] }), 422,
  'invalid-input', 'needs[0].task_line');
  const v = (await listAll(leader, '/api/v1/visits?task_line=livelihood')).items[0];
  assertProblem(await leader.post(`/api/v1/visits/${v.id}/needs`,
    { category: 'other', difficulty: '困难', task_line: '' }), 422, 'invalid-input', 'task_line');
  assertProblem(await leader.patch(`/api/v1/visits/${v.id}`, { task_line: 'x' }), 422,
    'invalid-input', 'task_line');
  assertProblem(await leader.post('/api/v1/requests', { service_code: 'staffing',
    unit_id: ids.units['丰泽领秀城项目'], description: '缺少工人', task_line: 'economic' }), 422,
  'invalid-input', 'task_line');
  for (const path of ['/api/v1/visits', '/api/v1/needs', '/api/v1/requests'])
    assertProblem(await leader.get(`${path}?task_line=nope`), 422, 'invalid-input', 'task_line');
  assert.deepEqual(rows(), before);
  assert.equal((await leader.get(`/api/v1/visits/${v.id}`)).body.task_line, 'livelihood');
});
