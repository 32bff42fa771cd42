// The checkpoint station and the live dashboard in a real browser (issue
// 9 "How it is judged"): a scan typed as a keyboard-wedge scanner types
// it (key events, then Enter) shows the full-screen decision; an
// unregistered outsider is denied, registered through the form, and then
// passes; a fever scan made elsewhere appears on the dashboard without a
// reload, and is handled there.  Expected decisions follow docs/checkpoint.md: 37.6 °C ≥ the
// default threshold 37.3 → alert (fever); an unknown identity number
// entering → deny (outsider_unregistered); after registration → pass.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { count } from '../api/lib.mjs';
import { signIn as apiSignIn } from '../api/lib.mjs';
import { assertClean, newPage, screenshot, setup, signIn } from './lib.mjs';

const LISI = '370911197008152345';       // the demo's 李四 (src/domain/demo.c)
const ZHANGSAN = '370911196503121234';   // the demo's 张三
const OUTSIDER = '11010519491231002X';   // valid (GB 11643 check digit X), in nobody's record

let env;
before(async () => { env = await setup(); });
after(async () => { await env.close(); });

// Type like a scanner: one key event per character, quickly, then Enter.
async function scanAs(page, text) {
  await page.locator('#scan').focus();
  await page.keyboard.type(text, { delay: 8 });
  await page.keyboard.press('Enter');
}

async function decision(page) {
  const d = page.locator('#decision');
  await d.waitFor({ state: 'visible' });
  return { cls: await d.getAttribute('class'), text: await d.textContent() };
}

async function dismiss(page) {
  await page.keyboard.press('Escape');
  await page.locator('#decision').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scan');
}

test('a scanned identity number with a fever shows the amber decision, full screen', async () => {
  const page = await newPage(env.browser, env.base, { viewport: { width: 1024, height: 768 } });  // a tablet
  await signIn(page, 'gate');
  assert.match(page.url(), /#\/station$/);
  await page.waitForSelector('#view[data-loaded="true"]');
  // The attendant's one checkpoint is chosen already.
  assert.match(await page.locator('select[name="checkpoint"] option:checked').textContent(), /大门疫情监测点/);
  await screenshot(page, 'station', { fullPage: false });
  const before = count(env.srv.db, 'SELECT count(*) FROM scan');
  const before376 = count(env.srv.db, 'SELECT count(*) FROM scan WHERE temperature = 376');
  await page.getByLabel('体温（°C）').fill('37.6');
  await scanAs(page, LISI);
  const d = await decision(page);
  assert.match(d.cls, /\balert\b/);
  assert.match(d.text, /注意/);
  assert.match(d.text, /体温异常（发热）/);
  assert.match(d.text, /37\.6 °C/);
  // It covers the screen and the verdict is large.
  const box = await page.locator('#decision').boundingBox();
  assert.deepEqual([box.width, box.height], [1024, 768]);
  const size = await page.locator('#decision .verdict').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 48, `verdict font ${size}px`);
  await screenshot(page, 'station-decision', { fullPage: false });
  assert.equal(count(env.srv.db, 'SELECT count(*) FROM scan'), before + 1);
  assert.equal(count(env.srv.db, 'SELECT count(*) FROM scan WHERE temperature = 376'), before376 + 1);
  await dismiss(page);
  // Without a temperature, 张三 (a resident) passes: green.
  await scanAs(page, ZHANGSAN);
  const ok = await decision(page);
  assert.match(ok.cls, /\bpass\b/);
  assert.match(ok.text, /通行/);
  await dismiss(page);
  assertClean(page);
  await page.context().close();
});

