// Helpers for the black-box API tests: start the real binary on a
// temporary database and a free port, sign in, talk HTTP, read the
// database directly (sqlite3 or psql) to prove what was or was not written.
//
// The binary is $SIJIN_BIN (tests/run.sh sets it) or ./sijin from the
// repository root.  The database is a SQLite file, or with
// SIJIN_TEST_DB=pg a fresh schema in the PostgreSQL database of
// SIJIN_TEST_PG (tests/run.sh runs every test once per database); then
// every sijin this process starts shares one key file (SIJIN_KEY_FILE),
// since a URL has no folder beside it for <db>.key.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const top = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = process.env.SIJIN_BIN || join(top, 'sijin');
export const onPostgres = process.env.SIJIN_TEST_DB === 'pg';

if (onPostgres) {
  if (!/^postgres/.test(process.env.SIJIN_TEST_PG || ''))
    throw new Error('SIJIN_TEST_DB=pg needs SIJIN_TEST_PG=<postgresql:// URL> (tests/run.sh starts one)');
  const keyDir = mkdtempSync(join(tmpdir(), 'sijin-api-key-'));
  process.env.SIJIN_KEY_FILE = join(keyDir, 'test.key');
  process.on('exit', () => rmSync(keyDir, { recursive: true, force: true }));
}

let dbCount = 0;

// The server's own psql, newest version first (Debian's /usr/bin/psql is a
// slower wrapper).
const psql = (() => {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const p = `/usr/lib/postgresql/${v}/bin/psql`;
    if (existsSync(p)) return p;
  }
  return 'psql';
})();

// A new, empty database: a file in dir, or a fresh PostgreSQL schema.
export function newDb(dir, name = 't') {
  if (!onPostgres) return join(dir, `${name}.db`);
  dbCount++;
  return execFileSync('sh', [join(top, 'scripts/pg.sh'), 'schema', process.env.SIJIN_TEST_PG,
    `${name}_${process.pid}_${dbCount}`], { encoding: 'utf8' }).trim();
}

