// The admin page and the people page's editing, in a real browser on the
// demo database: a unit named <img src=x onerror=alert(1)> added and
// edited (shown literally, nothing runs); a place and a checkpoint added
// and edited, the checkpoint's place code made and its poster linked; the
// roles table as docs/roles.md has it; the server's settings shown
// read-only; a calendar file uploaded (and a wrong one refused with its
// line); a person and a household edited on the people page.  Every
// control is reached through its label.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { sql } from '../api/lib.mjs';
import { assertClean, newPage, screenshot, setup, signIn } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env.close(); });

const q = (query) => sql(env.srv.db, query);
const XSS = '<img src=x onerror=alert(1)>';

async function openAdmin() {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'admin');
  await page.goto('/#/admin');
  await page.waitForSelector('#view[data-loaded="true"]', { timeout: 20000 });
  return page;
}

test('units, places and checkpoints: add, edit, and the poster link', async () => {
  const page = await openAdmin();
  // A unit with a hostile name, added with the form.
  const uf = page.locator('#unit-form');
  await uf.getByLabel('单位名称').fill(XSS);
  await uf.getByLabel('类型').selectOption({ label: '社区' });
  await uf.getByLabel('区域').selectOption({ label: '粥店街道' });
  await uf.getByRole('button', { name: '保存' }).click();
  const cell = page.locator('#unit-list td.name', { hasText: 'onerror' });
  await cell.waitFor();
  assert.equal(await cell.textContent(), XSS);
  assert.equal(q(`SELECT kind FROM unit WHERE name = '${XSS}'`), 'community');
  // Edit it: a contact and an address.
  await page.getByRole('button', { name: `编辑 ${XSS}` }).click();
  assert.equal(await uf.getByLabel('单位名称').inputValue(), XSS);
  await uf.getByLabel('联系人').fill('王主任');
  await uf.getByLabel('地址').fill('粥店街道东路1号');
  await uf.getByRole('button', { name: '保存' }).click();
  await page.locator('#unit-list td', { hasText: '王主任' }).waitFor();
  assert.equal(q(`SELECT contact || '|' || address FROM unit WHERE name = '${XSS}'`), '王主任|粥店街道东路1号');

  // A place of that unit: 90 minutes' default stay = 5400 s.
  await page.locator('#places-unit').selectOption({ label: XSS });
  const pf = page.locator('#place-form');
  await pf.waitFor();
  await pf.getByLabel('场所名称').fill('东门小区');
  await pf.getByLabel('类型').selectOption({ label: '住宅小区' });
  await pf.getByLabel('无离开登记时的停留时长（分钟）').fill('90');
  await pf.getByRole('button', { name: '保存' }).click();
  await page.locator('#places h3', { hasText: '东门小区' }).waitFor();
  const unitId = q(`SELECT id FROM unit WHERE name = '${XSS}'`);
  assert.equal(q(`SELECT kind || '|' || default_stay_s || '|' || records_exits FROM place WHERE unit_id = ${unitId}`),
    'residential|5400|1');
  // Edit: renamed, entries only, 30 minutes (1800 s).
  await page.getByRole('button', { name: '编辑 东门小区' }).click();
  assert.equal(await pf.getByLabel('无离开登记时的停留时长（分钟）').inputValue(), '90');
  await pf.getByLabel('场所名称').fill('东门小区北区');
  await pf.getByLabel('登记离开').uncheck();
  await pf.getByLabel('无离开登记时的停留时长（分钟）').fill('30');
  await pf.getByRole('button', { name: '保存' }).click();
  await page.locator('#places h3', { hasText: '东门小区北区' }).waitFor();
  assert.equal(q(`SELECT name || '|' || default_stay_s || '|' || records_exits FROM place WHERE unit_id = ${unitId}`),
    '东门小区北区|1800|0');

  // A checkpoint at the place, then edited to a door named 北门岗.
  const cf = page.locator('#checkpoint-form');
  await cf.getByLabel('场所').selectOption({ label: '东门小区北区' });
  await cf.getByLabel('卡口名称').fill('北门');
  await cf.getByLabel('类型').selectOption({ label: '大门' });
  await cf.getByRole('button', { name: '保存' }).click();
  await page.locator('#places td.name', { hasText: '北门' }).waitFor();
  const placeId = q(`SELECT id FROM place WHERE unit_id = ${unitId}`);
  assert.equal(q(`SELECT name || '|' || kind FROM checkpoint WHERE place_id = ${placeId}`), '北门|gate');
  await page.getByRole('button', { name: '编辑 北门' }).click();
  assert.equal(await cf.getByLabel('场所').isDisabled(), true, 'a checkpoint does not move between places');
  await cf.getByLabel('卡口名称').fill('北门岗');
  await cf.getByLabel('类型').selectOption({ label: '门岗' });
  await cf.getByRole('button', { name: '保存' }).click();
  await page.locator('#places td.name', { hasText: '北门岗' }).waitFor();
  assert.equal(q(`SELECT name || '|' || kind FROM checkpoint WHERE place_id = ${placeId}`), '北门岗|door');

  // Its place code: none yet, made from the page, then the poster and its links.
  const cpId = q(`SELECT id FROM checkpoint WHERE place_id = ${placeId}`);
  await page.getByRole('button', { name: '北门岗 的场所码海报' }).click();
  await page.getByRole('button', { name: '生成场所码' }).click();
  const link = page.getByRole('link', { name: '打开海报（PNG）' });
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `/api/v1/checkpoints/${cpId}/place-code/poster?format=png`);
  assert.equal(await page.getByRole('link', { name: '下载 SVG' }).getAttribute('href'),
    `/api/v1/checkpoints/${cpId}/place-code/poster?format=svg`);
  await page.waitForFunction(() => document.querySelector('#poster img').naturalWidth > 100);
  const png = await page.request.get(await link.getAttribute('href'));
  assert.equal(png.status(), 200);
  assert.equal(png.headers()['content-type'], 'image/png');
  assert.deepEqual([...(await png.body()).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(Number(q(`SELECT count(*) FROM place_code WHERE checkpoint_id = ${cpId}`)), 1);

  // Keyboard only: Enter on the edit button puts the focus in the name
  // field (the place is fixed), Enter in a field saves.
  await page.getByRole('button', { name: '编辑 北门岗' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'checkpoint-form-name');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('北门岗亭');
  await page.keyboard.press('Enter');
  await page.locator('#places td.name', { hasText: '北门岗亭' }).waitFor();
  assert.equal(q(`SELECT name FROM checkpoint WHERE id = ${cpId}`), '北门岗亭');

  // The hostile name never became an element.
  assert.equal(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length), 0);
  await screenshot(page, 'admin');
  assertClean(page, [/status of 404 .*place-code\)$/]);
  await page.context().close();
});

