// Supplies (物资): stock on hand per site and item, open shortages, a new
// document (receipt, distribution, transfer, adjustment, consumption)
// with any number of lines, the documents and the communities' requests.
// GET /api/v1/supply/{stock,shortages,documents,requests,sites,items},
// POST /api/v1/supply/documents.  Quantities are typed as at a store
// ("6箱", "240", "1箱5瓶") and read by the server (docs/supply.md).
import { get, listAll, post, qs } from '../lib/api.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { currentLang, t } from '../lib/i18n.js';
import { today } from '../lib/time.js';

const KINDS = ['receipt', 'distribution', 'transfer', 'adjustment', 'consumption'];
const SOURCES = ['donation', 'purchase', 'allocation', 'raised'];

const disp = (row, key = 'display') => (currentLang() === 'en' && row[`${key}_en`]) || row[key];

export async function render({ view, user }) {
  const [sites, items, units] = await Promise.all([
    listAll('/api/v1/supply/sites'), listAll('/api/v1/supply/items'),
    listAll('/api/v1/units?limit=500').catch(() => []),
  ]);
  const stockEl = h('div', { id: 'stock' });
  const siteFilter = field({ label: t('supply.site'), name: 'stock-site', options: [['', t('supply.all_sites')], ...sites.map((s) => [s.id, s.name])] });
  const loadStock = async () => {
    const st = (await get(`/api/v1/supply/stock${qs({ site_id: siteFilter.input.value })}`)).items;
    clear(stockEl).append(table([
      { label: t('supply.site'), value: (r) => r.site_name },
      { label: t('supply.item'), value: (r) => r.item },
      { label: t('supply.on_hand'), value: (r) => disp(r), class: 'num' },
      { label: t('supply.qty_base'), value: (r) => String(r.qty), class: 'num' },
      { label: t('supply.minimum'), value: (r) => (r.below_min ? h('span', { class: 'badge bad', text: t('supply.below_min') }) : '') },
    ], st, { rowProps: (r) => ({ dataset: { site: String(r.site_id), item: String(r.item_id) } }) }));
  };
  siteFilter.input.addEventListener('change', () => loadStock().catch((e) => showError(stockMsg, e)));
  const stockMsg = status();
  const docsEl = h('div', { id: 'documents' });
  const loadDocs = async () => {
    const docs = await get('/api/v1/supply/documents?limit=50');
    clear(docsEl).append(table([
      { label: t('supply.date'), value: (d) => d.date },
      { label: t('supply.kind'), value: (d) => t(`supply.kind.${d.kind}`) },
      { label: t('supply.from'), value: (d) => d.site_name },
      { label: t('supply.to'), value: (d) => d.to_site_name || '' },
      { label: t('supply.lines'), value: (d) => String(d.n_lines), class: 'num' },
      { label: t('supply.confirmed'), value: (d) => (d.confirmation ? `${d.confirmation.by || ''} ${d.confirmation.at.slice(0, 10)}` : '') },
      { label: t('supply.note'), value: (d) => d.note || '' },
    ], docs.items));
  };
  const reqEl = h('div', { id: 'supply-requests' });
  const loadRequests = async () => {
    const rs = await get('/api/v1/supply/requests?limit=100');
    const sh = await get('/api/v1/supply/shortages');
    clear(reqEl).append(table([
      { label: t('supply.unit'), value: (r) => r.unit_name },
      { label: t('supply.item'), value: (r) => r.item },
      { label: t('supply.requested'), value: (r) => r.display, class: 'num' },
      { label: t('supply.delivered'), value: (r) => r.delivered_display, class: 'num' },
      { label: t('supply.status'), value: (r) => t(`supply.rstatus.${r.status}`) },
      { label: t('supply.needed_by'), value: (r) => r.needed_by || '' },
      { label: t('supply.reason'), value: (r) => r.reason || '' },
    ], rs.items, { caption: t('supply.requests') }),
    table([
      { label: t('supply.item'), value: (s) => s.item },
      { label: t('supply.open_requests'), value: (s) => String(s.requests), class: 'num' },
      { label: t('supply.missing'), value: (s) => s.remaining_display, class: 'num' },
    ], sh.items || [], { caption: t('dash.shortages') }));
  };
  const refresh = () => Promise.all([loadStock(), loadDocs(), loadRequests()]);

  view.append(h('h1', { text: t('nav.supplies') }),
    card(t('supply.stock'), h('div', { class: 'toolbar' }, siteFilter.wrap,
      h('a', { class: 'button', href: '/api/v1/supply/stock/export?format=xlsx', download: '', text: t('supply.export_stock') }),
      h('a', { class: 'button', href: '/api/v1/supply/ledger/export?format=xlsx', download: '', text: t('supply.export_ledger') })),
    stockMsg, stockEl));
  if (['admin', 'leader', 'member'].includes(user.role)) view.append(docForm(sites, items, units, refresh));
  view.append(card(t('supply.documents'), docsEl), card(t('supply.requests'), reqEl));
  await refresh().catch((e) => showError(stockMsg, e));
  view.dataset.loaded = 'true';
}

