// Visits (走访): the list, with the needs found, and a form to record a
// visit to a unit or one of its households.  GET/POST /api/v1/visits,
// GET /api/v1/needs.
import { get, listAll, post, qs } from '../lib/api.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { today } from '../lib/time.js';

export async function render({ view, user }) {
  const units = await listAll('/api/v1/units?limit=500');
  const unit = field({ label: t('visit.unit'), name: 'unit', options: [['', t('visit.all_units')], ...units.map((u) => [u.id, u.name])] });
  const listEl = h('div', { id: 'visit-list' });
  const msg = status();
  const load = async () => {
    const page = await get(`/api/v1/visits${qs({ unit_id: unit.input.value, limit: 100 })}`);
    clear(listEl).append(table([
      { label: t('visit.date'), value: (v) => v.visited_on },
      { label: t('visit.unit'), value: (v) => v.unit_name },
      { label: t('visit.household'), value: (v) => v.household || '' },
      { label: t('visit.purpose'), value: (v) => v.purpose },
      { label: t('visit.summary'), value: (v) => v.summary || '' },
      { label: t('visit.visitors'), value: (v) => (v.visitors || []).map((x) => x.name).join('、') },
      { label: t('visit.needs'), value: (v) => (v.needs || []).map((n) => n.difficulty || n.category).join('；') },
    ], page.items));
  };
  unit.input.addEventListener('change', () => load().catch((e) => showError(msg, e)));
  view.append(h('h1', { text: t('nav.visits') }), card(t('visit.list'), unit.wrap, msg, listEl));
  if (['admin', 'leader', 'member', 'unit'].includes(user.role)) view.append(newForm(units, load));
  await load().catch((e) => showError(msg, e));
  view.dataset.loaded = 'true';
}

function newForm(units, reload) {
  const unit = field({ label: t('visit.unit'), name: 'unit_id', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const date = field({ label: t('visit.date'), name: 'visited_on', type: 'date', value: today() });
  const purpose = field({ label: t('visit.purpose'), name: 'purpose', maxlength: 500, required: true });
  const summary = field({ label: t('visit.summary'), name: 'summary', textarea: true, maxlength: 4000 });
  const msg = status();
  const form = h('form', { class: 'card', id: 'visit-new', novalidate: true }, h('h2', { text: t('visit.new') }),
    h('div', { class: 'cols' }, unit.wrap, date.wrap, purpose.wrap), summary.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { unit_id: Number(unit.input.value) || undefined, visited_on: date.input.value, purpose: purpose.input.value.trim() };
    if (summary.input.value.trim()) body.summary = summary.input.value.trim();
    try { await post('/api/v1/visits', body); showOk(msg, t('common.saved')); await reload(); } catch (err) { showError(msg, err); }
  });
  return form;
}
