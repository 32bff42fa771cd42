// Supplies (物资): stock on hand per site and item, open shortages, the
// documents (with the receiving unit's confirmation) and the communities'
// requests, and the forms of supplies_forms.js: a new document (receipt,
// distribution, transfer, adjustment, consumption), a new request, and the
// confirmation of a delivery received.
// GET /api/v1/supply/{stock,shortages,documents,requests,sites,items};
// the forms post to supply/documents, supply/requests and
// supply/documents/{id}/confirmation (docs/supply.md).
import { get, listAll, qs } from '../lib/api.js';
import { card, clear, field, h, showError, status, table } from '../lib/dom.js';
import { currentLang, t } from '../lib/i18n.js';
import { confirmForm, docForm, requestForm } from './supplies_forms.js';

// Permissions by role (docs/roles.md): supply.write, request.raise,
// supply.confirm.
const WRITERS = ['admin', 'leader', 'member'];
const RAISERS = ['admin', 'leader', 'member', 'unit'];
const CONFIRMERS = ['admin', 'unit'];

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
  const confirm = CONFIRMERS.includes(user.role) ? confirmForm(() => refresh()) : null;
  // The confirmation, or for a distribution still unconfirmed the button
  // that opens it in the confirmation form.
  const confirmation = (d) => {
    if (d.confirmation)
      return [d.confirmation.by, d.confirmation.at.slice(0, 10), d.confirmation.discrepancy].filter(Boolean).join(' ');
    if (d.kind !== 'distribution') return '';
    if (!confirm) return h('span', { class: 'badge', text: t('supply.unconfirmed') });
    return h('button', { type: 'button', text: t('supply.confirm_receipt'), 'aria-label': t('supply.confirm_named', { id: d.id }),
      onclick: () => confirm.pick(d.id).catch((e) => showError(stockMsg, e)) });
  };
  const loadDocs = async () => {
    const docs = await get('/api/v1/supply/documents?limit=50');
    clear(docsEl).append(table([
      { label: t('supply.date'), value: (d) => d.date },
      { label: t('supply.kind'), value: (d) => t(`supply.kind.${d.kind}`) },
      { label: t('supply.from'), value: (d) => d.site_name },
      { label: t('supply.to'), value: (d) => d.to_site_name || '' },
      { label: t('supply.lines'), value: (d) => String(d.n_lines), class: 'num' },
      { label: t('supply.confirmed'), value: confirmation },
      { label: t('supply.note'), value: (d) => d.note || '' },
    ], docs.items, { rowProps: (d) => ({ dataset: { doc: String(d.id) } }) }));
    if (confirm) await confirm.update();
  };
  const reqEl = h('div', { id: 'supply-requests' });
  const loadRequests = async () => {
    const rs = await get('/api/v1/supply/requests?limit=100');
    const sh = await get('/api/v1/supply/shortages');
    if (doc) doc.setRequests(await listAll('/api/v1/supply/requests?open=true&limit=500'));
    clear(reqEl).append(table([
      { label: '#', value: (r) => `#${r.id}` },
      { label: t('supply.unit'), value: (r) => r.unit_name },
      { label: t('supply.item'), value: (r) => r.item },
      { label: t('supply.requested'), value: (r) => r.display, class: 'num' },
      { label: t('supply.delivered'), value: (r) => r.delivered_display, class: 'num' },
      { label: t('supply.status'), value: (r) => t(`supply.rstatus.${r.status}`) },
      { label: t('supply.needed_by'), value: (r) => r.needed_by || '' },
      { label: t('supply.reason'), value: (r) => r.reason || '' },
    ], rs.items, { caption: t('supply.requests'), rowProps: (r) => ({ dataset: { request: String(r.id) } }) }),
    table([
      { label: t('supply.item'), value: (s) => s.item },
      { label: t('supply.open_requests'), value: (s) => String(s.requests), class: 'num' },
      { label: t('supply.missing'), value: (s) => s.remaining_display, class: 'num' },
    ], sh.items || [], { caption: t('dash.shortages') }));
  };
  const refresh = () => Promise.all([loadStock(), loadDocs(), loadRequests()]);
  const doc = WRITERS.includes(user.role) ? docForm(sites, items, units, refresh) : null;

  view.append(h('h1', { text: t('nav.supplies') }),
    card(t('supply.stock'), h('div', { class: 'toolbar' }, siteFilter.wrap,
      h('a', { class: 'button', href: '/api/v1/supply/stock/export?format=xlsx', download: '', text: t('supply.export_stock') }),
      h('a', { class: 'button', href: '/api/v1/supply/ledger/export?format=xlsx', download: '', text: t('supply.export_ledger') })),
    stockMsg, stockEl));
  if (doc) view.append(doc.form);
  view.append(card(t('supply.documents'), docsEl));
  if (confirm) view.append(confirm.form);
  view.append(card(t('supply.requests'), reqEl));
  if (RAISERS.includes(user.role)) view.append(requestForm(units, items, refresh));
  await refresh().catch((e) => showError(stockMsg, e));
  view.dataset.loaded = 'true';
}
