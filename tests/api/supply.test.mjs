// Black-box tests of the supplies API (issue 7) against the real binary on
// a temporary demo database:
//  - the scenario's supplies (SCENARIO.md "Supplies delivered") as the API
//    shows them: 600 / 240 / 180 delivered, every request complete, three
//    receipts confirmed;
//  - scope: a unit liaison sees their unit's site, documents and requests
//    only (another document by id is 404); a leader of another group sees
//    none of group 2's stores; roles without supply permissions get 403;
//  - a document with bad lines among good ones answers 422 with one error
//    per bad line and stores nothing; insufficient stock answers 409;
//  - the back-dated case over HTTP;
//  - requests (raised by the liaison, fulfilled by the leader) and receipt
//    confirmation (the liaison, once; not the leader), with audit events;
//  - exports: CSV and XLSX streamed, read back (XLSX with the unzip
//    command): one row per movement, dates as date cells, numbers as text
//    where they are identities, formula-like text neutralised.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertProblem, bin, count, signIn, sql, startServer } from './lib.mjs';

let srv;
let leader;   // leader of 市派岱岳区市政协机关工作二组
let gaotie;   // liaison of 高铁社区
let auditor;
let other;    // leader of another work group, assigned one unit
const ids = {};

function must(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.body;
}

// Add a user with the command line, sharing the server's database.
function addUser(name, args) {
  const dir = mkdtempSync(join(tmpdir(), 'sijin-pw-'));
  const pw = join(dir, 'pw');
  writeFileSync(pw, `${name}-password-2020\n`);
  try {
    execFileSync(bin, ['--db', srv.db, 'user', 'add', name, ...args, '--password-file', pw],
      { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `${name}-password-2020`;
}

before(async () => {
  srv = await startServer();
  leader = await signIn(srv.base, 'leader');
  gaotie = await signIn(srv.base, 'gaotie');
  auditor = await signIn(srv.base, 'auditor');
  const admin = await signIn(srv.base, 'admin');
  const sites = must(await leader.get('/api/v1/supply/sites')).items;
  ids.sites = Object.fromEntries(sites.map((s) => [s.name, s.id]));
  ids.groupStore = sites.find((s) => s.kind === 'group').id;
  ids.organStore = sites.find((s) => s.kind === 'organ').id;
  const items = must(await leader.get('/api/v1/supply/items')).items;
  ids.items = Object.fromEntries(items.map((i) => [i.name, i.id]));
  const units = must(await admin.get('/api/v1/units?limit=500')).items;
  ids.units = Object.fromEntries(units.map((u) => [u.name, u.id]));
  // another work group with one unit and its leader
  const regions = must(await admin.get('/api/v1/regions')).items;
  const region = regions.find((r) => r.name === '粥店街道').id;
  const group = must(await admin.post('/api/v1/groups', { name: '测试三组' }), 201);
  const unit = must(await admin.post('/api/v1/units',
    { kind: 'community', name: '测试社区', region_id: region }), 201);
  must(await admin.post(`/api/v1/groups/${group.id}/assignments`, { unit_id: unit.id }), 201);
  ids.otherUnit = unit.id;
  ids.otherGroup = group.id;
  const pw = addUser('leader3', ['--role', 'leader', '--group', String(group.id)]);
  other = await signIn(srv.base, 'leader3', pw);
});

after(async () => {
  await srv?.stop();
});

test('the scenario: 600 / 240 / 180 delivered, requests complete, receipts confirmed', async () => {
  const docs = must(await auditor.get('/api/v1/supply/documents?kind=distribution')).items;
  assert.equal(docs.length, 3);
  const delivered = { 口罩: 0, 酒精: 0, '84消毒液': 0 };
  for (const d of docs) {
    assert.equal(d.date, '2020-03-18');
    assert.ok(d.confirmation, `document ${d.id} is not confirmed`);
    const full = must(await auditor.get(`/api/v1/supply/documents/${d.id}`));
    for (const l of full.lines) delivered[l.item] += l.qty;
  }
  assert.deepEqual(delivered, { 口罩: 600, 酒精: 240, '84消毒液': 180 });
  const gaotieDoc = docs.find((d) => d.to_site_name === '高铁社区');
  assert.equal(gaotieDoc.confirmation.by, 'gaotie');
  const reqs = must(await auditor.get('/api/v1/supply/requests?limit=100')).items;
  assert.equal(reqs.length, 9);
  assert.ok(reqs.every((r) => r.status === 'complete'), JSON.stringify(reqs.map((r) => r.status)));
  const alcohol = reqs.find((r) => r.item === '酒精');
  assert.equal(alcohol.display, '2箱(80瓶)');
  const shortages = must(await leader.get('/api/v1/supply/shortages'));
  assert.deepEqual(shortages, { items: [], requests: [] });
  const stock = must(await leader.get(`/api/v1/supply/stock?site_id=${ids.sites['小堰堤社区']}`)).items;
  assert.deepEqual(stock.map((r) => [r.item, r.display]).sort(),
    [['84消毒液', '2箱(60瓶)'], ['口罩', '200个'], ['酒精', '2箱(80瓶)']]);
});

test('scope: a unit liaison sees their unit only; other roles and groups see nothing', async () => {
  const sites = must(await gaotie.get('/api/v1/supply/sites')).items;
  assert.deepEqual(sites.map((s) => s.name), ['高铁社区']);
  const docs = must(await gaotie.get('/api/v1/supply/documents')).items;
  assert.ok(docs.length >= 1);
  assert.ok(docs.every((d) => d.to_site_name === '高铁社区' || d.site_name === '高铁社区'));
  const receipt = must(await auditor.get('/api/v1/supply/documents?kind=receipt')).items.at(-1);
  assertProblem(await gaotie.get(`/api/v1/supply/documents/${receipt.id}`), 404, 'not-found');
  assertProblem(await gaotie.get(`/api/v1/supply/stock?site_id=${ids.groupStore}`), 404, 'not-found');
  const reqs = must(await gaotie.get('/api/v1/supply/requests')).items;
  assert.equal(reqs.length, 3);
  assert.ok(reqs.every((r) => r.unit_name === '高铁社区'));
  // the leader of another group: the organ's store and their own unit's site, if any
  const otherSites = must(await other.get('/api/v1/supply/sites')).items;
  assert.deepEqual(otherSites.map((s) => s.kind), ['organ']);
  assertProblem(await other.get(`/api/v1/supply/sites/${ids.groupStore}`), 404, 'not-found');
  assert.equal(must(await other.get('/api/v1/supply/documents')).items.length, 2,
    'the organ store\'s receipt and transfer');
  // the export follows the same scope: the liaison's ledger holds 高铁社区's rows only
  const csv = await gaotie.get('/api/v1/supply/ledger/export?format=csv');
  assert.equal(csv.status, 200);
  const rows = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1);
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.startsWith('"高铁社区"')));
  // roles without supply permissions
  for (const who of ['culture', 'gate']) {
    const c = await signIn(srv.base, who);
    assertProblem(await c.get('/api/v1/supply/stock'), 403, 'forbidden');
  }
  // a liaison writes no stock documents
  assertProblem(await gaotie.post('/api/v1/supply/documents', {
    kind: 'consumption', site_id: ids.sites['高铁社区'], lines: [{ item: '口罩', quantity: '1' }],
  }), 403, 'forbidden');
});

