// Dashboard: the day's figures, alerts live from the server-sent event
// feed (GET /api/v1/alerts/stream), registrations per hour, supplies on
// hand and open shortages, requests by status and overdue, and the work
// resumption trend.  Each panel loads on its own; a panel the role may
// not read says so.
import { get, listAll, post, qs } from '../lib/api.js';
import { barOption, chart } from '../lib/chart.js';
import { append, card, clear, field, h, showError } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { dayBounds, hourOf, showInstant, today } from '../lib/time.js';

const REQUEST_STATUSES = ['submitted', 'accepted', 'referred', 'in_progress', 'replied', 'resolved', 'rejected', 'duplicate', 'closed'];

export function reasonText(r) { return t(`reason.${r}`); }

// One alert as a list item; with canAck, a button that opens a note
// field to acknowledge it (POST /api/v1/alerts/{id}/ack), after which the
// item says who handled it.
export function alertItem(a, fresh, canAck) {
  const kind = a.decision === 'deny' ? 'deny' : 'alert';
  const li = h('li', { class: `alert-item ${kind}${fresh ? ' fresh' : ''}`, dataset: { id: String(a.id) } },
    h('span', { class: 'when', text: showInstant(a.at) }),
    h('strong', { text: (a.reasons || []).map(reasonText).join('、') }),
    h('span', { class: 'who', text: a.person ? a.person.name : (a.detail || t('alert.unknown')) }),
    a.temperature ? h('span', { class: 'temp', text: `${a.temperature} °C` }) : null);
  if (a.acknowledged) li.append(h('span', { class: 'badge ok', text: t('alert.handled', { note: a.acknowledged.note }) }));
  else if (canAck) li.append(ackControl(a));
  return li;
}

function ackControl(a) {
  const wrap = h('span', { class: 'ack' });
  const open = h('button', { type: 'button', class: 'link', text: t('alert.ack'), 'aria-label': t('alert.ack_label', { id: a.id }) });
  open.addEventListener('click', () => {
    const note = field({ label: t('alert.note'), name: `note-${a.id}`, maxlength: 500 });
    const msg = h('span', { class: 'status', hidden: true });
    const form = h('form', { class: 'ack-form', novalidate: true }, note.wrap,
      h('button', { type: 'submit', class: 'primary', text: t('alert.ack_submit') }), msg);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const done = await post(`/api/v1/alerts/${a.id}/ack`, { note: note.input.value.trim() });
        wrap.replaceWith(h('span', { class: 'badge ok', text: t('alert.handled', { note: done.acknowledged.note }) }));
      } catch (err) { showError(msg, err); }
    });
    clear(wrap).append(form);
    note.input.focus();
  });
  return append(wrap, [open]);
}

function panelError(el, err) {
  clear(el).append(h('p', { class: 'status bad', text: err.userMessage ? err.userMessage() : String(err) }));
}

async function figures(el, date) {
  const [from, to] = dayBounds(date);
  const out = [];
  const fig = (key, value, cls) => h('div', { class: `figure ${cls || ''}` },
    h('span', { class: 'value', text: String(value) }), h('span', { class: 'label', text: t(key) }));
  try {
    const d = await get(`/api/v1/scans/daily${qs({ from: date, to: date })}`);
    const day = d.days[0] || { in: 0, out: 0, total: 0 };
    out.push(fig('dash.registrations', day.total), fig('dash.in', day.in), fig('dash.out', day.out));
  } catch { /* no scan.read */ }
  try {
    const alerts = await listAll(`/api/v1/alerts${qs({ state: 'all', from, to, limit: 500 })}`);
    out.push(fig('dash.alerts', alerts.length, alerts.length ? 'warn' : ''),
      fig('dash.fever', alerts.filter((a) => (a.reasons || []).includes('fever')).length),
      fig('dash.denied', alerts.filter((a) => a.decision === 'deny').length));
  } catch { /* no scan.read */ }
  try {
    const open = await listAll(`/api/v1/requests${qs({ open: 'true', limit: 1000 })}`);
    out.push(fig('dash.requests_open', open.length), fig('dash.requests_overdue', open.filter((r) => r.overdue).length, open.some((r) => r.overdue) ? 'bad' : ''));
  } catch { /* no request.read */ }
  clear(el).append(...out);
}

function liveAlerts(list, liveState, canAck, cleanup) {
  let es = null;
  const start = () => {
    es = new EventSource('/api/v1/alerts/stream');
    es.addEventListener('open', () => { liveState.textContent = t('dash.live_on'); liveState.className = 'live on'; });
    es.addEventListener('error', () => { liveState.textContent = t('dash.live_off'); liveState.className = 'live off'; });
    es.addEventListener('alert', (ev) => {
      let a;
      try { a = JSON.parse(ev.data); } catch { return; }
      if (list.querySelector(`[data-id="${Number(a.id)}"]`)) return;
      const empty = list.querySelector('.empty');
      if (empty) empty.remove();
      list.prepend(alertItem(a, true, canAck));
      while (list.children.length > 50) list.lastElementChild.remove();
    });
  };
  start();
  cleanup(() => es && es.close());
}

