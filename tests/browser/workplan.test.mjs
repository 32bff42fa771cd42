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
