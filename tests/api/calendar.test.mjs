// Black-box tests of loading the working-day calendar over the JSON API
// (docs/calendar.md): a whole multi-year file through PUT /api/v1/calendar
// is stored all or nothing, a year given twice is refused, errors name the
// file's line; the JSON form of PUT /api/v1/calendar/{year} refuses wrong
// types and unknown keys naming the exact field.  Every refusal is checked
// to leave the calendar and the audit log as they were.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, signIn, sql, startServer } from './lib.mjs';

let srv;
let admin;

// The whole calendar as stored, and the number of audit events.
function state() {
  return {
    years: sql(srv.db, 'SELECT year, source FROM calendar_year ORDER BY year'),
    days: sql(srv.db, 'SELECT day, year, working, name FROM calendar_day ORDER BY day'),
    audit: count(srv.db, 'SELECT count(*) FROM audit_event'),
  };
}

const putText = (path, body) => admin.req('PUT', path,
  { body, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

before(async () => {
  srv = await startServer();
  admin = await signIn(srv.base, 'admin');
});

after(async () => { await srv.stop(); });

describe('PUT /api/v1/calendar: a whole file, all or nothing', () => {
  // 2025-10-01 is a Wednesday; 2026-01-01 a Thursday, 2026-01-05 a Monday,
  // 2026-01-04 a Sunday.
  const good2025 = ['# test file', 'year 2025', 'source 测试', '2025-10-01..2025-10-03 off 国庆节', ''];

  test('a bad line in the second year loads nothing, and names the file\'s line', async () => {
    const was = state();
    const text = [...good2025, 'year 2026', '2026-01-01 off 元旦', '2026-01-05 work 错误'].join('\n');
    // "2026-01-05 work" is line 8 of the file (line 3 of its year).
    const res = await putText('/api/v1/calendar', text);
    assertProblem(res, 422, 'invalid-input', 'line 8');
    assert.deepEqual(state(), was);
    assert.equal(count(srv.db, 'SELECT count(*) FROM calendar_year WHERE year IN (2025, 2026)'), 0);
  });

  test('a year given twice is refused', async () => {
    const was = state();
    const text = [...good2025, 'year 2025', '2025-10-04 off 国庆节'].join('\n');
    assertProblem(await putText('/api/v1/calendar', text), 422, 'invalid-input', 'line 6');
    assert.deepEqual(state(), was);
  });

  test('JSON is refused on the whole-file route', async () => {
    const was = state();
    assertProblem(await admin.req('PUT', '/api/v1/calendar', { json: { days: [] } }), 422,
      'invalid-input', 'Content-Type');
    assert.deepEqual(state(), was);
  });

  test('a good two-year file is stored in one request', async () => {
    const was = state();
    const text = [...good2025, 'year 2026', '2026-01-01 off 元旦', '2026-01-04 work 调休'].join('\n');
    const res = await putText('/api/v1/calendar', text);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.years.map((y) => [y.year, y.days.length]), [[2025, 3], [2026, 2]]);
    assert.equal(typeof res.body.due_dates_changed, 'number');
    assert.equal(sql(srv.db, 'SELECT year, source FROM calendar_year WHERE year >= 2025 ORDER BY year'),
      '2025|测试\n2026|');
    assert.equal(count(srv.db, 'SELECT count(*) FROM calendar_day WHERE year = 2025 AND working = 0'), 3);
    assert.equal(count(srv.db, 'SELECT count(*) FROM calendar_day WHERE year = 2026 AND working = 1'), 1);
    // One audit event per year loaded.
    assert.equal(state().audit, was.audit + 2);
    const y26 = (await admin.get('/api/v1/calendar/2026')).body;
    assert.deepEqual(y26.days.map((d) => [d.date, d.working, d.name]),
      [['2026-01-01', false, '元旦'], ['2026-01-04', true, '调休']]);
  });
});

describe('PUT /api/v1/calendar/{year} with JSON: strict types and keys', () => {
  const cases = [
    ['a name that is a number', { days: [{ date: '2021-10-01', working: false, name: 5 }] }, 'days[0].name'],
    ['a source that is an array', { days: [], source: ['a'] }, 'source'],
    ['an unknown key in a day', { days: [{ date: '2021-10-01', working: false, colour: 'red' }] }, 'days[0].colour'],
    ['"working": "no"', { days: [{ date: '2021-10-01', working: 'no' }] }, 'days[0].working'],
    ['a day that is not an object', { days: ['2021-10-01'] }, 'days[0]'],
    ['a date that is a number', { days: [{ date: 20211001, working: false }] }, 'days[0].date'],
    ['the second day wrong', { days: [{ date: '2021-10-01', working: false },
      { date: '2021-10-02', working: false, name: null }] }, 'days[1].name'],
  ];
  for (const [what, body, field] of cases)
    test(`${what}: 422 naming ${field}, nothing stored`, async () => {
      const was = state();
      assertProblem(await admin.req('PUT', '/api/v1/calendar/2021', { json: body }), 422,
        'invalid-input', field);
      assert.deepEqual(state(), was);
    });

  test('a correct body is still stored (name optional)', async () => {
    const res = await admin.req('PUT', '/api/v1/calendar/2021',
      { json: { source: 's', days: [{ date: '2021-10-01', working: false, name: '国庆节' },
        { date: '2021-10-02', working: false }] } });
    assert.equal(res.status, 200, res.text);
    assert.equal(sql(srv.db, 'SELECT day, working, name FROM calendar_day WHERE year = 2021 ORDER BY day')
      .split('\n').map((l) => l.split('|').slice(1).join('|')).join(','), '0|国庆节,0|');
  });
});
