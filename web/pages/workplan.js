// The work group's own work (工作计划, issue 11, docs/workplan.md): the
// plan with its versions and approval history, the tasks (责任分工) with
// overdue marks and a form to change a task's status with a progress note,
// the meetings and their decisions, the temporary party branch and the
// reporting in (报到) to the units.  Reads GET /api/v1/groups,
// /groups/{id}/workplan (plan, branch, reporting), /groups/{id}/tasks,
// /groups/{id}/meetings; writes POST /api/v1/tasks/{id}/notes.  The
// forms that write the plan, new tasks and new meetings are in
// workplan_forms.js (they also read /groups/{id}/members, /assignments and
// /api/v1/task-lines).
import { get, listAll, post, qs } from '../lib/api.js';
import { card, clear, field, h, showError, showOk, status, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { showInstant, today } from '../lib/time.js';
import { meetingForm, planForms, taskForm } from './workplan_forms.js';

const TASK_STATUSES = ['open', 'in_progress', 'done', 'dropped'];
// Roles holding workplan.write (docs/roles.md).
const WRITERS = ['admin', 'leader', 'member'];

export async function render({ view, user }) {
  const groups = await listAll('/api/v1/groups?limit=500');
  const group = field({ label: t('plan.group'), name: 'group', options: groups.map((g) => [g.id, g.name]),
    value: user.group_id || (groups[0] && groups[0].id) });
  const asOf = field({ label: t('plan.as_of'), name: 'as_of', type: 'date', value: today() });
  const gap = field({ label: t('plan.gap_days'), name: 'gap_days', type: 'number', min: 1, max: 365, value: 14 });
  const msg = status();
  const body = h('div', { id: 'plan-body' });
  view.append(h('h1', { text: t('nav.workplan') }),
    h('div', { class: 'card cols' }, group.wrap, asOf.wrap, gap.wrap), msg, body);
  if (!groups.length) {
    body.append(h('p', { class: 'empty', text: t('plan.no_group') }));
    view.dataset.loaded = 'true';
    return;
  }
  const load = async () => {
    const id = group.input.value;
    const q = qs({ as_of: asOf.input.value || undefined, gap_days: gap.input.value || undefined });
    const writer = WRITERS.includes(user.role);
    const [rec, tasks, meetings, members, units, lines] = await Promise.all([
      get(`/api/v1/groups/${id}/workplan${q}`),
      listAll(`/api/v1/groups/${id}/tasks${qs({ as_of: asOf.input.value || undefined, limit: 200 })}`),
      listAll(`/api/v1/groups/${id}/meetings`),
      writer ? listAll(`/api/v1/groups/${id}/members`) : [],
      writer ? listAll(`/api/v1/groups/${id}/assignments`) : [],
      writer ? listAll('/api/v1/task-lines') : [],
    ]);
    const ctx = { members, units, lines };
    msg.hidden = true;
    const plan = planCard(rec.plan);
    plan.append(...planForms({ groupId: id, plan: rec.plan, user }, load));
    const tc = tasksCard(tasks, rec, user, load);
    const mc = meetingsCard(meetings, tasks);
    if (writer) { tc.append(taskForm(id, ctx, load)); mc.append(meetingForm(id, ctx, load, today())); }
    clear(body).append(plan, tc, mc, branchCard(rec.branch), reportingCard(rec.reporting));
  };
  for (const f of [group, asOf, gap]) f.input.addEventListener('change', () => load().catch((e) => showError(msg, e)));
  await load().catch((e) => showError(msg, e));
  view.dataset.loaded = 'true';
}

// A definition list of [term, value] pairs; empty values are left out.
function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

function badge(text, cls) { return h('span', { class: `badge ${cls || ''}`, text }); }

function planCard(plan) {
  if (!plan) return card(t('plan.plan'), h('p', { class: 'empty', text: t('plan.no_plan') }));
  const stCls = plan.status === 'approved' ? 'ok' : plan.status === 'returned' ? 'bad' : '';
  const history = table([
    { label: t('plan.version'), value: (v) => String(v.version) },
    { label: t('plan.submitted'), value: (v) => `${showInstant(v.submitted_at)} · ${v.submitted_by || ''}` },
    { label: t('plan.submit_note'), value: (v) => v.submit_note || '' },
    { label: t('plan.decision'), value: (v) => (v.decision ? t(`plan.decision.${v.decision}`) : t('plan.decision.pending')) },
    { label: t('plan.decided'), value: (v) => (v.decided_at ? `${showInstant(v.decided_at)} · ${v.decided_by_name || v.decided_by || ''}` : '') },
    { label: t('plan.comment'), value: (v) => v.decision_comment || '' },
  ], plan.versions || [], { class: 'plan-versions', caption: t('plan.history') });
  return h('section', { class: 'card', id: 'plan-plan' }, h('h2', { text: plan.title }),
    facts([
      [t('plan.status'), badge(t(`plan.status.${plan.status}`), stCls)],
      [t('plan.version'), String(plan.version)],
      [t('plan.approved_version'), plan.approved_version ? String(plan.approved_version) : t('plan.none_approved')],
      [t('plan.period'), `${plan.starts_on} – ${plan.ends_on || t('plan.open_end')}`],
      [t('plan.goals'), plan.goals],
      [t('plan.mechanism'), plan.mechanism],
    ]), history);
}

function tasksCard(tasks, rec, user, reload) {
  const dueText = (x) => {
    if (!x.due_on) return '';
    return x.due_effective && x.due_effective !== x.due_on ? t('plan.due_moved', { due: x.due_on, eff: x.due_effective }) : x.due_on;
  };
  const form = WRITERS.includes(user.role) ? statusForm(tasks, reload) : null;
  const list = table([
    { label: t('plan.task_line'), value: (x) => x.task_line_name || x.task_line },
    { label: t('plan.task'), value: (x) => x.title },
    { label: t('plan.owner'), value: (x) => x.owner_name || '' },
    { label: t('plan.units'), value: (x) => (x.units || []).map((u) => u.name).join('、') },
    { label: t('plan.due'), value: dueText },
    { label: t('plan.status'), class: 'task-status', value: (x) => h('span', {},
      badge(t(`plan.tstatus.${x.status}`), x.status === 'done' ? 'ok' : ''),
      x.overdue ? [' ', badge(t('plan.overdue'), 'overdue')] : null,
      x.status === 'dropped' && x.drop_reason ? ` ${x.drop_reason}` : null) },
    ...(form ? [{ label: t('plan.actions'), value: (x) => h('button', { type: 'button', text: t('plan.change_status'),
      'aria-label': t('plan.change_status_of', { title: x.title }), onclick: () => form.pick(x.id) }) }] : []),
  ], tasks, { class: 'plan-tasks', rowProps: (x) => ({ dataset: { task: String(x.id) } }) });
  const summary = t('plan.tasks_summary', { n: rec.n_tasks, overdue: rec.n_overdue, as_of: rec.as_of });
  return h('section', { class: 'card', id: 'plan-tasks' }, h('h2', { text: t('plan.tasks') }),
    h('p', { text: summary }), list, form ? form.el : null);
}

// The form that changes a task's status: POST /api/v1/tasks/{id}/notes with
// the note's body and the new status (dropping needs the reason as body).
function statusForm(tasks, reload) {
  const task = field({ label: t('plan.task'), name: 'task', options: [['', t('common.choose')], ...tasks.map((x) => [x.id, x.title])] });
  const st = field({ label: t('plan.new_status'), name: 'status', options: TASK_STATUSES.map((s) => [s, t(`plan.tstatus.${s}`)]) });
  const note = field({ label: t('plan.note'), name: 'body', textarea: true, maxlength: 4000, required: true });
  const msg = status();
  const el = h('form', { id: 'task-status', novalidate: true }, h('h3', { text: t('plan.change_status') }),
    h('div', { class: 'cols' }, task.wrap, st.wrap), note.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('common.save') }));
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!task.input.value) { showError(msg, new Error(t('plan.pick_task'))); task.input.focus(); return; }
    if (!note.input.value.trim()) {
      showError(msg, new Error(t(st.input.value === 'dropped' ? 'plan.need_reason' : 'plan.need_note')));
      note.input.focus();
      return;
    }
    try {
      await post(`/api/v1/tasks/${task.input.value}/notes`, { body: note.input.value.trim(), status: st.input.value });
      await reload();
      const again = document.getElementById('task-status');
      if (again) showOk(again.querySelector('[role=status]'), t('common.saved'));
    } catch (err) { showError(msg, err); }
  });
  return {
    el,
    pick(id) {
      task.input.value = String(id);
      const cur = tasks.find((x) => x.id === id);
      if (cur) st.input.value = cur.status;
      st.input.focus();
    },
  };
}

