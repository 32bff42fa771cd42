// The work plan page (工作计划, issue 11) in a real browser, against the demo
// scenario (/work/shared/SCENARIO.md "Organisation"): on 2020-03-05 the
// group's plan was approved by the CPPCC organ's party committee, the group
// reported in to its 5 units that day, and the temporary party branch was
// founded with the group leader (工作二组组长 in the demo) as its secretary.
// A task's status changed through the page's form shows after a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertClean, newPage, screenshot, setup, signIn } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env.close(); });

async function openPlan(page) {
  await page.goto('/#/workplan');
  await page.waitForSelector('#view[data-loaded="true"]', { timeout: 20000 });
  await page.waitForSelector('#plan-tasks table');
}

const cells = (page, sel) => page.locator(`${sel} tbody tr`).evaluateAll((trs) =>
  trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));

test('the leader sees the approved plan, the branch and the reporting in of 2020-03-05', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  // Reachable from the menu.
  await page.getByRole('link', { name: '工作计划' }).click();
  await page.waitForSelector('#view[data-loaded="true"]', { timeout: 20000 });
  assert.equal(await page.locator('#view h1').textContent(), '工作计划');

  // The plan: approved, and its history says so (version 1, approved by
  // the organ's administrator on 2020-03-05).
  const plan = page.locator('#plan-plan');
  assert.match(await plan.locator('dl').textContent(), /状态已批准/);
  const history = await cells(page, 'table.plan-versions');
  assert.equal(history.length, 1);
  assert.equal(history[0][0], '1');
  assert.equal(history[0][3], '已批准');
  assert.match(history[0][4], /^2020-03-05 /);

  // The branch: its secretary is the group leader.
  assert.equal(await page.locator('#branch-secretary').textContent(), '工作二组组长');

  // Reporting in: 5 units, every one reported in on 2020-03-05.
  const units = await cells(page, 'table.plan-reporting');
  assert.equal(units.length, 5);
  assert.deepEqual(units.map((u) => u[0]).sort(),
    ['丰泽领秀城项目', '小堰堤社区', '李家庄社区', '泰山石膏有限公司', '高铁社区'].sort());
  for (const u of units) assert.equal(u[2], '2020-03-05', u[0]);
  assert.match(await page.locator('#reporting-summary').textContent(), /派驻单位5个，已报到5个，未报到0个/);

  // The all-hands meeting of 2020-03-05 with its decisions.
  assert.match(await page.locator('#plan-meetings h3').first().textContent(), /^2020-03-05 · 全体会议/);
  assert.ok(await page.locator('#plan-meetings ol.decisions > li').count() >= 1);
  await screenshot(page, 'workplan');
  assertClean(page);
  await page.context().close();
});

test('a task status changed on the page shows after a reload', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await openPlan(page);
  const row = page.locator('table.plan-tasks tbody tr').filter({ has: page.locator('td.task-status', { hasText: '未开始' }) }).first();
  const id = await row.getAttribute('data-task');
  assert.ok(id, 'an open task in the demo');
  // Keyboard: the row's button picks the task and moves the focus to the status.
  await row.getByRole('button', { name: /^更改状态：/ }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'status');
  assert.equal(await page.getByLabel('任务', { exact: true }).inputValue(), id);
  await page.getByLabel('新状态').selectOption({ label: '进行中' });
  await page.getByLabel('进展说明（放弃时填写原因）').fill('已开始督导检查。');
  await page.locator('#task-status').getByRole('button', { name: '保存' }).click();
  await page.waitForSelector(`table.plan-tasks tr[data-task="${id}"] td.task-status:has-text("进行中")`);

  await page.reload();
  await openPlan(page);
  const cell = page.locator(`table.plan-tasks tr[data-task="${id}"] td.task-status`);
  assert.match(await cell.textContent(), /^进行中/);

  // Dropping without a reason is refused on the page, nothing sent.
  await page.getByLabel('任务', { exact: true }).selectOption(id);
  await page.getByLabel('新状态').selectOption({ label: '已放弃' });
  await page.locator('#task-status').getByRole('button', { name: '保存' }).click();
  assert.equal(await page.locator('#task-status [role=status]').textContent(), '放弃任务须填写原因');
  await page.reload();
  await openPlan(page);
  assert.match(await page.locator(`table.plan-tasks tr[data-task="${id}"] td.task-status`).textContent(), /^进行中/);
  assertClean(page);
  await page.context().close();
});

