// Every page of the menu opens for the roles that see it, loads from the
// API and reports no error, exception, CSP violation or dialog (issue 9:
// "a page that exists must work"); the English switch works on each; the
// admin page makes a place code and shows its printable poster; the
// check-in page fits a phone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { signIn as apiSignIn } from '../api/lib.mjs';
import { assertClean, newPage, screenshot, setup, signIn } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env.close(); });

const MENU = {
  admin: ['dashboard', 'station', 'supplies', 'requests', 'reports', 'resumption', 'people', 'visits', 'inspections', 'workplan', 'trace', 'admin'],
  leader: ['dashboard', 'station', 'supplies', 'requests', 'reports', 'resumption', 'people', 'visits', 'inspections', 'workplan', 'trace'],
  gaotie: ['dashboard', 'supplies', 'requests', 'resumption', 'people', 'visits', 'inspections'],
  culture: ['inbox', 'requests'],
  gate: ['dashboard', 'station'],
  auditor: ['dashboard', 'supplies', 'requests', 'reports', 'resumption', 'people', 'visits', 'inspections', 'workplan'],
};

for (const [user, pages] of Object.entries(MENU)) {
  test(`${user}: every page of the menu loads cleanly`, async () => {
    const page = await newPage(env.browser, env.base);
    await signIn(page, user);
    const links = await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(2)));
    for (const p of pages) assert.ok(links.includes(p), `${user} lacks ${p} in the menu: ${links}`);
    for (const p of links) {
      await page.goto(`/#/${p}`);
      await page.waitForSelector('#view[data-loaded="true"]', { timeout: 20000 });
      const h1 = await page.locator('#view h1').first().textContent();
      assert.ok(h1.trim().length > 0, p);
    }
    // The role's dashboard panels it may not read say so instead of failing.
    assertClean(page, [/status of 403/]);
    await page.context().close();
  });
}

test('the admin page makes a place code and shows its poster, ready to print', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'admin');
  await page.goto('/#/admin');
  await page.waitForSelector('#view[data-loaded="true"]');
  await page.getByLabel('单位', { exact: true }).last().selectOption({ label: '高铁社区' });
  await page.getByRole('button', { name: '场所码海报' }).first().click();
  await page.locator('#poster img, #poster button').first().waitFor();
  const make = page.getByRole('button', { name: '生成场所码' });
  if (await make.count()) await make.click();
  const img = page.locator('#poster img');
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector('#poster img').naturalWidth > 100);
  assert.match(await img.getAttribute('alt'), /大门疫情监测点/);
  assert.match(await page.locator('#poster').textContent(), /\/c\/[A-Za-z0-9_-]{43}/);
  assertClean(page, [/status of 404 .*place-code\)$/]);
  await page.context().close();
});

test('the English switch turns every menu entry into English', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'admin');
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('#nav a', { hasText: 'Checkpoint station' }).waitFor();
  const texts = await page.locator('#nav a').allTextContents();
  for (const x of texts) assert.doesNotMatch(x, /[\u4e00-\u9fff]/, x);
  await page.getByRole('button', { name: '中文' }).click();
  await page.locator('#nav a', { hasText: '卡口登记' }).waitFor();
  assertClean(page);
  await page.context().close();
});

test('the self check-in page fits a phone: no sideways scrolling, large targets, labelled fields', async () => {
  const admin = await apiSignIn(env.base, 'admin');
  let res = await admin.req('POST', '/api/v1/checkpoints/1/place-code');
  assert.ok(res.status === 200 || res.status === 201, res.text);
  res = await admin.get('/api/v1/checkpoints/1/place-code');
  const token = /\/c\/([A-Za-z0-9_-]{43})/.exec(res.body.url)[1];
  const page = await newPage(env.browser, env.base, { viewport: { width: 375, height: 740 } });
  await page.goto(`/c/${token}`);
  await page.locator('#place', { hasText: '华新新干线小区' }).waitFor();
  await page.getByLabel('姓名').waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 375, `the page is ${wide}px wide on a 375px phone`);
  for (const b of await page.locator('button:visible').all()) {
    const box = await b.boundingBox();
    if ((await b.getAttribute('class') || '').includes('link')) continue;
    assert.ok(box.height >= 44, `button ${await b.textContent()} is ${box.height}px high`);
  }
  await screenshot(page, 'checkin-phone', { fullPage: false });
  assertClean(page);
  await page.context().close();
});

test('a page still loading when the route moves on does not draw under the next one', async () => {
  // The people page awaits the units before drawing; held back 1.5 s, the
  // station is opened meanwhile.  The people page used to append its
  // heading, search and households under the station once its units came.
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.route(/\/api\/v1\/units\?/, async (r) => {
    await new Promise((ok) => setTimeout(ok, 1500));
    await r.continue();
  });
  await page.goto('/#/people');
  await page.waitForTimeout(200);
  await page.goto('/#/station');
  await page.waitForSelector('#view[data-loaded="true"]');
  await page.waitForTimeout(2500);  // the held-back answer has come and been drawn
  assert.deepEqual(await page.locator('#view h1').allTextContents(), ['卡口登记']);
  assert.equal(await page.locator('#people-search').count(), 0);
  assert.equal(await page.locator('#scan').count(), 1);
  assertClean(page);
  await page.context().close();
});

test('the skip link moves the focus to the page\'s content and stays on the page', async () => {
  // It is a link to #view, which the hash router took for an unknown page
  // and left for the landing page (the dashboard).
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/people');
  await page.waitForSelector('#view[data-loaded="true"]');
  await page.locator('a.skip').focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  assert.match(page.url(), /#\/people$/);
  assert.deepEqual(await page.locator('#view h1').allTextContents(), ['人员住户']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'view');
  assertClean(page);
  await page.context().close();
});
