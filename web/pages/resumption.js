// Work resumption (复工复产): the rate on a date (numerator and
// denominator stated), the trend, and per enterprise or project its dated
// reports with blockers, plus a form to file a report.
// GET /api/v1/resumption/{rate,trend}, GET/POST
// /api/v1/resumption/units/{id}/reports.
import { get, listAll, post, qs } from '../lib/api.js';
import { barOption, chart } from '../lib/chart.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { today } from '../lib/time.js';

const STATES = ['not_resumed', 'partial', 'resumed'];
const pct = (r) => (r.denominator ? `${Math.round((1000 * r.numerator) / r.denominator) / 10}%` : '—');

export async function render({ view, user, cleanup }) {
  const units = (await listAll('/api/v1/units?limit=500')).filter((u) => u.kind === 'enterprise' || u.kind === 'project');
  const date = field({ label: t('res.date'), name: 'date', type: 'date', value: today() });
  const rateEl = h('div', { id: 'res-rate' });
  const trendEl = h('div', {});
  const msg = status();
  const loadRate = async () => {
    const d = date.input.value || today();
    const r = await get(`/api/v1/resumption/rate${qs({ date: d })}`);
    clear(rateEl).append(table([{ label: t('report.figure'), value: (x) => x[0] }, { label: t('report.value'), value: (x) => x[1], class: 'num' }], [
      [t('res.units'), String(r.units)], [t('res.reporting'), String(r.reporting)],
      [t('res.resumed'), `${r.resumed_rate.numerator}/${r.resumed_rate.denominator} (${pct(r.resumed_rate)})`],
      [t('res.partial'), `${r.partial_rate.numerator}/${r.partial_rate.denominator} (${pct(r.partial_rate)})`],
      [t('res.not_resumed'), String(r.not_resumed)],
      [t('res.staff'), `${r.staff_return_rate.numerator}/${r.staff_return_rate.denominator} (${pct(r.staff_return_rate)})`],
    ]));
    const start = new Date(`${d}T00:00:00Z`);
    start.setUTCDate(start.getUTCDate() - 30);
    const tr = await get(`/api/v1/resumption/trend${qs({ from: start.toISOString().slice(0, 10), to: d })}`);
    const num = (x) => (x.denominator ? Math.round((1000 * x.numerator) / x.denominator) / 10 : 0);
    clear(trendEl).append(chart(t('dash.resumption'), barOption(tr.points.map((p) => p.date), [
      { name: t('dash.resumed_rate'), data: tr.points.map((p) => num(p.resumed_rate)) },
      { name: t('dash.partial_rate'), data: tr.points.map((p) => num(p.partial_rate)) }], { line: true, max: 100 }), cleanup).el);
  };
  date.input.addEventListener('change', () => loadRate().catch((e) => showError(msg, e)));
  const unit = field({ label: t('res.unit'), name: 'unit', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const repEl = h('div', { id: 'res-reports' });
  const loadReports = async () => {
    clear(repEl);
    if (!unit.input.value) return;
    const rs = await get(`/api/v1/resumption/units/${unit.input.value}/reports`);
    repEl.append(table([
      { label: t('res.report_date'), value: (r) => r.report_date },
      { label: t('res.status'), value: (r) => t(`res.state.${r.status}`) },
      { label: t('res.staff_on_site'), value: (r) => (r.staff_on_site === null ? '' : `${r.staff_on_site}/${r.staff_total ?? ''}`), class: 'num' },
      { label: t('res.capacity'), value: (r) => (r.capacity_pct === null ? '' : `${r.capacity_pct}%`), class: 'num' },
      { label: t('res.blockers'), value: (r) => h('span', {}, (r.blocker_ids || []).map((id) => h('a', { href: `#/requests/${id}`, text: `#${id} ` }))) },
      { label: t('res.note'), value: (r) => r.note || '' },
    ], rs.items));
  };
  unit.input.addEventListener('change', () => loadReports().catch((e) => showError(msg, e)));
  view.append(h('h1', { text: t('nav.resumption') }), h('form', { class: 'toolbar', onsubmit: (e) => e.preventDefault() }, date.wrap), msg,
    h('div', { class: 'grid' }, card(t('res.rate'), rateEl), card(t('dash.resumption'), trendEl)),
    card(t('res.reports'), unit.wrap, repEl));
  if (['admin', 'leader', 'member', 'unit'].includes(user.role)) view.append(reportForm(unit, loadReports));
  await loadRate().catch((e) => showError(msg, e));
  view.dataset.loaded = 'true';
}

function reportForm(unit, reload) {
  const d = field({ label: t('res.report_date'), name: 'report_date', type: 'date', value: today() });
  const st = field({ label: t('res.status'), name: 'status', options: STATES.map((s) => [s, t(`res.state.${s}`)]) });
  const on = field({ label: t('res.staff_on_site'), name: 'staff_on_site', type: 'number', min: 0 });
  const total = field({ label: t('res.staff_total'), name: 'staff_total', type: 'number', min: 0 });
  const cap = field({ label: t('res.capacity'), name: 'capacity_pct', type: 'number', min: 0, max: 100 });
  const blockers = field({ label: t('res.blocker_ids'), name: 'blocker_ids', placeholder: '1, 2' });
  const note = field({ label: t('res.note'), name: 'note', textarea: true, maxlength: 2000 });
  const msg = status();
  const form = h('form', { class: 'card', id: 'res-form', novalidate: true }, h('h2', { text: t('res.file') }),
    h('div', { class: 'cols' }, d.wrap, st.wrap, on.wrap, total.wrap, cap.wrap, blockers.wrap), note.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!unit.input.value) { showError(msg, t('res.choose_unit')); unit.input.focus(); return; }
    const body = { report_date: d.input.value, status: st.input.value };
    for (const [k, f] of [['staff_on_site', on], ['staff_total', total], ['capacity_pct', cap]]) if (f.input.value !== '') body[k] = Number(f.input.value);
    const ids = blockers.input.value.split(/[,，\s]+/).filter(Boolean).map(Number);
    if (ids.length) body.blocker_ids = ids;
    if (note.input.value.trim()) body.note = note.input.value.trim();
    try {
      await post(`/api/v1/resumption/units/${unit.input.value}/reports`, body);
      showOk(msg, t('common.saved'));
      await reload();
    } catch (err) { showError(msg, err); }
  });
  return form;
}
