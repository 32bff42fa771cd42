// Reports (日报、台账): the daily report of a work group, a unit or a
// region for a day or a range — the figures and the brief on the page,
// and download buttons for the HTML page, the text, the XLSX workbook of
// every ledger and a CSV per ledger; plus the supply exports.
// GET /api/v1/reports/daily (docs/reports.md), /api/v1/groups,
// /api/v1/units, /api/v1/supply/{stock,ledger,requests}/export.
import { get, listAll, qs } from '../lib/api.js';
import { card, clear, field, h, showError, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { showInstant, today } from '../lib/time.js';

const LEDGERS = ['registrations', 'outsiders', 'disinfection', 'inspections', 'visits', 'supplies', 'requests', 'resumption'];

function figureTable(rep) {
  const rows = [
    [t('report.scans'), rep.registrations.scans], [t('dash.in'), rep.registrations.in], [t('dash.out'), rep.registrations.out],
    [t('report.alerts'), rep.alerts.total], [t('dash.fever'), rep.alerts.fever], [t('dash.denied'), rep.alerts.denied],
    [t('report.outsiders'), rep.outsiders],
    [t('report.disinfection_done'), rep.disinfection.done], [t('report.disinfection_overdue'), rep.disinfection.overdue],
    [t('report.inspections'), rep.inspections.inspections], [t('report.findings'), rep.inspections.findings],
    [t('report.visits'), rep.visits.visits], [t('report.needs'), rep.visits.needs],
    [t('report.requests_opened'), rep.requests.opened], [t('report.requests_resolved'), rep.requests.resolved],
    [t('report.requests_overdue'), rep.requests.overdue],
    [t('report.units_supplied'), rep.supplies.units_supplied],
  ];
  return table([{ label: t('report.figure'), value: (r) => r[0] }, { label: t('report.value'), value: (r) => String(r[1]), class: 'num' }],
    rows, { class: 'figures-table' });
}

export async function render({ view }) {
  const groups = await listAll('/api/v1/groups?limit=500').catch(() => []);
  const units = await listAll('/api/v1/units?limit=500').catch(() => []);
  const date = field({ label: t('report.date'), name: 'date', type: 'date', value: today() });
  const to = field({ label: t('report.to'), name: 'to', type: 'date' });
  const sel = field({ label: t('report.of'), name: 'of', options: [
    ...groups.map((g) => [`group:${g.id}`, `${t('report.group')} · ${g.name}`]),
    ...units.map((u) => [`unit:${u.id}`, `${t('report.unit')} · ${u.name}`])] });
  const msg = status();
  const out = h('div', { id: 'report' });
  const downloads = h('div', { class: 'actions', id: 'report-downloads' });
  const params = (o) => {
    const [k, id] = sel.input.value.split(':');
    return qs({ date: date.input.value, to: to.input.value, [k]: id, ...o });
  };
  const link = (text, o) => h('a', { class: 'button', href: `/api/v1/reports/daily${params(o)}`, download: '', text });
  const show = async () => {
    msg.hidden = true;
    clear(out);
    clear(downloads);
    if (!date.input.value || !sel.input.value) return;
    try {
      const rep = await get(`/api/v1/reports/daily${params({ format: 'json' })}`);
      downloads.append(link(t('report.dl_html'), { format: 'html' }), link(t('report.dl_text'), { format: 'text' }),
        link(t('report.dl_xlsx'), { format: 'xlsx' }),
        ...LEDGERS.map((l) => link(t('report.dl_csv', { ledger: t(`ledger.${l}`) }), { format: 'csv', ledger: l })));
      out.append(h('h2', { text: rep.title }),
        h('p', { class: 'brief', id: 'report-brief', text: rep.brief }),
        h('div', { class: 'grid' },
          card(t('report.figures'), figureTable(rep)),
          card(t('report.delivered'), table([
            { label: t('supply.item'), value: (q) => q.item },
            { label: t('report.qty'), value: (q) => q.display, class: 'num' },
            { label: t('report.units'), value: (q) => String(q.units ?? ''), class: 'num' },
          ], rep.supplies.delivered || [], { class: 'delivered' })),
          card(t('report.by_department'), table([
            { label: t('request.department'), value: (d) => d.name },
            { label: t('report.requests_opened'), value: (d) => String(d.opened), class: 'num' },
            { label: t('report.requests_resolved'), value: (d) => String(d.resolved), class: 'num' },
            { label: t('report.requests_overdue'), value: (d) => String(d.overdue), class: 'num' },
          ], rep.requests.by_department || [])),
          card(t('report.resolved_requests'), table([
            { label: '#', value: (x) => h('a', { href: `#/requests/${x.id}`, text: `#${x.id}` }) },
            { label: t('request.department'), value: (x) => x.departments },
            { label: t('request.reply'), value: (x) => x.reply },
            { label: t('report.replied_by'), value: (x) => x.replied_by },
            { label: t('request.replied'), value: (x) => showInstant(x.replied_at) },
          ], rep.requests.resolved_requests || [], { class: 'resolved' }))));
      view.dataset.report = 'true';
    } catch (err) { showError(msg, err); }
  };
  const form = h('form', { class: 'card toolbar', id: 'report-form' }, date.wrap, to.wrap, sel.wrap,
    h('button', { type: 'submit', class: 'primary', text: t('report.show') }));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); show(); });
  view.append(h('h1', { text: t('nav.reports') }), form, msg, card(t('report.downloads'), downloads), out,
    card(t('report.supply_exports'), h('div', { class: 'actions' },
      ...['stock', 'ledger', 'requests'].flatMap((k) => ['xlsx', 'csv'].map((f) =>
        h('a', { class: 'button', href: `/api/v1/supply/${k}/export?format=${f}`, download: '', text: t(`report.supply_${k}`, { f: f.toUpperCase() }) }))))));
  view.dataset.loaded = 'true';
}
