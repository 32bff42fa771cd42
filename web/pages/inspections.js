// Inspections (督导检查) with checklists: the list with each item's
// result; a form that lays out a checklist's items (pass / fail / not
// applicable, a note; a failed item is a finding and needs its description
// and a rectify-by date) for a checkpoint or a place; the findings with
// their status (open, overdue, closed) and a re-check form (pass closes the
// finding, fail sets a new rectify-by date) with the finding's history.
// GET /api/v1/checklists, GET/POST /api/v1/inspections,
// GET /api/v1/findings, GET /api/v1/findings/{id},
// POST /api/v1/findings/{id}/rechecks (docs: src/domain/inspection.h).
import { get, post, qs } from '../lib/api.js';
import { card, clear, field, h, multiField, newId, setOptions, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { allCheckpoints, allMembers, allPlaces } from '../lib/org.js';
import { today } from '../lib/time.js';

const RESULTS = ['pass', 'fail', 'na'];
// inspection.write (docs/roles.md): unit liaisons and auditors only read.
const WRITERS = ['admin', 'leader', 'member'];

export async function render({ view, user }) {
  const writer = WRITERS.includes(user.role);
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
  const findings = findingsCard(writer);
  const reload = () => Promise.all([load(), findings.load()]);
  view.append(h('h1', { text: t('nav.inspections') }), card(t('insp.list'), msg, listEl));
  if (writer) view.append(await newForm(checklists, reload));
  view.append(findings.el);
  if (writer) view.append(findings.recheck);
  await reload().catch((e) => showError(msg, e));
  view.dataset.loaded = 'true';
}

const where = (f) => [f.unit_name, f.place_name, f.checkpoint_name].filter(Boolean).join(' · ');

function findingStatus(f) {
  if (f.status === 'closed') return h('span', { class: 'badge ok', text: t('insp.fstatus.closed') });
  return h('span', {}, h('span', { class: 'badge', text: t('insp.fstatus.open') }),
    f.overdue ? h('span', { class: 'badge overdue', text: t('insp.fstatus.overdue') }) : null);
}

// The findings table with its filter, and (for writers) the re-check form.
function findingsCard(writer) {
  const filter = field({ label: t('insp.finding_filter'), name: 'finding-status', options: [
    ['open', t('insp.fstatus.open')], ['overdue', t('insp.fstatus.overdue')],
    ['closed', t('insp.fstatus.closed')], ['', t('insp.fstatus.all')]] });
  const listEl = h('div', { id: 'finding-list' });
  const msg = status();
  const rc = writer ? recheckForm(() => load()) : null;
  const load = async () => {
    const v = filter.input.value;
    const page = await get(`/api/v1/findings${qs({ status: v === 'overdue' ? 'open' : v, overdue: v === 'overdue' ? 'true' : '', limit: 200 })}`);
    clear(listEl).append(table([
      { label: '#', value: (f) => `#${f.id}` },
      { label: t('insp.found_on'), value: (f) => f.found_on },
      { label: t('insp.where'), value: where },
      { label: t('insp.item'), value: (f) => f.label },
      { label: t('insp.description'), value: (f) => f.description },
      { label: t('insp.rectify_by'), value: (f) => f.rectify_by },
      { label: t('insp.fstatus'), value: findingStatus },
      { label: t('insp.closed_on'), value: (f) => f.closed_on || '' },
      ...(rc ? [{ label: t('insp.action'), value: (f) => (f.status !== 'open' ? '' : h('button', { type: 'button', text: t('insp.recheck'),
        'aria-label': t('insp.recheck_named', { id: f.id }), onclick: () => rc.pick(f.id) })) }] : []),
    ], page.items, { rowProps: (f) => ({ dataset: { finding: String(f.id) } }) }));
    if (rc) await rc.update();
  };
  filter.input.addEventListener('change', () => load().catch((e) => showError(msg, e)));
  return { el: card(t('insp.findings'), filter.wrap, msg, listEl), recheck: rc && rc.form, load };
}

// The re-check of a finding: date, pass or fail, a note, and for a fail the
// new rectify-by date; below it the finding's re-checks so far.
function recheckForm(reload) {
  const finding = field({ label: t('insp.finding'), name: 'finding_id', options: [] });
  const date = field({ label: t('insp.checked_on'), name: 'checked_on', type: 'date', value: today() });
  const result = field({ label: t('insp.recheck_result'), name: 'result', options: [['pass', t('insp.recheck_pass')], ['fail', t('insp.recheck_fail')]] });
  const rectify = field({ label: t('insp.new_rectify_by'), name: 'rectify_by', type: 'date' });
  const note = field({ label: t('insp.recheck_note'), name: 'note', textarea: true, maxlength: 2000 });
  const historyEl = h('div', { id: 'finding-history', 'aria-live': 'polite' });
  const msg = status();
  const form = h('form', { class: 'card', id: 'finding-recheck', novalidate: true }, h('h2', { text: t('insp.recheck_title') }),
    h('div', { class: 'cols' }, finding.wrap, date.wrap, result.wrap, rectify.wrap), note.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('insp.save_recheck') }), historyEl);
  const sync = () => { rectify.wrap.hidden = result.input.value !== 'fail'; };
  result.input.addEventListener('change', sync);
  sync();
  const history = async () => {
    clear(historyEl);
    if (!finding.input.value) return;
    const f = await get(`/api/v1/findings/${finding.input.value}`);
    historyEl.append(h('p', {}, `#${f.id} ${where(f)} · ${f.label}：${f.description} `, findingStatus(f)),
      table([
        { label: t('insp.checked_on'), value: (r) => r.checked_on },
        { label: t('insp.recheck_result'), value: (r) => t(`insp.recheck_${r.result}`) },
        { label: t('insp.new_rectify_by'), value: (r) => r.rectify_by || '' },
        { label: t('insp.recheck_note'), value: (r) => r.note || '' },
        { label: t('insp.recheck_by'), value: (r) => (r.inspection_id ? t('insp.by_inspection', { id: r.inspection_id }) : t('insp.by_recheck')) },
      ], f.rechecks || [], { caption: t('insp.history') }));
  };
  finding.input.addEventListener('change', () => history().catch((e) => showError(msg, e)));
  // The open findings to choose from, kept when still open.
  const update = async () => {
    const open = (await get('/api/v1/findings?status=open&limit=200')).items;
    setOptions(finding.input, t('common.choose'), open.map((f) => [f.id, `#${f.id} ${where(f)} · ${f.label}（${f.rectify_by}）`]));
  };
  const pick = async (id) => {
    await update();
    finding.input.value = String(id);
    if (finding.input.value !== String(id)) {
      // A closed finding is not re-checked; its history is still shown.
      finding.input.value = '';
      showError(msg, new Error(t('insp.finding_closed', { id })));
    } else {
      msg.hidden = true;
    }
    await history().catch((e) => showError(msg, e));
    result.input.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!finding.input.value) { showError(msg, new Error(t('insp.choose_finding'))); finding.input.focus(); return; }
    const body = { checked_on: date.input.value || undefined, result: result.input.value };
    if (result.input.value === 'fail') body.rectify_by = rectify.input.value || undefined;
    if (note.input.value.trim()) body.note = note.input.value.trim();
    const id = finding.input.value;
    try {
      const after = await post(`/api/v1/findings/${id}/rechecks`, body);
      note.input.value = '';
      await reload();
      finding.input.value = after.status === 'open' ? id : '';
      showOk(msg, t(after.status === 'open' ? 'insp.still_open' : 'insp.closed', { id, date: after.closed_on || after.rectify_by }));
      clear(historyEl);
      if (after.status === 'open') await history();
    } catch (err) { showError(msg, err); }
  });
  return { form, update, pick };
}

