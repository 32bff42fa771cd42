// Black-box tests of the scan answer as text (json/jscan_text.c) and of the
// writer's people memo (domain/writer.c, SQLite; PostgreSQL has none) as a
// user sees them, on SQLite and PostgreSQL (SIJIN_TEST_DB=pg):
//  - names with characters JSON must escape ('"', '\') or that are outside
//    the Basic Multilingual Plane give a scan answer that parses and whose
//    masked name is the name's first character then one '*' per further
//    character (the masking rule for names of two or more characters),
//    by id and by identity number; names with control characters are refused at
//    registration (field "name"), so they never reach a scan answer;
//  - a tag edit (home quarantine: an exit is denied, screening.h) and a
//    rename through the API are followed by the very next scan, by id and
//    by identity number, however often they change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, idNumber, signIn, sql, startServer, tokenClient } from './lib.mjs';

let srv;
let admin;
const ids = {};
let serial = 500;

const nextNumber = () => {
  serial++;
  return idNumber(`37091119850101${String(serial).padStart(3, '0')}`);
};
const scan = (body) => admin.post(`/api/v1/checkpoints/${ids.cp}/scans`, body);

// The masked name by the rule: first code point, then '*' per code point.
const masked = (name) => {
  const cps = [...name];
  return cps[0] + '*'.repeat(cps.length - 1);
};

before(async () => {
  srv = await startServer({ args: ['--retention-days', '3650'] });
  admin = await tokenClient(await signIn(srv.base, 'admin'));
  ids.cp = Number(sql(srv.db, "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'"));
  ids.gaotie = Number(sql(srv.db, "SELECT id FROM unit WHERE name = '高铁社区'"));
});

after(async () => { await srv?.stop(); });

test('hostile names: the scan answer parses and carries the masked name', async () => {
  for (const name of ['"q', '\\q', 'a"b\\c', '😀q', '😀'.repeat(20), '</script>']) {
    const number = nextNumber();
    const r = await admin.post('/api/v1/people', { name, id_number: number, unit_id: ids.gaotie,
      tags: ['resident'] });
    assert.equal(r.status, 201, r.text);
    for (const body of [{ person_id: r.body.id, direction: 'in' },
      { id_number: number, direction: 'out' }]) {
      const s = await scan(body);
      assert.equal(s.status, 200, s.text);
      assert.ok(s.body, `the answer is JSON: ${s.text.slice(0, 200)}`);
      assert.equal(s.body.person.id, r.body.id);
      assert.equal(s.body.person.name, masked(name), s.text);
    }
  }
  for (const name of ['\u0001q', 'x\u001fy', '\u007fq', 'a\nb', '\u2028q']) {
    const r = await admin.post('/api/v1/people', { name, id_number: nextNumber(),
      unit_id: ids.gaotie });
    assertProblem(r, 422, 'invalid-input', 'name');
  }
});

test('a tag edit or a rename is followed by the next scan', async () => {
  const number = nextNumber();
  const r = await admin.post('/api/v1/people', { name: 'Qa', id_number: number,
    unit_id: ids.gaotie, tags: ['resident'] });
  assert.equal(r.status, 201, r.text);
  for (let i = 0; i < 6; i++) {
    const quarantined = i % 2 === 1;
    const p = await admin.patch(`/api/v1/people/${r.body.id}`,
      { tags: quarantined ? ['resident', 'home_quarantine'] : ['resident'] });
    assert.equal(p.status, 200, p.text);
    for (const body of [{ id_number: number, direction: 'out' },
      { person_id: r.body.id, direction: 'out' }]) {
      const s = await scan(body);
      assert.equal(s.status, 200, s.text);
      assert.equal(s.body.decision, quarantined ? 'deny' : 'pass',
        `round ${i}, ${JSON.stringify(body)}: ${s.text}`);
    }
    const name = String.fromCharCode(65 + i) + 'bc';
    assert.equal((await admin.patch(`/api/v1/people/${r.body.id}`, { name })).status, 200);
    const s = await scan({ id_number: number, direction: 'in' });
    assert.equal(s.body.person.name, masked(name), s.text);
  }
});
