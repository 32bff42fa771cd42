// Sign-in and the dashboard in a real browser (issue 9 "How it is
// judged"): the form signs in with the session cookie, a wrong password
// is refused with a message, the dashboard draws its panels from the API,
// and a screenshot is kept as a test artefact.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { assertClean, newPage, screenshot, setup, signIn } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env.close(); });

test('a wrong password is refused, the right one signs in', async () => {
  const page = await newPage(env.browser, env.base);
  await page.goto('/');
  await page.getByLabel('用户名').fill('leader');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText('用户名或密码不正确。').waitFor();
  await page.getByLabel('密码').fill('leader-demo-2020');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForSelector('#signout:not([hidden])');
  assert.match(await page.locator('#user').textContent(), /工作二组组长/);
  // The session cookie is HttpOnly: the page's script cannot read it.
  assert.equal(await page.evaluate(() => document.cookie), '');
  assertClean(page);
  await page.context().close();
});

test('the dashboard shows its panels and is saved as a screenshot', async () => {
  const page = await newPage(env.browser, env.base);
  await signIn(page, 'leader');
  assert.match(page.url(), /#\/dashboard$/);
  await page.waitForSelector('#view[data-loaded="true"]');
  // Requests by status: the demo's one request (closed) is counted.
  await page.locator('#requests canvas').first().waitFor();
  await page.locator('#resumption canvas').first().waitFor();
  await page.locator('#supplies canvas').first().waitFor();
  const figures = await page.locator('#figures').textContent();
  assert.match(figures, /登记人次/);
  const path = await screenshot(page, 'dashboard');
  assert.ok(existsSync(path));
  // English switch: the menu and headings change language.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { name: '总览', level: 1 }).waitFor();
  assertClean(page);
  await page.context().close();
});
