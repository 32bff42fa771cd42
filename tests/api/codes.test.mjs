// Codes that can be scanned (issue 5; docs/codes.md), black-box against the
// real binary: passes (issue, print, verify, revoke, refusals naming the
// field with nothing stored), place codes (make, keep, rotate, posters), the
// self check-in page and its API (registration of unknown phones, refusals,
// rate limits), the page's own script run in a minimal DOM, and photos of
// codes decoded into scans.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, before, after } from 'node:test';
import vm from 'node:vm';
import assert from 'node:assert/strict';

import {
  assertProblem, bin, call, cliToken, count, signIn, sql, startServer, top,
} from './lib.mjs';

let srv;
let leader;   // session of the demo leader (person.write, org.write, scan.record)
let gate;     // token of the demo checkpoint attendant (scan.record at checkpoint 1)
let auditor;  // session of the auditor (read only)

before(async () => {
  // A small max-body, so that an oversized photo is refused before the
  // client has sent more than the socket buffers hold.
  srv = await startServer({ args: ['--max-body', '64K'] });
  leader = await signIn(srv.base, 'leader');
  auditor = await signIn(srv.base, 'auditor');
  gate = cliToken(srv.db, 'gate');
});

after(async () => { await srv.stop(); });

// Today's local date in Asia/Shanghai (the demo's zone), plus days.
function localDate(days = 0) {
  const t = new Date(Date.now() + 8 * 3600e3 + days * 86400e3);
  return t.toISOString().slice(0, 10);
}

// The environment of a command run on 2020-03-15 12:00 +08:00 (SIJIN_TEST_NOW,
// docs/config.md "Test hooks"): a pass of 2020-03-01 .. 2020-03-31 is
// valid then, and printed as it was.
const inMarch2020 = { ...process.env, SIJIN_TEST_NOW: '1584244800' };