test('a document with bad lines is refused whole, one error per bad line', async () => {
  const tables = ['supply_doc', 'supply_line', 'supply_move', 'supply_balance', 'audit_event'];
  const before = tables.map((t) => count(srv.db, `SELECT count(*) FROM ${t}`));
  const res = await leader.post('/api/v1/supply/documents', {
    kind: 'receipt', site_id: ids.groupStore, source: 'purchase', date: '2024-03-01',
    lines: [
      { item: '酒精', quantity: '6 箱' },          // good
      { item: '手电筒', quantity: '3' },            // unknown item
      { item_id: ids.items['酒精'], qty: 2, pack: '桶' },  // unknown pack
      { item: '口罩', quantity: '0' },              // zero
      { item: '口罩', qty: 2.5 },                    // not an integer
      { item: '口罩', quantity: '６００个' },         // good (full-width digits)
    ],
  });
  const p = assertProblem(res, 422, 'invalid-input');
  assert.deepEqual(p.errors.map((x) => [x.line, x.field]),
    [[2, 'item'], [3, 'pack'], [4, 'quantity'], [5, 'qty']]);
  assert.match(p.errors[1].detail, /桶 is not a unit of 酒精/);
  assert.match(p.detail, /nothing was stored/);
  assert.deepEqual(tables.map((t) => count(srv.db, `SELECT count(*) FROM ${t}`)), before);
  // an unknown site is a problem of the document
  const bad = await leader.post('/api/v1/supply/documents', {
    kind: 'consumption', site_id: 99999, lines: [{ item: '口罩', quantity: '1' }],
  });
  assert.deepEqual(assertProblem(bad, 422, 'invalid-input').errors,
    [{ line: null, field: 'site_id', detail: 'no site with id 99999' }]);
  // more than is on hand: 409 naming the line
  const short = await leader.post('/api/v1/supply/documents', {
    kind: 'consumption', site_id: ids.groupStore, lines: [{ item: '口罩', quantity: '1' }],
  });
  const sp = assertProblem(short, 409, 'conflict');
  assert.equal(sp.errors.length, 1);
  assert.equal(sp.errors[0].line, 1);
  assert.match(sp.errors[0].detail, /^insufficient stock of 口罩 at 工作二组物资库/);
  assert.deepEqual(tables.map((t) => count(srv.db, `SELECT count(*) FROM ${t}`)), before);
});

