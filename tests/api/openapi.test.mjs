// The OpenAPI document: the server serves api/openapi.json as it is in the
// repository, and (when SIJIN_LINT_OPENAPI=1, as CI sets it) the document
// passes `@redocly/cli lint` with the settings of redocly.yaml.  The lint
// fetches @redocly/cli from npm, so it is off by default;
// SIJIN_REDOCLY_VERSION picks another version than the newest 1.x (for a
// registry mirror that lags).  That every route is documented and every
// operation routed is tests/unit/test_openapi.c.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

test('the document passes redocly lint', {
  skip: process.env.SIJIN_LINT_OPENAPI !== '1' && 'set SIJIN_LINT_OPENAPI=1 to lint (fetches @redocly/cli)',
  timeout: 600_000,
}, () => {
  const version = process.env.SIJIN_REDOCLY_VERSION || '1';
  // Throws, with the linter's report, when it exits non-zero.
  execFileSync('npx', ['--yes', `@redocly/cli@${version}`, 'lint', 'api/openapi.json'],
    { cwd: top, stdio: 'pipe', encoding: 'utf8' });
});
