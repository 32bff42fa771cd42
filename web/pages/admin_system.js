// The admin page's system cards: the roles table (GET /api/v1/roles, the
// server's own permission table), the server's settings (GET
// /api/v1/settings, read-only: they are read at start-up), and the
// working-day calendar (GET /api/v1/calendar, /api/v1/calendar/{year};
// a file in the format of docs/calendar.md uploaded whole with PUT
// /api/v1/calendar: every year it holds is stored, or none).
import { api, get } from '../lib/api.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

// Which role may do what: one row per permission, one column per role.
export async function rolesCard() {
  const r = await get('/api/v1/roles');
  const cols = [
    { label: t('admin.permission'), value: (p) => h('code', { text: p.name }) },
    { label: t('admin.what'), value: (p) => p.what },
    ...r.roles.map((role) => ({ label: t(`role.${role}`),
      value: (p) => (p.roles.includes(role) ? h('span', { role: 'img', text: '✓', 'aria-label': t('common.yes') })
        : h('span', { role: 'img', text: '—', 'aria-label': t('common.no') })) })),
  ];
  return card(t('admin.roles'), h('p', { class: 'hint', text: t('admin.roles_hint') }),
    h('div', { id: 'roles-table' }, table(cols, r.permissions, { caption: t('admin.roles_caption') })));
}

// The effective settings, read-only, and where each was set.
export async function serverSettingsCard() {
  const s = await get('/api/v1/settings');
  const shown = (x) => {
    if (typeof x.value === 'boolean') return x.value ? t('common.yes') : t('common.no');
    return x.unit ? `${x.value} ${x.unit}` : String(x.value);
  };
  return card(t('admin.server_settings'),
    h('p', { class: 'hint', id: 'settings-readonly', text: t('admin.settings_readonly') }),
    h('div', { id: 'settings-table' }, table([
      { label: t('admin.setting'), value: (x) => h('code', { text: x.name }) },
      { label: t('admin.value'), value: shown, class: 'value' },
      { label: t('admin.default'), value: (x) => x.default },
      { label: t('admin.source'), value: (x) => (x.source === 'default' ? t('admin.source_default') : x.source) },
      { label: t('admin.what'), value: (x) => x.help },
    ], s.items)));
}

export async function calendarCard() {
  const year = field({ label: t('admin.year'), name: 'year', id: 'calendar-year', options: [] });
  const out = h('div', { id: 'calendar-days' });
  const file = field({ label: t('admin.calendar_file'), name: 'calendar-file', id: 'calendar-file', type: 'file' });
  file.input.setAttribute('accept', '.txt,text/plain');
  const msg = status();
  const loadYears = async () => {
    const keep = year.input.value;
    const years = (await get('/api/v1/calendar')).items;
    clear(year.input).append(...[['', t('common.choose')], ...years.map((y) => [y.year, String(y.year)])]
      .map(([v, text]) => h('option', { value: String(v), text })));
    year.input.value = keep;
  };
  const showYear = async () => {
    clear(out);
    if (!year.input.value) return;
    const y = await get(`/api/v1/calendar/${year.input.value}`);
    out.append(h('p', { class: 'hint', text: y.source }), table([
      { label: t('admin.day'), value: (d) => d.date },
      { label: t('admin.working'), value: (d) => (d.working ? t('admin.workday') : t('admin.holiday')) },
      { label: t('admin.day_name'), value: (d) => d.name || '' },
    ], y.days, { caption: t('admin.calendar_of', { year: y.year }) }));
  };
  year.input.addEventListener('change', () => showYear().catch((e) => showError(msg, e)));
  const form = h('form', { id: 'calendar-upload', novalidate: true }, h('h3', { text: t('admin.calendar_upload') }),
    h('p', { class: 'hint', text: t('admin.calendar_format') }), file.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('admin.upload') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const f = file.input.files[0];
    if (!f) { showError(msg, new Error(t('admin.calendar_nofile'))); return; }
    const text = await f.text();
    if (!/^\s*year\s+\d{4}\b/m.test(text)) { showError(msg, new Error(t('admin.calendar_noyear'))); return; }
    try {
      const r = await api('PUT', '/api/v1/calendar', text, 'text/plain; charset=utf-8');
      showOk(msg, [...r.years.map((y) => t('admin.calendar_loaded', { year: y.year, days: y.days.length })),
        t('admin.calendar_moved', { moved: r.due_dates_changed })].join('\n'));
      await loadYears();
      year.input.value = String(r.years[r.years.length - 1].year);
      await showYear();
    } catch (err) { showError(msg, err); }
  });
  await loadYears();
  return card(t('admin.calendar'), year.wrap, out, form);
}
