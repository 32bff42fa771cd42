// Black-box tests of POST /api/v1/imports/scans (issue 5 "Bulk import";
// docs/import.md) against the real binary on a temporary demo database
// (SQLite, or PostgreSQL with SIJIN_TEST_DB=pg): a CSV ledger in GB18030
// and an NDJSON one imported with the report of rejected rows, idempotency,
// the attendant's scope (only the checkpoint they attend), the encoding
// error that imports nothing, the audit event, bad requests.
//
// Expected values come from the inputs: 2024-03-02 00:30 in the demo's
// zone Asia/Shanghai (UTC+8) is 1709310600; the demo's 李四 is a resident
// of 华新新干线小区 (assumed in demo.c, as tests/api/checkpoint.test.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, count, signIn, sql, startServer, tokenClient } from './lib.mjs';

const LISI = '370911197008152345';

let srv;
let admin;
let gate;    // the attendant of 大门疫情监测点 only
const ids = {};

const post = (client, body, type, query = '') =>
  client.req('POST', `/api/v1/imports/scans${query}`, { body, headers: { 'Content-Type': type } });
const scansAt = (at) => count(srv.db, `SELECT count(*) FROM scan WHERE at = ${at}`);

before(async () => {
  srv = await startServer();
  admin = await tokenClient(await signIn(srv.base, 'admin'));
  gate = await signIn(srv.base, 'gate');
  ids.cp = Number(sql(srv.db, "SELECT id FROM checkpoint WHERE name = '大门疫情监测点'"));
  ids.other = Number(sql(srv.db, `SELECT min(id) FROM checkpoint WHERE id <> ${ids.cp}`));
});

after(async () => { await srv.stop(); });

