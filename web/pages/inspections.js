// Inspections (督导检查) with checklists: the list with each item's
// result and the findings, and a form that lays out a checklist's items
// (pass / fail / not applicable, a note) for a checkpoint.
// GET /api/v1/checklists, GET/POST /api/v1/inspections, GET /api/v1/findings.
import { get, post } from '../lib/api.js';
import { card, clear, field, h, newId, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { allCheckpoints, allPlaces } from '../lib/org.js';
import { today } from '../lib/time.js';

const RESULTS = ['pass', 'fail', 'na'];

export async function render({ view, user }) {
  const checklists = (await get('/api/v1/checklists')).items;
  const listEl = h('div', { id: 'inspection-list' });
  const msg = status();
  const load = async () => {
    const page = await get('/api/v1/inspections?limit=100');
    clear(listEl).append(table([
      { label: t('insp.date'), value: (i) => i.inspected_on },
      { label: t('insp.where'), value: (i) => [i.unit_name, i.place_name, i.checkpoint_name].filter(Boolean).join(' · ') },
      { label: t('insp.checklist'), value: (i) => (checklists.find((c) => c.code === i.checklist) || {}).name || i.checklist },
      { label: t('insp.items'), value: (i) => (i.items || []).map((x) => `${x.label}：${t(`insp.result.${x.result}`)}`).join('；') },
      { label: t('insp.summary'), value: (i) => i.summary || '' },
    ], page.items));
  };
  view.append(h('h1', { text: t('nav.inspections') }), card(t('insp.list'), msg, listEl));
  if (['admin', 'leader', 'member'].includes(user.role)) view.append(await newForm(checklists, load));
  await load().catch((e) => showError(msg, e));
  view.dataset.loaded = 'true';
}

async function newForm(checklists, reload) {
  const places = (await allPlaces()).map((p) => [p.id, `${p.unit_name} · ${p.name}`]);
  const cps = (await allCheckpoints()).map((c) => [c.id, `${c.unit_name} · ${c.place_name} · ${c.name}`]);
  const cl = field({ label: t('insp.checklist'), name: 'checklist', options: checklists.map((c) => [c.code, c.name]) });
  const cp = field({ label: t('insp.checkpoint'), name: 'checkpoint_id', options: [['', t('common.choose')], ...cps] });
  const place = field({ label: t('insp.place'), name: 'place_id', options: [['', t('common.choose')], ...places] });
  const date = field({ label: t('insp.date'), name: 'inspected_on', type: 'date', value: today() });
  const summary = field({ label: t('insp.summary'), name: 'summary', textarea: true, maxlength: 4000 });
  const itemsEl = h('div', { class: 'checklist-items' });
  let rows = [];
  const lay = () => {
    const c = checklists.find((x) => x.code === cl.input.value);
    rows = (c ? c.items : []).map((it) => {
      const name = newId('res');
      const radios = RESULTS.map((r) => {
        const id = newId('r');
        return h('label', { for: id }, h('input', { type: 'radio', id, name, value: r, checked: r === 'pass' }), t(`insp.result.${r}`));
      });
      const note = field({ label: t('insp.note_for', { item: it.label }), name: `note-${it.code}`, maxlength: 500 });
      return { it, name, el: h('fieldset', { class: 'radio-block' }, h('legend', { text: it.label }), h('div', { class: 'radio' }, radios), note.wrap), note: note.input };
    });
    clear(itemsEl).append(...rows.map((r) => r.el));
  };
  cl.input.addEventListener('change', lay);
  lay();
  const msg = status();
  const form = h('form', { class: 'card', id: 'inspection-new', novalidate: true }, h('h2', { text: t('insp.new') }),
    h('div', { class: 'cols' }, cl.wrap, cp.wrap, place.wrap, date.wrap), itemsEl, summary.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { checklist: cl.input.value, checkpoint_id: Number(cp.input.value) || undefined,
      place_id: cp.input.value ? undefined : Number(place.input.value) || undefined, inspected_on: date.input.value,
      items: rows.map((r) => {
        const x = { item: r.it.code, result: form.querySelector(`input[name="${r.name}"]:checked`).value };
        if (r.note.value.trim()) x.note = r.note.value.trim();
        return x;
      }) };
    if (summary.input.value.trim()) body.summary = summary.input.value.trim();
    try { await post('/api/v1/inspections', body); showOk(msg, t('common.saved')); await reload(); } catch (err) { showError(msg, err); }
  });
  return form;
}
