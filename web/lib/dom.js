// DOM helpers.  Everything user-supplied goes in as text: h() turns string
// children into text nodes and never sets innerHTML, so a name like
// <img src=x onerror=alert(1)> shows literally and runs nothing.
import { t } from './i18n.js';

let uid = 0;

// h('button', { class: 'primary', onclick: fn, text: 'Go' }, child, ...)
// props: class, text (textContent), on<event> (listener), dataset, hidden,
// value, checked, disabled, and any other attribute (set as a string).
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked' || k === 'hidden' || k === 'disabled' ||
             k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function newId(prefix = 'f') { uid++; return `${prefix}-${uid}`; }

// A labelled control: { label, name, type, required, options: [[value,
// text]...] for a select, textarea: true, ...attributes }.  Returns
// { wrap, input }.
export function field(o) {
  const id = o.id || newId(o.name || 'f');
  let input;
  const attrs = { id, name: o.name, required: o.required, autocomplete: o.autocomplete || 'off',
    placeholder: o.placeholder, inputmode: o.inputmode, maxlength: o.maxlength,
    min: o.min, max: o.max, step: o.step, value: o.value };
  if (o.options) {
    input = h('select', attrs, o.options.map(([v, text]) => h('option', { value: String(v), text })));
    if (o.value !== undefined) input.value = String(o.value);
  } else if (o.textarea) {
    input = h('textarea', { ...attrs, rows: o.rows || 3 });
  } else {
    input = h('input', { ...attrs, type: o.type || 'text' });
  }
  const wrap = h('div', { class: 'field' }, h('label', { for: id, text: o.label }), input);
  return { wrap, input };
}

// A labelled multi-select: options [[value, text]...].  Returns { wrap,
// input, values() } with values() the chosen values as numbers.  With
// o.chooseOnly and one option only, that option is chosen already.
export function multiField(label, name, options, o = {}) {
  const id = newId(name);
  const input = h('select', { id, name, multiple: true, size: Math.min(6, Math.max(2, options.length)) },
    options.map(([v, text]) => h('option', { value: String(v), text, selected: Boolean(o.chooseOnly) && options.length === 1 })));
  const wrap = h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
  return { wrap, input, values: () => [...input.selectedOptions].map((o) => Number(o.value)) };
}

// Replace a select's options with a first empty one (text first) and
// options [[value, text]...], keeping the value chosen while it is still
// offered.
export function setOptions(select, first, options) {
  const keep = select.value;
  append(clear(select), [h('option', { value: '', text: first }), options.map(([v, text]) => h('option', { value: String(v), text }))]);
  select.value = keep;
  if (select.value !== keep) select.value = '';
}

// A table: cols = [{ label, value: row => string | Node }], rows an array.
// Empty rows give one cell saying so.
export function table(cols, rows, o = {}) {
  const head = h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: c.label }))));
  const body = h('tbody', {});
  for (const r of rows) {
    const tr = h('tr', o.rowProps ? o.rowProps(r) : {});
    for (const c of cols) {
      const v = c.value(r);
      tr.append(h('td', { class: c.class }, v instanceof Node ? v : (v === null || v === undefined ? '' : String(v))));
    }
    body.append(tr);
  }
  if (!rows.length)
    body.append(h('tr', {}, h('td', { colspan: cols.length, class: 'empty', text: t('common.none') })));
  return h('div', { class: 'table-wrap' }, h('table', { class: o.class }, o.caption ? h('caption', { text: o.caption }) : null, head, body));
}

// A section card with a heading.
export function card(title, ...children) {
  return h('section', { class: 'card' }, h('h2', { text: title }), ...children);
}

// Show an error (an ApiError or any Error) in a status element.
export function showError(el, err) {
  el.hidden = false;
  el.className = 'status bad';
  el.textContent = err && err.userMessage ? err.userMessage() : String(err && err.message || err);
}

export function showOk(el, text) {
  el.hidden = false;
  el.className = 'status ok';
  el.textContent = text;
}

export function status() {
  return h('p', { class: 'status', role: 'status', 'aria-live': 'polite', hidden: true });
}
