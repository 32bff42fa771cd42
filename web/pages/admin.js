// Administration: users (list, add, disable), units, places with their
// checkpoints and printable place-code posters, the working-day calendar,
// and the signed-in user's own settings (password, API tokens).
// GET/POST /api/v1/users, PATCH /api/v1/users/{id}, /api/v1/units,
// /api/v1/units/{id}/places, /api/v1/places/{id}/checkpoints,
// GET/POST /api/v1/checkpoints/{id}/place-code(/poster), /api/v1/calendar,
// /api/v1/tokens.
import { api, get, listAll, post } from '../lib/api.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { showInstant } from '../lib/time.js';

const ROLES = ['admin', 'leader', 'member', 'checkpoint', 'unit', 'department', 'auditor'];

export async function render({ view, user }) {
  view.append(h('h1', { text: t('nav.admin') }));
  const units = await listAll('/api/v1/units?limit=500');
  view.append(await usersCard(units), unitsCard(units), placesCard(units), await calendarCard(), settingsCard(user));
  view.dataset.loaded = 'true';
}

async function usersCard(units) {
  const listEl = h('div', { id: 'user-list' });
  const msg = status();
  const load = async () => {
    const users = await listAll('/api/v1/users');
    clear(listEl).append(table([
      { label: t('admin.username'), value: (u) => u.username },
      { label: t('admin.display_name'), value: (u) => u.display_name },
      { label: t('admin.role'), value: (u) => t(`role.${u.role}`) },
      { label: t('admin.link'), value: (u) => u.link_name || '' },
      { label: t('admin.state'), value: (u) => (u.disabled ? t('admin.disabled') : t('admin.active')) },
      { label: '', value: (u) => (u.disabled ? '' : h('button', { type: 'button', text: t('admin.disable'), 'aria-label': t('admin.disable_user', { name: u.username }),
        onclick: async () => { try { await api('PATCH', `/api/v1/users/${u.id}`, { disabled: true }); await load(); } catch (e) { showError(msg, e); } } })) },
    ], users));
  };
  const name = field({ label: t('admin.username'), name: 'username', maxlength: 64, required: true, autocomplete: 'off' });
  const disp = field({ label: t('admin.display_name'), name: 'display_name', maxlength: 100 });
  const role = field({ label: t('admin.role'), name: 'role', options: ROLES.map((r) => [r, t(`role.${r}`)]) });
  const unit = field({ label: t('admin.unit'), name: 'unit_id', options: [['', t('common.none')], ...units.map((u) => [u.id, u.name])] });
  const group = field({ label: t('admin.group_id'), name: 'group_id', type: 'number', min: 1 });
  const dep = field({ label: t('admin.department_id'), name: 'department_id', type: 'number', min: 1 });
  const pass = field({ label: t('admin.password'), name: 'new-password', type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { id: 'user-add', novalidate: true }, h('h3', { text: t('admin.add_user') }),
    h('div', { class: 'cols' }, name.wrap, disp.wrap, role.wrap, unit.wrap, group.wrap, dep.wrap, pass.wrap),
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { username: name.input.value.trim(), role: role.input.value, password: pass.input.value };
    if (disp.input.value.trim()) body.display_name = disp.input.value.trim();
    if (unit.input.value) body.unit_id = Number(unit.input.value);
    if (group.input.value) body.group_id = Number(group.input.value);
    if (dep.input.value) body.department_id = Number(dep.input.value);
    try { await post('/api/v1/users', body); showOk(msg, t('common.saved')); pass.input.value = ''; await load(); } catch (err) { showError(msg, err); }
  });
  await load().catch((e) => showError(msg, e));
  return card(t('admin.users'), listEl, form, msg);
}

function unitsCard(units) {
  return card(t('admin.units'), table([
    { label: t('admin.unit'), value: (u) => u.name },
    { label: t('admin.kind'), value: (u) => t(`unitkind.${u.kind}`) },
    { label: t('admin.region'), value: (u) => u.region_name || '' },
    { label: t('admin.address'), value: (u) => u.address || '' },
  ], units));
}

