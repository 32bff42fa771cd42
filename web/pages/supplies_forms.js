// The write forms of the supplies page (docs/supply.md), through the
// public API only, each with its own status line showing the API's problem
// (naming the field):
// - a new stock document (POST /api/v1/supply/documents): receipt,
//   distribution (each line may fulfil an open request of the receiving
//   unit), transfer, adjustment, consumption;
// - a supply request, a site asking for items (POST /api/v1/supply/requests,
//   permission request.raise: admin, leader, member and the unit liaison);
// - the receiving unit's confirmation of a distribution, with any
//   discrepancy (POST /api/v1/supply/documents/{id}/confirmation,
//   supply.confirm: admin and the unit liaison).
// Quantities are typed as at a store ("6箱", "240", "1箱5瓶") and read by
// the server.  Every value goes into the DOM as text (lib/dom.js h()).
import { get, post } from '../lib/api.js';
import { clear, field, h, setOptions, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { today } from '../lib/time.js';

const KINDS = ['receipt', 'distribution', 'transfer', 'adjustment', 'consumption'];
const SOURCES = ['donation', 'purchase', 'allocation', 'raised'];

// An open request as an option: "#3 高铁社区 · 口罩 · 尚缺 200个".
const requestText = (r) => `#${r.id} ${r.unit_name} · ${r.item} · ${t('supply.missing')} ${r.remaining_display}`;

function lineRow(items, n) {
  const item = field({ label: t('supply.line_item', { n }), name: `item-${n}`, options: [['', t('common.choose')], ...items.map((i) => [i.id, i.name])] });
  const qty = field({ label: t('supply.line_qty', { n }), name: `qty-${n}`, maxlength: 40, placeholder: '6箱' });
  const request = field({ label: t('supply.line_request', { n }), name: `request-${n}`, options: [['', t('supply.no_request')]] });
  return { el: h('div', { class: 'cols line' }, item.wrap, qty.wrap, request.wrap), item: item.input, qty: qty.input,
    request: request.input, requestWrap: request.wrap };
}

// The new document form.  Returns { form, setRequests(open requests) }: the
// open requests a distribution's lines may fulfil, kept fresh by the page.
export function docForm(sites, items, units, refresh) {
  const kind = field({ label: t('supply.kind'), name: 'kind', options: KINDS.map((k) => [k, t(`supply.kind.${k}`)]) });
  const date = field({ label: t('supply.date'), name: 'date', type: 'date', value: today() });
  const site = field({ label: t('supply.doc_site'), name: 'site_id', options: [['', t('common.choose')], ...sites.map((s) => [s.id, s.name])] });
  const toUnit = field({ label: t('supply.to_unit'), name: 'to_unit_id', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const toSite = field({ label: t('supply.to_site'), name: 'to_site_id', options: [['', t('common.choose')], ...sites.map((s) => [s.id, s.name])] });
  const source = field({ label: t('supply.source'), name: 'source', options: SOURCES.map((s) => [s, t(`supply.source.${s}`)]) });
  const counterparty = field({ label: t('supply.counterparty'), name: 'counterparty', maxlength: 200 });
  const reason = field({ label: t('supply.reason'), name: 'reason', maxlength: 500 });
  const note = field({ label: t('supply.note'), name: 'note', maxlength: 500 });
  let open = [];
  const lines = [];
  const linesEl = h('div', { class: 'lines' });
  const msg = status();
  // A line offers the open requests of the receiving unit for its item.
  const syncLine = (l) => {
    const u = Number(toUnit.input.value);
    const it = Number(l.item.value);
    l.requestWrap.hidden = kind.input.value !== 'distribution';
    setOptions(l.request, t('supply.no_request'),
      open.filter((r) => (!u || r.unit_id === u) && (!it || r.item_id === it)).map((r) => [r.id, requestText(r)]));
  };
  const sync = () => {
    const k = kind.input.value;
    toUnit.wrap.hidden = k !== 'distribution';
    toSite.wrap.hidden = k !== 'transfer';
    source.wrap.hidden = k !== 'receipt';
    counterparty.wrap.hidden = k !== 'receipt';
    reason.wrap.hidden = k !== 'adjustment';
    lines.forEach(syncLine);
  };
  const newLine = () => {
    const l = lineRow(items, lines.length + 1);
    l.item.addEventListener('change', () => syncLine(l));
    lines.push(l);
    linesEl.append(l.el);
    syncLine(l);
    return l;
  };
  newLine();
  const addLine = h('button', { type: 'button', text: t('supply.add_line'), onclick: () => newLine().item.focus() });
  kind.input.addEventListener('change', sync);
  toUnit.input.addEventListener('change', sync);
  sync();
  const form = h('form', { class: 'card', id: 'supply-doc', novalidate: true }, h('h2', { text: t('supply.new_doc') }),
    h('div', { class: 'cols' }, kind.wrap, date.wrap, site.wrap, toUnit.wrap, toSite.wrap, source.wrap, counterparty.wrap, reason.wrap),
    linesEl, h('div', { class: 'actions' }, addLine), note.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('supply.submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const k = kind.input.value;
    const body = { kind: k, site_id: Number(site.input.value) || undefined, date: date.input.value || undefined };
    if (k === 'distribution' && toUnit.input.value) body.to_unit_id = Number(toUnit.input.value);
    if (k === 'transfer' && toSite.input.value) body.to_site_id = Number(toSite.input.value);
    if (k === 'receipt') { body.source = source.input.value; if (counterparty.input.value.trim()) body.counterparty = counterparty.input.value.trim(); }
    if (k === 'adjustment' && reason.input.value.trim()) body.reason = reason.input.value.trim();
    if (note.input.value.trim()) body.note = note.input.value.trim();
    body.lines = lines.filter((l) => l.item.value || l.qty.value.trim())
      .map((l) => ({ item_id: Number(l.item.value) || undefined, quantity: l.qty.value.trim(),
        request_id: k === 'distribution' && l.request.value ? Number(l.request.value) : undefined }));
    try {
      await post('/api/v1/supply/documents', body);
      showOk(msg, t('supply.saved'));
      for (const l of lines) { l.item.value = ''; l.qty.value = ''; l.request.value = ''; }
      await refresh();
    } catch (err) { showError(msg, err); }
  });
  return { form, setRequests: (rs) => { open = rs; lines.forEach(syncLine); } };
}

// A site asks for items: unit, item, quantity, needed by, reason.
export function requestForm(units, items, refresh) {
  const unit = field({ label: t('supply.req_unit'), name: 'unit_id', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])],
    value: units.length === 1 ? units[0].id : '' });
  const item = field({ label: t('supply.item'), name: 'item_id', options: [['', t('common.choose')], ...items.map((i) => [i.id, i.name])] });
  const qty = field({ label: t('supply.req_qty'), name: 'quantity', maxlength: 40, placeholder: '2箱' });
  const neededBy = field({ label: t('supply.needed_by'), name: 'needed_by', type: 'date' });
  const reason = field({ label: t('supply.req_reason'), name: 'reason', maxlength: 500, required: true });
  const msg = status();
  const form = h('form', { class: 'card', id: 'supply-request-new', novalidate: true }, h('h2', { text: t('supply.new_request') }),
    h('div', { class: 'cols' }, unit.wrap, item.wrap, qty.wrap, neededBy.wrap), reason.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('supply.submit_request') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { unit_id: Number(unit.input.value) || undefined, item_id: Number(item.input.value) || undefined,
      quantity: qty.input.value.trim() || undefined, needed_by: neededBy.input.value || undefined,
      reason: reason.input.value.trim() || undefined };
    try {
      const r = await post('/api/v1/supply/requests', body);
      showOk(msg, t('supply.request_saved', { id: r.id, qty: r.display }));
      qty.input.value = ''; reason.input.value = ''; neededBy.input.value = '';
      await refresh();
    } catch (err) { showError(msg, err); }
  });
  return form;
}

