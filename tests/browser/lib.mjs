// Helpers for the browser tests: Debian's chromium driven by npm's
// playwright-core (never a browser downloaded by playwright), against the
// real binary on a fresh demo database (tests/api/lib.mjs startServer).
// Every page is watched: a console error, an uncaught exception, a
// Content-Security-Policy violation or a dialog (alert()) fails the test
// that opened it (assertClean).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

import { demoPasswords, startServer, top } from '../api/lib.mjs';

export { startServer, demoPasswords, top };
export const artifacts = join(top, 'build', 'artifacts');
export const CHROMIUM = process.env.SIJIN_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// A new page (own context: own cookies) with its problems recorded in
// page.problems and dialogs in page.dialogs (dismissed).
export async function newPage(browser, base, o = {}) {
  const ctx = await browser.newContext({ baseURL: base, viewport: o.viewport || { width: 1280, height: 900 },
    locale: o.locale || 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  page.problems = [];
  page.dialogs = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => page.problems.push(`exception: ${e.message}`));
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return page;
}

// Sign in through the form and wait for the landing page.
export async function signIn(page, username, password = demoPasswords[username]) {
  await page.goto('/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForSelector('#signout:not([hidden])');
}

// The page showed no error, exception, CSP violation or dialog.
// The one error a browser logs by itself on the way: the 401 of asking
// for the session before signing in.
export function assertClean(page, allow = []) {
  const expected = [/status of 401 .*\/api\/v1\/session\)$/, ...allow];
  const problems = page.problems.filter((p) => !expected.some((re) => re.test(p)));
  assert.deepEqual(problems, [], `the page reported problems:\n${problems.join('\n')}`);
  assert.deepEqual(page.dialogs, [], 'a dialog opened');
}

// Save build/artifacts/<name>.png (the whole page unless o.fullPage is false).
export async function screenshot(page, name, o = {}) {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: o.fullPage ?? true });
  return path;
}

// A server plus a browser for one test file; close() ends both.
export async function setup(opts) {
  const srv = await startServer(opts);
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    await srv.stop();
    throw e;
  }
  return {
    srv, browser, base: srv.base,
    async close() {
      await browser.close();
      await srv.stop();
    },
  };
}