// The write forms (issue 11): a new task, a meeting whose decision creates a
// task in one step, and the plan's approval flow — the leader drafts and
// submits a new version, the organ's administrator (plan.approve,
// docs/roles.md) sends it back with a comment, the leader resubmits, the
// administrator approves.  Statuses are read off the page after each step.
const planStatus = async (page) => (await page.locator('#plan-plan dl').textContent()).match(/状态(\S+?)版本/)[1];

test('a task created through the form appears in the tasks table', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await openPlan(page);
  const form = page.locator('#task-new');
  // No title: refused on the page.
  await form.getByRole('button', { name: '添加任务' }).click();
  assert.equal(await form.locator('[role=status]').textContent(), '请填写任务名称');
  await form.getByLabel('任务名称').fill('督导高铁社区复工复产');
  await form.getByLabel('工作线').selectOption({ label: '经济运行' });
  const owner = await form.getByLabel('责任人').locator('option').nth(1).textContent();
  await form.getByLabel('责任人').selectOption({ index: 1 });
  await form.getByLabel('涉及单位').selectOption([{ label: '高铁社区' }, { label: '李家庄社区' }]);
  await form.getByLabel('完成时限').fill('2020-04-10');
  await form.getByRole('button', { name: '添加任务' }).click();
  const row = page.locator('table.plan-tasks tbody tr', { hasText: '督导高铁社区复工复产' });
  await row.waitFor();
  const c = (await row.locator('td').allTextContents()).map((s) => s.trim());
  assert.equal(c[0], '经济运行');
  assert.equal(owner.startsWith(c[2]), true, `${owner} / ${c[2]}`);
  assert.deepEqual(c[3].split('、').sort(), ['李家庄社区', '高铁社区'].sort());
  assert.equal(c[4], '2020-04-10');
  assert.match(c[5], /^未开始/);
  // A problem from the API shows next to the form: no owner chosen.
  await page.locator('#task-new').getByLabel('任务名称').fill('无人负责的任务');
  await page.locator('#task-new').getByRole('button', { name: '添加任务' }).click();
  await page.waitForFunction(() => {
    const s = document.querySelector('#task-new [role=status]');
    return s && !s.hidden && s.classList.contains('bad');
  });
  assert.match(await page.locator('#task-new [role=status]').textContent(), /owner/);
  assertClean(page, [/status of 422/]);
  await page.context().close();
});

test('a meeting whose decision creates a task shows the decision and the new task', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await openPlan(page);
  const form = page.locator('#meeting-new');
  await form.getByLabel('会议类型').selectOption({ label: '协调会' });
  await form.getByLabel('会议日期').fill('2020-03-20');
  await form.getByLabel('协调对象单位').selectOption({ label: '高铁社区' });
  await form.getByLabel('会议名称').fill('复工复产协调会');
  await form.getByLabel('地点').fill('高铁社区会议室');
  await form.getByLabel('议程').fill('企业复工防疫物资');
  // Keyboard: the add button focuses the new decision's text.
  await form.getByRole('button', { name: '添加决定事项' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'd1_body');
  await page.keyboard.type('为复工企业协调口罩五千只');
  await form.getByLabel('决定1类型').selectOption({ label: '任务' });
  await form.getByLabel('任务名称').fill('协调复工企业口罩');
  await form.getByLabel('工作线').selectOption({ label: '保障民生' });
  await form.getByLabel('责任人').selectOption({ index: 1 });
  await form.getByRole('button', { name: '保存会议' }).click();
  const m = page.locator('#plan-meetings article.meeting', { hasText: '复工复产协调会' });
  await page.waitForFunction(() => [...document.querySelectorAll('#plan-meetings article.meeting h3')]
    .some((x) => x.textContent.includes('复工复产协调会')) ||
    document.querySelector('#meeting-new [role=status].bad'));
  assert.equal(await page.locator('#meeting-new [role=status].bad').count(), 0,
    await page.locator('#meeting-new [role=status]').textContent());
  assert.match(await m.locator('h3').textContent(), /^2020-03-20 · 协调会 · 复工复产协调会$/);
  assert.match(await m.textContent(), /高铁社区/);
  const d = m.locator('ol.decisions > li');
  assert.equal(await d.count(), 1);
  assert.match(await d.textContent(), /^任务 为复工企业协调口罩五千只/);
  assert.equal(await d.locator('ul li').textContent(), '形成任务：协调复工企业口罩');
  assert.equal(await page.locator('table.plan-tasks tbody tr', { hasText: '协调复工企业口罩' }).count(), 1);
  assertClean(page);
  await page.context().close();
});