function meetingsCard(meetings, tasks) {
  const title = (id) => { const x = tasks.find((k) => k.id === id); return x ? x.title : `#${id}`; };
  const items = meetings.map((m) => h('article', { class: 'meeting', dataset: { meeting: String(m.id) } },
    h('h3', { text: `${m.held_on} · ${t(`plan.mkind.${m.kind}`)} · ${m.title}` }),
    facts([
      [t('plan.place'), m.place],
      [t('plan.with'), [m.unit_name, m.department_name].filter(Boolean).join('、')],
      [t('plan.attendees'), (m.attendees || []).map((a) => (a.affiliation ? `${a.name}（${a.affiliation}）` : a.name)).join('、')],
      [t('plan.agenda'), m.agenda],
      [t('plan.summary'), m.summary],
    ]),
    h('h4', { text: t('plan.decisions') }),
    (m.decisions || []).length
      ? h('ol', { class: 'decisions' }, m.decisions.map((d) => h('li', {},
        badge(t(`plan.dkind.${d.kind}`)), ' ', d.body,
        (d.task_ids || []).length ? h('ul', {}, d.task_ids.map((id) => h('li', { text: t('plan.created_task', { title: title(id) }) }))) : null)))
      : h('p', { class: 'empty', text: t('common.none') })));
  return h('section', { class: 'card', id: 'plan-meetings' }, h('h2', { text: t('plan.meetings') }),
    items.length ? items : h('p', { class: 'empty', text: t('common.none') }));
}