function lineRow(items, n) {
  const item = field({ label: t('supply.line_item', { n }), name: `item-${n}`, options: [['', t('common.choose')], ...items.map((i) => [i.id, i.name])] });
  const qty = field({ label: t('supply.line_qty', { n }), name: `qty-${n}`, maxlength: 40, placeholder: '6箱' });
  return { el: h('div', { class: 'cols line' }, item.wrap, qty.wrap), item: item.input, qty: qty.input };
}

function docForm(sites, items, units, refresh) {
  const kind = field({ label: t('supply.kind'), name: 'kind', options: KINDS.map((k) => [k, t(`supply.kind.${k}`)]) });
  const date = field({ label: t('supply.date'), name: 'date', type: 'date', value: today() });
  const site = field({ label: t('supply.doc_site'), name: 'site_id', options: [['', t('common.choose')], ...sites.map((s) => [s.id, s.name])] });
  const toUnit = field({ label: t('supply.to_unit'), name: 'to_unit_id', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const toSite = field({ label: t('supply.to_site'), name: 'to_site_id', options: [['', t('common.choose')], ...sites.map((s) => [s.id, s.name])] });
  const source = field({ label: t('supply.source'), name: 'source', options: SOURCES.map((s) => [s, t(`supply.source.${s}`)]) });
  const counterparty = field({ label: t('supply.counterparty'), name: 'counterparty', maxlength: 200 });
  const reason = field({ label: t('supply.reason'), name: 'reason', maxlength: 500 });
  const note = field({ label: t('supply.note'), name: 'note', maxlength: 500 });
  const lines = [lineRow(items, 1)];
  const linesEl = h('div', { class: 'lines' }, lines[0].el);
  const addLine = h('button', { type: 'button', text: t('supply.add_line'), onclick: () => {
    const l = lineRow(items, lines.length + 1);
    lines.push(l);
    linesEl.append(l.el);
    l.item.focus();
  } });
  const msg = status();
  const sync = () => {
    const k = kind.input.value;
    toUnit.wrap.hidden = k !== 'distribution';
    toSite.wrap.hidden = k !== 'transfer';
    source.wrap.hidden = k !== 'receipt';
    counterparty.wrap.hidden = k !== 'receipt';
    reason.wrap.hidden = k !== 'adjustment';
  };
  kind.input.addEventListener('change', sync);
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
      .map((l) => ({ item_id: Number(l.item.value) || undefined, quantity: l.qty.value.trim() }));
    try {
      await post('/api/v1/supply/documents', body);
      showOk(msg, t('supply.saved'));
      for (const l of lines) { l.item.value = ''; l.qty.value = ''; }
      await refresh();
    } catch (err) { showError(msg, err); }
  });
  return form;
}
