// Built-in HTTPS (issue 3 "Built-in TLS is optional"; docs/deploy.md):
// with --tls-cert and --tls-key sijin serves HTTPS itself (libmicrohttpd
// with GnuTLS), plain HTTP on that port gets no answer, and the session
// cookie carries Secure.  The certificate is a throw-away one made with
// the openssl command line (scripts/deps.sh), for 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, demoPasswords, newDb, unansweredHeads } from './lib.mjs';

function freePort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

// One HTTPS request trusting only our certificate: { status, headers, body }.
function https(port, ca, path, { method = 'GET', json, headers = {} } = {}) {
  return new Promise((ok, fail) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const req = request({ host: '127.0.0.1', port, path, method, ca,
      headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

test('HTTPS with --tls-cert/--tls-key; the session cookie is Secure', { timeout: 180000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sijin-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
    '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext',
    'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  const db = newDb(dir);
  execFileSync(bin, ['--db', db, 'demo', '--force'], { stdio: 'pipe' });
  // only one of the two: refused at start-up, naming the missing one
  const half = spawn(bin, ['--db', db, '--tls-cert', cert, 'serve'], { stdio: 'pipe' });
  let halfErr = '';
  half.stderr.on('data', (d) => { halfErr += d; });
  assert.notEqual(await new Promise((ok) => half.on('exit', ok)), 0);
  assert.match(halfErr, /tls-key/);

  const port = await freePort();
  const child = spawn(bin, ['--db', db, '--port', String(port), '--tls-cert', cert,
    '--tls-key', key, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((ok) => child.on('exit', ok));
  const ca = readFileSync(cert);
  try {
    let health;
    for (let i = 0; i < 100 && !health; i++) {
      health = await https(port, ca, '/healthz').catch(() => null);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(health, `no HTTPS answer:\n${log}`);
    assert.equal(health.status, 200);
    const signIn = await https(port, ca, '/api/v1/session', { method: 'POST',
      json: { username: 'leader', password: demoPasswords.leader } });
    assert.equal(signIn.status, 200, signIn.text);
    const cookie = signIn.headers['set-cookie'][0];
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /HttpOnly/);
    // public-url not set: a place code names this server as it serves,
    // https and its port (docs/config.md).
    const made = await https(port, ca, '/api/v1/checkpoints/1/place-code', { method: 'POST',
      headers: { Cookie: cookie.split(';')[0], 'X-CSRF-Token': JSON.parse(signIn.text).csrf_token } });
    assert.ok(made.status === 201 || made.status === 200, made.text);
    const code = JSON.parse(made.text);
    assert.equal(code.url, `https://127.0.0.1:${port}/c/${code.token}`);
    // Under TLS too, every head of 6 to 20 KiB gets an answer (server.test.mjs).
    assert.deepEqual(await unansweredHeads(port, ca), []);
    // plain HTTP on the HTTPS port gets no HTTP answer
    const plain = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 'refused');
    assert.equal(plain, 'refused');
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, log.slice(-2000));
    rmSync(dir, { recursive: true, force: true });
  }
});
