// The web UI's files over HTTP (issue 9, docs/web.md): embedded at build
// time with content-hash ETags (the first 32 hex digits of the SHA-256 of
// the file in the repository, worked out here with node's crypto), 304 on
// If-None-Match, content types by extension, the pages' security headers,
// no way out of web/, and --web-root serving from disk.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { bin, startServer, top } from './lib.mjs';

const etagOf = (bytes) => `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };

// Every file of web/ (one folder deep), as served names.
function webFiles() {
  const out = [];
  for (const f of readdirSync(join(top, 'web'))) {
    const p = join(top, 'web', f);
    if (statSync(p).isDirectory()) {
      for (const g of readdirSync(p)) out.push(`${f}/${g}`);
    } else out.push(f);
  }
  return out;
}

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('GET / is the application page with its security headers', async () => {
  const res = await fetch(`${srv.base}/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const body = Buffer.from(await res.arrayBuffer());
  assert.deepEqual(body, readFileSync(join(top, 'web', 'index.html')));
  assert.equal(res.headers.get('etag'), etagOf(body));
  // No inline script in the page itself.
  assert.doesNotMatch(body.toString(), /<script(?![^>]*\ssrc=)[^>]*>/);
});

test('every file of web/ is served with its content-hash ETag and type, and 304 when unchanged', async () => {
  const files = webFiles();
  assert.ok(files.includes('app.js') && files.includes('i18n/zh-CN.json'), files.join(' '));
  for (const name of files) {
    const bytes = readFileSync(join(top, 'web', name));
    const res = await fetch(`${srv.base}/web/${name}`);
    assert.equal(res.status, 200, name);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes, name);
    assert.equal(res.headers.get('etag'), etagOf(bytes), name);
    const ext = name.slice(name.lastIndexOf('.'));
    if (TYPES[ext]) assert.equal(res.headers.get('content-type'), TYPES[ext], name);
    const again = await fetch(`${srv.base}/web/${name}`, { headers: { 'If-None-Match': etagOf(bytes) } });
    assert.equal(again.status, 304, name);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    assert.equal(again.headers.get('etag'), etagOf(bytes));
    const other = await fetch(`${srv.base}/web/${name}`, { headers: { 'If-None-Match': '"0000", W/"1111"' } });
    assert.equal(other.status, 200, name);
    await other.arrayBuffer();
  }
});

test('ECharts is the npm package\'s bundle, embedded', async () => {
  const bytes = readFileSync(join(top, 'node_modules', 'echarts', 'dist', 'echarts.min.js'));
  const res = await fetch(`${srv.base}/web/vendor/echarts.min.js`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(body.length, bytes.length);
  assert.ok(body.equals(bytes));
  assert.equal(res.headers.get('etag'), etagOf(bytes));
});

// GET path exactly as written (fetch would fold dot segments first).
function rawGet(base, path) {
  const u = new URL(base);
  return new Promise((ok, fail) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => ok({ status: res.statusCode, text }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('no name leaves web/', async () => {
  for (const path of ['/web/..%2Fapi%2Fopenapi.json', '/web/%2E%2E/openapi.json', '/web/.hidden',
    '/web/i18n/..', '/web/..', '/web/../api/openapi.json', '/web/i18n/../../api/openapi.json',
    '/web/api%2Fopenapi.json', '/web/nosuch.js', '/web/i18n/nosuch.json', '/web/a%00b.js',
    '/web/i18n/.%2E']) {
    const res = await rawGet(srv.base, path);
    assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
    assert.doesNotMatch(res.text, /"openapi"/, path);
  }
  const q = await fetch(`${srv.base}/?x=1`);
  assert.equal(q.status, 422);
});

test('--web-root serves from disk, falls back to the embedded copy, and never leaves the folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sijin-web-root-'));
  const outside = mkdtempSync(join(tmpdir(), 'sijin-web-out-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>dev</title>');
  mkdirSync(join(root, 'i18n'));
  writeFileSync(join(root, 'i18n', 'en.json'), '{"a":"b"}');
  writeFileSync(join(outside, 'secret.txt'), 'bytes-from-outside');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(outside, join(root, 'out'));
  const dev = await startServer({ args: ['--web-root', root] });
  try {
    let res = await fetch(`${dev.base}/`);
    assert.equal(await res.text(), '<!doctype html><title>dev</title>');
    assert.equal(res.headers.get('etag'), etagOf(Buffer.from('<!doctype html><title>dev</title>')));
    res = await fetch(`${dev.base}/`, { headers: { 'If-None-Match': etagOf(Buffer.from('<!doctype html><title>dev</title>')) } });
    assert.equal(res.status, 304);
    res = await fetch(`${dev.base}/web/i18n/en.json`);
    assert.deepEqual(await res.json(), { a: 'b' });
    assert.equal(res.headers.get('content-type'), 'application/json');
    // Edited on disk: the next request sees it, with a new ETag.
    writeFileSync(join(root, 'index.html'), 'changed');
    res = await fetch(`${dev.base}/`);
    assert.equal(await res.text(), 'changed');
    assert.equal(res.headers.get('etag'), etagOf(Buffer.from('changed')));
    // Not on disk: the embedded copy.
    res = await fetch(`${dev.base}/web/app.js`);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), readFileSync(join(top, 'web', 'app.js')));
    // Symbolic links out of the folder lead nowhere.
    for (const p of ['/web/link.txt', '/web/out/secret.txt']) {
      res = await fetch(dev.base + p);
      assert.equal(res.status, 404, p);
      assert.doesNotMatch(await res.text(), /bytes-from-outside/);
    }
  } finally {
    await dev.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('--web-root must be an existing folder', () => {
  let err;
  try {
    execFileSync(bin, ['--db', join(tmpdir(), 'sijin-none.db'), '--web-root', '/nonexistent/web', 'serve'],
      { stdio: 'pipe', encoding: 'utf8', timeout: 10000 });
  } catch (e) { err = e; }
  assert.ok(err, 'sijin serve started with a missing --web-root');
  assert.notEqual(err.status, 0);
  assert.match(err.stderr, /web-root/);
});
