// Service requests (诉求): the list with filters, a new request, and one
// request with its history, referrals and replies and the actions the
// role allows — change status, comment, refer to a department, reply for
// a department.  #/requests lists, #/requests/{id} shows one.
// GET/POST /api/v1/requests, GET /api/v1/requests/{id},
// POST /api/v1/requests/{id}/{updates,referrals,replies}.
import { get, listAll, post, qs } from '../lib/api.js';
import { card, clear, field, h, showError, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { showInstant } from '../lib/time.js';

const STATUSES = ['submitted', 'accepted', 'referred', 'in_progress', 'replied', 'resolved', 'rejected', 'duplicate', 'closed'];
const SETTABLE = ['accepted', 'in_progress', 'resolved', 'rejected', 'closed'];
const OUTCOMES = ['solved', 'answered', 'partly', 'declined'];
const PRIORITIES = ['normal', 'high', 'urgent', 'low'];

const may = (user, ...roles) => user.role === 'admin' || roles.includes(user.role);

export function statusBadge(r) {
  return h('span', {}, h('span', { class: `badge status-${r.status}`, text: t(`status.${r.status}`) }),
    r.overdue ? h('span', { class: 'badge overdue', text: t('request.overdue') }) : null);
}

export async function render({ view, user, arg }) {
  if (arg) return detail(view, user, Number(arg));
  const st = field({ label: t('request.status'), name: 'status', options: [['', t('request.any_status')], ...STATUSES.map((s) => [s, t(`status.${s}`)])] });
  const open = field({ label: t('request.open_only'), name: 'open', options: [['', t('common.no')], ['true', t('common.yes')]] });
  const overdue = field({ label: t('request.overdue_only'), name: 'overdue', options: [['', t('common.no')], ['true', t('common.yes')]] });
  const listEl = h('div', { id: 'request-list' });
  const msg = status();
  const load = async () => {
    const items = await listAll(`/api/v1/requests${qs({ status: st.input.value, open: open.input.value, overdue: overdue.input.value, limit: 200 })}`, 1000);
    clear(listEl).append(table([
      { label: '#', value: (r) => h('a', { href: `#/requests/${r.id}`, text: `#${r.id}` }) },
      { label: t('request.reported'), value: (r) => showInstant(r.reported_at) },
      { label: t('request.service'), value: (r) => r.service_name },
      { label: t('request.from'), value: (r) => r.unit_name || r.person_name || r.reporter_name || '' },
      { label: t('request.description'), value: (r) => r.description },
      { label: t('request.status'), value: statusBadge },
      { label: t('request.due'), value: (r) => r.resolution_due || '' },
    ], items));
  };
  for (const f of [st, open, overdue]) f.input.addEventListener('change', () => load().catch((e) => showError(msg, e)));
  view.append(h('h1', { text: t('nav.requests') }), card(t('request.list'), h('div', { class: 'toolbar' }, st.wrap, open.wrap, overdue.wrap), msg, listEl));
  if (may(user, 'leader', 'member', 'unit')) view.append(await newForm());
  await load().catch((e) => showError(msg, e));
  view.dataset.loaded = 'true';
}

async function newForm() {
  const [services, units] = await Promise.all([get('/api/v1/services'), listAll('/api/v1/units?limit=500')]);
  const svc = field({ label: t('request.service'), name: 'service_code', options: services.items.map((s) => [s.code, s.name]) });
  const unit = field({ label: t('request.unit'), name: 'unit_id', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const pri = field({ label: t('request.priority'), name: 'priority', options: PRIORITIES.map((p) => [p, t(`priority.${p}`)]) });
  const desc = field({ label: t('request.description'), name: 'description', textarea: true, maxlength: 4000, required: true });
  const msg = status();
  const form = h('form', { class: 'card', id: 'request-new', novalidate: true }, h('h2', { text: t('request.new') }),
    h('div', { class: 'cols' }, svc.wrap, unit.wrap, pri.wrap), desc.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('request.submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { service_code: svc.input.value, description: desc.input.value.trim(), priority: pri.input.value };
    if (unit.input.value) body.unit_id = Number(unit.input.value);
    try {
      const r = await post('/api/v1/requests', body);
      location.hash = `#/requests/${r.id}`;
    } catch (err) { showError(msg, err); }
  });
  return form;
}

// The departments this user may pick (GET /api/v1/departments: all of
// them, or a department liaison's own), with the request's referrals.
async function departments(req) {
  const m = new Map();
  for (const d of await listAll('/api/v1/departments')) m.set(d.id, d.name);
  for (const r of req.referrals || []) if (!m.has(r.department_id)) m.set(r.department_id, r.department_name);
  return [...m.entries()];
}

async function detail(view, user, id) {
  const r = await get(`/api/v1/requests/${id}`);
  const again = () => { view.replaceChildren(); return detail(view, user, id); };
  view.append(h('p', {}, h('a', { href: '#/requests', text: t('request.back') })),
    h('h1', { text: t('request.title', { id: r.id, service: r.service_name }) }),
    card(t('request.summary'),
      h('dl', { class: 'facts' },
        h('dt', { text: t('request.status') }), h('dd', { id: 'request-status' }, statusBadge(r)),
        h('dt', { text: t('request.from') }), h('dd', { text: r.unit_name || r.person_name || r.reporter_name || '' }),
        h('dt', { text: t('request.reported') }), h('dd', { text: showInstant(r.reported_at) }),
        h('dt', { text: t('request.priority') }), h('dd', { text: t(`priority.${r.priority}`) }),
        h('dt', { text: t('request.due') }), h('dd', { text: `${r.response_due} / ${r.resolution_due}` }),
        h('dt', { text: t('request.description') }), h('dd', { class: 'description', text: r.description }))),
    card(t('request.referrals'), table([
      { label: t('request.department'), value: (x) => x.department_name },
      { label: t('request.sent'), value: (x) => showInstant(x.sent_at) },
      { label: t('request.due'), value: (x) => x.due_on },
      { label: t('request.replied'), value: (x) => showInstant(x.replied_at) },
      { label: t('request.reply'), value: (x) => x.reply || '' },
      { label: t('request.outcome'), value: (x) => (x.outcome ? t(`outcome.${x.outcome}`) : '') },
    ], r.referrals || [])),
    card(t('request.history'), h('ol', { class: 'history', id: 'request-history' }, (r.updates || []).map((u) => h('li', {},
      h('div', { class: 'meta', text: `${showInstant(u.at)} · ${u.author || ''}${u.department_name ? ' · ' + u.department_name : ''} · ${t(`update.${u.kind}`)}${u.from_status !== u.to_status ? ` · ${t(`status.${u.from_status}`)} → ${t(`status.${u.to_status}`)}` : ''}${u.applied ? '' : ' · ' + t('request.not_applied')}` }),
      u.comment ? h('p', { text: u.comment }) : null)))));
  const actions = h('div', { class: 'grid' });
  view.append(actions);
  if (may(user, 'leader', 'member', 'department')) actions.append(statusForm(r, user, again));
  if (may(user, 'leader', 'member')) actions.append(referForm(r, await departments(r), again));
  if (may(user, 'department')) actions.append(replyForm(r, user, await departments(r), again));
  view.dataset.loaded = 'true';
}

function statusForm(r, user, again) {
  const allowed = user.role === 'department' ? ['in_progress', 'resolved'] : SETTABLE;
  const st = field({ label: t('request.new_status'), name: 'status', options: [['', t('request.keep_status')], ...allowed.map((s) => [s, t(`status.${s}`)])] });
  const comment = field({ label: t('request.comment'), name: 'comment', textarea: true, maxlength: 4000 });
  const msg = status();
  const form = h('form', { class: 'card', id: 'request-update', novalidate: true }, h('h2', { text: t('request.update') }), st.wrap, comment.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('request.save_update') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    if (st.input.value) body.status = st.input.value;
    if (comment.input.value.trim()) body.comment = comment.input.value.trim();
    try { await post(`/api/v1/requests/${r.id}/updates`, body); await again(); } catch (err) { showError(msg, err); }
  });
  return form;
}

function referForm(r, deps, again) {
  const dep = field({ label: t('request.department'), name: 'department_id', options: [['', t('common.choose')], ...deps.map(([id, name]) => [id, name])] });
  const days = field({ label: t('request.due_days'), name: 'due_days', type: 'number', min: 1, max: 365 });
  const comment = field({ label: t('request.comment'), name: 'comment', textarea: true, maxlength: 4000 });
  const msg = status();
  const form = h('form', { class: 'card', id: 'request-refer', novalidate: true }, h('h2', { text: t('request.refer') }), dep.wrap, days.wrap, comment.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('request.refer_submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { department_id: Number(dep.input.value) || undefined };
    if (days.input.value) body.due_days = Number(days.input.value);
    if (comment.input.value.trim()) body.comment = comment.input.value.trim();
    try { await post(`/api/v1/requests/${r.id}/referrals`, body); await again(); } catch (err) { showError(msg, err); }
  });
  return form;
}

function replyForm(r, user, deps, again) {
  const text = field({ label: t('request.reply_text'), name: 'text', textarea: true, maxlength: 4000, required: true });
  const outcome = field({ label: t('request.outcome'), name: 'outcome', options: OUTCOMES.map((o) => [o, t(`outcome.${o}`)]) });
  const dep = user.role === 'admin'
    ? field({ label: t('request.department'), name: 'reply_department', options: (r.referrals || []).map((x) => [x.department_id, x.department_name]) })
    : null;
  const msg = status();
  const form = h('form', { class: 'card', id: 'request-reply', novalidate: true }, h('h2', { text: t('request.reply_title') }),
    dep ? dep.wrap : null, text.wrap, outcome.wrap, msg, h('button', { type: 'submit', class: 'primary', text: t('request.reply_submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { text: text.input.value.trim(), outcome: outcome.input.value };
    if (dep && dep.input.value) body.department_id = Number(dep.input.value);
    try { await post(`/api/v1/requests/${r.id}/replies`, body); await again(); } catch (err) { showError(msg, err); }
  });
  void deps;
  return form;
}
