// Dates and instants.  The server answers instants in the deployment's
// zone (RFC 3339 with offset, e.g. 2020-03-18T09:30:00+08:00); the pages
// show them as written there and ask for local days of that zone.  The
// zone is the server's setting tz, named in the session's answer (GET and
// POST /api/v1/session "tz"; app.js passes it to setZone), never the
// browser's own zone.
import { t } from './i18n.js';

// The deployment's zone: the setting tz's default (docs/config.md) until
// setZone names the server's.
let deployment = 'Asia/Shanghai';

// Take name, an IANA zone name (the session's "tz"), as the zone of every
// local day and time below; an empty or missing name keeps the one before.
export function setZone(name) {
  if (name) deployment = name;
}

// Today's date (YYYY-MM-DD) in zone.
export function today(zone = deployment) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

// The zone's UTC offset at instant ms (milliseconds since the epoch), in
// minutes east of UTC (the tz database's, through Intl).
function offsetAt(ms, zone) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName').value;   // "GMT+08:00" or "GMT"
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

// Minutes east of UTC as "+08:00".
function offsetText(min) {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

// The offsets (minutes) with which zone's clocks showed the wall time s
// ("YYYY-MM-DDTHH:MM:SS"): one, none (the clocks skipped it: spring
// forward) or two (they showed it twice: fall back), earliest instant
// first.  As dt_local_instant (src/core/datetime.c): every offset in force
// within two days of it is among those tried.
function wallOffsets(s, zone) {
  const wall = Date.parse(`${s}Z`);
  const tried = [offsetAt(wall - 2 * 864e5, zone), offsetAt(wall + 2 * 864e5, zone)];
  tried.push(offsetAt(wall - tried[0] * 6e4, zone), offsetAt(wall - tried[1] * 6e4, zone));
  const found = [...new Set(tried)].filter((o) => offsetAt(wall - o * 6e4, zone) === o);
  return { found: found.sort((a, b) => b - a), before: tried[0], after: tried[1] };
}

// The zone's UTC offset at the start of local day date, as "+08:00".
export function offsetOf(date, zone = deployment) {
  const w = wallOffsets(`${date}T00:00:00`, zone);
  // a doubled midnight: the first; a skipped one: the offset before, which
  // names the instant the clocks jumped, the day's first
  return offsetText(w.found.length ? w.found[0] : w.before);
}

// [start, end) of a local day as RFC 3339 instants.
export function dayBounds(date, zone = deployment) {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const nd = next.toISOString().slice(0, 10);
  return [`${date}T00:00:00${offsetOf(date, zone)}`, `${nd}T00:00:00${offsetOf(nd, zone)}`];
}

// "2020-03-18T09:30:00+08:00" → "2020-03-18 09:30" (the zone's own wall time).
export function showInstant(s) {
  return typeof s === 'string' && s.length >= 16 ? `${s.slice(0, 10)} ${s.slice(11, 16)}` : (s ?? '');
}

// The hour (0–23) of an instant as written.
export function hourOf(s) { return Number(s.slice(11, 13)); }

// A datetime-local value ("2020-03-18T09:30") as an instant in zone.  A
// wall time the zone's clocks skipped or showed twice names no single
// instant: a RangeError saying so and asking for another time, never a
// guess (DESIGN.md §4 "Time"); its userMessage() is in the page's language.
export function localToInstant(v, zone = deployment) {
  if (!v) return undefined;
  const s = v.length === 16 ? `${v}:00` : v;
  const w = wallOffsets(s, zone);
  if (w.found.length === 1) return `${s}${offsetText(w.found[0])}`;
  const key = w.found.length ? 'time.twice' : 'time.skipped';
  const args = { time: s.replace('T', ' ').slice(0, 16), zone, from: offsetText(w.before), to: offsetText(w.after) };
  const err = new RangeError(`${args.time} ${w.found.length ? 'occurs twice' : 'does not exist'} in ${zone} (${args.from} → ${args.to})`);
  err.field = 'time';
  err.userMessage = () => t(key, args);
  throw err;
}
