// The message catalogues (web/i18n/*.json): both languages have the same
// keys, no message is empty, and every key the pages ask for with
// t('key') — read from the source — is in them.  Placeholders ({name})
// match between the languages.  No browser needed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { top } from '../api/lib.mjs';

const web = join(top, 'web');
const zh = JSON.parse(readFileSync(join(web, 'i18n', 'zh-CN.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(web, 'i18n', 'en.json'), 'utf8'));

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'vendor' ? [] : sources(p);
    return p.endsWith('.js') && !p.endsWith('checkin.js') ? [p] : [];
  });
}

test('both catalogues have the same keys, none empty, the same placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  const ph = (s) => (s.match(/\{\w+\}/g) || []).sort();
  for (const k of Object.keys(zh)) {
    assert.ok(zh[k].trim() && en[k].trim(), `empty message ${k}`);
    assert.deepEqual(ph(en[k]), ph(zh[k]), `placeholders of ${k}`);
  }
});

test('every literal key the pages use is in the catalogues', () => {
  const used = new Set();
  for (const f of sources(web)) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z0-9_.-]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/data-t="([a-z0-9_.-]+)"/g)) used.add(m[1]);
  }
  for (const m of readFileSync(join(web, 'index.html'), 'utf8').matchAll(/data-t="([a-z0-9_.-]+)"/g)) used.add(m[1]);
  assert.ok(used.size > 100, `only ${used.size} keys found`);
  const missing = [...used].filter((k) => !(k in zh));
  assert.deepEqual(missing, []);
});

test('no page puts data into innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
  for (const f of sources(web)) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(src, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/, f);
  }
});
