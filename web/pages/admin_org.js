// The admin page's organisation cards: units (add, edit), and a unit's
// places with their checkpoints (add, edit), each checkpoint with its
// place code and printable poster.  GET/POST /api/v1/units, PATCH
// /api/v1/units/{id}, GET /api/v1/regions, /api/v1/units/{id}/places,
// POST /api/v1/places, PATCH /api/v1/places/{id},
// /api/v1/places/{id}/checkpoints, POST /api/v1/checkpoints, PATCH
// /api/v1/checkpoints/{id}, GET/POST /api/v1/checkpoints/{id}/place-code,
// GET …/place-code/poster (PNG, SVG).
import { api, get, listAll, post } from '../lib/api.js';
import { card, clear, field, h, showError, status, table } from '../lib/dom.js';
import { editButton, recordForm } from '../lib/form.js';
import { t } from '../lib/i18n.js';

const UNIT_KINDS = ['community', 'enterprise', 'project', 'village'];
const PLACE_KINDS = ['residential', 'workplace', 'canteen', 'site', 'public', 'other'];
const CHECKPOINT_KINDS = ['gate', 'monitoring_point', 'door'];

const patch = (path, body) => api('PATCH', path, body);

// Units: the list with an edit button per row and the add/edit form.
// changed() is called after a save (the places card's unit list follows).
export async function unitsCard(units, changed) {
  const regions = await listAll('/api/v1/regions?limit=500').catch(() => []);
  const list = h('div', { id: 'unit-list' });
  const form = recordForm({
    id: 'unit-form', title: t('admin.add_unit'), editTitle: (u) => t('admin.edit_named', { name: u.name }),
    fields: [
      { key: 'name', label: t('admin.unit_name'), required: true, maxlength: 100 },
      { key: 'kind', label: t('admin.kind'), options: UNIT_KINDS.map((k) => [k, t(`unitkind.${k}`)]), initial: 'community' },
      { key: 'region_id', label: t('admin.region'), numeric: true, required: true,
        options: [['', t('common.choose')], ...regions.map((r) => [r.id, r.name])], initial: '' },
      { key: 'address', label: t('admin.address'), maxlength: 200, nullable: true },
      { key: 'contact', label: t('admin.contact'), maxlength: 100, nullable: true },
    ],
    create: (b) => post('/api/v1/units', b),
    update: (u, b) => patch(`/api/v1/units/${u.id}`, b),
    saved: async () => { await load(); await changed(); },
  });
  async function load() {
    const rows = await listAll('/api/v1/units?limit=500');
    units.splice(0, units.length, ...rows);
    clear(list).append(table([
      { label: t('admin.unit'), value: (u) => u.name, class: 'name' },
      { label: t('admin.kind'), value: (u) => t(`unitkind.${u.kind}`) },
      { label: t('admin.region'), value: (u) => u.region_name || '' },
      { label: t('admin.address'), value: (u) => u.address || '' },
      { label: t('admin.contact'), value: (u) => u.contact || '' },
      { label: '', value: (u) => editButton(u.name, () => form.edit(u)) },
    ], rows));
  }
  await load();
  return card(t('admin.units'), list, form.el);
}