test('the issue\'s back-dated case over HTTP', async () => {
  const post = (body) => leader.post('/api/v1/supply/documents', body);
  const site = ids.organStore;
  const item = must(await leader.post('/api/v1/supply/items',
    { name: '防护服', name_en: 'protective suit', base_unit: 'box' }), 201).id;
  must(await post({ kind: 'receipt', source: 'donation', site_id: site, date: '2024-03-01',
    lines: [{ item_id: item, qty: 100 }] }), 201);
  must(await post({ kind: 'transfer', site_id: site, to_site_id: ids.groupStore, date: '2024-03-10',
    lines: [{ item_id: item, qty: 80 }] }), 201);
  const res = await post({ kind: 'transfer', site_id: site, to_site_id: ids.groupStore,
    date: '2024-03-05', lines: [{ item_id: item, qty: 50 }] });
  const p = assertProblem(res, 409, 'conflict');
  assert.match(p.errors[0].detail, /on 2024-03-10 would be -30箱/);
  const at = (date) => leader.get(`/api/v1/supply/stock?site_id=${site}&item_id=${item}&date=${date}`);
  assert.equal(must(await at('2024-03-10')).items[0].qty, 20);
  assert.equal(must(await at('2024-03-05')).items[0].qty, 100);
  const ledger = must(await leader.get(`/api/v1/supply/ledger?site_id=${site}&item_id=${item}`)).items;
  assert.deepEqual(ledger.map((m) => [m.date, m.qty, m.balance]),
    [['2024-03-01', 100, 100], ['2024-03-10', -80, 20]]);
});

