// Work flows through the pages in a real browser (issue 9 "How it is
// judged"): a supply distribution is entered and the stock updates; a
// request goes from submitted to resolved through a department user; a
// person named like an HTML tag shows literally and runs nothing.
// Expected stock follows SCENARIO.md: on 2020-03-18 the group delivered
// 600 masks to its 3 communities, 200 each, so 高铁社区 holds 200 masks
// and the group's store none; a receipt of 1000 and a distribution of 300
// to 高铁社区 leave 700 and 500.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { count, signIn as apiSignIn, sql } from '../api/lib.mjs';
import { assertClean, newPage, setup, signIn } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env.close(); });

async function stockCell(page, site, item) {
  return (await page.locator(`#stock tr[data-site="${site}"][data-item="${item}"] td`).nth(2).textContent()).trim();
}

// Pick an <option> by its visible text.
async function choose(scope, label, text) {
  await scope.getByLabel(label, { exact: true }).selectOption({ label: text });
}

test('a supply distribution is entered and the stock updates', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/supplies');
  await page.waitForSelector('#view[data-loaded="true"]');
  const sites = Object.fromEntries(sql(env.srv.db, 'SELECT name, id FROM supply_site').split('\n').map((l) => l.split('|')));
  const mask = sql(env.srv.db, "SELECT id FROM supply_item WHERE name = '口罩'");
  const group = sites['工作二组物资库'];
  const gaotie = sites['高铁社区'];
  assert.equal(await stockCell(page, gaotie, mask), '200个');
  assert.equal(await stockCell(page, group, mask), '0个');
  const form = page.locator('#supply-doc');
  // A receipt of 1000 masks into the group's store (a donation).
  await choose(form, '单据类型', '入库');
  await choose(form, '库点（发出或入库）', '工作二组物资库');
  await choose(form, '来源', '捐赠');
  await choose(form, '第1行 物资', '口罩');
  await form.getByLabel('第1行 数量（如 6箱、240）').fill('1000');
  await form.getByRole('button', { name: '保存单据' }).click();
  await form.getByText('单据已保存，库存已更新。').waitFor();
  await page.waitForFunction(([s, i]) => document.querySelector(`#stock tr[data-site="${s}"][data-item="${i}"] td:nth-child(3)`)?.textContent === '1000个', [group, mask]);
  // The distribution: 300 masks to 高铁社区.
  await choose(form, '单据类型', '发放');
  await choose(form, '库点（发出或入库）', '工作二组物资库');
  await choose(form, '发放给单位', '高铁社区');
  await choose(form, '第1行 物资', '口罩');
  await form.getByLabel('第1行 数量（如 6箱、240）').fill('300');
  await form.getByRole('button', { name: '保存单据' }).click();
  await page.waitForFunction(([s, i]) => document.querySelector(`#stock tr[data-site="${s}"][data-item="${i}"] td:nth-child(3)`)?.textContent === '700个', [group, mask]);
  assert.equal(await stockCell(page, gaotie, mask), '500个');
  assert.equal(count(env.srv.db, `SELECT on_hand FROM supply_stock WHERE site_id = ${gaotie} AND item_id = ${mask}`), 500);
  // Too much is refused with the server's reason, and nothing changes.
  await choose(form, '第1行 物资', '口罩');
  await form.getByLabel('第1行 数量（如 6箱、240）').fill('5000');
  await form.getByRole('button', { name: '保存单据' }).click();
  await form.locator('.status.bad').waitFor();
  assert.match(await form.locator('.status.bad').textContent(), /insufficient stock/);
  assert.equal(count(env.srv.db, `SELECT on_hand FROM supply_stock WHERE site_id = ${group} AND item_id = ${mask}`), 700);
  assertClean(page, [/status of 409/]);
  await page.context().close();
});

test('a request goes from submitted to resolved through a department user', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/requests');
  await page.waitForSelector('#view[data-loaded="true"]');
  const form = page.locator('#request-new');
  await choose(form, '类别', '住宿和后勤保障');
  await choose(form, '单位', '泰山石膏有限公司');
  await form.getByLabel('诉求内容').fill('浏览器测试：外地技术人员需要临时住处。');
  await form.getByRole('button', { name: '提交' }).click();
  await page.waitForURL(/#\/requests\/\d+$/);
  const id = Number(/(\d+)$/.exec(page.url())[1]);
  await page.waitForSelector('#view[data-loaded="true"]');
  assert.equal((await page.locator('#request-status').textContent()).trim(), '已提交');
  // Accept, then refer to the bureau.
  const upd = page.locator('#request-update');
  await choose(upd, '新状态', '已受理');
  await upd.getByLabel('说明').fill('工作组受理。');
  await upd.getByRole('button', { name: '保存' }).click();
  await page.locator('#request-status', { hasText: '已受理' }).waitFor();
  const ref = page.locator('#request-refer');
  await choose(ref, '部门', '泰安市文化和旅游局');
  await ref.getByLabel('说明').fill('请协调住处。');
  await ref.getByRole('button', { name: '转办' }).click();
  await page.locator('#request-status', { hasText: '已转办' }).waitFor();
  assertClean(page);
  await page.context().close();

  // The bureau's liaison: the inbox, the reply, then resolved.
  const dep = await newPage(env.browser, env.base);
  await signIn(dep, 'culture');
  assert.match(dep.url(), /#\/inbox$/);
  await dep.waitForSelector('#view[data-loaded="true"]');
  await dep.locator('#inbox-pending').getByRole('link', { name: `#${id}` }).click();
  await dep.waitForURL(new RegExp(`#/requests/${id}$`));
  await dep.waitForSelector('#view[data-loaded="true"]');
  const rep = dep.locator('#request-reply');
  await rep.getByLabel('答复内容').fill('已联系泰安宝盛大酒店安排住宿。');
  await choose(rep, '办理结果', '已解决');
  await rep.getByRole('button', { name: '提交答复' }).click();
  await dep.locator('#request-status', { hasText: '已答复' }).waitFor();
  const upd2 = dep.locator('#request-update');
  await choose(upd2, '新状态', '已解决');
  await upd2.getByRole('button', { name: '保存' }).click();
  await dep.locator('#request-status', { hasText: '已解决' }).waitFor();
  assert.match(await dep.locator('#request-history').textContent(), /已联系泰安宝盛大酒店安排住宿。/);
  assertClean(dep);
  await dep.context().close();

  // The record: every step, in order, from the API.
  const leader = await apiSignIn(env.base, 'leader');
  const r = await leader.get(`/api/v1/requests/${id}`);
  assert.equal(r.body.status, 'resolved');
  assert.deepEqual(r.body.updates.map((u) => [u.kind, u.to_status]),
    [['create', 'submitted'], ['status', 'accepted'], ['refer', 'referred'], ['reply', 'replied'], ['status', 'resolved']]);
  assert.equal(r.body.referrals[0].outcome, 'solved');
});

test('a person named <img src=x onerror=alert(1)> shows literally and nothing runs', async () => {
  const name = '<img src=x onerror=alert(1)>';
  const admin = await apiSignIn(env.base, 'admin');
  const res = await admin.post('/api/v1/people', { name, mobile: '13800000999', unit_id: 1 });
  assert.equal(res.status, 201, res.text);
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/people');
  await page.getByLabel('姓名、身份证号或手机号').fill('13800000999');
  await page.getByRole('button', { name: '查找' }).click();
  const cell = page.locator('#people-results td.name');
  await cell.waitFor();
  assert.equal(await cell.textContent(), name);
  assert.equal(await page.locator('#view img').count(), 0);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length), 0);
  assertClean(page);
  await page.context().close();
});