// The demo accounts (README.md "Demo accounts").
export const demoPasswords = {
  admin: 'admin-demo-2020',
  leader: 'leader-demo-2020',
  auditor: 'auditor-demo-2020',
  gaotie: 'gaotie-demo-2020',
  gate: 'gate-demo-2020',
  culture: 'culture-demo-2020',
};

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// Start `sijin serve` on a fresh demo database.  opts.args: extra settings
// flags (e.g. ['--trusted-proxies', '127.0.0.1']); opts.db: serve this
// existing database instead (a second process on one PostgreSQL).  Returns { base, db,
// dir, proc, log(), stop() }; stop() ends the server (SIGTERM) and removes
// the files.
export async function startServer(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sijin-api-'));
  const db = opts.db || newDb(dir);
  if (!opts.db) execFileSync(bin, ['--db', db, 'demo', '--force'], { stdio: 'pipe' });
  const port = await freePort();
  const child = spawn(bin, ['--db', db, '--port', String(port), ...(opts.args || []), 'serve'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((ok) => child.on('exit', ok));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (i > 100 || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sijin serve did not start:\n${out}`);
    }
    await sleep(100);
  }
  return {
    base, db, dir, proc: child,
    log: () => out,
    // End the server; fail when it reported a sanitizer error (make asan)
    // or did not exit 0 after SIGTERM.
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      if (/ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/.test(out)) console.error(out.slice(0, 6000));
      assert.doesNotMatch(out, /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/,
        'the server reported a sanitizer error');
      assert.equal(code, 0, `sijin serve exited ${code}:\n${out.slice(-2000)}`);
    },
  };
}

// Run a query on the test database with the sqlite3 or psql command line
// and return its output, trimmed: rows one a line, columns split by "|".
// The server keeps WAL mode, so reading (and the test set-up's few writes)
// go alongside it.  Write SQL both databases understand.
export function sql(db, query) {
  if (/^postgres/.test(db))
    return execFileSync(psql, ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', db,
      '-c', query], { encoding: 'utf8' }).trim();
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, query],
    { encoding: 'utf8' }).trim();
}

export function count(db, query) {
  return Number(sql(db, query));
}

// A client: every request carries its credentials.  With a session the
// cookie goes on every request and the CSRF token on state-changing ones;
// with a token the Authorization header.
export class Client {
  constructor(base, { cookie = null, csrf = null, token = null } = {}) {
    this.base = base;
    this.cookie = cookie;
    this.csrf = csrf;
    this.token = token;
  }

  // req(method, path, { json, body, headers, csrf }) → { status, headers,
  // body (parsed JSON or null), text }.  json is serialised; body is sent
  // as is (a string or Buffer); csrf: false leaves the CSRF token out.
  async req(method, path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.csrf && method !== 'GET' && opts.csrf !== false) headers['X-CSRF-Token'] = this.csrf;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] ??= 'application/json';
    } else if (body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body });
    const text = await res.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path, opts) { return this.req('GET', path, opts); }
  post(path, json, opts = {}) { return this.req('POST', path, { ...opts, json }); }
  patch(path, json, opts = {}) { return this.req('PATCH', path, { ...opts, json }); }
  del(path, opts) { return this.req('DELETE', path, opts); }
}

// Sign in with a password: a session client (cookie + CSRF token).
export async function signIn(base, username, password = demoPasswords[username]) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `sign-in of ${username}: ${JSON.stringify(body)}`);
  const setCookie = res.headers.get('set-cookie') || '';
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(';')[0];
  return new Client(base, { cookie, csrf: body.csrf_token });
}

// A Bearer-token client for the user a session client is signed in as.
export async function tokenClient(session, name = 'api test') {
  const res = await session.post('/api/v1/tokens', { name, expires_in_days: 1 });
  assert.equal(res.status, 201, res.text);
  return new Client(session.base, { token: res.body.token });
}

// Assert that res is an RFC 9457 problem document with this status, code
// (last segment of type) and, when given, field.
export function assertProblem(res, status, code, field) {
  assert.equal(res.status, status, `want ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') || '', /^application\/problem\+json/);
  const p = res.body;
  assert.ok(p && typeof p === 'object', `not a JSON problem document: ${res.text}`);
  assert.equal(p.status, status);
  assert.ok(p.type.endsWith(`:${code}`) || p.type.endsWith(`/${code}`),
    `type ${p.type} does not end in ${code}`);
  for (const k of ['title', 'detail', 'instance', 'request_id'])
    assert.equal(typeof p[k], 'string', `problem lacks ${k}: ${res.text}`);
  assert.equal(p.request_id, res.headers.get('x-request-id'));
  if (field !== undefined) assert.equal(p.field, field, `field: ${res.text}`);
  return p;
}

// Every item of a paged list, following next_cursor.  Returns { items, pages }.
export async function listAll(client, path) {
  const items = [];
  let pages = 0;
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await client.get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    assert.equal(res.status, 200, res.text);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
    pages++;
    assert.ok(pages < 10000, 'the cursor does not advance');
  } while (cursor);
  return { items, pages };
}

// Run fn over items with at most n in flight; results in order.
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

// One raw request, for tests of the server's edges.  o: { method, body
// (object → JSON), raw (string or Buffer, sent as is), type
// (Content-Type for raw), token, session (a Client: its cookie and CSRF
// token), csrf (override; '' leaves it out), headers }.  Returns
// { status, headers, body, text } like Client.req.
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
  const res = await fetch(srv.base + path, { method: o.method || 'GET', headers, body });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

// A new API token for username, made with the command line.
export function cliToken(db, username) {
  return execFileSync(bin, ['--db', db, 'user', 'token', username, '--name', 'test'],
    { encoding: 'utf8' }).trim().split('\n').pop();
}

// Add a user with the command line on the server's database (it shares the
// file or schema with the running server); args as `sijin user add`
// takes them (['--role', 'checkpoint', '--checkpoint', '3']).  Returns the
// password, `<name>-password-2020`.
export function cliAddUser(db, name, args) {
  const dir = mkdtempSync(join(tmpdir(), 'sijin-pw-'));
  const pw = join(dir, 'pw');
  writeFileSync(pw, `${name}-password-2020\n`);
  try {
    execFileSync(bin, ['--db', db, 'user', 'add', name, ...args, '--password-file', pw],
      { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `${name}-password-2020`;
}

// A valid mainland identity number from its first 17 digits: GB 11643-1999
// §5.4, the check character of weights 2^(17-i) mod 11.
export function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

// A request whose head (request line, headers and the blank line ending
// them) is exactly `size` bytes: one padding header (shape 'one'), many
// headers of ~40 bytes (shape 'many'), or 'one' as a POST with a small
// JSON body after the head (shape 'body').
export function headOfSize(size, shape = 'one') {
  const body = '{"name":"x","kind":"village","region_id":3}';
  let head = shape === 'body'
    ? `POST /api/v1/units HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n`
    : 'GET /healthz HTTP/1.1\r\nHost: t\r\n';
  for (let i = 0; shape === 'many' && head.length + 80 < size; i++)
    head += `X-H${String(i).padStart(4, '0')}: ${'v'.repeat(28)}\r\n`;
  const pad = size - head.length - 'X-Pad: \r\n\r\n'.length;
  if (pad < 1) throw new Error(`no head of ${size} bytes in shape ${shape}`);
  head += `X-Pad: ${'a'.repeat(pad)}\r\n\r\n`;
  return Buffer.from(shape === 'body' ? head + body : head);
}

// Send bytes on a new connection to 127.0.0.1:port (TLS trusting ca when
// given) and read the first answer: until its Content-Length is in, or the
// server closes, errs or 5 s pass.  Resolves to its status line ('' when
// nothing came).
export function firstAnswer(port, bytes, ca) {
  return new Promise((ok) => {
    const sock = ca ? tlsConnect({ host: '127.0.0.1', port, ca, servername: '127.0.0.1' })
      : netConnect({ host: '127.0.0.1', port });
    let got = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = got.toString('latin1');
      ok(text.includes('\r\n') ? text.slice(0, text.indexOf('\r\n')) : '');
    };
    const timer = setTimeout(finish, 5000);
    sock.on(ca ? 'secureConnect' : 'connect', () => sock.write(bytes));
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      const text = got.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      if (end >= 0 && len && got.length >= end + 4 + Number(len[1])) finish();
    });
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', finish);
  });
}

// Request heads of every size from 6 to 20 KiB in 64-byte steps, in each
// shape of headOfSize: the sizes whose first answer was neither a 431 nor
// one of `normal` (status codes) — a connection closed with nothing, or
// another status.  [] is the expected result.
export async function unansweredHeads(port, ca, normal = [200, 401]) {
  const bad = [];
  for (const shape of ['one', 'many', 'body'])
    for (let size = 6 * 1024; size <= 20 * 1024; size += 64) {
      const line = await firstAnswer(port, headOfSize(size, shape), ca);
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(line);
      if (!m || (Number(m[1]) !== 431 && !normal.includes(Number(m[1]))))
        bad.push(`${shape} ${size}: ${line || 'closed, no answer'}`);
    }
  return bad;
}
