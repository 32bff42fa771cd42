// Tracing (内防扩散): an index person (by identity number or person id)
// → the contacts table (degree, total overlap, first exposure, places and
// intervals), and an export of that table as CSV made in the browser from
// the API's answer.  POST /api/v1/traces (docs/trace.md).
import { post } from '../lib/api.js';
import { card, clear, field, h, showError, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { allPlaces } from '../lib/org.js';
import { localToInstant, showInstant } from '../lib/time.js';

// The export's columns, in Chinese whatever the page's language, as the
// server's exports (docs/reports.md; `sijin trace --format csv`, whose
// words they take where the columns are the same: domain/trace_export.c):
// the contact's person id, masked 是/否, degree 密接/次密接, total overlap
// in minutes, then one interval a row: place, from, to (RFC 3339),
// minutes, and the person id it came through (second degree).
const CSV_HEADER = ['人员编号', '已隐去', '密接程度', '累计接触(分钟)', '场所', '自', '至', '分钟', '经由(人员编号)'];

// One CSV field: quoted; text that a spreadsheet would run as a formula
// (= + - @, tab, CR) gets a leading apostrophe.
function csvField(v) {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export async function render({ view }) {
  const places = new Map();
  try {
    for (const p of await allPlaces()) places.set(p.id, `${p.unit_name} · ${p.name}`);
  } catch { /* ids only */ }
  const placeName = (id) => places.get(id) || `#${id}`;
  const who = field({ label: t('trace.who'), name: 'who', maxlength: 18, required: true });
  const from = field({ label: t('trace.from'), name: 'from', type: 'datetime-local' });
  const to = field({ label: t('trace.to'), name: 'to', type: 'datetime-local' });
  const minutes = field({ label: t('trace.min_overlap'), name: 'min', type: 'number', min: 0, value: '15' });
  const margin = field({ label: t('trace.margin'), name: 'margin', type: 'number', min: 0, value: '0' });
  const depth = field({ label: t('trace.depth'), name: 'depth', options: [['1', '1'], ['2', '2']] });
  const msg = status();
  const out = h('div', { id: 'trace-result' });
  const form = h('form', { class: 'card', id: 'trace-form', novalidate: true }, h('h2', { text: t('trace.index') }),
    h('div', { class: 'cols' }, who.wrap, from.wrap, to.wrap, minutes.wrap, margin.wrap, depth.wrap), msg,
    h('button', { type: 'submit', class: 'primary', text: t('trace.run') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(out);
    msg.hidden = true;
    const v = who.input.value.trim();
    const body = /^\d{1,15}$/.test(v) ? { person_id: Number(v) } : { id_number: v };
    body.min_overlap_minutes = Number(minutes.input.value || 0);
    body.margin_minutes = Number(margin.input.value || 0);
    body.depth = Number(depth.input.value);
    try {
      // a time the clocks skipped or showed twice is refused here (localToInstant)
      if (from.input.value) body.from = localToInstant(from.input.value);
      if (to.input.value) body.to = localToInstant(to.input.value);
      const r = await post('/api/v1/traces', body);
      const rows = r.contacts.flatMap((c) => c.intervals.map((iv) => ({ c, iv })));
      // the BOM: Excel reads the file as UTF-8 (the ledgers have it too: sheet.c)
      const csv = ['\ufeff' + CSV_HEADER.map(csvField).join(','),
        ...rows.map(({ c, iv }) => [c.person_id, c.masked ? '是' : '否', c.degree === 1 ? '密接' : '次密接', Math.round(c.total_s / 60), placeName(iv.place_id),
          iv.from, iv.to, Math.round(iv.seconds / 60), iv.via_person_id ?? ''].map(csvField).join(','))].join('\r\n');
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      out.append(card(t('trace.result', { first: r.n_first, second: r.n_second }),
        h('p', { class: 'hint', text: t('trace.window', { from: showInstant(r.params.from), to: showInstant(r.params.to) }) }),
        h('h3', { text: t('trace.own_stays') }),
        table([{ label: t('trace.place'), value: (s) => placeName(s.place_id) }, { label: t('trace.entry'), value: (s) => showInstant(s.entry_at) },
          { label: t('trace.exit'), value: (s) => showInstant(s.exit_at) }], r.own_stays),
        h('h3', { text: t('trace.contacts') }),
        table([
          { label: t('trace.person'), value: (c) => (c.masked || c.person_id === null ? t('trace.masked') : `#${c.person_id}`) },
          { label: t('trace.degree'), value: (c) => String(c.degree), class: 'num' },
          { label: t('trace.total'), value: (c) => String(Math.round(c.total_s / 60)), class: 'num' },
          { label: t('trace.first'), value: (c) => showInstant(c.first_at) },
          { label: t('trace.where'), value: (c) => c.intervals.map((iv) => `${placeName(iv.place_id)} ${showInstant(iv.from)}–${iv.to.slice(11, 16)}`).join('；') },
        ], r.contacts, { class: 'contacts' }),
        h('div', { class: 'actions' }, h('a', { class: 'button', href: url, download: 'trace.csv', text: t('trace.export') }))));
    } catch (err) { showError(msg, err); }
  });
  view.append(h('h1', { text: t('nav.trace') }), form, out);
  view.dataset.loaded = 'true';
}