// The receiving unit confirms a distribution: the document's lines, any
// discrepancy.  Returns { form, update(), pick(id) }: update() refreshes
// the unconfirmed distributions to choose from, pick(id) chooses one.
export function confirmForm(refresh) {
  const doc = field({ label: t('supply.confirm_doc'), name: 'document_id', options: [] });
  const discrepancy = field({ label: t('supply.discrepancy'), name: 'discrepancy', textarea: true, maxlength: 500 });
  const linesEl = h('div', { id: 'confirm-lines', 'aria-live': 'polite' });
  const msg = status();
  const form = h('form', { class: 'card', id: 'supply-confirm', novalidate: true }, h('h2', { text: t('supply.confirm_title') }),
    h('div', { class: 'cols' }, doc.wrap), linesEl, discrepancy.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('supply.confirm') }));
  const showLines = async () => {
    clear(linesEl);
    if (!doc.input.value) return;
    const d = await get(`/api/v1/supply/documents/${doc.input.value}`);
    linesEl.append(table([
      { label: t('supply.item'), value: (l) => l.item },
      { label: t('supply.quantity'), value: (l) => l.display, class: 'num' },
      { label: t('supply.fulfils'), value: (l) => (l.request_id ? `#${l.request_id}` : '') },
    ], d.lines || [], { caption: t('supply.doc_caption', { id: d.id, date: d.date, from: d.site_name, to: d.to_site_name || '' }) }));
  };
  doc.input.addEventListener('change', () => showLines().catch((e) => showError(msg, e)));
  const update = async () => {
    const ds = (await get('/api/v1/supply/documents?kind=distribution&unconfirmed=true&limit=200')).items;
    setOptions(doc.input, t('common.choose'), ds.map((d) => [d.id, `#${d.id} ${d.date} ${d.site_name} → ${d.to_site_name || ''}`]));
  };
  const pick = async (id) => {
    await update();
    doc.input.value = String(id);
    msg.hidden = true;
    await showLines().catch((e) => showError(msg, e));
    discrepancy.input.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!doc.input.value) { showError(msg, new Error(t('supply.choose_doc'))); doc.input.focus(); return; }
    const id = doc.input.value;
    const body = {};
    if (discrepancy.input.value.trim()) body.discrepancy = discrepancy.input.value.trim();
    try {
      await post(`/api/v1/supply/documents/${id}/confirmation`, body);
      discrepancy.input.value = '';
      clear(linesEl);
      await refresh();
      showOk(msg, t('supply.confirmed_doc', { id }));
    } catch (err) { showError(msg, err); }
  });
  return { form, update, pick };
}
