// The web UI reckons local days and times in the server's zone (the
// setting tz, DESIGN.md §4 "Time"), named by the session's answer, not in
// a constant Asia/Shanghai nor in the browser's own zone (Asia/Shanghai
// here, newPage).  The server runs with --tz Europe/Berlin; the expected
// offsets are the tz database's (zdump -v -c 2024,2025 Europe/Berlin):
//   2024-03-31 01:00Z: +01:00 -> +02:00, so that day runs 23 hours,
//     [2024-03-31T00:00:00+01:00, 2024-04-01T00:00:00+02:00);
//   2024-10-27 01:00Z: +02:00 -> +01:00, so that day runs 25 hours,
//     [2024-10-27T00:00:00+02:00, 2024-10-28T00:00:00+01:00),
//     01:30 that day is +02:00 (once) and 03:30 is +01:00.
// Asia/Shanghai would give +08:00 to all of them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { signIn as apiSignIn } from '../api/lib.mjs';
import { assertClean, demoPasswords, newPage, setup, signIn } from './lib.mjs';

let env;
before(async () => { env = await setup({ args: ['--tz', 'Europe/Berlin'] }); });
after(async () => { await env.close(); });

const berlinToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin',
  year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

test('both session answers name the server\'s zone', async () => {
  const leader = await apiSignIn(env.base, 'leader');
  const me = await leader.get('/api/v1/session');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.tz, 'Europe/Berlin');
  const res = await fetch(`${env.base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'auditor', password: demoPasswords.auditor }) });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).tz, 'Europe/Berlin');
});

// The dashboard's day date: the from and to of its alerts and scans
// requests (dayBounds) once the date field says date.
async function dashboardBounds(page, date) {
  const asked = (path) => page.waitForRequest((r) => {
    const u = new URL(r.url());
    return u.pathname === path && (u.searchParams.get('from') || '').startsWith(date);
  });
  const waits = [asked('/api/v1/alerts'), asked('/api/v1/scans')];
  await page.getByLabel('日期', { exact: true }).fill(date);
  return (await Promise.all(waits)).map((r) => {
    const u = new URL(r.url());
    return [u.searchParams.get('from'), u.searchParams.get('to')];
  });
}

test('the dashboard\'s day is the server zone\'s day, 23 or 25 hours when the clocks change', async () => {
  const page = await newPage(env.browser, env.base);
  const early = berlinToday();
  await signIn(page, 'leader');
  await page.waitForSelector('#view[data-loaded="true"]');
  const shown = await page.getByLabel('日期', { exact: true }).inputValue();
  assert.ok([early, berlinToday()].includes(shown), `today is ${shown}, Berlin's ${early}`);
  const spring = ['2024-03-31T00:00:00+01:00', '2024-04-01T00:00:00+02:00'];
  assert.deepEqual(await dashboardBounds(page, '2024-03-31'), [spring, spring]);
  const autumn = ['2024-10-27T00:00:00+02:00', '2024-10-28T00:00:00+01:00'];
  assert.deepEqual(await dashboardBounds(page, '2024-10-27'), [autumn, autumn]);
  // Opened again, the page learns the zone from GET /api/v1/session.
  await page.reload();
  await page.waitForSelector('#view[data-loaded="true"]');
  assert.deepEqual(await dashboardBounds(page, '2024-03-31'), [spring, spring]);
  assertClean(page);
  await page.context().close();
});

test('the trace form\'s times are wall times of the server\'s zone', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  await page.goto('/#/trace');
  await page.waitForSelector('#view[data-loaded="true"]');
  await page.getByLabel('身份证号或人员编号').fill('1');
  await page.getByLabel('起始时间（可选）').fill('2024-10-27T01:30');
  await page.getByLabel('截止时间（可选）').fill('2024-10-27T03:30');
  const [req] = await Promise.all([page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/traces'),
    page.getByRole('button', { name: '开始流调' }).click()]);
  const body = req.postDataJSON();
  assert.equal(body.from, '2024-10-27T01:30:00+02:00');
  assert.equal(body.to, '2024-10-27T03:30:00+01:00');
  // 02:30 that day came twice in Berlin (never in Shanghai): refused on the page.
  await page.getByLabel('起始时间（可选）').fill('2024-10-27T02:30');
  await page.getByRole('button', { name: '开始流调' }).click();
  await page.getByText('2024-10-27 02:30 在 Europe/Berlin 出现两次').waitFor();
  assertClean(page, [/status of 4\d\d .*\/api\/v1\/traces\)$/]);
  await page.context().close();
});
