// Retention on every read path (issue 10; docs/retention.md): a row one
// second past its cut-off is gone from lists and get-by-id the moment it
// expires, while a row one second inside the period stays — before any purge.
//
// The server's clock is fixed (SIJIN_TEST_NOW, docs/config.md "Test hooks")
// at NOW = 2026-11-29T12:00:00+08:00 = 1795924800.  With the default 28 days
// CUT = NOW − 2,419,200 = 1793505600 = 2026-11-01T12:00:00+08:00, and the
// visit-note cut-off date is 2026-11-01.  The demo (loaded at NOW) dates its
// own records March 2020, all long expired; the rows below (place 1 and its
// checkpoint 1, person 1) straddle the cut-off by one second:
//   scans/stays 900001 at CUT−1 (expired), 900002 at CUT+1 (kept)
//   alerts      900001 at CUT−1 raised by scan 900001 (expired),
//               900002 at CUT+1 (kept), 900003 at CUT−1 an overdue
//               disinfection naming no one (kept: no personal data)
//   outsider    900001 valid until CUT−1 (expired), 900002 until CUT+1 (kept)
//   notes       visit 5's household note dated 2026-10-31 (expired),
//               visit 6's dated 2026-11-01 (kept)
//   requests    (retention-requests-days, default as retention-days; a
//               finished request's age counts from its status_at)
//               900001 closed at CUT−1 (expired), 900002 resolved at CUT+1
//               (kept), 900003 submitted in 2020 (open: never expires);
//               the demo's own request, closed in 2020, expired long ago
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { cliToken, signIn, sql, startServer } from './lib.mjs';

const NOW = 1795924800;
const CUT = NOW - 28 * 86400;
let srv;
let admin;
let apiKey;

before(async () => {
  process.env.SIJIN_TEST_NOW = String(NOW);  // the demo and the server (this file only)
  srv = await startServer();
  const db = srv.db;
  sql(db, `INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons, stay_s)
           VALUES (1, 900001, 1, 1, ${CUT - 1}, 8, 0, 3600),
                  (1, 900002, 1, 1, ${CUT + 1}, 8, 0, 3600)`);
  sql(db, `INSERT INTO alert (place_id, id, at, reasons, decision, checkpoint_id, scan_id,
           person_id, detail, created_at) VALUES
           (1, 900001, ${CUT - 1}, 1, 1, 1, 900001, 1, 'expired', 0),
           (1, 900002, ${CUT + 1}, 1, 1, 1, 900002, 1, 'kept', 0),
           (1, 900003, ${CUT - 1}, 1, 1, NULL, NULL, NULL, 'disinfection', 0)`);
  sql(db, `INSERT INTO outsider_registration (id, unit_id, person_id, checkpoint_id, came_from,
           reason, host, valid_from, valid_until, registered_at) VALUES
           (900001, 1, 1, 1, 'x', 'y', 'z', 0, ${CUT - 1}, 0),
           (900002, 1, 1, 1, 'x', 'y', 'z', 0, ${CUT + 1}, 0)`);
  sql(db, `UPDATE household_note SET visited_on = 20757 WHERE visit_id = 5`);
  sql(db, `UPDATE household_note SET visited_on = 20758 WHERE visit_id = 6`);
  // reported_at CUT−86400 (so inside Open311's default listing); the
  // service's ids are looked up by code.
  sql(db, `INSERT INTO service_request (id, service_id, unit_id, description, reported_at,
           created_at, updated_at, priority, status, status_at, source, response_days,
           resolution_days, receipt_day, response_due, resolution_due)
           SELECT x.id, s.id, 1, x.d, ${CUT - 86400}, ${CUT - 86400}, x.t, 'normal', x.st, x.t,
           'api', 1, 10, 20757, 20758, 20767 FROM service s, (
             SELECT 900001 AS id, 'closed' AS st, ${CUT - 1} AS t, 'expired' AS d
             UNION ALL SELECT 900002, 'resolved', ${CUT + 1}, 'kept'
             UNION ALL SELECT 900003, 'submitted', 1583024400, 'open') x
           WHERE s.code = 'accommodation'`);
  admin = await signIn(srv.base, 'admin');
  apiKey = cliToken(db, 'admin');
});

after(async () => {
  delete process.env.SIJIN_TEST_NOW;
  await srv?.stop();
});

const ids = (res) => res.body.items.map((x) => x.id);

test('scans: the list by place and by person shows the kept scan only', async () => {
  for (const q of ['place_id=1', 'person_id=1']) {
    const res = await admin.get(`/api/v1/scans?${q}&limit=500`);
    assert.equal(res.status, 200, res.text);
    assert.ok(ids(res).includes(900002), q);
    assert.ok(!ids(res).includes(900001), q);
    // The demo's 2020 scans expired long ago.
    assert.ok(res.body.items.every((s) => Date.parse(s.at) >= CUT * 1000), q);
  }
});

