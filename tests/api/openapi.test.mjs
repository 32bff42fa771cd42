// The OpenAPI document: the server serves api/openapi.json as it is in the
// repository, and the document passes `@redocly/cli lint` (the version
// pinned in package.json) with the settings of redocly.yaml.  That every
// route is documented and every operation routed is tests/unit/test_openapi.c.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, top } from './lib.mjs';

const docPath = join(top, 'api', 'openapi.json');

test('GET /api/v1/openapi.json serves the repository\'s document', async () => {
  const srv = await startServer();
  try {
    const res = await fetch(`${srv.base}/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(await res.json(), JSON.parse(readFileSync(docPath, 'utf8')));
  } finally {
    await srv.stop();
  }
});

test('the document passes redocly lint', { timeout: 120_000 }, () => {
  // @redocly/cli is pinned in package.json and installed by scripts/deps.sh
  // (npm ci); without it this test fails rather than skips.
  const bin = join(top, 'node_modules', '.bin', 'redocly');
  assert.ok(existsSync(bin), 'run `npm ci` (scripts/deps.sh does) to install @redocly/cli');
  // Throws, with the linter's report, when it exits non-zero.
  execFileSync(bin, ['lint', 'api/openapi.json'], { cwd: top, stdio: 'pipe', encoding: 'utf8' });
});
