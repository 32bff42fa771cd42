// Field work through the pages in a real browser (issue 9 "Web UI"):
// a need found on a visit is turned into a service request from the visits
// page; an inspection's failed item becomes a finding that is re-checked
// until it closes; a community's supply request is entered, fulfilled by a
// distribution and the delivery's receipt confirmed by the community.
// Expected values come from the forms' input and from SCENARIO.md's demo
// (docs/supply.md, docs/roles.md), read back from the database, never
// from what the page printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { count, sql } from '../api/lib.mjs';
import { assertClean, newPage, screenshot, setup, signIn } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env.close(); });

const XSS = '<img src=x onerror=alert(1)>';
const id = (query) => count(env.srv.db, query);

async function choose(scope, label, text) {
  await scope.getByLabel(label, { exact: true }).selectOption({ label: text });
}

async function open(user, route) {
  const page = await newPage(env.browser, env.base);
  await signIn(page, user);
  await page.goto(`/#/${route}`);
  await page.waitForSelector('#view[data-loaded="true"]');
  return page;
}

test('a need found on a visit becomes a service request from the visits page', async () => {
  const page = await open('leader', 'visits');
  const form = page.locator('#visit-new');
  const words = `${XSS} 外地技术人员返岗后无处住宿`;
  await choose(form, '单位', '泰山石膏有限公司');
  await form.getByLabel('走访日期').fill('2020-03-20');
  await form.getByLabel('走访事由').fill('了解复工困难');
  // The group's one member (the leader) is chosen as the visitor already.
  assert.deepEqual(await form.getByLabel('走访人').evaluate((s) => [...s.selectedOptions].map((o) => o.textContent)), ['工作二组组长（主任）']);
  await choose(form, '需求类别', '住宿和后勤保障');
  await form.getByLabel('困难和需求').fill(words);
  await form.getByRole('button', { name: '保存' }).click();
  await form.getByText('已保存').waitFor();
  const unit = id("SELECT id FROM unit WHERE name = '泰山石膏有限公司'");
  const need = id(`SELECT n.id FROM need n JOIN visit v ON v.id = n.visit_id WHERE v.unit_id = ${unit} AND v.purpose = '了解复工困难'`);
  assert.ok(need > 0, 'the visit and its need are stored');
  const li = page.locator(`#visit-list li[data-need="${need}"]`);
  // The need's words show literally: no image, no dialog.
  assert.equal((await li.textContent()).startsWith(`住宿和后勤保障：${words}`), true);
  assert.equal(await page.locator('#visit-list img').count(), 0);
  // Raised with the keyboard.
  await li.getByRole('button', { name: '将需求“住宿和后勤保障”转为诉求' }).focus();
  await page.keyboard.press('Enter');
  await li.getByRole('link').waitFor();
  const req = id(`SELECT request_id FROM need WHERE id = ${need}`);
  assert.ok(req > 0, 'the need names its request');
  assert.equal((await li.getByRole('link').textContent()).trim(), `诉求 #${req}`);
  assert.equal(sql(env.srv.db, `SELECT s.code || '|' || r.unit_id || '|' || r.status || '|' || r.source || '|' || r.origin FROM service_request r JOIN service s ON s.id = r.service_id WHERE r.id = ${req}`),
    `accommodation|${unit}|submitted|visit|need:${need}`);
  assert.equal(sql(env.srv.db, `SELECT description FROM service_request WHERE id = ${req}`), words);
  await page.getByText(`已转为诉求 #${req}。`).waitFor();
  await screenshot(page, 'visits');
  // The link leads to the request, which shows the words as text.
  await li.getByRole('link').click();
  await page.waitForURL(new RegExp(`#/requests/${req}$`));
  await page.waitForSelector('#view[data-loaded="true"]');
  await page.getByText(words).first().waitFor();
  assert.equal(await page.locator('#view img').count(), 0);
  assertClean(page);
  await page.context().close();
});