test('a refused scan keeps the code and the temperature; corrected, it is recorded without a second scan', async () => {
  // 3.76 °C is no body temperature (docs/checkpoint.md: out of the plausible
  // range, refused, field temperature): nothing stored, and the attendant
  // must not have to scan the person again.
  const page = await newPage(env.browser, env.base, { viewport: { width: 1024, height: 768 } });
  await signIn(page, 'gate');
  await page.waitForSelector('#view[data-loaded="true"]');
  const scans = () => count(env.srv.db, 'SELECT count(*) FROM scan');
  const before = scans();
  await page.getByLabel('体温（°C）').fill('3.76');
  await scanAs(page, LISI);
  const msg = page.locator('#scan-form .status.bad');
  await msg.waitFor();
  assert.match(await msg.textContent(), /temperature/);
  assert.equal(await page.locator('#decision').isVisible(), false);
  assert.equal(await page.locator('#scan').inputValue(), LISI);
  assert.equal(await page.getByLabel('体温（°C）').inputValue(), '3.76');
  assert.equal(scans(), before);
  // The temperature field has the focus, its text selected: typing
  // replaces it, and Enter records the scan kept in the scan field.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'temperature');
  await page.keyboard.type('37.6');
  await page.keyboard.press('Enter');
  const d = await decision(page);
  assert.match(d.cls, /\balert\b/);
  assert.match(d.text, /37\.6 °C/);
  assert.equal(scans(), before + 1);
  await dismiss(page);
  // Recorded: now the fields are cleared for the next person.
  assert.equal(await page.locator('#scan').inputValue(), '');
  assert.equal(await page.getByLabel('体温（°C）').inputValue(), '');
  assertClean(page, [/status of 422/]);
  await page.context().close();
});

test('a scan whose answer is lost is sent again with the same Idempotency-Key and stored once', async () => {
  // The first request reaches the server, which stores the scan and
  // answers, but the answer is dropped (route.fetch, then abort): the page
  // sees a network failure and keeps the code; the attendant presses Enter
  // again and the same key makes the server replay the first answer
  // (docs/checkpoint.md "Idempotency").  The next scan is a new attempt:
  // a new key.
  const page = await newPage(env.browser, env.base, { viewport: { width: 1024, height: 768 } });
  await signIn(page, 'gate');
  await page.waitForSelector('#view[data-loaded="true"]');
  const scans = () => count(env.srv.db, 'SELECT count(*) FROM scan');
  const keys = [];
  const answers = [];
  let dropped = false;
  await page.route('**/api/v1/checkpoints/*/scans', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (dropped) { await route.continue(); return; }
    dropped = true;
    const res = await route.fetch();
    answers.push(res.status());
    await route.abort('failed');
  });
  const before = scans();
  await scanAs(page, ZHANGSAN);
  await page.locator('#scan-form .status.bad').waitFor();
  assert.deepEqual(answers, [200]);
  assert.equal(scans(), before + 1);                  // the lost try was stored
  assert.equal(await page.locator('#scan').inputValue(), ZHANGSAN);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scan');
  await page.keyboard.press('Enter');                 // the retry
  const d = await decision(page);
  assert.match(d.cls, /\bpass\b/);
  assert.equal(scans(), before + 1);                  // replayed, not stored again
  assert.equal(keys.length, 2);
  assert.match(keys[0] || '', /^[0-9a-f]{32}$/);
  assert.equal(keys[1], keys[0]);
  await dismiss(page);
  await scanAs(page, LISI);
  await decision(page);
  assert.equal(scans(), before + 2);
  assert.equal(keys.length, 3);
  assert.match(keys[2] || '', /^[0-9a-f]{32}$/);
  assert.notEqual(keys[2], keys[0]);
  await dismiss(page);
  assertClean(page, [/net::ERR_FAILED/]);
  await page.context().close();
});