// Places and checkpoints of the chosen unit.  Returns { el, unitsChanged }.
export function placesCard(units) {
  const unit = field({ label: t('admin.unit'), name: 'places-unit', id: 'places-unit', options: [] });
  const out = h('div', { id: 'places' });
  const poster = h('div', { class: 'poster', id: 'poster', 'aria-live': 'polite' });
  const msg = status();
  let places = [];
  const unitId = () => Number(unit.input.value);

  const placeForm = recordForm({
    id: 'place-form', title: t('admin.add_place'), editTitle: (p) => t('admin.edit_named', { name: p.name }),
    fields: [
      { key: 'name', label: t('admin.place_name'), required: true, maxlength: 100 },
      { key: 'kind', label: t('admin.kind'), options: PLACE_KINDS.map((k) => [k, t(`placekind.${k}`)]), initial: 'residential' },
      { key: 'address', label: t('admin.address'), maxlength: 200, nullable: true },
      // Seconds in the API, minutes on the page (default 7200 s = 120 min).
      { key: 'default_stay_s', label: t('admin.default_stay'), type: 'number', min: 1, max: 1440, initial: 120,
        fromRecord: (p) => Math.round(p.default_stay_s / 60), toBody: (v) => v * 60 },
      { key: 'records_exits', label: t('admin.records_exits'), type: 'checkbox', initial: true },
    ],
    create: (b) => post('/api/v1/places', { ...b, unit_id: unitId() }),
    update: (p, b) => patch(`/api/v1/places/${p.id}`, b),
    saved: () => show(),
  });
  const cpForm = recordForm({
    id: 'checkpoint-form', title: t('admin.add_checkpoint'), editTitle: (c) => t('admin.edit_named', { name: c.name }),
    fields: [
      { key: 'place_id', label: t('admin.place'), numeric: true, required: true, createOnly: true,
        options: [], initial: () => (places[0] ? places[0].id : '') },
      { key: 'name', label: t('admin.checkpoint_name'), required: true, maxlength: 100 },
      { key: 'kind', label: t('admin.kind'), options: CHECKPOINT_KINDS.map((k) => [k, t(`cpkind.${k}`)]), initial: 'gate' },
    ],
    create: (b) => post('/api/v1/checkpoints', b),
    update: (c, b) => patch(`/api/v1/checkpoints/${c.id}`, b),
    saved: () => show(),
  });
  const forms = h('div', { hidden: true }, placeForm.el, cpForm.el);

  async function showPoster(c, make) {
    clear(poster);
    msg.hidden = true;
    try {
      if (make) await api('POST', `/api/v1/checkpoints/${c.id}/place-code`);
      const code = await get(`/api/v1/checkpoints/${c.id}/place-code`);
      const png = `/api/v1/checkpoints/${c.id}/place-code/poster?format=png`;
      poster.append(h('h3', { text: c.name }), h('p', { class: 'hint', text: code.url || '' }),
        h('img', { src: png, alt: t('admin.poster_alt', { name: c.name }) }),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', text: t('admin.print'), onclick: () => window.print() }),
          h('a', { class: 'button', href: png, target: '_blank', rel: 'noopener', text: t('admin.poster_png') }),
          h('a', { class: 'button', href: `/api/v1/checkpoints/${c.id}/place-code/poster?format=svg`, download: '', text: t('admin.poster_svg') })));
    } catch (err) {
      if (err.status === 404 && !make) poster.append(h('p', { text: t('admin.no_code', { name: c.name }) }),
        h('button', { type: 'button', class: 'primary', text: t('admin.make_code'), onclick: () => showPoster(c, true) }));
      else showError(msg, err);
    }
  }

  async function show() {
    clear(out); clear(poster);
    msg.hidden = true;
    forms.hidden = !unit.input.value;
    if (!unit.input.value) return;
    try {
      places = await listAll(`/api/v1/units/${unit.input.value}/places?limit=500`);
      const sel = cpForm.el.querySelector('select[name=place_id]');
      clear(sel).append(...places.map((p) => h('option', { value: String(p.id), text: p.name })));
      for (const p of places) {
        const cps = await listAll(`/api/v1/places/${p.id}/checkpoints?limit=500`);
        out.append(h('section', { class: 'place', dataset: { place: String(p.id) } },
          h('h3', {}, p.name, ' ', h('span', { class: 'hint', text: `${t(`placekind.${p.kind}`)} · ${t('admin.stay_minutes', { n: Math.round(p.default_stay_s / 60) })}` }), ' ',
            editButton(p.name, () => placeForm.edit(p))),
          table([
            { label: t('admin.checkpoint'), value: (c) => c.name, class: 'name' },
            { label: t('admin.kind'), value: (c) => t(`cpkind.${c.kind}`) },
            { label: t('admin.poster'), value: (c) => h('button', { type: 'button', text: t('admin.poster'),
              'aria-label': t('admin.poster_of', { name: c.name }), onclick: () => showPoster(c, false) }) },
            { label: '', value: (c) => editButton(c.name, () => cpForm.edit(c)) },
          ], cps, { caption: t('admin.checkpoints_of', { name: p.name }) })));
      }
      placeForm.reset(); cpForm.reset();
    } catch (err) { showError(msg, err); }
  }

  function unitsChanged() {
    const keep = unit.input.value;
    clear(unit.input).append(...[['', t('common.choose')], ...units.map((u) => [u.id, u.name])]
      .map(([v, text]) => h('option', { value: String(v), text })));
    unit.input.value = keep;
  }
  unitsChanged();
  unit.input.addEventListener('change', show);
  return { el: card(t('admin.places'), unit.wrap, msg, out, forms, poster), unitsChanged };
}
