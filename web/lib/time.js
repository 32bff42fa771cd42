// Dates and instants.  The server answers instants in the deployment's
// zone (RFC 3339 with offset, e.g. 2020-03-18T09:30:00+08:00); the pages
// show them as written there and ask for local days of that zone.
export const ZONE = 'Asia/Shanghai';

// Today's date (YYYY-MM-DD) in zone.
export function today(zone = ZONE) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

// The zone's UTC offset at noon of date, as "+08:00".
export function offsetOf(date, zone = ZONE) {
  const d = new Date(`${date}T12:00:00Z`);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(d).find((p) => p.type === 'timeZoneName').value;   // "GMT+08:00" or "GMT"
  const m = /GMT([+-]\d{2}:\d{2})/.exec(name);
  return m ? m[1] : '+00:00';
}

// [start, end) of a local day as RFC 3339 instants.
export function dayBounds(date, zone = ZONE) {
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

// A datetime-local value ("2020-03-18T09:30") as an instant in zone.
export function localToInstant(v, zone = ZONE) {
  if (!v) return undefined;
  return `${v.length === 16 ? v + ':00' : v}${offsetOf(v.slice(0, 10), zone)}`;
}