test('the roles table is the server\'s, and the settings are shown read-only', async () => {
  const page = await openAdmin();
  const table = page.locator('#roles-table table');
  await table.locator('thead th').nth(8).waitFor();  // allTextContents does not wait
  const heads = await table.locator('thead th').allTextContents();
  assert.deepEqual(heads, ['权限', '说明', '管理员', '组长', '组员', '卡口值守', '单位联络员', '部门联络员', '审计']);
  // docs/roles.md: person.reveal for admin, leader and auditor only.
  const row = table.locator('tbody tr', { has: page.locator('code', { hasText: /^person\.reveal$/ }) });
  const marks = await row.locator('td').allTextContents();
  assert.deepEqual(marks.slice(2), ['✓', '✓', '—', '—', '—', '—', '✓']);
  assert.equal(await table.locator('tbody tr').count(), 30);

  await page.locator('#settings-readonly').waitFor();
  assert.match(await page.locator('#settings-readonly').textContent(), /只读/);
  const fever = page.locator('#settings-table tbody tr', { has: page.locator('code', { hasText: /^fever-threshold$/ }) });
  assert.equal(await fever.locator('td.value').textContent(), '373 tenths of a °C');
  assert.equal(await page.locator('#settings-table code', { hasText: /^db-password$/ }).count(), 0);
  assert.equal(await page.locator('#settings-table input, #settings-table select').count(), 0);
  assertClean(page);
  await page.context().close();
});

