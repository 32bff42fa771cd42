// Harness for the black-box API tests: start the real binary on a
// temporary database and a free port, talk HTTP to it, stop it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.SIJIN_BIN || join(top, 'build', 'sijin');

export const DEMO_PASSWORDS = {
  admin: 'admin-demo-2020', leader: 'leader-demo-2020', auditor: 'auditor-demo-2020',
  culture: 'culture-demo-2020', gaotie: 'gaotie-demo-2020', gate: 'gate-demo-2020',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Run the CLI against db; returns stdout.  Throws on a non-zero exit.
export function cli(db, ...args) {
  return execFileSync(BIN, ['--db', db, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

// Start `sijin serve` on a fresh demo database.  opts.args are extra
// settings flags; opts.env extra environment.  Returns
// { url, port, db, dir, proc, log(), stop() }.
export async function startServer(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sijin-api-'));
  const db = join(dir, 't.db');
  cli(db, 'demo', '--force');
  if (opts.setup) opts.setup(db);
  const port = await freePort();
  let log = '';
  const proc = spawn(BIN, ['--db', db, '--port', String(port), ...(opts.args || []), 'serve'],
    { env: { ...process.env, ...(opts.env || {}) }, stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, sig })));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(url + '/healthz')).ok) break; } catch { /* not up yet */ }
    if (i > 100) throw new Error('server did not start: ' + log);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, port, db, dir, proc, exited, log: () => log,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const r = await exited;
      rmSync(dir, { recursive: true, force: true });
      return r;
    },
  };
}

// One HTTP request.  o: { method, body (object → JSON), raw (string or
// Buffer, sent as is), type (Content-Type), token, session ({cookie, csrf}),
// csrf (override), headers }.  Returns { status, headers, json, text }.
export async function call(srv, path, o = {}) {
  const headers = { ...(o.headers || {}) };
  let body;
  if (o.body !== undefined) { body = JSON.stringify(o.body); headers['Content-Type'] = 'application/json'; }
  if (o.raw !== undefined) { body = o.raw; headers['Content-Type'] = o.type || 'application/json'; }
  if (o.token) headers.Authorization = 'Bearer ' + o.token;
  if (o.session) {
    headers.Cookie = o.session.cookie;
    const csrf = o.csrf !== undefined ? o.csrf : o.session.csrf;
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  const res = await fetch(srv.url + path, { method: o.method || 'GET', headers, body });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

// Sign in; returns { cookie, csrf, user }.
export async function signIn(srv, username, password = DEMO_PASSWORDS[username]) {
  const r = await call(srv, '/api/v1/session', { method: 'POST', body: { username, password } });
  if (r.status !== 200) throw new Error(`sign-in of ${username}: ${r.status} ${r.text}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return { cookie, csrf: r.json.csrf_token, user: r.json.user };
}

// An API token for username, made with the CLI.
export function token(db, username) {
  return cli(db, 'user', 'token', username, '--name', 'test').trim().split('\n').pop();
}
