// The write forms of the work plan page (工作计划, issue 11,
// docs/workplan.md), through the public API only:
// - the plan: draft or edit (POST / PATCH /api/v1/groups/{id}/plan), submit
//   (POST …/plan/submit, the group's leader), approve or send back with a
//   comment (POST …/plan/approve, …/plan/return, permission plan.approve:
//   the admin role, docs/roles.md);
// - a new task (POST /api/v1/groups/{id}/tasks): title, task line, owner
//   among the group's members, units among the group's assigned units, due
//   date;
// - a new meeting (POST /api/v1/groups/{id}/meetings) with its decisions, a
//   decision optionally creating one task in the same request (the
//   decision's `tasks`).
// Every problem the API returns (RFC 9457 `detail`) shows in the form's own
// status line; every value goes into the DOM as text (lib/dom.js h()).
import { api, post } from '../lib/api.js';
import { field, h, multiField, showError, showOk, status } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const MEETING_KINDS = ['all_hands', 'branch', 'coordination'];
const DECISION_KINDS = ['goal', 'task', 'mechanism', 'division', 'plan', 'other'];

// Runs fn (an async API call), then reload(); a failure shows in msg.  After
// the reload the form is new, so the success note goes to the element with
// id okId in the new page.
async function send(msg, fn, reload, okId) {
  try {
    await fn();
    await reload();
    const again = document.querySelector(`#${okId} [role=status]`);
    if (again) showOk(again, t('common.saved'));
  } catch (err) { showError(msg, err); }
}

const orNull = (s) => (s.trim() ? s.trim() : null);

// The plan's forms: ctx { groupId, plan (or null), user }.  Writers
// (workplan.write) edit the text while the plan is not awaiting approval;
// the leader submits; holders of plan.approve (admin) decide a submitted plan.
export function planForms(ctx, reload) {
  const { groupId, plan, user } = ctx;
  const out = [];
  const writer = ['admin', 'leader', 'member'].includes(user.role);
  if (writer && (!plan || plan.status !== 'submitted')) out.push(planEdit(groupId, plan, reload));
  if (plan && user.role === 'leader' && plan.status !== 'submitted' && plan.status !== 'approved')
    out.push(planSubmit(groupId, reload));
  if (plan && user.role === 'admin' && plan.status === 'submitted') out.push(planDecide(groupId, reload));
  return out;
}

function planEdit(groupId, plan, reload) {
  const title = field({ label: t('plan.f.title'), name: 'plan_title', maxlength: 200, required: true, value: plan ? plan.title : '' });
  const goals = field({ label: t('plan.goals'), name: 'goals', textarea: true, maxlength: 4000, required: true });
  const mech = field({ label: t('plan.mechanism'), name: 'mechanism', textarea: true, maxlength: 4000 });
  const from = field({ label: t('plan.f.starts_on'), name: 'starts_on', type: 'date', required: true, value: plan ? plan.starts_on : '' });
  const to = field({ label: t('plan.f.ends_on'), name: 'ends_on', type: 'date', value: plan && plan.ends_on ? plan.ends_on : '' });
  if (plan) { goals.input.value = plan.goals || ''; mech.input.value = plan.mechanism || ''; }
  const msg = status();
  const el = h('form', { id: 'plan-edit', novalidate: true },
    h('h3', { text: plan && plan.status === 'approved' ? t('plan.f.revise') : t('plan.f.edit') }),
    title.wrap, goals.wrap, mech.wrap, h('div', { class: 'cols' }, from.wrap, to.wrap), msg,
    h('button', { type: 'submit', class: 'primary', text: t('plan.f.save_draft') }));
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { title: title.input.value.trim(), goals: goals.input.value.trim(), mechanism: orNull(mech.input.value),
      starts_on: from.input.value, ends_on: to.input.value || null };
    send(msg, () => (plan ? api('PATCH', `/api/v1/groups/${groupId}/plan`, body) : post(`/api/v1/groups/${groupId}/plan`, body)),
      reload, 'plan-edit');
  });
  return el;
}

function planSubmit(groupId, reload) {
  const note = field({ label: t('plan.f.submit_note'), name: 'submit_note', textarea: true, maxlength: 2000 });
  const msg = status();
  const el = h('form', { id: 'plan-submit', novalidate: true }, h('h3', { text: t('plan.f.submit') }), note.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('plan.f.submit') }));
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    send(msg, () => post(`/api/v1/groups/${groupId}/plan/submit`, { note: orNull(note.input.value) }), reload, 'plan-submit');
  });
  return el;
}

function planDecide(groupId, reload) {
  const comment = field({ label: t('plan.f.comment'), name: 'decision_comment', textarea: true, maxlength: 2000 });
  const msg = status();
  const act = (what) => {
    if (what === 'return' && !comment.input.value.trim()) {
      showError(msg, new Error(t('plan.f.need_comment')));
      comment.input.focus();
      return;
    }
    send(msg, () => post(`/api/v1/groups/${groupId}/plan/${what}`, { comment: orNull(comment.input.value) }), reload, 'plan-decide');
  };
  return h('form', { id: 'plan-decide', novalidate: true, onsubmit: (ev) => ev.preventDefault() },
    h('h3', { text: t('plan.f.decide') }), comment.wrap, msg,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', text: t('plan.f.approve'), onclick: () => act('approve') }), ' ',
      h('button', { type: 'button', text: t('plan.f.return'), onclick: () => act('return') })));
}

