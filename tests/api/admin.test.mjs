// Black-box tests of what the administration page reads: GET
// /api/v1/roles (the permission table the server enforces), GET
// /api/v1/departments (scoped: a department liaison sees their own only)
// and GET /api/v1/settings (admin only, no secrets), against the real
// binary on a demo database (SQLite and PostgreSQL).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assertProblem, bin, signIn, sql, startServer, top } from './lib.mjs';

const ROLES = ['admin', 'leader', 'member', 'checkpoint', 'unit', 'department', 'auditor'];

// The oracle: docs/roles.md's hand-written table (permission, what, one
// ✓ column per role in ROLES order).
function rolesFromDocs() {
  const out = [];
  for (const line of readFileSync(join(top, 'docs/roles.md'), 'utf8').split('\n')) {
    const m = /^\| `([a-z]+\.[a-z]+)` \| (.*)\|\s*$/.exec(line);
    if (!m) continue;
    const cells = m[2].split('|').map((c) => c.trim());
    assert.equal(cells.length, 1 + ROLES.length, line);
    out.push({ name: m[1], what: cells[0], roles: ROLES.filter((_, i) => cells[1 + i] === '✓') });
  }
  return out;
}

let srv;
const who = {};

before(async () => {
  // A setting given on the command line, to see its value and source.
  srv = await startServer({ args: ['--fever-threshold', '375', '--visit-gap-days', '10'] });
  for (const u of ['admin', 'leader', 'auditor', 'gaotie', 'gate', 'culture'])
    who[u] = await signIn(srv.base, u);
});

after(async () => { await srv.stop(); });

describe('GET /api/v1/roles', () => {
  test('is the table of docs/roles.md, for every signed-in role', async () => {
    const want = rolesFromDocs();
    assert.equal(want.length, 30, 'docs/roles.md lists 30 permissions');
    for (const u of ['admin', 'gate', 'culture']) {
      const res = await who[u].get('/api/v1/roles');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.roles, ROLES);
      assert.deepEqual(res.body.permissions, want);
    }
  });

  test('agrees with what the server enforces', async () => {
    // org.admin: admin only — a leader adding a unit is refused.
    const perms = (await who.leader.get('/api/v1/roles')).body.permissions;
    assert.deepEqual(perms.find((p) => p.name === 'org.admin').roles, ['admin']);
    assertProblem(await who.leader.post('/api/v1/units', { kind: 'community', name: 'x', region_id: 1 }),
      403, 'forbidden');
    // user.read: admin and auditor — the auditor lists users, the leader may not.
    assert.deepEqual(perms.find((p) => p.name === 'user.read').roles, ['admin', 'auditor']);
    assert.equal((await who.auditor.get('/api/v1/users')).status, 200);
    assertProblem(await who.leader.get('/api/v1/users'), 403, 'forbidden');
  });

  test('needs a sign-in and takes no query', async () => {
    const res = await fetch(`${srv.base}/api/v1/roles`);
    assert.equal(res.status, 401);
    assertProblem(await who.admin.get('/api/v1/roles?x=1'), 422, 'invalid-input', 'x');
  });
});

describe('GET /api/v1/departments', () => {
  const DEMO = ['泰安市文化和旅游局', '粥店街道办事处'];  // pinyin: tai… before zhou…

  test('every department for admin, leader, unit liaison and auditor, in pinyin order', async () => {
    for (const u of ['admin', 'leader', 'gaotie', 'auditor']) {
      const res = await who[u].get('/api/v1/departments');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.items.map((d) => d.name), DEMO, u);
      assert.equal(res.body.next_cursor, null);
      for (const d of res.body.items) {
        assert.equal(d.kind, d.name === '泰安市文化和旅游局' ? 'government' : 'town');
        assert.equal(d.id, Number(sql(srv.db, `SELECT id FROM department WHERE name = '${d.name}'`)));
      }
    }
  });

  test('a department liaison sees their own department only', async () => {
    const res = await who.culture.get('/api/v1/departments');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.items.map((d) => d.name), ['泰安市文化和旅游局']);
  });

  test('a checkpoint attendant may not list them', async () => {
    assertProblem(await who.gate.get('/api/v1/departments'), 403, 'forbidden');
  });

  test('a department added on the command line is listed, in pinyin order', async () => {
    // 安监局 (an…) sorts before 泰安… (tai…) and 粥店… (zhou…).
    execFileSync(bin, ['--db', srv.db, 'department', 'add', '安监局'], { stdio: 'pipe' });
    const res = await who.admin.get('/api/v1/departments');
    assert.deepEqual(res.body.items.map((d) => d.name), ['安监局', ...DEMO]);
    const mine = await who.culture.get('/api/v1/departments');
    assert.deepEqual(mine.body.items.map((d) => d.name), ['泰安市文化和旅游局']);
  });
});

describe('GET /api/v1/settings', () => {
  test('shows the effective rules with their source, and no secret', async () => {
    const res = await who.admin.get('/api/v1/settings');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.editable, false);
    const by = Object.fromEntries(res.body.items.map((s) => [s.name, s]));
    assert.deepEqual(by['fever-threshold'], {
      name: 'fever-threshold', value: 375, unit: 'tenths of a °C', default: '373',
      source: '--fever-threshold', help: by['fever-threshold'].help,
    });
    assert.equal(by['visit-gap-days'].value, 10);
    assert.equal(by['visit-gap-days'].source, '--visit-gap-days');
    // Defaults of docs/config.md: 28 days' retention, Asia/Shanghai,
    // a 10-minute re-entry window, the 17:00 cut-off, purge every 24 h.
    assert.equal(by['retention-days'].value, 28);
    assert.equal(by['retention-days'].unit, 'days');
    assert.equal(by['retention-days'].source, 'default');
    assert.equal(by.tz.value, 'Asia/Shanghai');
    assert.equal(by['reentry-window'].value, 600);
    assert.equal(by['request-cutoff'].value, 17 * 3600);
    assert.equal(by['purge-interval'].value, 24 * 3600);
    assert.equal(by['cookie-secure'].value, false);
    // Every retention class is shown, requests included (0 = as retention-days).
    for (const name of ['retention-outsider-days', 'retention-trace-days',
      'retention-visit-note-days', 'retention-requests-days'])
      assert.equal(by[name]?.value, 0, name);
    for (const secret of ['db', 'db-password', 'key-file', 'tls-key', 'tls-cert', 'listen', 'port',
      'config', 'web-root', 'poster-font'])
      assert.equal(by[secret], undefined, `${secret} is not shown`);
    assert.doesNotMatch(res.text, new RegExp(srv.db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  test('is for the administrator only', async () => {
    for (const u of ['leader', 'auditor', 'gaotie', 'gate', 'culture'])
      assertProblem(await who[u].get('/api/v1/settings'), 403, 'forbidden');
  });
});
