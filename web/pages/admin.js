// Administration: users (list, add, disable), the roles table, units,
// places and checkpoints (add, edit) with printable place-code posters
// (admin_org.js), the working-day calendar with its upload, the server's
// settings (admin_system.js), and the signed-in user's own settings
// (password, API tokens).  GET/POST /api/v1/users, PATCH
// /api/v1/users/{id}, /api/v1/groups, /api/v1/departments, /api/v1/tokens.
import { api, get, listAll, post } from '../lib/api.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { showInstant } from '../lib/time.js';
import { placesCard, unitsCard } from './admin_org.js';
import { calendarCard, rolesCard, serverSettingsCard } from './admin_system.js';

const ROLES = ['admin', 'leader', 'member', 'checkpoint', 'unit', 'department', 'auditor'];

export async function render({ view, user }) {
  view.append(h('h1', { text: t('nav.admin') }));
  const units = await listAll('/api/v1/units?limit=500');
  const places = placesCard(units);
  const nav = h('nav', { class: 'toolbar', 'aria-label': t('admin.sections') },
    ['users', 'roles', 'units', 'places', 'calendar', 'server', 'mine'].map((x) =>
      h('a', { href: `#/admin`, 'data-section': x, text: t(`admin.section.${x}`),
        onclick: (ev) => { ev.preventDefault(); const el = document.getElementById(`admin-${x}`); el.scrollIntoView(); el.querySelector('h2').focus(); } })));
  const cards = [
    ['users', await usersCard(units)], ['roles', await rolesCard()],
    ['units', await unitsCard(units, async () => places.unitsChanged())], ['places', places.el],
    ['calendar', await calendarCard()], ['server', await serverSettingsCard()], ['mine', settingsCard(user)],
  ];
  for (const [x, el] of cards) {
    el.id = `admin-${x}`;
    el.querySelector('h2').setAttribute('tabindex', '-1');
  }
  view.append(nav, ...cards.map(([, el]) => el));
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
  const groups = await listAll('/api/v1/groups?limit=500').catch(() => []);
  const departments = await listAll('/api/v1/departments').catch(() => []);
  const group = field({ label: t('admin.group'), name: 'group_id', options: [['', t('common.none')], ...groups.map((g) => [g.id, g.name])] });
  const dep = field({ label: t('admin.department'), name: 'department_id', options: [['', t('common.none')], ...departments.map((d) => [d.id, d.name])] });
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
