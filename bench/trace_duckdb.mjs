// DuckDB as a peer of sijin's tracing (bench/trace_peers.sh): loads
// DIR/stays.csv into an in-memory DuckDB, runs each query of
// DIR/duckdb.sql (one a line) and writes DIR/duckdb.ms (milliseconds, one a
// query) and DIR/duckdb.ans (q,person,total rows); prints DuckDB's version.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run(`CREATE TABLE stay AS SELECT * FROM read_csv('${join(dir, 'stays.csv')}',
  header = false, columns = {'person': 'BIGINT', 'place': 'BIGINT', 'entry_at': 'BIGINT', 'exit_at': 'BIGINT'})`);
const ms = [];
const rows = [];
for (const sql of readFileSync(join(dir, 'duckdb.sql'), 'utf8').split('\n').filter(Boolean)) {
  const t = performance.now();
  const reader = await db.runAndReadAll(sql);
  ms.push(performance.now() - t);
  for (const r of reader.getRows()) rows.push(r.map(String).join(','));
}
writeFileSync(join(dir, 'duckdb.ms'), ms.map((x) => x.toFixed(3)).join('\n') + '\n');
writeFileSync(join(dir, 'duckdb.ans'), rows.length ? rows.join('\n') + '\n' : '');
const v = await db.runAndReadAll('SELECT version()');
console.log(String(v.getRows()[0][0]));