test('the plan: leader submits a new version, admin sends it back, leader resubmits, admin approves', async () => {
  const leader = await newPage(env.browser, env.base);
  await signIn(leader, 'leader');
  await openPlan(leader);
  const groupId = await leader.getByLabel('工作组').inputValue();
  assert.equal(await planStatus(leader), '已批准');
  const edit = leader.locator('#plan-edit');
  assert.equal(await edit.locator('h3').textContent(), '起草新版本');
  await edit.getByLabel('工作机制').fill('每日碰头，每周向机关党委汇报。');
  await edit.getByRole('button', { name: '保存草稿' }).click();
  await leader.waitForSelector('#plan-submit');
  assert.equal(await planStatus(leader), '草稿');
  await leader.locator('#plan-submit').getByLabel('提交说明').fill('调整工作机制');
  await leader.locator('#plan-submit').getByRole('button', { name: '提交审定' }).click();
  await leader.waitForSelector('#plan-submit', { state: 'detached' });
  assert.equal(await planStatus(leader), '待审定');

  const admin = await newPage(env.browser, env.base);
  await signIn(admin, 'admin', 'admin-demo-2020');
  await admin.goto('/#/workplan');
  await admin.waitForSelector('#view[data-loaded="true"]', { timeout: 20000 });
  await admin.getByLabel('工作组').selectOption(groupId);
  await admin.waitForSelector('#plan-decide');
  assert.equal(await planStatus(admin), '待审定');
  // Sending back without a comment is refused on the page.
  await admin.locator('#plan-decide').getByRole('button', { name: '退回修改' }).click();
  assert.equal(await admin.locator('#plan-decide [role=status]').textContent(), '退回须填写意见');
  await admin.locator('#plan-decide').getByLabel('审定意见（退回时必填）').fill('请写明汇报时间');
  await admin.locator('#plan-decide').getByRole('button', { name: '退回修改' }).click();
  await admin.waitForSelector('#plan-decide', { state: 'detached' });
  assert.equal(await planStatus(admin), '已退回');
  const returned = (await cells(admin, 'table.plan-versions')).at(-1);
  assert.equal(returned[3], '已退回');
  assert.equal(returned[5], '请写明汇报时间');

  await leader.reload();
  await openPlan(leader);
  assert.equal(await planStatus(leader), '已退回');
  await leader.locator('#plan-edit').getByLabel('工作机制').fill('每日碰头，每周五向机关党委汇报。');
  await leader.locator('#plan-edit').getByRole('button', { name: '保存草稿' }).click();
  await leader.locator('#plan-edit [role=status]:has-text("已保存")').waitFor();
  await leader.locator('#plan-submit').getByRole('button', { name: '提交审定' }).click();
  await leader.waitForSelector('#plan-submit', { state: 'detached' });
  assert.equal(await planStatus(leader), '待审定');

  await admin.reload();
  await admin.waitForSelector('#view[data-loaded="true"]', { timeout: 20000 });
  await admin.getByLabel('工作组').selectOption(groupId);
  await admin.waitForSelector('#plan-decide');
  await admin.locator('#plan-decide').getByRole('button', { name: '批准' }).click();
  await admin.waitForSelector('#plan-decide', { state: 'detached' });
  assert.equal(await planStatus(admin), '已批准');
  const history = await cells(admin, 'table.plan-versions');
  assert.equal(history.at(-1)[3], '已批准');
  assert.match(await admin.locator('#plan-plan dl').textContent(), /每周五向机关党委汇报/);
  assertClean(leader);
  assertClean(admin);
  await leader.context().close();
  await admin.context().close();
});