function placesCard(units) {
  const unit = field({ label: t('admin.unit'), name: 'places-unit', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const out = h('div', { id: 'places' });
  const poster = h('div', { class: 'poster', id: 'poster' });
  const msg = status();
  const showPoster = async (c, make) => {
    clear(poster);
    try {
      if (make) await api('POST', `/api/v1/checkpoints/${c.id}/place-code`);
      const code = await get(`/api/v1/checkpoints/${c.id}/place-code`);
      poster.append(h('h3', { text: c.name }), h('p', { class: 'hint', text: code.url || '' }),
        h('img', { src: `/api/v1/checkpoints/${c.id}/place-code/poster?format=png`, alt: t('admin.poster_alt', { name: c.name }) }),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', text: t('admin.print'), onclick: () => window.print() }),
          h('a', { class: 'button', href: `/api/v1/checkpoints/${c.id}/place-code/poster?format=svg`, download: '', text: t('admin.poster_svg') })));
    } catch (err) {
      if (err.status === 404 && !make) poster.append(h('button', { type: 'button', class: 'primary', text: t('admin.make_code'), onclick: () => showPoster(c, true) }));
      else showError(msg, err);
    }
  };
  unit.input.addEventListener('change', async () => {
    clear(out); clear(poster);
    if (!unit.input.value) return;
    try {
      for (const p of await listAll(`/api/v1/units/${unit.input.value}/places?limit=500`)) {
        const cps = await listAll(`/api/v1/places/${p.id}/checkpoints?limit=500`);
        out.append(h('h3', { text: p.name }), table([
          { label: t('admin.checkpoint'), value: (c) => c.name },
          { label: t('admin.kind'), value: (c) => c.kind },
          { label: '', value: (c) => h('button', { type: 'button', text: t('admin.poster'), onclick: () => showPoster(c, false) }) },
        ], cps));
      }
    } catch (err) { showError(msg, err); }
  });
  return card(t('admin.places'), unit.wrap, msg, out, poster);
}

async function calendarCard() {
  const years = (await get('/api/v1/calendar')).items;
  const year = field({ label: t('admin.year'), name: 'year', options: [['', t('common.choose')], ...years.map((y) => [y.year, String(y.year)])] });
  const out = h('div', {});
  year.input.addEventListener('change', async () => {
    clear(out);
    if (!year.input.value) return;
    const y = await get(`/api/v1/calendar/${year.input.value}`);
    out.append(h('p', { class: 'hint', text: y.source }), table([
      { label: t('admin.day'), value: (d) => d.date },
      { label: t('admin.working'), value: (d) => (d.working ? t('admin.workday') : t('admin.holiday')) },
      { label: t('admin.day_name'), value: (d) => d.name || '' },
    ], y.days));
  });
  return card(t('admin.calendar'), year.wrap, out);
}

function settingsCard(user) {
  const cur = field({ label: t('admin.current_password'), name: 'current-password', type: 'password', autocomplete: 'current-password' });
  const np = field({ label: t('admin.new_password'), name: 'new-password-self', type: 'password', autocomplete: 'new-password' });
  const msg = status();
  const tokens = h('div', {});
  const form = h('form', { novalidate: true }, h('h3', { text: t('admin.change_password') }), cur.wrap, np.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('PATCH', `/api/v1/users/${user.id}`, { current_password: cur.input.value, password: np.input.value });
      showOk(msg, t('admin.password_changed'));
    } catch (err) { showError(msg, err); }
    cur.input.value = ''; np.input.value = '';
  });
  get('/api/v1/tokens').then((r) => tokens.append(h('h3', { text: t('admin.tokens') }), table([
    { label: t('admin.token_name'), value: (x) => x.name },
    { label: t('admin.created'), value: (x) => showInstant(x.created_at) },
    { label: t('admin.expires'), value: (x) => showInstant(x.expires_at) },
  ], r.items))).catch(() => {});
  return card(t('admin.settings'), form, tokens);
}