function branchCard(b) {
  if (!b) return card(t('plan.branch'), h('p', { class: 'empty', text: t('plan.no_branch') }));
  return h('section', { class: 'card', id: 'plan-branch' }, h('h2', { text: t('plan.branch') }),
    facts([
      [t('plan.branch_name'), b.name],
      [t('plan.founded'), b.founded_on],
      [t('plan.secretary'), h('span', { id: 'branch-secretary', text: b.secretary_name || '' })],
    ]),
    table([
      { label: t('plan.member'), value: (m) => m.name },
      { label: t('plan.title'), value: (m) => m.title || '' },
      { label: t('plan.secretary'), value: (m) => (m.secretary ? t('common.yes') : t('common.no')) },
    ], b.members || [], { caption: t('plan.branch_members') }));
}

function reportingCard(r) {
  const flags = (u) => h('span', {},
    u.not_reported ? badge(t('plan.not_reported'), 'bad') : null,
    u.visit_due ? [' ', badge(u.last_visit_on ? t('plan.visit_due', { n: r.gap_days }) : t('plan.never_visited'), 'overdue')] : null);
  return h('section', { class: 'card', id: 'plan-reporting' }, h('h2', { text: t('plan.reporting') }),
    h('p', { id: 'reporting-summary', text: t('plan.reporting_summary', { n: r.n_units, reported: r.n_reported,
      not_reported: r.n_not_reported, due: r.n_visit_due, gap: r.gap_days, as_of: r.as_of }) }),
    table([
      { label: t('plan.unit'), value: (u) => u.unit_name },
      { label: t('plan.unit_kind'), value: (u) => (u.unit_kind ? t(`unitkind.${u.unit_kind}`) : '') },
      { label: t('plan.reported_on'), value: (u) => u.reported_on || '' },
      { label: t('plan.contact'), value: (u) => u.contact || '' },
      { label: t('plan.last_visit'), value: (u) => u.last_visit_on || '' },
      { label: t('plan.days_since'), value: (u) => (u.days_since_visit === null || u.days_since_visit === undefined ? '' : String(u.days_since_visit)) },
      { label: t('plan.flags'), value: flags },
    ], r.units || [], { class: 'plan-reporting' }));
}