test('a community liaison adds a need to the group\'s visit and raises it', async () => {
  const page = await open('gaotie', 'visits');
  // A unit liaison records no visits (visitors are the group's members)
  // but adds needs to the visits of their unit.
  assert.equal(await page.locator('#visit-new').count(), 0);
  const form = page.locator('#need-new');
  const visit = id("SELECT v.id FROM visit v JOIN unit u ON u.id = v.unit_id WHERE u.name = '高铁社区' AND v.visited_on = 18339");
  await form.getByLabel('走访记录').selectOption(String(visit));
  // Without a category the server's problem names the field.
  await form.getByLabel('困难和需求').fill('小区出入口缺少测温枪');
  await form.getByRole('button', { name: '保存需求' }).click();
  await form.locator('.status.bad').waitFor();
  assert.match(await form.locator('.status.bad').textContent(), /category/);
  await choose(form, '需求类别', '防疫物资');
  await form.getByRole('button', { name: '保存需求' }).click();
  await form.getByText('需求已保存。').waitFor();
  const need = id(`SELECT id FROM need WHERE visit_id = ${visit} AND difficulty = '小区出入口缺少测温枪'`);
  const li = page.locator(`#visit-list li[data-need="${need}"]`);
  await li.getByRole('button', { name: '将需求“防疫物资”转为诉求' }).click();
  await li.getByRole('link').waitFor();
  const req = id(`SELECT request_id FROM need WHERE id = ${need}`);
  assert.equal(sql(env.srv.db, `SELECT s.code || '|' || u.name || '|' || r.origin FROM service_request r JOIN service s ON s.id = r.service_id JOIN unit u ON u.id = r.unit_id WHERE r.id = ${req}`),
    `supplies|高铁社区|need:${need}`);
  assertClean(page, [/status of 422/]);
  await page.context().close();
});

// Local dates as the store keeps them: days since 1970-01-01.
const day = (iso) => Date.parse(`${iso}T00:00:00Z`) / 86400000;

