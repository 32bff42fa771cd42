// People and households: search people (name, identity number or
// mobile; identity data masked), add a person, and list the households
// of a unit's places.  GET/POST /api/v1/people, /api/v1/units,
// /api/v1/units/{id}/places, /api/v1/places/{id}/households.
import { get, listAll, post, qs } from '../lib/api.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const TAGS = ['resident', 'staff', 'outsider', 'home_quarantine', 'key_group', 'living_alone', 'elderly', 'disabled'];

export async function render({ view, user }) {
  const units = await listAll('/api/v1/units?limit=500');
  const unitName = (id) => (units.find((u) => u.id === id) || {}).name || '';
  const q = field({ label: t('people.query'), name: 'q', id: 'people-q', maxlength: 100 });
  const msg = status();
  const results = h('div', { id: 'people-results' });
  const search = h('form', { class: 'card toolbar', id: 'people-search', role: 'search' }, q.wrap,
    h('button', { type: 'submit', class: 'primary', text: t('people.search') }), msg);
  search.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    try {
      const page = await get(`/api/v1/people${qs({ q: q.input.value.trim(), limit: 200 })}`);
      clear(results).append(table([
        { label: t('people.name'), value: (p) => p.name, class: 'name' },
        { label: t('people.id_number'), value: (p) => p.id_number_masked },
        { label: t('people.mobile'), value: (p) => p.mobile_masked },
        { label: t('people.unit'), value: (p) => unitName(p.unit_id) },
        { label: t('people.tags'), value: (p) => (p.tags || []).map((x) => t(`tag.${x}`)).join('、') },
      ], page.items, { caption: t('people.results', { n: page.items.length }) }));
    } catch (err) { showError(msg, err); }
  });
  view.append(h('h1', { text: t('nav.people') }), search, results);
  if (['admin', 'leader', 'member'].includes(user.role)) view.append(addForm(units));
  view.append(households(units));
}

function addForm(units) {
  const name = field({ label: t('people.name'), name: 'name', maxlength: 100, required: true });
  const idn = field({ label: t('people.id_number'), name: 'id_number', maxlength: 18 });
  const mobile = field({ label: t('people.mobile'), name: 'mobile', type: 'tel', maxlength: 20 });
  const unit = field({ label: t('people.unit'), name: 'unit_id', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const tag = field({ label: t('people.tags'), name: 'tag', options: [['', t('common.none')], ...TAGS.map((x) => [x, t(`tag.${x}`)])] });
  const msg = status();
  const form = h('form', { class: 'card', id: 'person-add', novalidate: true }, h('h2', { text: t('people.add') }),
    h('div', { class: 'cols' }, name.wrap, idn.wrap, mobile.wrap, unit.wrap, tag.wrap), msg,
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: name.input.value.trim() };
    if (idn.input.value.trim()) body.id_number = idn.input.value.trim();
    if (mobile.input.value.trim()) body.mobile = mobile.input.value.trim();
    if (unit.input.value) body.unit_id = Number(unit.input.value);
    if (tag.input.value) body.tags = [tag.input.value];
    try {
      const p = await post('/api/v1/people', body);
      showOk(msg, t('people.added', { name: p.name }));
      name.input.value = ''; idn.input.value = ''; mobile.input.value = '';
    } catch (err) { showError(msg, err); }
  });
  return form;
}

function households(units) {
  const unit = field({ label: t('people.unit'), name: 'hh-unit', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const out = h('div', {});
  const msg = status();
  unit.input.addEventListener('change', async () => {
    clear(out);
    msg.hidden = true;
    if (!unit.input.value) return;
    try {
      for (const p of await listAll(`/api/v1/units/${unit.input.value}/places?limit=500`)) {
        const hh = await listAll(`/api/v1/places/${p.id}/households?limit=500`);
        out.append(table([
          { label: t('people.building'), value: (x) => x.building },
          { label: t('people.entrance'), value: (x) => x.entrance },
          { label: t('people.room'), value: (x) => x.room },
        ], hh, { caption: p.name }));
      }
    } catch (err) { showError(msg, err); }
  });
  return card(t('people.households'), unit.wrap, msg, out);
}
