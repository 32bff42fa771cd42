// The daily report in a real browser (issue 9 "How it is judged"): the
// report for the demo day 2020-03-18 is shown and downloaded, and its
// figures are checked against SCENARIO.md — that day the group delivered
// 600 masks (口罩), 240 bottles of alcohol (酒精, 6 boxes of 40) and 180
// bottles of 84 disinfectant (6 boxes of 30) to 3 communities; over
// 2020-03-05…2020-03-31 one enterprise request was resolved, with the
// bureau's reply of 2020-03-16.
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertClean, newPage, setup, signIn } from './lib.mjs';

let env;
// The demo's request was closed in March 2020: keep finished requests 10
// years so that retention (docs/retention.md) does not hide it.
before(async () => { env = await setup({ args: ['--retention-requests-days', '3650'] }); });
after(async () => { await env.close(); });

async function showReport(page, from, to = '') {
  await page.getByLabel('日期（起）').fill(from);
  await page.getByLabel('至（可选）').fill(to);
  await page.getByLabel('报告对象').selectOption({ label: '工作组 · 市派岱岳区市政协机关工作二组' });
  await page.evaluate(() => { delete document.getElementById('view').dataset.report; });
  await page.getByRole('button', { name: '生成日报' }).click();
  await page.waitForSelector('#view[data-report="true"]');
}

async function download(page, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name, exact: true }).click()]);
  return readFileSync(await dl.path());
}

test('the report of 2020-03-18 shows and downloads the supplies delivered that day', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/reports');
  await page.waitForSelector('#view[data-loaded="true"]');
  await showReport(page, '2020-03-18');
  const rows = await page.locator('table.delivered tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(rows, [['口罩', '600个', '3'], ['酒精', '6箱(240瓶)', '3'], ['84消毒液', '6箱(180瓶)', '3']]);
  assert.match(await page.locator('#report-brief').textContent(), /向3个单位发放防疫物资口罩600个、酒精240瓶、84消毒液180瓶/);

  // The text download: one figure a line, "name<TAB>value".
  const text = (await download(page, '文本')).toString('utf8');
  const fig = Object.fromEntries(text.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')));
  assert.equal(fig['发放到单位 口罩'], '600个（3个单位）');
  assert.equal(fig['发放到单位 酒精'], '240瓶（3个单位）');
  assert.equal(fig['发放到单位 84消毒液'], '180瓶（3个单位）');
  assert.equal(fig['收到物资的单位（个）'], '3');
  // The HTML page and the workbook.
  const html = (await download(page, '网页（HTML）')).toString('utf8');
  assert.match(html, /<html/i);
  assert.match(html, /600个/);
  const xlsx = await download(page, '全部台账（XLSX）');
  assert.equal(xlsx.subarray(0, 2).toString('latin1'), 'PK');
  // The supplies ledger as CSV: its distribution rows of that day add up
  // to the same quantities.
  const csv = (await download(page, '物资（CSV）')).toString('utf8');
  for (const [item, qty] of [['口罩', 600], ['酒精', 240], ['84消毒液', 180]]) {
    const lines = csv.split(/\r?\n/).filter((l) => l.includes(item) && l.includes('2020-03-18') && /发放|distribution/.test(l));
    assert.ok(lines.length >= 3, `${item}: ${lines.length} distribution lines\n${csv.slice(0, 800)}`);
  }
  assertClean(page);
  await page.context().close();
});

test('the range 2020-03-05…2020-03-31 shows the enterprise request resolved with the reply of 2020-03-16', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/reports');
  await page.waitForSelector('#view[data-loaded="true"]');
  await showReport(page, '2020-03-05', '2020-03-31');
  const figures = Object.fromEntries(await page.locator('table.figures-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])));
  assert.equal(figures['解决诉求'], '1');
  const resolved = await page.locator('table.resolved tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.equal(resolved.length, 1);
  assert.match(resolved[0][2], /东尊华美达/);
  assert.equal(resolved[0][3], '泰安市文化和旅游局');
  assert.equal(resolved[0][4], '2020-03-16 15:00');
  assertClean(page);
  await page.context().close();
});
