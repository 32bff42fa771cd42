// Visits (走访): the list, with the needs found; a form to record a visit
// to a unit (its visitors, and a need found on it); a form to add a need to
// a visit already recorded; and, for each need not yet taken up, a button
// that turns it into a service request (needs → requests), after which the
// need links to its request.
// GET/POST /api/v1/visits, POST /api/v1/visits/{id}/needs,
// POST /api/v1/needs/{id}/request, GET /api/v1/services, GET /api/v1/groups
// (+ /members) for the visitors.
import { api, get, listAll, post, qs } from '../lib/api.js';
import { card, clear, field, h, multiField, setOptions, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { allMembers } from '../lib/org.js';
import { today } from '../lib/time.js';

// visit.write and request.raise (docs/roles.md) are both held by these.
const WRITERS = ['admin', 'leader', 'member', 'unit'];

export async function render({ view, user }) {
  const writer = WRITERS.includes(user.role);
  const [units, services, members] = await Promise.all([
    listAll('/api/v1/units?limit=500'),
    get('/api/v1/services').then((p) => p.items),
    writer ? allMembers() : [],
  ]);
  const svcName = (code) => (services.find((s) => s.code === code) || {}).name || code;
  const unit = field({ label: t('visit.unit'), name: 'unit', options: [['', t('visit.all_units')], ...units.map((u) => [u.id, u.name])] });
  const listEl = h('div', { id: 'visit-list' });
  const msg = status();
  let visits = [];
  const needForm = writer ? addNeedForm(services, () => visits, () => load()) : null;

  // One need: its category and words, then the request it became, or the
  // button that raises it.
  const needCell = (n) => h('li', { dataset: { need: String(n.id) } },
    `${svcName(n.category)}：${n.difficulty || t('visit.no_text')} `,
    n.request_id
      ? h('a', { href: `#/requests/${n.request_id}`, text: t('visit.need_request', { id: n.request_id }) })
      : (writer ? h('button', { type: 'button', text: t('visit.raise'),
        'aria-label': t('visit.raise_named', { what: svcName(n.category) }), onclick: () => raise(n) }) : null));

  const raise = async (n) => {
    try {
      // The route takes no body at all.
      const after = await api('POST', `/api/v1/needs/${n.id}/request`);
      await load();
      showOk(msg, t('visit.raised', { id: after.request_id }));
      const link = listEl.querySelector(`li[data-need="${n.id}"] a`);
      if (link) link.focus();
    } catch (err) { showError(msg, err); }
  };

  const load = async () => {
    visits = (await get(`/api/v1/visits${qs({ unit_id: unit.input.value, limit: 100 })}`)).items;
    clear(listEl).append(table([
      { label: t('visit.date'), value: (v) => v.visited_on },
      { label: t('visit.unit'), value: (v) => v.unit_name },
      { label: t('visit.household'), value: (v) => v.household || '' },
      { label: t('visit.purpose'), value: (v) => v.purpose },
      { label: t('visit.summary'), value: (v) => v.summary || '' },
      { label: t('visit.visitors'), value: (v) => (v.visitors || []).map((x) => x.name).join('、') },
      { label: t('visit.needs'), value: (v) => ((v.needs || []).length ? h('ul', { class: 'plain' }, v.needs.map(needCell)) : '') },
    ], visits, { rowProps: (v) => ({ dataset: { visit: String(v.id) } }) }));
    if (needForm) needForm.update();
  };
  unit.input.addEventListener('change', () => load().catch((e) => showError(msg, e)));
  view.append(h('h1', { text: t('nav.visits') }), card(t('visit.list'), unit.wrap, msg, listEl));
  // Visitors must be work-group members; a unit liaison sees no groups, so
  // adds needs to the group's visits instead of recording visits.
  if (writer && members.length) view.append(newForm(units, members, services, load));
  if (needForm) view.append(needForm.form);
  await load().catch((e) => showError(msg, e));
  view.dataset.loaded = 'true';
}

// The categories a need may take: the services taking new requests.
const categoryOptions = (services) => services.filter((s) => s.active).map((s) => [s.code, s.name]);

function newForm(units, members, services, reload) {
  const unit = field({ label: t('visit.unit'), name: 'unit_id', options: [['', t('common.choose')], ...units.map((u) => [u.id, u.name])] });
  const date = field({ label: t('visit.date'), name: 'visited_on', type: 'date', value: today() });
  const purpose = field({ label: t('visit.purpose'), name: 'purpose', maxlength: 500, required: true });
  const visitors = multiField(t('visit.visitors'), 'visitor_ids',
    members.map((m) => [m.id, m.title ? `${m.name}（${m.title}）` : m.name]), { chooseOnly: true });
  const summary = field({ label: t('visit.summary'), name: 'summary', textarea: true, maxlength: 4000 });
  const category = field({ label: t('visit.need_category'), name: 'need_category', options: [['', t('visit.no_need')], ...categoryOptions(services)] });
  const difficulty = field({ label: t('visit.need_difficulty'), name: 'need_difficulty', textarea: true, maxlength: 2000 });
  const msg = status();
  const form = h('form', { class: 'card', id: 'visit-new', novalidate: true }, h('h2', { text: t('visit.new') }),
    h('div', { class: 'cols' }, unit.wrap, date.wrap, purpose.wrap, visitors.wrap), summary.wrap,
    h('fieldset', {}, h('legend', { text: t('visit.need_found') }), h('div', { class: 'cols' }, category.wrap), difficulty.wrap),
    msg, h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { unit_id: Number(unit.input.value) || undefined, visited_on: date.input.value, purpose: purpose.input.value.trim(),
      visitor_ids: visitors.values() };
    if (summary.input.value.trim()) body.summary = summary.input.value.trim();
    if (category.input.value || difficulty.input.value.trim())
      body.needs = [{ category: category.input.value || undefined, difficulty: difficulty.input.value.trim() || undefined }];
    try {
      await post('/api/v1/visits', body);
      showOk(msg, t('common.saved'));
      purpose.input.value = ''; summary.input.value = ''; difficulty.input.value = ''; category.input.value = '';
      await reload();
    } catch (err) { showError(msg, err); }
  });
  return form;
}

// A need added to a visit already recorded.  update() refreshes the list
// of visits to choose from after the list reloads.
function addNeedForm(services, visits, reload) {
  const visit = field({ label: t('visit.which'), name: 'visit_id', options: [] });
  const category = field({ label: t('visit.need_category'), name: 'category', options: [['', t('common.choose')], ...categoryOptions(services)] });
  const difficulty = field({ label: t('visit.need_difficulty'), name: 'difficulty', textarea: true, maxlength: 2000, required: true });
  const msg = status();
  const form = h('form', { class: 'card', id: 'need-new', novalidate: true }, h('h2', { text: t('visit.add_need') }),
    h('div', { class: 'cols' }, visit.wrap, category.wrap), difficulty.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('visit.save_need') }));
  const update = () => {
    setOptions(visit.input, t('common.choose'), visits().map((v) =>
      [v.id, `${v.visited_on} ${v.unit_name}${v.household ? ` · ${v.household}` : ''} · ${v.purpose}`]));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!visit.input.value) { showError(msg, new Error(t('visit.choose_visit'))); visit.input.focus(); return; }
    const body = { category: category.input.value || undefined, difficulty: difficulty.input.value.trim() || undefined };
    try {
      await post(`/api/v1/visits/${visit.input.value}/needs`, body);
      difficulty.input.value = '';
      await reload();
      showOk(msg, t('visit.need_saved'));
    } catch (err) { showError(msg, err); }
  });
  return { form, update };
}