// The controls of one task (new task form, or a decision's task): ctx
// { lines: [{code, name}], members: [{id, name}], units: [{unit_id,
// unit_name}] }.  Returns { wrap, value() } with value() the TaskInput or
// null when the title is empty.
function taskFields(ctx, prefix) {
  const title = field({ label: t('plan.f.task_title'), name: `${prefix}title`, maxlength: 200 });
  const line = field({ label: t('plan.task_line'), name: `${prefix}task_line`,
    options: ctx.lines.map((l) => [l.code, l.name || l.code]) });
  const owner = field({ label: t('plan.owner'), name: `${prefix}owner`,
    options: [['', t('common.choose')], ...ctx.members.map((m) => [m.id, m.title ? `${m.name}（${m.title}）` : m.name])] });
  const units = multiField(t('plan.units'), `${prefix}units`, ctx.units.map((u) => [u.unit_id, u.unit_name || `#${u.unit_id}`]));
  const due = field({ label: t('plan.due'), name: `${prefix}due_on`, type: 'date' });
  const wrap = h('div', {}, title.wrap, h('div', { class: 'cols' }, line.wrap, owner.wrap, due.wrap), units.wrap);
  return {
    wrap,
    title,
    value: () => (title.input.value.trim() ? {
      title: title.input.value.trim(), task_line: line.input.value,
      owner_id: owner.input.value ? Number(owner.input.value) : 0,
      unit_ids: units.values(), due_on: due.input.value || null,
    } : null),
  };
}

// The new task form.
export function taskForm(groupId, ctx, reload) {
  const f = taskFields(ctx, '');
  const msg = status();
  const el = h('form', { id: 'task-new', novalidate: true }, h('h3', { text: t('plan.f.new_task') }), f.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('plan.f.add_task') }));
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = f.value();
    if (!v) { showError(msg, new Error(t('plan.f.need_title'))); f.title.input.focus(); return; }
    send(msg, () => post(`/api/v1/groups/${groupId}/tasks`, v), reload, 'task-new');
  });
  return el;
}

// The new meeting form with its decisions (a coordination meeting names
// the unit it is held with: the API refuses it otherwise, field unit_id); each decision may carry one
// new task.
export function meetingForm(groupId, ctx, reload, today) {
  const kind = field({ label: t('plan.f.mkind'), name: 'kind', options: MEETING_KINDS.map((k) => [k, t(`plan.mkind.${k}`)]) });
  const held = field({ label: t('plan.f.held_on'), name: 'held_on', type: 'date', value: today });
  const title = field({ label: t('plan.f.mtitle'), name: 'meeting_title', maxlength: 200 });
  const unit = field({ label: t('plan.f.with_unit'), name: 'unit_id',
    options: [['', t('plan.f.no_unit')], ...ctx.units.map((u) => [u.unit_id, u.unit_name || `#${u.unit_id}`])] });
  const place = field({ label: t('plan.place'), name: 'place' });
  const agenda = field({ label: t('plan.agenda'), name: 'agenda', textarea: true });
  const decisions = [];
  const list = h('div', { class: 'decisions-edit' });
  const addDecision = () => {
    const n = decisions.length + 1;
    const dk = field({ label: t('plan.f.dkind', { n }), name: `d${n}_kind`, options: DECISION_KINDS.map((k) => [k, t(`plan.dkind.${k}`)]) });
    const body = field({ label: t('plan.f.dbody', { n }), name: `d${n}_body`, textarea: true, maxlength: 2000 });
    const tf = taskFields(ctx, `d${n}_`);
    const box = h('fieldset', { class: 'decision-edit' }, h('legend', { text: t('plan.f.decision_n', { n }) }),
      h('div', { class: 'cols' }, dk.wrap), body.wrap,
      h('fieldset', {}, h('legend', { text: t('plan.f.decision_task') }), tf.wrap));
    decisions.push({ dk, body, tf });
    list.append(box);
    return body;
  };
  const msg = status();
  const el = h('form', { id: 'meeting-new', novalidate: true }, h('h3', { text: t('plan.f.new_meeting') }),
    h('div', { class: 'cols' }, kind.wrap, held.wrap, unit.wrap), title.wrap, place.wrap, agenda.wrap, list,
    h('button', { type: 'button', text: t('plan.f.add_decision'), onclick: () => addDecision().input.focus() }), msg,
    h('button', { type: 'submit', class: 'primary', text: t('plan.f.add_meeting') }));
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!title.input.value.trim()) { showError(msg, new Error(t('plan.f.need_mtitle'))); title.input.focus(); return; }
    const ds = decisions.filter((d) => d.body.input.value.trim()).map((d) => {
      const task = d.tf.value();
      return { kind: d.dk.input.value, body: d.body.input.value.trim(), ...(task ? { tasks: [task] } : {}) };
    });
    const body = { kind: kind.input.value, held_on: held.input.value, title: title.input.value.trim(),
      unit_id: unit.input.value ? Number(unit.input.value) : null, place: orNull(place.input.value), agenda: orNull(agenda.input.value), decisions: ds };
    send(msg, () => post(`/api/v1/groups/${groupId}/meetings`, body), reload, 'meeting-new');
  });
  return el;
}