async function newForm(checklists, reload) {
  const places = (await allPlaces()).map((p) => [p.id, `${p.unit_name} · ${p.name}`]);
  const cps = (await allCheckpoints()).map((c) => [c.id, `${c.unit_name} · ${c.place_name} · ${c.name}`]);
  const members = await allMembers();
  const cl = field({ label: t('insp.checklist'), name: 'checklist', options: checklists.map((c) => [c.code, c.name]) });
  const cp = field({ label: t('insp.checkpoint'), name: 'checkpoint_id', options: [['', t('common.choose')], ...cps] });
  const place = field({ label: t('insp.place'), name: 'place_id', options: [['', t('common.choose')], ...places] });
  const date = field({ label: t('insp.date'), name: 'inspected_on', type: 'date', value: today() });
  const inspectors = multiField(t('insp.inspectors'), 'inspector_ids',
    members.map((m) => [m.id, m.title ? `${m.name}（${m.title}）` : m.name]), { chooseOnly: true });
  const summary = field({ label: t('insp.summary'), name: 'summary', textarea: true, maxlength: 4000 });
  const itemsEl = h('div', { class: 'checklist-items' });
  let rows = [];
  const lay = () => {
    const c = checklists.find((x) => x.code === cl.input.value);
    rows = (c ? c.items : []).map((it) => {
      const name = newId('res');
      const note = field({ label: t('insp.note_for', { item: it.label }), name: `note-${it.code}`, maxlength: 2000 });
      const rectify = field({ label: t('insp.rectify_for', { item: it.label }), name: `rectify-${it.code}`, type: 'date' });
      const sync = () => { rectify.wrap.hidden = !radios.some((r) => r.input.checked && r.input.value === 'fail'); };
      const radios = RESULTS.map((r) => {
        const id = newId('r');
        const input = h('input', { type: 'radio', id, name, value: r, checked: r === 'pass', onchange: () => sync() });
        return { input, el: h('label', { for: id }, input, t(`insp.result.${r}`)) };
      });
      sync();
      return { it, name, note: note.input, rectify: rectify.input,
        el: h('fieldset', { class: 'radio-block', dataset: { item: it.code } }, h('legend', { text: it.label }),
          h('div', { class: 'radio' }, radios.map((r) => r.el)), note.wrap, rectify.wrap) };
    });
    clear(itemsEl).append(...rows.map((r) => r.el));
  };
  cl.input.addEventListener('change', lay);
  lay();
  const msg = status();
  const form = h('form', { class: 'card', id: 'inspection-new', novalidate: true }, h('h2', { text: t('insp.new') }),
    h('div', { class: 'cols' }, cl.wrap, cp.wrap, place.wrap, date.wrap, inspectors.wrap),
    h('p', { class: 'hint', text: t('insp.fail_hint') }), itemsEl, summary.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { checklist: cl.input.value, checkpoint_id: Number(cp.input.value) || undefined,
      place_id: cp.input.value ? undefined : Number(place.input.value) || undefined, inspected_on: date.input.value,
      inspector_ids: inspectors.values(),
      items: rows.map((r) => {
        const x = { item: r.it.code, result: form.querySelector(`input[name="${r.name}"]:checked`).value };
        if (r.note.value.trim()) x.note = r.note.value.trim();
        if (x.result === 'fail' && r.rectify.value) x.rectify_by = r.rectify.value;
        return x;
      }) };
    if (summary.input.value.trim()) body.summary = summary.input.value.trim();
    try { await post('/api/v1/inspections', body); showOk(msg, t('common.saved')); await reload(); } catch (err) { showError(msg, err); }
  });
  return form;
}