async function hourly(el, date, cleanup) {
  const [from, to] = dayBounds(date);
  const scans = await listAll(`/api/v1/scans${qs({ from, to, limit: 500 })}`, 20000);
  const counts = Array(24).fill(0);
  for (const s of scans) counts[hourOf(s.at)]++;
  const hours = counts.map((_, i) => `${String(i).padStart(2, '0')}:00`);
  clear(el).append(chart(t('dash.hourly'), barOption(hours, [{ name: t('dash.registrations'), data: counts }], { interval: 2 }), cleanup).el,
    h('p', { class: 'hint', text: t('dash.hourly_total', { n: scans.length }) }));
}

async function supplies(el, cleanup) {
  const stock = (await get('/api/v1/supply/stock')).items;
  const sh = await get('/api/v1/supply/shortages');
  const items = [...new Set(stock.map((s) => s.item))];
  const sites = [...new Set(stock.map((s) => s.site_name))];
  const series = sites.map((site) => ({ name: site,
    data: items.map((it) => stock.filter((s) => s.site_name === site && s.item === it).reduce((n, s) => n + s.qty, 0)) }));
  clear(el).append(chart(t('dash.stock'), barOption(items, series, { stack: 'site' }), cleanup, 300).el);
  const short = sh.items || [];
  el.append(h('h3', { text: t('dash.shortages') }),
    short.length
      ? h('ul', { class: 'plain' }, short.map((s) => h('li', { text: t('dash.shortage_line', { item: s.item, n: s.requests, rest: s.remaining_display }) })))
      : h('p', { class: 'hint', text: t('dash.no_shortages') }));
}

async function requests(el, cleanup) {
  const all = await listAll('/api/v1/requests?limit=1000');
  const counts = REQUEST_STATUSES.map((s) => all.filter((r) => r.status === s).length);
  const overdue = all.filter((r) => r.overdue).length;
  clear(el).append(chart(t('dash.requests'), barOption(REQUEST_STATUSES.map((s) => t(`status.${s}`)), [{ name: t('dash.requests'), data: counts }]), cleanup).el,
    h('p', { class: overdue ? 'status bad' : 'hint', text: t('dash.overdue_n', { n: overdue }) }));
}

async function resumption(el, date, cleanup) {
  const start = new Date(`${date}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - 30);
  const tr = await get(`/api/v1/resumption/trend${qs({ from: start.toISOString().slice(0, 10), to: date })}`);
  const pts = tr.points || [];
  const pct = (r) => (r.denominator ? Math.round((1000 * r.numerator) / r.denominator) / 10 : 0);
  clear(el).append(chart(t('dash.resumption'), barOption(pts.map((p) => p.date),
    [{ name: t('dash.resumed_rate'), data: pts.map((p) => pct(p.resumed_rate)) },
     { name: t('dash.partial_rate'), data: pts.map((p) => pct(p.partial_rate)) }], { line: true, max: 100 }), cleanup).el);
  const last = pts[pts.length - 1];
  if (last)
    el.append(h('p', { class: 'hint', text: t('dash.resumption_last', { date: last.date, n: last.resumed_rate.numerator, d: last.resumed_rate.denominator, p: last.partial }) }));
}

export async function render({ view, user, cleanup }) {
  const canAck = ['admin', 'leader', 'member', 'checkpoint'].includes(user.role);
  const date = field({ label: t('dash.date'), name: 'date', type: 'date', value: today() });
  const figs = h('div', { class: 'figures', id: 'figures', 'aria-live': 'polite' });
  const liveState = h('span', { class: 'live', text: t('dash.live_connecting') });
  const alerts = h('ol', { class: 'alerts', id: 'live-alerts', 'aria-live': 'polite' });
  const hourEl = h('div', { id: 'hourly' });
  const supEl = h('div', { id: 'supplies' });
  const reqEl = h('div', { id: 'requests' });
  const resEl = h('div', { id: 'resumption' });
  view.append(h('h1', { text: t('nav.dashboard') }),
    h('form', { class: 'toolbar', onsubmit: (e) => e.preventDefault() }, date.wrap),
    figs,
    h('div', { class: 'grid' },
      card(t('dash.live_alerts'), liveState, alerts),
      card(t('dash.hourly'), hourEl),
      card(t('dash.supplies'), supEl),
      card(t('dash.requests'), reqEl),
      card(t('dash.resumption'), resEl)));

  const loadDay = async () => {
    const d = date.input.value || today();
    await Promise.all([
      figures(figs, d).catch((e) => panelError(figs, e)),
      hourly(hourEl, d, cleanup).catch((e) => panelError(hourEl, e)),
      resumption(resEl, d, cleanup).catch((e) => panelError(resEl, e)),
    ]);
  };
  date.input.addEventListener('change', loadDay);
  try {
    const open = await get('/api/v1/alerts?state=open&limit=20');
    clear(alerts).append(...open.items.map((a) => alertItem(a, false, canAck)));
    if (!open.items.length) alerts.append(h('li', { class: 'empty', text: t('dash.no_alerts') }));
    liveAlerts(alerts, liveState, canAck, cleanup);
  } catch (e) { panelError(alerts, e); liveState.textContent = ''; }
  await Promise.all([
    loadDay(),
    supplies(supEl, cleanup).catch((e) => panelError(supEl, e)),
    requests(reqEl, cleanup).catch((e) => panelError(reqEl, e)),
  ]);
  view.dataset.loaded = 'true';
}