test('a failed checklist item is a finding, re-checked until it is closed', async () => {
  const page = await open('leader', 'inspections');
  const form = page.locator('#inspection-new');
  await choose(form, '检查表', '防控点督导检查');
  await choose(form, '防控点', '高铁社区 · 华新新干线小区 · 大门疫情监测点');
  await form.getByLabel('检查日期').fill('2020-03-20');
  const item = form.locator('fieldset[data-item="disinfection"]');
  // The rectify-by date is asked for only once the item fails.
  assert.equal(await item.getByLabel('消毒：整改期限').isVisible(), false);
  await item.getByLabel('不合格').check();
  assert.equal(await item.getByLabel('消毒：整改期限').isVisible(), true);
  await item.getByLabel('消毒：说明').fill(`消毒记录缺失 ${XSS}`);
  // Without the date the server's problem names the item's field.
  await form.getByRole('button', { name: '保存' }).click();
  await form.locator('.status.bad').waitFor();
  assert.match(await form.locator('.status.bad').textContent(), /items\[3\]\.rectify_by/);
  await item.getByLabel('消毒：整改期限').fill('2020-03-25');
  await form.getByRole('button', { name: '保存' }).click();
  await form.getByText('已保存').waitFor();
  const cp = id("SELECT id FROM checkpoint WHERE name = '大门疫情监测点'");
  const fid = id(`SELECT f.id FROM finding f JOIN inspection i ON i.id = f.inspection_id WHERE i.checkpoint_id = ${cp} AND i.inspected_on = ${day('2020-03-20')}`);
  assert.equal(sql(env.srv.db, `SELECT description || '|' || rectify_by || '|' || status FROM finding WHERE id = ${fid}`),
    `消毒记录缺失 ${XSS}|${day('2020-03-25')}|open`);
  // Only the failed item is a finding: the other five passed.
  assert.equal(count(env.srv.db, `SELECT count(*) FROM finding WHERE inspection_id = (SELECT inspection_id FROM finding WHERE id = ${fid})`), 1);
  // Listed as open and, 2020-03-25 being long past, overdue.
  const row = page.locator(`#finding-list tr[data-finding="${fid}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /消毒消毒记录缺失 <img src=x onerror=alert\(1\)>2020-03-25待整改逾期未整改/);
  assert.equal(await page.locator('#view img').count(), 0);

  // A failed re-check keeps it open with a new date.
  await row.getByRole('button', { name: `复查问题 #${fid}` }).click();
  const rc = page.locator('#finding-recheck');
  // The form takes the finding and shows it with its (no) re-checks.
  await rc.locator('#finding-history table').waitFor();
  assert.match(await rc.locator('#finding-history p').textContent(), new RegExp(`^#${fid} 高铁社区 · 华新新干线小区 · 大门疫情监测点 · 消毒：消毒记录缺失`));
  assert.equal(await rc.getByLabel('问题', { exact: true }).inputValue(), String(fid));
  await choose(rc, '复查结果', '未整改（不合格）');
  await rc.getByLabel('复查日期').fill('2020-03-24');
  await rc.getByLabel('新的整改期限').fill('2020-03-27');
  await rc.getByLabel('复查说明').fill('消毒台账仍未建立');
  await rc.getByRole('button', { name: '保存复查' }).click();
  await rc.getByText(`问题 #${fid} 仍待整改，整改期限 2020-03-27。`).waitFor();
  assert.equal(sql(env.srv.db, `SELECT rectify_by || '|' || status FROM finding WHERE id = ${fid}`), `${day('2020-03-27')}|open`);
  await rc.locator('#finding-history tbody tr', { hasText: '消毒台账仍未建立' }).waitFor();
  assert.equal(await row.locator('td').nth(5).textContent(), '2020-03-27');

  // A pass closes it on the day of the re-check.
  await choose(rc, '复查结果', '已整改（合格）');
  assert.equal(await rc.getByLabel('新的整改期限').isVisible(), false);
  await rc.getByLabel('复查日期').fill('2020-03-26');
  await rc.getByRole('button', { name: '保存复查' }).click();
  await rc.getByText(`问题 #${fid} 已于 2020-03-26 整改完成。`).waitFor();
  assert.equal(sql(env.srv.db, `SELECT status || '|' || closed_on FROM finding WHERE id = ${fid}`), `closed|${day('2020-03-26')}`);
  assert.equal(count(env.srv.db, `SELECT count(*) FROM recheck WHERE finding_id = ${fid}`), 2);
  // Gone from the open findings; shown as closed under 已整改.
  assert.equal(await page.locator(`#finding-list tr[data-finding="${fid}"]`).count(), 0);
  await choose(page.locator('#view'), '显示', '已整改');
  await page.locator(`#finding-list tr[data-finding="${fid}"]`, { hasText: '已整改' }).waitFor();
  assert.match(await page.locator(`#finding-list tr[data-finding="${fid}"]`).textContent(), /2020-03-26/);
  assert.equal(await page.locator(`#finding-list tr[data-finding="${fid}"] button`).count(), 0, 'a closed finding is not re-checked');
  await screenshot(page, 'inspections');
  assertClean(page, [/status of 422/]);
  await page.context().close();
});

test('a community asks for supplies, the group delivers against the request, the community confirms receipt', async () => {
  const reason = `${XSS} 居民楼道消毒用`;
  const alcohol = id("SELECT id FROM supply_item WHERE name = '酒精'");
  const gaotie = id("SELECT id FROM unit WHERE name = '高铁社区'");
  // The community's liaison enters the request; their unit is the only one.
  let page = await open('gaotie', 'supplies');
  assert.equal(await page.locator('#supply-doc').count(), 0, 'a unit liaison writes no stock documents');
  let form = page.locator('#supply-request-new');
  assert.equal(await form.getByLabel('需求单位').inputValue(), String(gaotie));
  await choose(form, '物资', '酒精');
  await form.getByLabel('需求数量（如 2箱、200）').fill('2箱');
  // Raised today (the server's clock), needed within a week.
  const soon = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  await form.getByLabel('需用日期').fill(soon);
  await form.getByLabel('需求原因').fill(reason);
  await form.getByRole('button', { name: '提交需求' }).click();
  await form.getByText(/^需求 #\d+ 已登记/).waitFor();
  const req = id(`SELECT max(id) FROM supply_request WHERE unit_id = ${gaotie}`);
  // 酒精's box holds 40 bottles (docs/supply.md): 2箱 is 80 bottles.
  assert.equal(sql(env.srv.db, `SELECT item_id || '|' || qty || '|' || entered || '|' || needed_by || '|' || reason FROM supply_request WHERE id = ${req}`),
    `${alcohol}|80|2箱|${day(soon)}|${reason}`);
  const reqRow = page.locator(`#supply-requests tr[data-request="${req}"]`);
  await reqRow.waitFor();
  assert.match(await reqRow.textContent(), /未发放/);
  assert.match(await reqRow.textContent(), /居民楼道消毒用/);
  assert.equal(await page.locator('#view img').count(), 0);
  assertClean(page);
  await page.context().close();

  // The leader receives 3 boxes into the group's store and distributes 2
  // to 高铁社区 against the request.
  page = await open('leader', 'supplies');
  form = page.locator('#supply-doc');
  await choose(form, '单据类型', '入库');
  await choose(form, '库点（发出或入库）', '工作二组物资库');
  await choose(form, '第1行 物资', '酒精');
  await form.getByLabel('第1行 数量（如 6箱、240）').fill('3箱');
  assert.equal(await form.getByLabel('第1行 满足需求').isVisible(), false);
  await form.getByRole('button', { name: '保存单据' }).click();
  await form.getByText('单据已保存，库存已更新。').waitFor();
  await choose(form, '单据类型', '发放');
  await choose(form, '发放给单位', '高铁社区');
  await choose(form, '第1行 物资', '酒精');
  await form.getByLabel('第1行 数量（如 6箱、240）').fill('2箱');
  // The line offers the open requests of 高铁社区 for 酒精 only.
  const offered = await form.getByLabel('第1行 满足需求').evaluate((s) => [...s.options].map((o) => o.value).filter(Boolean));
  const expected = sql(env.srv.db, `SELECT id FROM supply_request WHERE unit_id = ${gaotie} AND item_id = ${alcohol} AND cancelled_at IS NULL ORDER BY id`).split('\n')
    .filter((r) => count(env.srv.db, `SELECT coalesce(sum(qty), 0) FROM supply_line WHERE request_id = ${r}`) < count(env.srv.db, `SELECT qty FROM supply_request WHERE id = ${r}`));
  assert.deepEqual(offered, expected);
  assert.ok(offered.includes(String(req)));
  await form.getByLabel('第1行 满足需求').selectOption(String(req));
  await form.getByRole('button', { name: '保存单据' }).click();
  await page.locator(`#supply-requests tr[data-request="${req}"]`, { hasText: '已满足' }).waitFor();
  const doc = id(`SELECT max(doc_id) FROM supply_line WHERE request_id = ${req}`);
  assert.equal(sql(env.srv.db, `SELECT d.kind || '|' || s.name || '|' || l.qty FROM supply_doc d JOIN supply_site s ON s.id = d.to_site_id JOIN supply_line l ON l.doc_id = d.id WHERE d.id = ${doc}`),
    'distribution|高铁社区|80');
  // The leader may not confirm: the delivery waits for the community.
  assert.equal((await page.locator(`#documents tr[data-doc="${doc}"] td`).nth(5).textContent()), '待签收');
  assertClean(page);
  await page.context().close();

  // The community's liaison confirms what arrived, with a discrepancy.
  page = await open('gaotie', 'supplies');
  await page.locator(`#documents tr[data-doc="${doc}"]`).getByRole('button', { name: `确认收到发放单 #${doc}` }).click();
  const conf = page.locator('#supply-confirm');
  await conf.locator('#confirm-lines tbody tr').first().waitFor();
  assert.equal(await conf.getByLabel('发放单').inputValue(), String(doc));
  assert.deepEqual(await conf.locator('#confirm-lines tbody tr td').allTextContents(), ['酒精', '2箱(80瓶)', `#${req}`]);
  await conf.getByLabel('与单据不符之处（没有则不填）').fill('一箱外包装破损，瓶子完好');
  await conf.getByRole('button', { name: '确认收到' }).click();
  await conf.getByText(`发放单 #${doc} 已签收。`).waitFor();
  const user = id("SELECT id FROM app_user WHERE username = 'gaotie'");
  assert.equal(sql(env.srv.db, `SELECT confirmed_by || '|' || discrepancy FROM supply_doc WHERE id = ${doc}`), `${user}|一箱外包装破损，瓶子完好`);
  assert.equal(count(env.srv.db, `SELECT count(*) FROM supply_doc WHERE id = ${doc} AND confirmed_at IS NOT NULL`), 1);
  assert.match(await page.locator(`#documents tr[data-doc="${doc}"] td`).nth(5).textContent(), /一箱外包装破损，瓶子完好$/);
  assert.equal(await page.locator(`#documents tr[data-doc="${doc}"] button`).count(), 0);
  await screenshot(page, 'supplies-confirmed');
  // Confirmed once only: it is no longer offered.
  assert.equal((await conf.getByLabel('发放单').evaluate((s) => [...s.options].map((o) => o.value))).includes(String(doc)), false);
  assertClean(page);
  await page.context().close();
});
