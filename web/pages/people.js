// People and households: search people (name, identity number or
// mobile; identity data masked), add or edit a person (the identity
// number and mobile are never shown in clear: a blank field keeps them),
// and a unit's places' households (add, edit).  GET/POST /api/v1/people,
// PATCH /api/v1/people/{id}, /api/v1/units, /api/v1/units/{id}/places,
// /api/v1/places/{id}/households, POST /api/v1/households, PATCH
// /api/v1/households/{id}.
import { api, get, listAll, post, qs } from '../lib/api.js';
import { card, clear, field, h, showError, status, table } from '../lib/dom.js';
import { editButton, recordForm } from '../lib/form.js';
import { t } from '../lib/i18n.js';

const TAGS = ['resident', 'staff', 'outsider', 'home_quarantine', 'key_group', 'living_alone', 'elderly', 'disabled'];

export async function render({ view, user }) {
  const units = await listAll('/api/v1/units?limit=500');
  const unitName = (id) => (units.find((u) => u.id === id) || {}).name || '';
  const writes = ['admin', 'leader', 'member'].includes(user.role);
  const q = field({ label: t('people.query'), name: 'q', id: 'people-q', maxlength: 100 });
  const msg = status();
  const results = h('div', { id: 'people-results' });
  const form = writes ? personForm(units, () => search()) : null;
  const search = async () => {
    msg.hidden = true;
    try {
      const page = await get(`/api/v1/people${qs({ q: q.input.value.trim(), limit: 200 })}`);
      clear(results).append(table([
        { label: t('people.name'), value: (p) => p.name, class: 'name' },
        { label: t('people.id_number'), value: (p) => p.id_number_masked },
        { label: t('people.mobile'), value: (p) => p.mobile_masked },
        { label: t('people.unit'), value: (p) => unitName(p.unit_id) },
        { label: t('people.tags'), value: (p) => (p.tags || []).map((x) => t(`tag.${x}`)).join('、') },
        ...(writes ? [{ label: '', value: (p) => editButton(p.name, () => form.edit(p)) }] : []),
      ], page.items, { caption: t('people.results', { n: page.items.length }) }));
    } catch (err) { showError(msg, err); }
  };
  const bar = h('form', { class: 'card toolbar', id: 'people-search', role: 'search' }, q.wrap,
    h('button', { type: 'submit', class: 'primary', text: t('people.search') }), msg);
  bar.addEventListener('submit', (ev) => { ev.preventDefault(); search(); });
  view.append(h('h1', { text: t('nav.people') }), bar, results);
  if (form) view.append(h('section', { class: 'card' }, form.el));
  view.append(households(units, writes));
  view.dataset.loaded = 'true';
}

// Add or edit a person.  The API gives identity data masked only; editing
// shows the masked value beside an empty field, and an empty field keeps it.
function personForm(units, saved) {
  return recordForm({
    id: 'person-add', title: t('people.add'), editTitle: (p) => t('people.edit', { name: p.name }),
    fields: [
      { key: 'name', label: t('people.name'), required: true, maxlength: 100 },
      { key: 'id_number', label: t('people.id_number'), maxlength: 18, blankKeeps: true,
        hint: (p) => (p.id_number_masked ? t('people.masked_keep', { value: p.id_number_masked }) : '') },
      { key: 'mobile', label: t('people.mobile'), type: 'tel', maxlength: 20, blankKeeps: true,
        hint: (p) => (p.mobile_masked ? t('people.masked_keep', { value: p.mobile_masked }) : '') },
      { key: 'unit_id', label: t('people.unit'), numeric: true, nullable: true,
        options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])], initial: '' },
      { key: 'tags', label: t('people.tags'), type: 'checks', choices: TAGS.map((x) => [x, t(`tag.${x}`)]) },
    ],
    create: (b) => post('/api/v1/people', b),
    update: (p, b) => api('PATCH', `/api/v1/people/${p.id}`, b),
    saved,
  });
}

function households(units, writes) {
  const unit = field({ label: t('people.unit'), name: 'hh-unit', id: 'hh-unit', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const out = h('div', { id: 'households' });
  const msg = status();
  let places = [];
  const form = writes ? recordForm({
    id: 'household-form', title: t('people.add_household'),
    editTitle: (x) => t('people.edit_household', { room: [x.building, x.entrance, x.room].filter(Boolean).join('-') }),
    fields: [
      { key: 'place_id', label: t('people.place'), numeric: true, required: true, createOnly: true,
        options: [], initial: () => (places[0] ? places[0].id : '') },
      { key: 'building', label: t('people.building'), maxlength: 20, nullable: true },
      { key: 'entrance', label: t('people.entrance'), maxlength: 20, nullable: true },
      { key: 'room', label: t('people.room'), maxlength: 20, required: true },
    ],
    create: (b) => post('/api/v1/households', b),
    update: (x, b) => api('PATCH', `/api/v1/households/${x.id}`, b),
    saved: () => show(),
  }) : null;
  const room = (x) => [x.building, x.entrance, x.room].filter(Boolean).join('-');
  async function show() {
    clear(out);
    msg.hidden = true;
    if (form) form.el.hidden = !unit.input.value;
    if (!unit.input.value) return;
    try {
      places = await listAll(`/api/v1/units/${unit.input.value}/places?limit=500`);
      if (form) {
        const sel = form.el.querySelector('select[name=place_id]');
        clear(sel).append(...places.map((p) => h('option', { value: String(p.id), text: p.name })));
        form.reset();
      }
      for (const p of places) {
        const hh = await listAll(`/api/v1/places/${p.id}/households?limit=500`);
        out.append(table([
          { label: t('people.building'), value: (x) => x.building },
          { label: t('people.entrance'), value: (x) => x.entrance },
          { label: t('people.room'), value: (x) => x.room, class: 'room' },
          ...(form ? [{ label: '', value: (x) => editButton(room(x), () => form.edit(x)) }] : []),
        ], hh, { caption: p.name }));
      }
    } catch (err) { showError(msg, err); }
  }
  unit.input.addEventListener('change', show);
  if (form) form.el.hidden = true;
  return card(t('people.households'), unit.wrap, msg, out, form ? form.el : null);
}