test('a GB18030 CSV ledger imports, rejected rows listed by line and field', async () => {
  // 身份证号,时间,方向,体温 / LISI,2024-03-02 00:30,进,36.6 / LISI,2024-03-02 07:00,出,42x
  // in GB18030: 身份证号 C9ED B7DD D6A4 BAC5, 时间 CAB1 BCE4, 方向 B7BD CFF2,
  // 体温 CCE5 CEC2, 进 BDF8, 出 B3F6.
  const gb = Buffer.concat([
    Buffer.from([0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5]), Buffer.from(','),
    Buffer.from([0xca, 0xb1, 0xbc, 0xe4]), Buffer.from(','),
    Buffer.from([0xb7, 0xbd, 0xcf, 0xf2]), Buffer.from(','),
    Buffer.from([0xcc, 0xe5, 0xce, 0xc2]), Buffer.from('\r\n'),
    Buffer.from(`${LISI},2024-03-02 00:30,`), Buffer.from([0xbd, 0xf8]), Buffer.from(',36.6\r\n'),
    Buffer.from(`${LISI},2024-03-02 07:00,`), Buffer.from([0xb3, 0xf6]), Buffer.from(',42x\r\n'),
  ]);
  const res = await post(admin, gb, 'text/csv', `?checkpoint=${ids.cp}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.rows, 2);
  assert.equal(res.body.accepted, 1);
  assert.equal(res.body.rejected, 1);
  assert.deepEqual(res.body.rejects.map((r) => [r.line, r.field]), [[3, 'temperature']]);
  assert.equal(res.body.rejected_by_field.temperature, 1);
  assert.equal(scansAt(1709310600), 1);
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan WHERE at = 1709310600 AND temperature = 366 AND operator_id IS NOT NULL'), 1);
  assert.ok(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'scan.import'") >= 1);
  // the same ledger again adds nothing
  const again = await post(admin, gb, 'text/csv', `?checkpoint=${ids.cp}`);
  assert.equal(again.body.accepted, 0);
  assert.equal(again.body.duplicates, 1);
  assert.equal(scansAt(1709310600), 1);
});

test('a CSV row with a value beyond the header is rejected (row), the others imported', async () => {
  // the tester's case: header id_number,time,direction,checkpoint and a row
  // with a fifth cell; the rows around it go in (2024-03-03 08:00 and 09:00
  // +08:00 are 1709424000 and 1709427600), the shifted one (08:30,
  // 1709425800) is rejected on its line 3 with field row.
  const csv = 'id_number,time,direction,checkpoint\n' +
    `${LISI},2024-03-03T08:00:00+08:00,in,${ids.cp}\n` +
    `${LISI},2024-03-03T08:30:00+08:00,in,${ids.cp},extra\n` +
    `${LISI},2024-03-03T09:00:00+08:00,out,${ids.cp}\n`;
  const res = await post(admin, csv, 'text/csv');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.rows, 3);
  assert.equal(res.body.accepted, 2);
  assert.deepEqual(res.body.rejects.map((r) => [r.line, r.field]), [[3, 'row']]);
  assert.match(res.body.rejects[0].detail, /cell 5 \('extra'\)/);
  assert.equal(scansAt(1709424000), 1);
  assert.equal(scansAt(1709425800), 0);
  assert.equal(scansAt(1709427600), 1);
});

test('an attendant imports only at the checkpoint they attend', async () => {
  const body = [
    JSON.stringify({ checkpoint: ids.cp, id_number: LISI, time: '2024-03-02T01:00:00+08:00', direction: 'in' }),
    JSON.stringify({ checkpoint: ids.other, id_number: LISI, time: '2024-03-02T01:00:00+08:00', direction: 'in' }),
  ].join('\n');
  const res = await post(gate, body, 'application/x-ndjson');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.accepted, 1);
  assert.equal(res.body.rejected, 1);
  assert.deepEqual(res.body.rejects.map((r) => [r.line, r.field]), [[2, 'checkpoint']]);
  assert.equal(scansAt(1709312400), 1);
});

test('bytes in neither UTF-8 nor GB18030: 422 naming the file, nothing imported', async () => {
  const before = count(srv.db, 'SELECT count(*) FROM scan');
  const bad = Buffer.concat([Buffer.from(`checkpoint,id_number,time\n${ids.cp},${LISI},2024-03-02 02:00\n`),
    Buffer.from([0xff, 0xfe, 0x0a])]);
  const res = await post(admin, bad, 'text/csv');
  assertProblem(res, 422, 'invalid-input', 'file');
  assert.match(res.body.detail, /neither UTF-8 nor GB18030/);
  assert.equal(count(srv.db, 'SELECT count(*) FROM scan'), before);
});

test('a dry run keeps nothing; bad requests are refused', async () => {
  const csv = `checkpoint,id_number,time\n${ids.cp},${LISI},2024-03-02 03:00\n`;
  const dry = await post(admin, csv, 'text/csv', '?dry_run=1');
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.accepted, 1);
  assert.equal(dry.body.dry_run, true);
  assert.equal(scansAt(1709319600), 0);
  assertProblem(await post(admin, csv, 'application/json'), 422, 'invalid-input', 'Content-Type');
  assertProblem(await post(admin, csv, 'text/csv', '?checkpoint=x'), 422, 'invalid-input', 'checkpoint');
  assertProblem(await post(admin, csv, 'text/csv', '?what=1'), 422, 'invalid-input', 'what');
  assertProblem(await post(admin, '序号,备注\n1,x\n', 'text/csv'), 422, 'invalid-input', 'file');
  const anon = await fetch(`${srv.base}/api/v1/imports/scans`, { method: 'POST', body: csv,
    headers: { 'Content-Type': 'text/csv' } });
  assert.equal(anon.status, 401);
});

// A ledger typed by hand has blank lines between its rows; a reject names
// the line a text editor shows (header line 1; counted by hand below), and
// a row with no checkpoint says how to give one over HTTP, not only the
// command line's flag.
test('rejects name the lines of the file as typed; a missing checkpoint says ?checkpoint=', async () => {
  // line 1 header, 2 blank, 3 a bad temperature, 4 and 5 blank (CR LF), 6 a bad direction
  const csv = `checkpoint,id_number,time,direction,temperature\n\n${ids.cp},${LISI},2024-03-02 04:00,进,42x\r\n\r\n\r\n`
    + `${ids.cp},${LISI},2024-03-02 04:10,上,\n`;
  const res = await post(admin, csv, 'text/csv', '?dry_run=1');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.rejects.map((r) => [r.line, r.field]), [[3, 'temperature'], [6, 'direction']]);
  const none = await post(admin, `id_number,time\n${LISI},2024-03-02 04:20\n`, 'text/csv', '?dry_run=1');
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.body.rejects.map((r) => [r.line, r.field]), [[2, 'checkpoint']]);
  assert.match(none.body.rejects[0].detail, /\?checkpoint=/);
});

// The server's per-connection memory is 8 KiB (src/http/server.c): a body
// is not kept there but handed over in pieces, so a ledger near the
// server's default body limit (1 MiB, `max-body`) arrives whole, with a
// Content-Length and chunked.  20,000 rows, each a distinct minute from
// 2024-03-02 00:00 (a dry run: nothing is kept), so every one is accepted
// or, where the tests above stored the same scan, a duplicate.
test('a ledger of most of a MiB arrives whole, with a length and chunked', async () => {
  const rows = 20000;
  const lines = [`checkpoint,id_number,time\n`];
  for (let i = 0; i < rows; i++) {
    const h = String(Math.floor(i / 60) % 24).padStart(2, '0');
    const d = String(2 + Math.floor(i / 1440)).padStart(2, '0');
    lines.push(`${ids.cp},${LISI},2024-03-${d} ${h}:${String(i % 60).padStart(2, '0')}\n`);
  }
  const csv = Buffer.from(lines.join(''));
  assert.ok(csv.length > 700 * 1024 && csv.length < 1024 * 1024, String(csv.length));
  const whole = await post(admin, csv, 'text/csv', '?dry_run=1');
  assert.equal(whole.status, 200, whole.text);
  assert.equal(whole.body.rows, rows);
  assert.equal(whole.body.rejected, 0);
  assert.equal(whole.body.accepted + whole.body.duplicates, rows);
  const chunks = new ReadableStream({
    start(c) {
      for (let at = 0; at < csv.length; at += 100000) c.enqueue(csv.subarray(at, at + 100000));
      c.close();
    },
  });
  const res = await fetch(`${srv.base}/api/v1/imports/scans?dry_run=1`, { method: 'POST',
    body: chunks, duplex: 'half', headers: { Authorization: `Bearer ${admin.token}`,
      'Content-Type': 'text/csv' } });
  const report = await res.json();
  assert.equal(res.status, 200, JSON.stringify(report));
  assert.equal(report.rows, rows);
  assert.equal(report.accepted, whole.body.accepted);
  assert.equal(report.duplicates, whole.body.duplicates);
});
