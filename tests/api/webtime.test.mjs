// web/lib/time.js: the web UI's local times in the deployment's zone
// (DESIGN.md §4 "Time").  A wall time typed without an offset names an
// instant only when the zone's clocks showed it once: one they skipped
// (spring forward) or showed twice (fall back) is refused, as the server
// refuses it in imports (dt_local_instant), never guessed.  The expected
// offsets are the tz database's (zdump -v -c 2024,2025 Europe/Berlin
// America/New_York; -c 1988,1989 Asia/Shanghai):
//   Berlin   2024-03-31 02:00 -> 03:00 (+01 -> +02), 2024-10-27 03:00 -> 02:00 (+02 -> +01)
//   New York 2024-03-10 02:00 -> 03:00 (-05 -> -04), 2024-11-03 02:00 -> 01:00 (-04 -> -05)
//   Shanghai 1988-04-17 02:00 -> 03:00 (+08 -> +09), 1988-09-11 02:00 -> 01:00 (+09 -> +08)
//   Santiago 2024-09-08 00:00 -> 01:00 (-04 -> -03): the day starts at 01:00-03:00 = 04:00Z
// No server: the module is plain ES with Intl (node's full ICU).  The
// zone the pages use by default is the server's, set from the session's
// answer (setZone; in a browser: tests/browser/zone.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayBounds, localToInstant, setZone } from '../../web/lib/time.js';

const refused = (v, zone, word) => assert.throws(() => localToInstant(v, zone),
  (e) => e instanceof RangeError && e.field === 'time' && e.message.includes(word), `${zone} ${v}`);

test('a wall time shown once takes the offset in force then', () => {
  assert.equal(localToInstant('2024-03-31T01:59', 'Europe/Berlin'), '2024-03-31T01:59:00+01:00');
  assert.equal(localToInstant('2024-03-31T03:00', 'Europe/Berlin'), '2024-03-31T03:00:00+02:00');
  assert.equal(localToInstant('2024-10-27T01:59', 'Europe/Berlin'), '2024-10-27T01:59:00+02:00');
  assert.equal(localToInstant('2024-10-27T03:00', 'Europe/Berlin'), '2024-10-27T03:00:00+01:00');
  assert.equal(localToInstant('2024-03-10T01:30', 'America/New_York'), '2024-03-10T01:30:00-05:00');
  assert.equal(localToInstant('2024-11-03T02:00', 'America/New_York'), '2024-11-03T02:00:00-05:00');
  assert.equal(localToInstant('2024-03-02T00:30', 'Asia/Shanghai'), '2024-03-02T00:30:00+08:00');
  assert.equal(localToInstant('1988-04-17T04:00', 'Asia/Shanghai'), '1988-04-17T04:00:00+09:00');
  assert.equal(localToInstant('1988-09-11T00:30', 'Asia/Shanghai'), '1988-09-11T00:30:00+09:00');
  // before the change, on the day of the change: the noon offset would be wrong here
  assert.equal(localToInstant('1988-04-17T01:00', 'Asia/Shanghai'), '1988-04-17T01:00:00+08:00');
  assert.equal(localToInstant(''), undefined);
});

test('a wall time skipped or shown twice is refused, never guessed', () => {
  refused('2024-03-31T02:30', 'Europe/Berlin', 'does not exist');
  refused('2024-10-27T02:30', 'Europe/Berlin', 'occurs twice');
  refused('2024-03-10T02:30', 'America/New_York', 'does not exist');
  refused('2024-11-03T01:30', 'America/New_York', 'occurs twice');
  refused('1988-04-17T02:30', 'Asia/Shanghai', 'does not exist');
  refused('1988-09-11T01:30', 'Asia/Shanghai', 'occurs twice');
  try { localToInstant('2024-10-27T02:30', 'Europe/Berlin'); } catch (e) {
    assert.match(e.message, /\+02:00 → \+01:00/);
    assert.equal(typeof e.userMessage, 'function');
  }
});

test('a local day starts at its own midnight, or at the first instant after a skipped one', () => {
  assert.deepEqual(dayBounds('2024-03-31', 'Europe/Berlin'),
    ['2024-03-31T00:00:00+01:00', '2024-04-01T00:00:00+02:00']);
  assert.deepEqual(dayBounds('2024-10-27', 'Europe/Berlin'),
    ['2024-10-27T00:00:00+02:00', '2024-10-28T00:00:00+01:00']);
  assert.deepEqual(dayBounds('2024-09-08', 'America/Santiago'),
    ['2024-09-08T00:00:00-04:00', '2024-09-09T00:00:00-03:00']);
  assert.deepEqual(dayBounds('2024-03-02'), ['2024-03-02T00:00:00+08:00', '2024-03-03T00:00:00+08:00']);
});

test('without a zone given, the one the session named (setZone) is used', () => {
  setZone('Europe/Berlin');
  try {
    assert.deepEqual(dayBounds('2024-03-31'), ['2024-03-31T00:00:00+01:00', '2024-04-01T00:00:00+02:00']);
    setZone('');  // an answer without a zone keeps the one before
    assert.equal(localToInstant('2024-10-27T03:00'), '2024-10-27T03:00:00+01:00');
  } finally {
    setZone('Asia/Shanghai');
  }
  assert.deepEqual(dayBounds('2024-03-31'), ['2024-03-31T00:00:00+08:00', '2024-04-01T00:00:00+08:00']);
});
