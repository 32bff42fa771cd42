// Security sweep (issue 10 "Abuse and bad input: security tests"; issue 3
// "sign-in ... audit"), black-box on the real binary, on both stores.
//
// Each test states the attack and what must hold; the expected values are
// the rules of docs/roles.md and docs/deploy.md, not what the server
// happens to answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signIn, tokenClient, call, sql, count, assertProblem, demoPasswords }
  from './lib.mjs';

let srv;
let admin;    // Bearer client of admin
let auditor;  // session of the auditor

before(async () => {
  srv = await startServer();
  admin = await tokenClient(await signIn(srv.base, 'admin'));
  auditor = await signIn(srv.base, 'auditor');
});
after(async () => { await srv?.stop(); });

const lastEvent = async (action) => {
  const res = await auditor.get(`/api/v1/audit?action=${action}&limit=1`);
  assert.equal(res.status, 200, res.text);
  return res.body.items[0];
};

test('sign-in, failed sign-in and sign-out events carry the request id and address', async () => {
  const ok = await call(srv, '/api/v1/session', { method: 'POST',
    body: { username: 'culture', password: demoPasswords.culture } });
  assert.equal(ok.status, 200, ok.text);
  let ev = await lastEvent('user.sign_in');
  assert.equal(ev.username, 'culture');
  assert.equal(ev.request_id, ok.headers.get('x-request-id'));
  assert.equal(ev.ip, '127.0.0.1');

  const bad = await call(srv, '/api/v1/session', { method: 'POST',
    body: { username: 'culture', password: 'not-the-password-1' } });
  assert.equal(bad.status, 401);
  ev = await lastEvent('user.sign_in_failed');
  assert.equal(ev.request_id, bad.headers.get('x-request-id'));
  assert.equal(ev.ip, '127.0.0.1');

  const cookie = ok.headers.get('set-cookie').split(';')[0];
  const out = await call(srv, '/api/v1/session', { method: 'DELETE',
    headers: { Cookie: cookie, 'X-CSRF-Token': ok.body.csrf_token } });
  assert.equal(out.status, 204, out.text);
  ev = await lastEvent('user.sign_out');
  assert.equal(ev.username, 'culture');
  assert.equal(ev.request_id, out.headers.get('x-request-id'));
  assert.equal(ev.ip, '127.0.0.1');
});