test('scans: the daily counts of 1 November count the kept scan only', async () => {
  // CUT−1 is 11:59:59 and CUT+1 12:00:01 of 2026-11-01, Shanghai: 1 entry.
  const res = await admin.get('/api/v1/scans/daily?place_id=1&from=2026-11-01&to=2026-11-01');
  assert.equal(res.status, 200, res.text);
  assert.equal(JSON.stringify(res.body).match(/"in":\s*(\d+)/)[1], '1', res.text);
});

test('stays: a stay expires with its entry scan', async () => {
  const res = await admin.get('/api/v1/stays?place_id=1&limit=500');
  assert.equal(res.status, 200, res.text);
  assert.ok(ids(res).includes(900002));
  assert.ok(!ids(res).includes(900001));
});

test('alerts: the expired scan alert is gone from the list and by id; the others stay', async () => {
  const res = await admin.get('/api/v1/alerts?place_id=1&limit=500');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(ids(res).filter((i) => i >= 900001).sort(), [900002, 900003]);
  assert.equal((await admin.get('/api/v1/alerts/900001')).status, 404);
  assert.equal((await admin.get('/api/v1/alerts/900002')).status, 200);
  assert.equal((await admin.get('/api/v1/alerts/900003')).status, 200);
  // and it cannot be acknowledged any more
  assert.equal((await admin.post('/api/v1/alerts/900001/ack', { note: 'seen' })).status, 404);
});

test('outsider registrations: expired by valid_until, from the list and by id', async () => {
  const res = await admin.get('/api/v1/outsiders?limit=500');
  assert.equal(res.status, 200, res.text);
  assert.ok(ids(res).includes(900002));
  assert.ok(!ids(res).includes(900001));
  assert.equal((await admin.get('/api/v1/outsiders/900001')).status, 404);
  assert.equal((await admin.get('/api/v1/outsiders/900002')).status, 200);
});

test('visit notes: the note of 31 October reads as absent, that of 1 November is shown', async () => {
  const old = await admin.get('/api/v1/visits/5');
  const kept = await admin.get('/api/v1/visits/6');
  assert.equal(old.status, 200, old.text);
  assert.equal(old.body.summary, null);
  assert.equal(kept.status, 200, kept.text);
  assert.equal(typeof kept.body.summary, 'string');
  const list = await admin.get('/api/v1/visits?limit=100');
  const byId = Object.fromEntries(list.body.items.map((v) => [v.id, v]));
  assert.equal(byId[5].summary, null);
  assert.equal(byId[6].summary, kept.body.summary);
});

test('service requests: a finished one expires from the list, by id and for changes', async () => {
  const res = await admin.get('/api/v1/requests?limit=200');
  assert.equal(res.status, 200, res.text);
  const got = ids(res);
  assert.ok(got.includes(900002) && got.includes(900003), res.text);
  assert.ok(!got.includes(900001), res.text);
  // the demo's request, closed in March 2020, is not listed either
  assert.deepEqual(got.filter((i) => i < 900001), [], res.text);
  assert.equal((await admin.get('/api/v1/requests/900001')).status, 404);
  assert.equal((await admin.get('/api/v1/requests/900002')).status, 200);
  assert.equal((await admin.get('/api/v1/requests/900003')).status, 200);
  // a change to it (reopening) finds no request
  const reopen = await admin.post('/api/v1/requests/900001/updates',
    { status: 'accepted', comment: 'again' });
  assert.equal(reopen.status, 404, reopen.text);
});

test('Open311: the expired request is gone from GET requests and GET requests/{id}', async () => {
  const list = await fetch(`${srv.base}/open311/v2/requests.json?api_key=${apiKey}`);
  const body = await list.json();
  assert.equal(list.status, 200, JSON.stringify(body));
  const got = body.map((r) => Number(r.service_request_id));
  assert.ok(got.includes(900002) && got.includes(900003), JSON.stringify(got));
  assert.ok(!got.includes(900001), JSON.stringify(got));
  const byIds = await fetch(`${srv.base}/open311/v2/requests.json?api_key=${apiKey}`
    + '&service_request_id=900001,900002');
  assert.deepEqual((await byIds.json()).map((r) => Number(r.service_request_id)), [900002]);
  const one = await fetch(`${srv.base}/open311/v2/requests/900001.json?api_key=${apiKey}`);
  assert.equal(one.status, 404, await one.text());
  const kept = await fetch(`${srv.base}/open311/v2/requests/900002.json?api_key=${apiKey}`);
  assert.equal(kept.status, 200, await kept.text());
});

test('nothing was purged: the expired rows are still stored, only hidden', () => {
  assert.equal(sql(srv.db, 'SELECT count(*) FROM scan WHERE id = 900001'), '1');
  assert.equal(sql(srv.db, 'SELECT count(*) FROM outsider_registration WHERE id = 900001'), '1');
  assert.equal(sql(srv.db, 'SELECT count(*) FROM service_request WHERE id = 900001'), '1');
});