test('an unregistered outsider is denied, registered with the form, then passes', async () => {
  const page = await newPage(env.browser, env.base, { viewport: { width: 1024, height: 768 } });
  await signIn(page, 'gate');
  await page.waitForSelector('#view[data-loaded="true"]');
  await scanAs(page, OUTSIDER);
  const d = await decision(page);
  assert.match(d.cls, /\bdeny\b/);
  assert.match(d.text, /禁止通行/);
  assert.match(d.text, /外来人员未登记/);
  await dismiss(page);
  const form = page.locator('#outsider-form');
  await form.getByLabel('姓名').fill('王五');
  await form.getByLabel('手机号码').fill('13912345678');
  await form.getByLabel('身份证号（可选）').fill(OUTSIDER);
  await form.getByLabel('从何处来').fill('济南市');
  await form.getByLabel('来访事由').fill('探亲');
  await form.getByLabel('拜访住户或单位').fill('1号楼1单元101');
  await form.getByRole('button', { name: '登记' }).click();
  await form.getByText(/已登记 王\*/).waitFor();
  assert.equal(count(env.srv.db, `SELECT count(*) FROM outsider_registration WHERE reason = '探亲' AND came_from = '济南市'`), 1);
  await scanAs(page, OUTSIDER);
  const ok = await decision(page);
  assert.match(ok.cls, /\bpass\b/);
  await dismiss(page);
  assertClean(page, [/status of 422/]);
  await page.context().close();
});

test('an outsider given the number of a person on record under another name: refused, then registered once confirmed', async () => {
  // The identity number is the person's key (DESIGN.md §4 "People"): 李四's
  // number under the name 赵六 is refused (409 on id_number, 李四 shown
  // only as 李*); the form then offers to confirm, and with it the outsider
  // is registered as 李四.
  const page = await newPage(env.browser, env.base, { viewport: { width: 1024, height: 768 } });
  await signIn(page, 'gate');
  await page.waitForSelector('#view[data-loaded="true"]');
  const lisi = Number(count(env.srv.db, `SELECT min(id) FROM person WHERE name = '李四'`));
  const regs = () => count(env.srv.db, `SELECT count(*) FROM outsider_registration WHERE person_id = ${lisi} AND came_from = '青岛市'`);
  const form = page.locator('#outsider-form');
  const confirm = form.getByLabel('确认是该证件号已登记的本人');
  assert.equal(await confirm.isVisible(), false);
  await form.getByLabel('姓名').fill('赵六');
  await form.getByLabel('手机号码').fill('13912345670');
  await form.getByLabel('身份证号（可选）').fill(LISI);
  await form.getByLabel('从何处来').fill('青岛市');
  await form.getByLabel('来访事由').fill('探亲');
  await form.getByLabel('拜访住户或单位').fill('1号楼1单元101');
  await form.getByRole('button', { name: '登记' }).click();
  await form.getByText(/id_number: is registered to another name \(李\*\)/).waitFor();
  assert.equal(await form.getByText('李四').count(), 0);
  assert.equal(regs(), 0);
  await confirm.check();
  await form.getByRole('button', { name: '登记' }).click();
  await form.getByText(/已登记 李\*/).waitFor();
  assert.equal(regs(), 1);
  assert.equal(await confirm.isVisible(), false);
  assertClean(page, [/status of 409/]);
  await page.context().close();
});

test('a fever alert appears on the dashboard without a reload', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.waitForSelector('#view[data-loaded="true"]');
  await page.locator('.live.on').waitFor();
  await page.evaluate(() => { window.notReloaded = true; });
  const gate = await apiSignIn(env.base, 'gate');
  const res = await gate.post('/api/v1/checkpoints/1/scans', { id_number: ZHANGSAN, direction: 'out', temperature: '38.2' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.decision, 'alert');
  const item = page.locator(`#live-alerts li[data-id="${res.body.alert_id}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /体温异常（发热）.*38\.2 °C/);
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  // Handled from the dashboard: a note, then the item says so and the
  // alert is acknowledged in the API.
  await item.getByRole('button', { name: `处理预警 ${res.body.alert_id}` }).click();
  await item.getByLabel('处置情况').fill('已劝返并通知社区医生');
  await item.getByRole('button', { name: '确认已处理' }).click();
  await item.getByText('已处理：已劝返并通知社区医生').waitFor();
  const leader = await apiSignIn(env.base, 'leader');
  const al = await leader.get(`/api/v1/alerts/${res.body.alert_id}`);
  assert.equal(al.body.acknowledged.note, '已劝返并通知社区医生');
  assertClean(page);
  await page.context().close();
});