test('a calendar file is uploaded; a wrong one is refused whole with its line', async () => {
  const page = await openAdmin();
  // 2021 (国办发明电〔2020〕27号): National Day 10-01…10-07 off (7 days),
  // Sunday 09-26 and Saturday 10-09 worked: 9 marked days.
  const text = '# 2021, National Day only\nyear 2021\nsource 国办发明电〔2020〕27号\n' +
    '2021-10-01..2021-10-07 off 国庆节\n2021-09-26 work 国庆节调休\n2021-10-09 work 国庆节调休\n';
  await page.getByLabel('日历文件（docs/calendar.md 格式的文本）').setInputFiles(
    { name: 'cn-2021.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: '上传' }).click();
  await page.locator('#calendar-upload .status.ok').waitFor();
  assert.match(await page.locator('#calendar-upload .status').textContent(), /2021 年已载入：9 个特殊日期/);
  await page.locator('#calendar-days tbody tr').nth(8).waitFor();
  assert.equal(await page.locator('#calendar-days tbody tr').count(), 9);
  assert.equal(await page.getByLabel('年份').inputValue(), '2021');
  assert.equal(q('SELECT count(*) FROM calendar_day WHERE year = 2021'), '9');
  assert.equal(q('SELECT count(*) FROM calendar_day WHERE year = 2021 AND working = 1'), '2');

  // A two-year file whose 2022 part is right and whose 2023 part marks
  // Monday 2023-10-09 "work" (the file's line 5) is refused whole: nothing
  // of 2022 or 2023 is stored.
  await page.getByLabel('日历文件（docs/calendar.md 格式的文本）').setInputFiles(
    { name: 'bad.txt', mimeType: 'text/plain',
      buffer: Buffer.from('# two years\nyear 2022\n2022-10-03 off 国庆节\nyear 2023\n2023-10-09 work 错误\n') });
  await page.getByRole('button', { name: '上传' }).click();
  await page.locator('#calendar-upload .status.bad').waitFor();
  assert.match(await page.locator('#calendar-upload .status').textContent(), /line 5: 2023-10-09 is a weekday/);
  assert.equal(q('SELECT count(*) FROM calendar_year WHERE year IN (2022, 2023)'), '0');
  assertClean(page, [/status of 422/]);
  await page.context().close();
});

test('the people page edits a person (identity data stays masked) and a household', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/people');
  await page.waitForSelector('#view[data-loaded="true"]');
  const before = q("SELECT id_number_enc FROM person WHERE name = '张三'");
  assert.ok(before.length > 0);
  await page.getByLabel('姓名、身份证号或手机号').fill('张三');
  await page.getByRole('button', { name: '查找' }).click();
  await page.getByRole('button', { name: '编辑 张三' }).click();
  const pf = page.locator('#person-add');
  // The form shows the masked number beside an empty field, never the clear one.
  assert.equal(await pf.getByLabel('身份证号').inputValue(), '');
  assert.match(await pf.locator('#person-add-id_number-hint').textContent(), /3709\*+1234/);
  assert.doesNotMatch(await page.content(), /370911196503121234/);
  await pf.getByLabel('重点人群').check();
  await pf.getByRole('button', { name: '保存' }).click();
  await pf.locator('.status.ok').waitFor();
  const id = q("SELECT id FROM person WHERE name = '张三'");
  assert.match(q(`SELECT tag FROM person_tag WHERE person_id = ${id} ORDER BY tag`), /key_group/);
  assert.equal(q("SELECT id_number_enc FROM person WHERE name = '张三'"), before, 'the identity number is kept');

  // A household of 高铁社区's first place: added, then its room corrected.
  await page.locator('#hh-unit').selectOption({ label: '高铁社区' });
  const hf = page.locator('#household-form');
  await hf.waitFor({ state: 'visible' });
  const placeName = await hf.getByLabel('场所').locator('option:checked').textContent();
  await hf.getByLabel('楼栋').fill('9');
  await hf.getByLabel('单元').fill('2');
  await hf.getByLabel('房号').fill('301');
  await hf.getByRole('button', { name: '保存' }).click();
  await page.getByRole('button', { name: '编辑 9-2-301' }).click();
  await hf.getByLabel('房号').fill('302');
  await hf.getByRole('button', { name: '保存' }).click();
  await page.getByRole('button', { name: '编辑 9-2-302' }).waitFor();
  assert.equal(q(`SELECT count(*) FROM household h JOIN place p ON p.id = h.place_id
    WHERE p.name = '${placeName}' AND h.building = '9' AND h.entrance = '2' AND h.room = '302'`), '1');
  assert.equal(q("SELECT count(*) FROM household WHERE building = '9' AND room = '301'"), '0');
  assertClean(page);
  await page.context().close();
});