test('requests, fulfilment and receipt confirmation', async () => {
  const gaotieSite = ids.sites['高铁社区'];
  // the liaison raises their unit's need, not another unit's
  const req = must(await gaotie.post('/api/v1/supply/requests', {
    unit_id: ids.units['高铁社区'], item: '酒精', quantity: '3箱', needed_by: '2030-01-01',
    reason: '复工后消毒用量增加',
  }), 201);
  assert.equal(req.qty, 120);
  assert.equal(req.status, 'none');
  assertProblem(await gaotie.post('/api/v1/supply/requests', {
    unit_id: ids.units['小堰堤社区'], item: '酒精', quantity: '1', reason: 'x',
  }), 404, 'not-found');
  // stock for it, then 2 boxes of 3: partial
  must(await leader.post('/api/v1/supply/documents', { kind: 'receipt', source: 'purchase',
    site_id: ids.groupStore, counterparty: '=HYPERLINK("http://evil")',
    lines: [{ item: 'alcohol', quantity: '10 boxes' }] }), 201);
  const dist = must(await leader.post('/api/v1/supply/documents', {
    kind: 'distribution', site_id: ids.groupStore, to_site_id: gaotieSite,
    lines: [{ item: '酒精', quantity: '2箱', request_id: req.id }],
  }), 201);
  assert.equal(dist.lines[0].display, '2箱(80瓶)');
  assert.equal(must(await gaotie.get(`/api/v1/supply/requests/${req.id}`)).status, 'partial');
  let short = must(await leader.get('/api/v1/supply/shortages'));
  assert.deepEqual(short.items.map((s) => [s.item, s.remaining_display]), [['酒精', '1箱(40瓶)']]);
  // the leader may not confirm; the liaison may, once
  assertProblem(await leader.post(`/api/v1/supply/documents/${dist.id}/confirmation`, {}), 403,
    'forbidden');
  const confirmed = must(await gaotie.post(`/api/v1/supply/documents/${dist.id}/confirmation`,
    { discrepancy: '一箱外包装破损' }));
  assert.equal(confirmed.confirmation.by, 'gaotie');
  assert.equal(confirmed.confirmation.discrepancy, '一箱外包装破损');
  assertProblem(await gaotie.post(`/api/v1/supply/documents/${dist.id}/confirmation`, {}), 409,
    'conflict');
  // the last box completes it
  must(await leader.post('/api/v1/supply/documents', {
    kind: 'distribution', site_id: ids.groupStore, to_unit_id: ids.units['高铁社区'],
    lines: [{ item_id: ids.items['酒精'], qty: 1, pack: 'box', request_id: req.id }],
  }), 201);
  assert.equal(must(await gaotie.get(`/api/v1/supply/requests/${req.id}`)).status, 'complete');
  short = must(await leader.get('/api/v1/supply/shortages'));
  assert.equal(short.requests.length, 0);
  // audit: every document and the confirmation
  assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE action = 'supply_document.confirm'
    AND object_id = ${dist.id}`), 1);
  assert.ok(count(srv.db, "SELECT count(*) FROM audit_event WHERE action = 'supply_document.create'") >= 3);
  assert.equal(count(srv.db, `SELECT count(*) FROM audit_event WHERE action = 'supply_request.create'
    AND object_id = ${req.id}`), 1);
});

// The cells of an XLSX sheet: { A1: { t, s, v } }.
function xlsxCells(buf, entry = 'xl/worksheets/sheet1.xml') {
  const dir = mkdtempSync(join(tmpdir(), 'sijin-xlsx-'));
  const file = join(dir, 'x.xlsx');
  writeFileSync(file, buf);
  let xml;
  try {
    xml = execFileSync('unzip', ['-p', file, entry], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const cells = {};
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/g)) {
    const attrs = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    const v = m[3] ? (m[3].match(/<(?:v|t)[^>]*>(.*?)<\/(?:v|t)>/) || [])[1] : undefined;
    cells[m[1]] = { t: attrs.t || '', s: attrs.s || '', v: v === undefined ? '' : unescape(v) };
  }
  return cells;
}

test('exports: CSV and XLSX of the ledger, stock and requests', async () => {
  const moves = count(srv.db, 'SELECT count(*) FROM supply_move');
  const csv = await auditor.get('/api/v1/supply/ledger/export?format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment; filename="supply-ledger-.*\.csv"/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, moves + 1, 'one row per movement, none dropped');
  assert.ok(lines.some((l) => l.includes('"\'=HYPERLINK(""http://evil"")"')), 'neutralised');

  const res = await fetch(`${srv.base}/api/v1/supply/ledger/export?format=xlsx`,
    { headers: { Cookie: auditor.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'),
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const cells = xlsxCells(Buffer.from(await res.arrayBuffer()));
  const rows = new Set(Object.keys(cells).map((k) => Number(k.replace(/^[A-Z]+/, ''))));
  assert.equal(rows.size, moves + 1);
  assert.equal(cells.A1.v, '站点');
  // row 2: the organ store's receipt of 2020-03-17 (Excel day 43907)
  assert.equal(cells.A2.v, '泰安市政协机关物资库');
  assert.equal(cells.C2.t, '');
  assert.notEqual(cells.C2.s, '');
  assert.equal(cells.C2.v, '43907');
  assert.equal(cells.D2.t, 'inlineStr');   // the document number is text
  assert.equal(cells.H2.t, '');            // the quantity is a number
  const evil = Object.values(cells).find((c) => c.v.includes('HYPERLINK'));
  assert.equal(evil.v, '\'=HYPERLINK("http://evil")');

  const stock = await auditor.get('/api/v1/supply/stock/export?format=csv&date=2020-03-18');
  const stockRows = stock.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.ok(stockRows.includes('"2020-03-18","高铁社区","单位","口罩","防护用品","200","个","200个","","否"'),
    stockRows.join('\n'));
  const reqs = await leader.get('/api/v1/supply/requests/export?format=csv');
  assert.equal(reqs.status, 200);
  assert.match(reqs.text, /"已完成"/);
  assertProblem(await leader.get('/api/v1/supply/requests/export?format=pdf'), 422, 'invalid-input',
    'format');
});
