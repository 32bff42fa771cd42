// A form that adds a record or edits one (POST to create, PATCH to edit),
// shared by the admin page (units, places, checkpoints) and the people
// page (people, households).  Every control is a labelled field() from
// dom.js; the API's problem (naming the field) shows in the form's status
// line.
import { field, h, showError, showOk, status } from './dom.js';
import { t } from './i18n.js';

// o: { id, title (new), editTitle(record), fields, create(body) → record,
//      update(record, body) → record, saved(record) }
// fields: [{ key, label, options?, type?, required?, maxlength?, min?, max?,
//   nullable? (empty → null when editing), fromRecord?(record) → value,
//   toBody?(value) → value, initial? (value or function for a new record),
//   createOnly? (sent when adding only; shown disabled when editing),
//   numeric? (a select whose value is sent as a number), blankKeeps? (an empty field leaves the value as
//   it is: not sent when editing; for masked identity data) , hint? }]
// Returns { el, edit(record), reset() }.
export function recordForm(o) {
  const heading = h('h2', { text: o.title });
  const controls = o.fields.map((f) => {
    if (f.type === 'checks') return { f, ...checks(`${o.id}-${f.key}`, f) };
    const c = field({ label: f.label, name: f.key, id: `${o.id}-${f.key}`, options: f.options,
      type: f.type, required: f.required, maxlength: f.maxlength, min: f.min, max: f.max });
    if (f.hint) c.wrap.append(h('p', { class: 'hint', id: `${o.id}-${f.key}-hint` }));
    return { f, ...c };
  });
  const msg = status();
  const cancel = h('button', { type: 'button', text: t('form.new'), hidden: true, onclick: () => reset() });
  const form = h('form', { id: o.id, novalidate: true }, heading,
    h('div', { class: 'cols' }, controls.map((c) => c.wrap)), msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', text: t('common.save') }), cancel));
  let editing = null;

  const setValue = (c, v) => {
    if (c.f.type === 'checks') c.set(v || []);
    else if (c.f.type === 'checkbox') c.input.checked = !!v;
    else c.input.value = v === null || v === undefined ? '' : String(v);
  };
  const reset = () => {
    editing = null;
    heading.textContent = o.title;
    cancel.hidden = true;
    for (const c of controls) {
      setValue(c, typeof c.f.initial === 'function' ? c.f.initial() : c.f.initial);
      if (c.input) c.input.disabled = false;
      if (c.f.hint) c.wrap.querySelector('.hint').textContent = '';
    }
  };
  const edit = (rec) => {
    editing = rec;
    heading.textContent = o.editTitle(rec);
    cancel.hidden = false;
    for (const c of controls) {
      const v = c.f.fromRecord ? c.f.fromRecord(rec) : rec[c.f.key];
      if (c.f.blankKeeps) setValue(c, '');
      else setValue(c, v);
      if (c.f.hint) c.wrap.querySelector('.hint').textContent = c.f.hint(rec);
      if (c.input) c.input.disabled = !!c.f.createOnly;
    }
    form.scrollIntoView({ block: 'nearest' });
    // The first control that can be changed (a place is fixed while editing).
    const first = controls.find((c) => c.input && !c.input.disabled);
    (first ? first.input : form).focus();
  };
  const body = () => {
    const b = {};
    for (const c of controls) {
      const { f } = c;
      if (editing && f.createOnly) continue;
      let v;
      if (f.type === 'checks') v = c.get();
      else if (f.type === 'checkbox') v = c.input.checked;
      else v = c.input.value.trim();
      if (v === '') {
        if (f.blankKeeps) continue;
        if (editing && f.nullable) b[f.key] = null;
        continue;
      }
      if (f.type === 'number' || f.numeric) v = Number(v);
      b[f.key] = f.toBody ? f.toBody(v) : v;
    }
    return b;
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    try {
      const rec = editing ? await o.update(editing, body()) : await o.create(body());
      showOk(msg, t('form.saved', { name: rec && rec.name !== undefined ? rec.name : (rec && rec.room) || '' }));
      reset();
      if (o.saved) await o.saved(rec);
    } catch (err) { showError(msg, err); }
  });
  reset();
  return { el: form, edit, reset };
}

// A group of labelled checkboxes (f.choices: [[value, text]]) whose value
// is the array of the checked values, in the order of the choices.
function checks(id, f) {
  const boxes = f.choices.map(([v, text], i) => {
    const input = h('input', { type: 'checkbox', id: `${id}-${i}`, name: f.key, value: String(v) });
    return { v, input, el: h('span', { class: 'check' }, input, h('label', { for: `${id}-${i}`, text })) };
  });
  const wrap = h('fieldset', { class: 'field checks', id }, h('legend', { text: f.label }), boxes.map((b) => b.el));
  return {
    wrap,
    get: () => boxes.filter((b) => b.input.checked).map((b) => b.v),
    set: (vals) => { for (const b of boxes) b.input.checked = vals.includes(b.v); },
  };
}

// An "edit" button for a table row, labelled with the record's name.
export function editButton(name, onclick) {
  return h('button', { type: 'button', text: t('form.edit'), 'aria-label': t('form.edit_named', { name }), onclick });
}