async function issuePass(body = {}) {
  const res = await leader.post('/api/v1/passes', { person_id: 1, valid_to: localDate(30), ...body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

let token = null;
async function placeToken() {
  if (token) return token;
  const res = await leader.post('/api/v1/checkpoints/1/place-code', undefined);
  assert.ok(res.status === 201 || res.status === 200, res.text);
  token = res.body.token;
  return token;
}

// ---- passes ----------------------------------------------------------------

test('a leader issues a pass; it prints, verifies and shows the holder masked', async () => {
  const p = await issuePass({ valid_from: localDate(0) });
  assert.equal(p.person_id, 1);
  assert.equal(p.place_id, 1);  // the household's place
  assert.equal(p.person_name, '张*');
  assert.equal(p.status, 'valid');
  assert.equal(p.valid_from, localDate(0));
  assert.match(p.code, /^SJP1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
  const again = await leader.get(`/api/v1/passes/${p.id}`);
  assert.equal(again.status, 200);
  assert.equal(again.body.code, p.code);  // deterministic signature
  const list = await leader.get('/api/v1/passes?person_id=1');
  assert.ok(list.body.items.some((x) => x.id === p.id && x.code === null));

  const png = await fetch(`${srv.base}/api/v1/passes/${p.id}/qr`, { headers: { Cookie: leader.cookie } });
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await png.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const svg = await leader.get(`/api/v1/passes/${p.id}/qr?format=svg`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(svg.text, /<text[^>]*>张\*<\/text>/);
  assert.doesNotMatch(svg.text, /张三/);

  const ok = await leader.post('/api/v1/passes/verify', { code: p.code });
  assert.deepEqual(ok.body, {
    valid: true, verdict: 'valid', detail: null,
    pass: { person_id: 1, place_id: 1, valid_from: p.valid_from, valid_to: p.valid_to, serial: p.id },
  });
  const elsewhere = await leader.post('/api/v1/passes/verify', { code: p.code, place_id: 2 });
  assert.equal(elsewhere.body.verdict, 'wrong_place');

  // The audit log holds the issue, never the code.
  const audit = sql(srv.db, `SELECT detail FROM audit_event WHERE action = 'pass.issue' AND object_id = ${p.id}`);
  assert.match(audit, /"person_name":"张\*"/);
  assert.doesNotMatch(audit, /SJP1/);
});

// A scanned code reaches the scan route as typed into the station's field:
// a hand scanner in keyboard mode or a paste can leave spaces or a tab
// around it.  The pass is still its holder's (person 1, at the household's
// place 1); the same pass with a character changed inside is still forged.
test('a scanned pass with spaces around it is still the holder', async () => {
  const p = await issuePass();
  const before = count(srv.db, 'SELECT count(*) FROM scan WHERE person_id = 1');
  const res = await call(srv, '/api/v1/checkpoints/1/scans', { method: 'POST', token: gate,
    body: { code: ` \t${p.code}  `, direction: 'in' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.person.id, 1);
  assert.equal(res.body.source, 'pass');
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan WHERE person_id = 1'), before + 1);
  const inside = `${p.code.slice(0, 20)} ${p.code.slice(20)}`;
  const bad = await call(srv, '/api/v1/checkpoints/1/scans', { method: 'POST', token: gate,
    body: { code: inside, direction: 'in' } });
  assertProblem(bad, 422, 'invalid-input', 'code');
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan WHERE person_id = 1'), before + 1);
  // Checking the same scanned text gives the same verdict as scanning it:
  // it was "malformed" there while the scan took it as valid.
  const verify = (code) => call(srv, '/api/v1/passes/verify', { method: 'POST', token: gate, body: { code } });
  const checked = await verify(` \t${p.code}  `);
  assert.equal(checked.status, 200, checked.text);
  assert.equal(checked.body.verdict, 'valid', checked.text);
  assert.equal(checked.body.pass.person_id, 1);
  assert.equal((await verify(inside)).body.verdict, 'malformed');
});

test('forged, malformed, expired and revoked passes get distinct verdicts', async () => {
  const p = await issuePass();
  // One character of the signature changed: forged.
  const sig = p.code.slice(-20);
  const forged = p.code.slice(0, -20) + (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
  let res = await call(srv, '/api/v1/passes/verify', { method: 'POST', token: gate, body: { code: forged } });
  assert.equal(res.status, 200);
  assert.equal(res.body.verdict, 'forged');
  assert.equal(res.body.valid, false);
  assert.equal(res.body.pass, null);
  res = await call(srv, '/api/v1/passes/verify', { method: 'POST', token: gate, body: { code: 'SJP1.hello' } });
  assert.equal(res.body.verdict, 'malformed');
  // An expired pass: a row whose dates are past, signed by `sijin pass show`
  // run on a day it was valid (an expired pass's code is not given out).
  sql(srv.db, `INSERT INTO pass (person_id, place_id, valid_from, valid_to, issued_at, issued_by)
    VALUES (1, 1, 18322, 18352, 0, 'test')`);  // 2020-03-01 .. 2020-03-31
  const id = Number(sql(srv.db, 'SELECT max(id) FROM pass'));
  const shown = JSON.parse(execFileSync(bin, ['--db', srv.db, 'pass', 'show', String(id), '--json'],
    { encoding: 'utf8', env: inMarch2020 }));
  res = await call(srv, '/api/v1/passes/verify', { method: 'POST', token: gate, body: { code: shown.code } });
  assert.equal(res.body.verdict, 'expired');
  assert.equal(res.body.detail, `pass ${id} expired after 2020-03-31`);
  // Revoked: at once, on this server.
  const rev = await leader.post(`/api/v1/passes/${p.id}/revoke`, { reason: '证件遗失' });
  assert.equal(rev.status, 200, rev.text);
  assert.equal(rev.body.status, 'revoked');
  assert.equal(rev.body.revoke_reason, '证件遗失');
  assert.equal(rev.body.revoked_by, 'leader');
  res = await call(srv, '/api/v1/passes/verify', { method: 'POST', token: gate, body: { code: p.code } });
  assert.equal(res.body.verdict, 'revoked');
  assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE action = 'pass.revoke' AND object_id = ${p.id}`), 1);
});

test('a revoked or expired pass is not printed and its code not shown: 404, field pass', async () => {
  const p = await issuePass();
  let res = await leader.get(`/api/v1/passes/${p.id}`);
  assert.equal(res.body.code, p.code);  // while valid: shown
  const rev = await leader.post(`/api/v1/passes/${p.id}/revoke`, {});
  assert.equal(rev.status, 200, rev.text);
  assert.equal(rev.body.code, null);
  res = await leader.get(`/api/v1/passes/${p.id}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'revoked');
  assert.equal(res.body.code, null);
  for (const q of ['', '?format=svg']) {
    res = await leader.get(`/api/v1/passes/${p.id}/qr${q}`);
    assertProblem(res, 404, 'not-found', 'pass');
    assert.equal(res.body.detail, `pass ${p.id} has been revoked: its code is not given out ` +
      'again; issue a new pass');
  }
  // Expired (2020-03-01 .. 2020-03-31): the same, naming the last day.
  sql(srv.db, `INSERT INTO pass (person_id, place_id, valid_from, valid_to, issued_at, issued_by)
    VALUES (1, 1, 18322, 18352, 0, 'test')`);
  const old = Number(sql(srv.db, 'SELECT max(id) FROM pass'));
  res = await leader.get(`/api/v1/passes/${old}`);
  assert.equal(res.body.status, 'expired');
  assert.equal(res.body.code, null);
  res = await leader.get(`/api/v1/passes/${old}/qr`);
  assertProblem(res, 404, 'not-found', 'pass');
  assert.equal(res.body.detail, `pass ${old} expired after 2020-03-31: its code is not given ` +
    'out again; issue a new pass');
  // A pass not yet valid is printed (cards are handed out ahead of their first day).
  const later = await issuePass({ valid_from: localDate(2), valid_to: localDate(9) });
  res = await leader.get(`/api/v1/passes/${later.id}`);
  assert.equal(res.body.status, 'not_yet_valid');
  assert.equal(res.body.code, later.code);
  assert.equal((await fetch(`${srv.base}/api/v1/passes/${later.id}/qr`, { headers: { Cookie: leader.cookie } })).status, 200);
});

test('bad pass requests name the field and store nothing', async () => {
  const before = count(srv.db, 'SELECT count(*) FROM pass');
  const audits = count(srv.db, 'SELECT count(*) FROM audit_event');
  const cases = [
    [{ person_id: 1 }, 422, 'invalid-input', 'valid_to'],
    [{ person_id: 1, valid_to: '2020-02-30' }, 422, 'invalid-input', 'valid_to'],
    [{ person_id: 1, valid_to: localDate(-1) }, 422, 'invalid-input', 'valid_to'],
    [{ person_id: 1, valid_from: localDate(2), valid_to: localDate(1) }, 422, 'invalid-input', 'valid_to'],
    [{ person_id: 1, valid_to: localDate(400) }, 422, 'invalid-input', 'valid_to'],
    // 1969-12-31 is day -1 since 1970-01-01: a real date, far more than 366
    // days before valid_to (it was once taken for "no date" and became today)
    [{ person_id: 1, valid_from: '1969-12-31', valid_to: localDate(1) }, 422, 'invalid-input', 'valid_to'],
    [{ person_id: 1, valid_from: '0001-01-01', valid_to: localDate(1) }, 422, 'invalid-input', 'valid_to'],
    [{ person_id: 1, valid_to: '1969-12-31' }, 422, 'invalid-input', 'valid_to'],
    [{ person_id: 999, valid_to: localDate(1) }, 404, 'not-found', 'person_id'],
    [{ person_id: 1, place_id: 999, valid_to: localDate(1) }, 404, 'not-found', 'place_id'],
    [{ person_id: 1, valid_to: localDate(1), colour: 'red' }, 422, 'invalid-input', 'colour'],
    [{ person_id: '1', valid_to: localDate(1) }, 422, 'invalid-input', 'person_id'],
  ];
  for (const [body, status, code, field] of cases) {
    const res = await leader.post('/api/v1/passes', body);
    assertProblem(res, status, code, field);
  }
  // A person without household: added here through the API.
  const lodger = await leader.post('/api/v1/people', { name: '赵六', unit_id: 1 });
  assert.equal(lodger.status, 201, lodger.text);
  const res = await leader.post('/api/v1/passes', { person_id: lodger.body.id, valid_to: localDate(1) });
  assertProblem(res, 422, 'invalid-input', 'person_id');
  assert.equal(count(srv.db, 'SELECT count(*) FROM pass'), before);
  assert.equal(count(srv.db, 'SELECT count(*) FROM audit_event'), audits + 1);  // the person only
  // Roles: the attendant may verify but not issue; the auditor may read.
  assertProblem(await call(srv, '/api/v1/passes', { method: 'POST', token: gate, body: { person_id: 1, valid_to: localDate(1) } }),
    403, 'forbidden');
  assert.equal((await auditor.get('/api/v1/passes?person_id=1')).status, 200);
  assertProblem(await leader.get('/api/v1/passes'), 422, 'invalid-input', 'person_id');
  assertProblem(await leader.get('/api/v1/passes/1/qr?format=gif'), 422, 'invalid-input', 'format');
  assertProblem(await leader.get('/api/v1/passes/99999'), 404, 'not-found', 'pass');
  assertProblem(await leader.post('/api/v1/passes/99999/revoke', {}), 404, 'not-found', 'pass');
  assertProblem(await leader.post('/api/v1/passes/verify', {}), 422, 'invalid-input', 'code');
});

// ---- place codes -----------------------------------------------------------

test('place codes: made once, kept, rotated; posters name the place', async () => {
  // A new checkpoint has none.
  const cp = await leader.post('/api/v1/checkpoints', { place_id: 1, name: '北门' });
  assert.equal(cp.status, 201, cp.text);
  const id = cp.body.id;
  assertProblem(await leader.get(`/api/v1/checkpoints/${id}/place-code`), 404, 'not-found', 'place_code');
  assertProblem(await leader.get(`/api/v1/checkpoints/${id}/place-code/poster`), 404, 'not-found', 'place_code');
  // The route takes no body: one sent is refused as such, and makes nothing.
  const withBody = assertProblem(await leader.post(`/api/v1/checkpoints/${id}/place-code`, {}),
    413, 'too-large', 'body');
  assert.equal(withBody.detail, 'this request takes no body');
  assertProblem(await leader.get(`/api/v1/checkpoints/${id}/place-code`), 404, 'not-found', 'place_code');
  const made = await leader.post(`/api/v1/checkpoints/${id}/place-code`, undefined);
  assert.equal(made.status, 201, made.text);
  assert.equal(made.headers.get('location'), `/api/v1/checkpoints/${id}/place-code`);
  assert.match(made.body.token, /^[A-Za-z0-9_-]{43}$/);
  // public-url not set: the server's own address and port (a free port
  // here, never 8080: docs/config.md)
  assert.equal(made.body.url, `${srv.base}/c/${made.body.token}`);
  assert.notEqual(new URL(srv.base).port, '8080');
  assert.equal(made.body.place_name, '华新新干线小区');
  assert.equal(made.body.checkpoint_name, '北门');
  const kept = await leader.post(`/api/v1/checkpoints/${id}/place-code`, undefined);
  assert.equal(kept.status, 200);
  assert.equal(kept.body.token, made.body.token);
  const rotated = await leader.post(`/api/v1/checkpoints/${id}/place-code?rotate=true`, undefined);
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.body.token, made.body.token);
  assert.equal((await fetch(`${srv.base}/c/${made.body.token}`)).status, 404);
  assert.equal((await fetch(`${srv.base}/c/${rotated.body.token}`)).status, 200);
  const audit = sql(srv.db, `SELECT action || ' ' || coalesce(detail, '') FROM audit_event
    WHERE object_type = 'checkpoint' AND object_id = ${id} AND action LIKE 'place_code.%' ORDER BY id`);
  assert.deepEqual(audit.split('\n').map((l) => l.trim()), ['place_code.create', 'place_code.rotate']);
  assert.doesNotMatch(audit, new RegExp(rotated.body.token));

  const svg = await leader.get(`/api/v1/checkpoints/${id}/place-code/poster?format=svg`);
  assert.equal(svg.status, 200);
  assert.match(svg.text, /<text[^>]*>华新新干线小区<\/text>/);
  assert.match(svg.text, /<text[^>]*>北门<\/text>/);
  assert.ok(svg.text.includes(`/c/${rotated.body.token}`));
  const png = await fetch(`${srv.base}/api/v1/checkpoints/${id}/place-code/poster?format=png`,
    { headers: { Cookie: leader.cookie } });
  assert.equal(png.headers.get('content-type'), 'image/png');
  assertProblem(await leader.get(`/api/v1/checkpoints/${id}/place-code/poster?format=pdf`), 422, 'invalid-input', 'format');
  assertProblem(await leader.post(`/api/v1/checkpoints/${id}/place-code?rotate=yes`, undefined), 422, 'invalid-input', 'rotate');
  // The attendant may read the code of their checkpoint, not make one.
  await placeToken();
  assert.equal((await call(srv, '/api/v1/checkpoints/1/place-code/poster?format=svg', { token: gate })).status, 200);
  assertProblem(await call(srv, `/api/v1/checkpoints/${id}/place-code`, { method: 'POST', token: gate }), 403, 'forbidden');
});

// ---- the self check-in page ------------------------------------------------

test('the check-in page is static, CSP-protected and has no inline script', async () => {
  const t = await placeToken();
  const res = await fetch(`${srv.base}/c/${t}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const html = await res.text();
  assert.match(html, /<html lang="zh-CN">/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);   // every script has a src
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i);                 // no event handler attributes
  assert.doesNotMatch(html, /\sstyle\s*=/i);                    // no inline style
  for (const f of ['checkin.js', 'checkin.css']) {
    const a = await fetch(`${srv.base}/web/${f}`);
    assert.equal(a.status, 200, f);
  }
  const js = await (await fetch(`${srv.base}/web/checkin.js`)).text();
  assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  assert.match(js, /English/);  // the language toggle
  assert.equal((await fetch(`${srv.base}/web/nope.js`)).status, 404);
  // An unknown token: the same page, 404, so it can say so.
  const bad = await fetch(`${srv.base}/c/${'A'.repeat(43)}`);
  assert.equal(bad.status, 404);
  assert.match(await bad.text(), /<html/);
  const info = await call(srv, `/api/v1/checkin/${t}`);
  assert.deepEqual(info.body, {
    place_name: '华新新干线小区', checkpoint_name: '大门疫情监测点', unit_name: '高铁社区', records_exits: true,
  });
  assertProblem(await call(srv, `/api/v1/checkin/${'A'.repeat(43)}`), 404, 'not-found', 'token');
});

test('self check-in: refusals name the field, unknown phones must register, nothing stored', async () => {
  const t = await placeToken();
  const people = count(srv.db, 'SELECT count(*) FROM person');
  const audits = count(srv.db, 'SELECT count(*) FROM audit_event');
  const post = (body) => call(srv, `/api/v1/checkin/${t}`, { method: 'POST', body });
  const good = { name: '王五', mobile: '139 0538 9999', direction: 'in' };
  const cases = [
    [{ mobile: good.mobile, direction: 'in' }, 'name'],
    [{ ...good, name: '   ' }, 'name'],
    [{ ...good, mobile: '12345' }, 'mobile'],
    [{ ...good, mobile: '0538-8221234' }, 'mobile'],    // a landline is no phone to check in with
    [{ ...good, direction: 'sideways' }, 'direction'],
    [{ ...good, from: 'x'.repeat(101), reason: 'r', host: 'h' }, 'from'],
    [{ ...good, idempotency_key: 'short' }, 'idempotency_key'],
    [{ ...good, extra: 1 }, 'extra'],
    // U+FFFD: a name or place damaged by a lossy decode upstream; a control character
    [{ ...good, name: '王\uFFFD' }, 'name'],
    [{ ...good, name: '王\u0007五' }, 'name'],
    [{ ...good, from: '济\uFFFD', reason: 'r', host: 'h' }, 'from'],
    [{ ...good, from: '济南', reason: '探\uFFFD', host: 'h' }, 'reason'],
    [{ ...good, from: '济南', reason: 'r', host: '\uFFFD' }, 'host'],
  ];
  for (const [body, field] of cases) assertProblem(await post(body), 422, 'invalid-input', field);
  assertProblem(await call(srv, `/api/v1/checkin/${'B'.repeat(43)}`, { method: 'POST', body: good }), 404, 'not-found', 'token');
  const reg = await post(good);
  assert.equal(reg.status, 200);
  assert.deepEqual(reg.body.result, 'registration_required');
  assert.deepEqual(reg.body.fields, ['from', 'reason', 'host']);
  // The demo resident's mobile under another name is unknown too (no leak).
  const other = await post({ name: '冒名', mobile: '13905380001', direction: 'in' });
  assert.equal(other.body.result, 'registration_required');
  assert.equal(count(srv.db, 'SELECT count(*) FROM person'), people);
  assert.equal(count(srv.db, 'SELECT count(*) FROM audit_event'), audits);
});

test('self check-in records a scan for a known phone and registers an outsider', async () => {
  const tok = await placeToken();
  const post = (body) => call(srv, `/api/v1/checkin/${tok}`, { method: 'POST', body });
  const scans = count(srv.db, 'SELECT count(*) FROM scan');
  // The demo resident 张三 (13905380001), mobile in another spelling.
  const known = await post({ name: '张三', mobile: '+86 139-0538-0001', direction: 'in' });
  assert.equal(known.status, 200, known.text);
  assert.equal(known.body.result, 'recorded');
  assert.equal(known.body.decision, 'pass');
  assert.deepEqual(known.body.reasons, []);
  assert.equal(known.body.source, 'self_checkin');
  assert.equal(known.body.direction, 'in');
  assert.equal(known.body.person.id, 1);
  assert.equal(known.body.person.name, '张*');
  assert.equal(known.body.place_name, '华新新干线小区');
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan'), scans + 1);
  // A stranger: asked to register, nothing stored; then registered for the
  // day and scanned in one go.
  const people = count(srv.db, 'SELECT count(*) FROM person');
  const registrations = count(srv.db, 'SELECT count(*) FROM outsider_registration');
  const audits = count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'outsider.register'");
  const stranger = { name: '王五', mobile: '13905389999', direction: 'in' };
  assert.equal((await post(stranger)).body.result, 'registration_required');
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan'), scans + 1);
  const visitor = await post({ ...stranger, from: '济南市历下区', reason: '探亲', host: '1号楼1单元101',
    idempotency_key: 'visit-0001' });
  assert.equal(visitor.status, 200, visitor.text);
  assert.equal(visitor.body.result, 'recorded');
  assert.equal(visitor.body.decision, 'pass', visitor.text);
  assert.equal(visitor.body.person.name, '王*');
  assert.equal(count(srv.db, 'SELECT count(*) FROM person'), people + 1);
  const pid = visitor.body.person.id;
  assert.equal(sql(srv.db, `SELECT tag FROM person_tag WHERE person_id = ${pid}`), 'outsider');
  assert.equal(sql(srv.db, `SELECT came_from || '|' || reason || '|' || host || '|' || unit_id
    FROM outsider_registration WHERE person_id = ${pid}`), '济南市历下区|探亲|1号楼1单元101|1');
  assert.equal(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'outsider.register'"), audits + 1);
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan'), scans + 2);
  // The same tap again (same idempotency key): the first answer, nothing new.
  const again = await post({ ...stranger, from: '济南市历下区', reason: '探亲', host: '1号楼1单元101',
    idempotency_key: 'visit-0001' });
  assert.equal(again.body.id, visitor.body.id);
  assert.equal(again.body.replayed, true);
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan'), scans + 2);
  // Registered for today: the next check-in needs no registration.
  const out = await post({ ...stranger, direction: 'out' });
  assert.equal(out.body.result, 'recorded');
  assert.equal(out.body.stay.action, 'closed');
  assert.equal(count(srv.db, 'SELECT count(*) FROM person'), people + 1);
  assert.equal(count(srv.db, 'SELECT count(*) FROM outsider_registration'), registrations + 1);
});

test('the same check-in sent at once several times registers the visitor once', async () => {
  // A double tap or a retry while the first try is under way: every copy
  // looks the visitor up before any commits.  Exactly one registration (and
  // its audit event) must come of it, on either database; with one
  // idempotency key, one scan too (the others replay it); without a key,
  // one scan each (the same stay).
  const own = await startServer();
  try {
    const s = await signIn(own.base, 'leader');
    const tok = (await s.post('/api/v1/checkpoints/1/place-code', undefined)).body.token;
    const n = (q) => count(own.db, q);
    const fire = (body) => Promise.all(Array.from({ length: 5 },
      () => call(own, `/api/v1/checkin/${tok}`, { method: 'POST', body })));
    const reg = { direction: 'in', from: '济南市历下区', reason: '探亲', host: '1号楼1单元101' };
    const rounds = [
      { name: '王五', mobile: '13905389999', idempotency_key: 'visit-0001', scans: 1 },
      { name: '赵六', mobile: '13905388888', scans: 5 },
    ];
    for (const { scans, ...who } of rounds) {
      const before = {
        people: n('SELECT count(*) FROM person'),
        scans: n('SELECT count(*) FROM scan'),
        audits: n("SELECT count(*) FROM audit_event WHERE action = 'outsider.register'"),
      };
      const answers = await fire({ ...reg, ...who });
      for (const a of answers) {
        assert.equal(a.status, 200, a.text);
        assert.equal(a.body.result, 'recorded', a.text);
        assert.equal(a.body.decision, 'pass', a.text);
      }
      const pids = new Set(answers.map((a) => a.body.person.id));
      assert.equal(pids.size, 1, `one person: ${[...pids]}`);
      const [pid] = pids;
      assert.equal(n('SELECT count(*) FROM person'), before.people + 1);
      assert.equal(n(`SELECT count(*) FROM outsider_registration WHERE person_id = ${pid}`), 1,
        `registrations of ${who.name}`);
      assert.equal(n("SELECT count(*) FROM audit_event WHERE action = 'outsider.register'"),
        before.audits + 1);
      assert.equal(n('SELECT count(*) FROM scan'), before.scans + scans);
      assert.equal(answers.filter((a) => !a.body.replayed).length, scans);
    }
  } finally {
    await own.stop();
  }
});

test('self check-in is rate limited per address', async () => {
  const own = await startServer();
  try {
    const s = await signIn(own.base, 'leader');
    const made = await s.post('/api/v1/checkpoints/1/place-code', undefined);
    const body = { name: '路人', mobile: '13905387777', direction: 'in' };
    let last;
    for (let i = 0; i < 31; i++)
      last = await call(own, `/api/v1/checkin/${made.body.token}`, { method: 'POST', body });
    assertProblem(last, 429, 'rate-limited', 'ip');
    assert.ok(Number(last.headers.get('retry-after')) >= 1);
  } finally {
    await own.stop();
  }
});

// ---- photos ----------------------------------------------------------------

async function passPng(id) {
  const res = await fetch(`${srv.base}/api/v1/passes/${id}/qr`, { headers: { Cookie: leader.cookie } });
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

// The PNG of an expired pass as printed while it was valid (the server
// prints no expired pass).
function oldPassPng(id) {
  return execFileSync(bin, ['--db', srv.db, 'pass', 'show', String(id), '--format', 'png', '--out', '-'],
    { env: inMarch2020 });
}

test('photos: bad images are refused, naming the field, and nothing is stored', async () => {
  const photo = (raw, type, query = '', path = '/api/v1/checkpoints/1/scans/photo') =>
    call(srv, `${path}${query}`, { method: 'POST', token: gate, raw, type });
  const audits = count(srv.db, 'SELECT count(*) FROM audit_event');
  assertProblem(await photo(Buffer.from('GIF89a....'), 'image/png'), 422, 'invalid-input', 'image');
  assertProblem(await photo(Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 1, 2, 3]), 'image/png'), 422, 'invalid-input', 'image');
  assertProblem(await photo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2]), 'image/jpeg'), 422, 'invalid-input', 'image');
  assertProblem(await photo(Buffer.alloc(0), 'image/png'), 422, 'invalid-input', 'image');
  const p = await issuePass();
  const png = await passPng(p.id);
  assertProblem(await photo(png, 'image/gif'), 422, 'invalid-input', 'Content-Type');
  assertProblem(await photo(png.subarray(0, png.length >> 1), 'image/png'), 422, 'invalid-input', 'image');
  assertProblem(await photo(Buffer.from('--x\r\nContent-Disposition: form-data; name="other"\r\n\r\nhi\r\n--x--\r\n'),
    'multipart/form-data; boundary=x'), 422, 'invalid-input', 'photo');
  // The form takes its one file as the part named photo (RFC 7578; the
  // OpenAPI document): a file under another name, or a second file, is
  // refused naming the field, not taken because it came first.
  const form = (...parts) => Buffer.concat([...parts.flatMap(([name, file]) => [
    Buffer.from(`--b0\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.png"\r\n` +
      'Content-Type: image/png\r\n\r\n'), file, Buffer.from('\r\n')]), Buffer.from('--b0--\r\n')]);
  const multi = 'multipart/form-data; boundary=b0';
  assertProblem(await photo(form(['image', png]), multi), 422, 'invalid-input', 'image');
  assertProblem(await photo(form(['photo', png], ['photo', png]), multi), 422, 'invalid-input', 'photo');
  assertProblem(await photo(form(['photo', png], ['back', png]), multi), 422, 'invalid-input', 'back');
  assertProblem(await photo(form(['photo', png]).subarray(0, 200), multi), 422, 'invalid-input', 'body');
  assertProblem(await photo(png, 'image/png', '?colour=red'), 422, 'invalid-input', 'colour');
  assertProblem(await photo(Buffer.alloc(80 << 10, 1), 'image/png'), 413, 'too-large', 'body');
  assertProblem(await photo(png, 'image/png', '', '/api/v1/checkpoints/99999/scans/photo'), 404, 'not-found', 'checkpoint');
  assert.equal(count(srv.db, 'SELECT count(*) FROM audit_event'), audits + 1);  // the pass
});

test('photos of a pass, as PNG and as a multipart form, become scans', async () => {
  const p = await issuePass();
  const png = await passPng(p.id);
  const scans = count(srv.db, 'SELECT count(*) FROM scan');
  const raw = await call(srv, '/api/v1/checkpoints/1/scans/photo?direction=in&temperature=36.6',
    { method: 'POST', token: gate, raw: png, type: 'image/png' });
  assert.equal(raw.status, 200, raw.text);
  assert.deepEqual(raw.body.decoded, { kind: 'pass', text: p.code });
  assert.equal(raw.body.source, 'pass');
  assert.equal(raw.body.person.id, 1);
  assert.equal(raw.body.person.name, '张*');
  assert.equal(raw.body.temperature, '36.6');
  assert.equal(raw.body.decision, 'pass');
  const boundary = 'sijin-test-boundary';
  const form = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nfront gate\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="pass.png"\r\nContent-Type: image/png\r\n\r\n`),
    png, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const multi = await call(srv, '/api/v1/checkpoints/1/scans/photo?direction=out', {
    method: 'POST', token: gate, raw: form, type: `multipart/form-data; boundary=${boundary}`,
  });
  assert.equal(multi.status, 200, multi.text);
  assert.equal(multi.body.decoded.text, p.code);
  assert.equal(multi.body.direction, 'out');
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan'), scans + 2);
  // Refused passes name the field "code" and store nothing: revoked, expired.
  await leader.post(`/api/v1/passes/${p.id}/revoke`, {});
  let res = await call(srv, '/api/v1/checkpoints/1/scans/photo', { method: 'POST', token: gate, raw: png, type: 'image/png' });
  assertProblem(res, 422, 'invalid-input', 'code');
  assert.match(res.body.detail, /revoked/);
  sql(srv.db, `INSERT INTO pass (person_id, place_id, valid_from, valid_to, issued_at, issued_by)
    VALUES (2, 1, 18322, 18352, 0, 'test')`);
  const old = Number(sql(srv.db, 'SELECT max(id) FROM pass'));
  res = await call(srv, '/api/v1/checkpoints/1/scans/photo', { method: 'POST', token: gate, raw: oldPassPng(old), type: 'image/png' });
  assertProblem(res, 422, 'invalid-input', 'code');
  assert.match(res.body.detail, /expired after 2020-03-31/);
  // A place-code poster photographed at the gate names no person (the
  // code made here, not left by an earlier test: this one runs alone too).
  await placeToken();
  const poster = await fetch(`${srv.base}/api/v1/checkpoints/1/place-code/poster`, { headers: { Cookie: leader.cookie } });
  assert.equal(poster.status, 200);
  assert.equal(poster.headers.get('content-type'), 'image/png');
  res = await call(srv, '/api/v1/checkpoints/1/scans/photo', { method: 'POST', token: gate,
    raw: Buffer.from(await poster.arrayBuffer()), type: 'image/png' });
  assertProblem(res, 422, 'invalid-input', 'code');
  assertProblem(await call(srv, '/api/v1/checkpoints/1/scans/photo?temperature=hot', { method: 'POST', token: gate, raw: png, type: 'image/png' }),
    422, 'invalid-input', 'temperature');
  assertProblem(await call(srv, '/api/v1/checkpoints/1/scans/photo?direction=up', { method: 'POST', token: gate, raw: png, type: 'image/png' }),
    422, 'invalid-input', 'direction');
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan'), scans + 2);
  // A checkpoint the attendant does not attend: as if it did not exist.
  const cp = await leader.post('/api/v1/checkpoints', { place_id: 1, name: '南门' });
  assertProblem(await call(srv, `/api/v1/checkpoints/${cp.body.id}/scans/photo`,
    { method: 'POST', token: gate, raw: png, type: 'image/png' }), 404, 'not-found', 'checkpoint');
});

// ---- the page's script, run in a minimal DOM against the server ------------

// Just enough of a DOM for web/checkin.js: the elements of checkin.html
// that have an id or a data-t attribute, with textContent, hidden, value,
// attributes and listeners.  The script runs in a fresh VM context whose
// fetch goes to the test server.
class FakeElement {
  constructor(tag, attrs) {
    this.tagName = tag.toUpperCase();
    this.id = attrs.id || '';
    this.dataset = attrs['data-t'] ? { t: attrs['data-t'] } : {};
    this.hidden = 'hidden' in attrs;
    this.textContent = '';
    this.value = '';
    this.className = attrs.class || '';
    this.disabled = false;
    this.attrs = {};
    this.listeners = {};
  }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return this.attrs[k]; }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  focus() {}
  async fire(type) { for (const fn of this.listeners[type] || []) await fn({ preventDefault() {} }); }
}

async function runPage(pathToken, storage) {
  const html = readFileSync(join(top, 'web/checkin.html'), 'utf8');
  const js = readFileSync(join(top, 'web/checkin.js'), 'utf8');
  const elements = [];
  for (const m of html.matchAll(/<([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs = {};
    for (const a of m[2].matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) attrs[a[1]] = a[2] ?? '';
    if (attrs.id || attrs['data-t']) elements.push(new FakeElement(m[1], attrs));
  }
  const byId = new Map(elements.filter((e) => e.id).map((e) => [e.id, e]));
  const document = {
    readyState: 'complete', title: '', documentElement: { lang: '' },
    getElementById: (id) => byId.get(id) || null,
    querySelectorAll(sel) {
      if (sel === '[data-t]') return elements.filter((e) => e.dataset.t);
      if (sel === 'button') return elements.filter((e) => e.tagName === 'BUTTON');
      throw new Error(`selector ${sel} not faked`);
    },
    addEventListener() {},
  };
  const window = {
    location: { pathname: `/c/${pathToken}` },
    localStorage: {
      getItem: (k) => (storage.has(k) ? storage.get(k) : null),
      setItem: (k, v) => storage.set(k, String(v)),
    },
    crypto: globalThis.crypto,
  };
  const context = vm.createContext({
    window, document, console, Date, Uint8Array, Array, JSON, Object, String, Promise,
    fetch: (path, opts) => fetch(srv.base + path, opts),
  });
  vm.runInContext(js, context);
  const el = (id) => byId.get(id);
  const visible = () => ['failure', 'who', 'act', 'register', 'result'].filter((s) => !el(s).hidden);
  // Wait until the page settles on another section than `from`.
  async function settle(from) {
    for (let i = 0; i < 200; i++) {
      const v = visible();
      if (v.length === 1 && v[0] !== from) return v[0];
      await new Promise((ok) => setTimeout(ok, 10));
    }
    return visible().join(',');
  }
  return { el, visible, settle };
}

test('the page script: language toggle, details remembered, outsider registration', async () => {
  const tok = await placeToken();
  const storage = new Map();
  let page = await runPage(tok, storage);
  assert.equal(await page.settle(null), 'who');
  assert.equal(page.el('place').textContent, '华新新干线小区');
  assert.equal(page.el('in').textContent, '进入登记');
  await page.el('lang').fire('click');
  assert.equal(page.el('in').textContent, 'Check in');
  assert.equal(page.el('lang').textContent, '中文');
  assert.equal(storage.get('sijin.lang'), '"en"');
  await page.el('lang').fire('click');
  assert.equal(page.el('in').textContent, '进入登记');
  // An empty form is refused on the page; a filled one is remembered.
  await page.el('who').fire('submit');
  assert.equal(page.el('name-error').textContent, '请填写此项');
  page.el('name').value = '王五';
  page.el('mobile').value = '139 0538 6666';
  await page.el('who').fire('submit');
  assert.deepEqual(page.visible(), ['act']);
  assert.equal(page.el('me-mobile').textContent, '139****6666');
  assert.deepEqual(JSON.parse(storage.get('sijin.checkin.me')), { name: '王五', mobile: '139 0538 6666' });
  // An unknown phone is asked to register first.
  await page.el('in').fire('click');
  assert.equal(await page.settle('act'), 'register');
  page.el('from').value = '济南市';
  page.el('reason').value = '探亲';
  page.el('host').value = '1号楼1单元101';
  await page.el('register').fire('submit');
  assert.equal(await page.settle('register'), 'result');
  assert.equal(page.el('result').className, 'card pass');
  assert.equal(page.el('result-title').textContent, '登记成功');
  // Opened again on this phone: straight to the buttons.
  page = await runPage(tok, storage);
  assert.equal(await page.settle(null), 'act');
  assert.equal(page.el('me-name').textContent, '王五');
  // A code that is not (or no longer) valid.
  page = await runPage('A'.repeat(43), new Map());
  assert.equal(await page.settle(null), 'failure');
  assert.match(page.el('failure-text').textContent, /场所码无效/);
  page = await runPage('not-a-token', new Map());
  assert.equal(await page.settle(null), 'failure');
});

test('the page script: reasons in words, the time as the place\'s clock shows it', async () => {
  const tok = await placeToken();
  // A resident under home quarantine, leaving: denied, home_quarantine_exit
  // (docs/checkpoint.md), in the page's words (web/i18n/*.json reason.*).
  const p = await leader.post('/api/v1/people', { name: '隔离者', mobile: '13905387777', unit_id: 1,
    tags: ['resident', 'home_quarantine'] });
  assert.equal(p.status, 201, p.text);
  const storage = new Map([['sijin.checkin.me', JSON.stringify({ name: '隔离者', mobile: '13905387777' })]]);
  // The phone is set to New York's zone: the page must still show the time
  // of the place's clock (Asia/Shanghai, the demo's zone), as the answer
  // and every other screen do.
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  try {
    const page = await runPage(tok, storage);
    assert.equal(await page.settle(null), 'act');
    await page.el('out').fire('click');
    assert.equal(await page.settle('act'), 'result');
    assert.equal(page.el('result').className, 'card deny');
    assert.equal(page.el('result-detail').textContent, '请联系现场工作人员。 居家隔离人员外出');
    const at = Number(sql(srv.db, `SELECT at FROM scan WHERE person_id = ${p.body.id}`));
    const wall = new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
    assert.equal(page.el('result-time').textContent, `离开 · 时间 ${wall}`);
    await page.el('lang').fire('click');
    assert.equal(page.el('result-detail').textContent, 'Please speak to the staff here. home quarantine: leaving');
    assert.equal(page.el('result-time').textContent, `Out · Time ${wall}`);
  } finally {
    if (zone === undefined) delete process.env.TZ; else process.env.TZ = zone;
  }
});
