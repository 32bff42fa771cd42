// The checkpoint station, for a tablet at a gate: choose the checkpoint
// and the direction, take the temperature, then scan — a keyboard-wedge
// scanner types the code (or an identity number) into the scan field and
// presses Enter — and the screen turns green (pass), amber (alert) or red
// (deny) with the reason, large enough to read at arm's length.  Also the
// outsider registration form and the disinfection entry for the
// checkpoint's place.  POST /api/v1/checkpoints/{id}/scans,
// /api/v1/outsiders, /api/v1/places/{id}/disinfections.
//
// A scan is kept until it is recorded: a refusal (a problem document, e.g.
// a mistyped temperature) or a network failure leaves the code and the
// temperature in their fields, so the attendant corrects and sends again
// without scanning the person twice.  Each scan attempt carries its own
// Idempotency-Key (docs/checkpoint.md "Idempotency"), kept while the same
// scan (checkpoint, direction, code, temperature) is sent again: a retry
// after an answer lost on the way is replayed by the server, not stored a
// second time.
import { ApiError, post } from '../lib/api.js';
import { card, field, h, showError, showOk, status } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { allCheckpoints } from '../lib/org.js';
import { showInstant } from '../lib/time.js';

const ID_NUMBER = /^\d{17}[\dXx]$/;
const KEEP = 'sijin.station.checkpoint';

// A new idempotency key: 128 random bits as 32 hex digits.
// (crypto.getRandomValues, since randomUUID needs a secure context and a
// station may be served over plain HTTP on a LAN.)
function newKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function decisionScreen() {
  const verdict = h('p', { class: 'verdict' });
  const reason = h('p', { class: 'reason' });
  const person = h('p', { class: 'person' });
  const close = h('button', { type: 'button', text: t('station.next') });
  const el = h('div', { class: 'decision', id: 'decision', hidden: true, role: 'alertdialog', 'aria-modal': 'true',
    'aria-labelledby': 'decision-verdict', 'aria-describedby': 'decision-reason' },
  verdict, reason, person, close, h('p', { class: 'dismiss', text: t('station.dismiss_hint') }));
  verdict.id = 'decision-verdict';
  reason.id = 'decision-reason';
  return { el, verdict, reason, person, close };
}

export async function render({ view, cleanup }) {
  const list = await allCheckpoints();
  const saved = Number(localStorage.getItem(KEEP)) || 0;
  const cp = field({ label: t('station.checkpoint'), name: 'checkpoint',
    options: [['', t('common.choose')], ...list.map((c) => [c.id, `${c.unit_name} · ${c.place_name} · ${c.name}`])],
    value: list.some((c) => c.id === saved) ? saved : (list.length === 1 ? list[0].id : '') });
  const dirIn = h('input', { type: 'radio', name: 'direction', value: 'in', id: 'dir-in', checked: true });
  const dirOut = h('input', { type: 'radio', name: 'direction', value: 'out', id: 'dir-out' });
  const direction = h('fieldset', { class: 'radio' }, h('legend', { text: t('station.direction') }),
    h('label', { for: 'dir-in' }, dirIn, t('station.in')), h('label', { for: 'dir-out' }, dirOut, t('station.out')));
  const temp = field({ label: t('station.temperature'), name: 'temperature', id: 'temperature', inputmode: 'decimal', maxlength: 12, placeholder: '36.5' });
  const scan = field({ label: t('station.scan'), name: 'scan', id: 'scan', maxlength: 600 });
  const msg = status();
  const recent = h('ol', { class: 'alerts', id: 'recent', 'aria-label': t('station.recent') });
  const screen = decisionScreen();
  const current = () => list.find((c) => String(c.id) === cp.input.value);

  let timer = null;
  const hide = () => {
    clearTimeout(timer);
    screen.el.hidden = true;
    scan.input.focus();
  };
  const show = (ans) => {
    const d = ans.decision;
    screen.el.className = `decision ${d}`;
    screen.verdict.textContent = t(`decision.${d}`);
    screen.reason.textContent = ans.reasons.length ? ans.reasons.map((r) => t(`reason.${r}`)).join('、') : t('decision.no_reason');
    const who = ans.person ? (ans.person.name || ans.person.id_number_masked || '') : '';
    screen.person.textContent = [who, ans.person && ans.person.name ? ans.person.id_number_masked : '',
      ans.temperature ? `${ans.temperature} °C` : '', t(`station.${ans.direction}`)].filter(Boolean).join(' · ');
    screen.el.hidden = false;
    screen.close.focus();
    clearTimeout(timer);
    timer = setTimeout(hide, d === 'pass' ? 4000 : 15000);
  };
  screen.close.addEventListener('click', hide);
  screen.el.addEventListener('click', hide);
  // Escape or Enter closes the decision; the next scan's first character
  // closes it too and lands in the scan field.
  const onKey = (ev) => {
    if (screen.el.hidden) return;
    if (ev.key === 'Escape' || ev.key === 'Enter') { ev.preventDefault(); hide(); } else if (ev.key.length === 1) hide();
  };
  document.addEventListener('keydown', onKey, true);
  cleanup(() => { document.removeEventListener('keydown', onKey, true); clearTimeout(timer); screen.el.remove(); });

  // Enter in the temperature field moves on to the scan field, or sends
  // the scan kept there after a refusal.
  temp.input.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    if (scan.input.value.trim()) form.requestSubmit(); else scan.input.focus();
  });
  cp.input.addEventListener('change', () => { localStorage.setItem(KEEP, cp.input.value); scan.input.focus(); });

  const form = h('form', { class: 'card scan', id: 'scan-form', novalidate: true },
    h('h2', { text: t('station.title') }), cp.wrap, direction, temp.wrap, scan.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('station.record') }));
  // The scan not yet recorded: what was sent and its key; null once the
  // server has recorded it.
  let attempt = null;
  let sending = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (sending) return;  // a second Enter while the first is under way
    const c = current();
    const code = scan.input.value.trim();
    msg.hidden = true;
    if (!c) { showError(msg, t('station.no_checkpoint')); cp.input.focus(); return; }
    if (!code) { scan.input.focus(); return; }
    const body = { direction: dirOut.checked ? 'out' : 'in' };
    if (ID_NUMBER.test(code)) body.id_number = code.toUpperCase(); else body.code = code;
    if (temp.input.value.trim()) body.temperature = temp.input.value.trim();
    // The same scan sent again keeps its key; anything changed is a new
    // attempt (the server refuses a key reused for another direction or
    // checkpoint, 409).
    const what = JSON.stringify([c.id, body]);
    if (!attempt || attempt.what !== what) attempt = { what, key: newKey() };
    sending = true;
    try {
      const ans = await post(`/api/v1/checkpoints/${c.id}/scans`, body, { 'Idempotency-Key': attempt.key });
      attempt = null;
      scan.input.value = '';
      temp.input.value = '';
      show(ans);
      recent.prepend(h('li', { class: `alert-item ${ans.decision === 'pass' ? 'pass' : ans.decision}` },
        h('span', { class: 'when', text: showInstant(ans.at) }),
        h('strong', { text: t(`decision.${ans.decision}`) }),
        h('span', { class: 'who', text: ans.person ? (ans.person.name || ans.person.id_number_masked) : '' }),
        ans.reasons.length ? h('span', { text: ans.reasons.map((r) => t(`reason.${r}`)).join('、') }) : null));
      while (recent.children.length > 10) recent.lastElementChild.remove();
    } catch (err) {
      // Kept for the retry: the code and the temperature stay; the field
      // at fault gets the focus with its text selected, so that typing (or
      // the scanner) replaces it.
      if (err instanceof ApiError) showError(msg, err); else showError(msg, t('station.no_answer'));
      const at = err instanceof ApiError && err.problem && err.problem.field === 'temperature' ? temp.input : scan.input;
      at.focus();
      at.select();
    } finally {
      sending = false;
    }
  });

  view.append(h('h1', { text: t('nav.station') }),
    h('div', { class: 'station' },
      h('div', {}, form, card(t('station.recent'), recent)),
      h('div', {}, outsiderForm(current), disinfectionForm(current))),
    screen.el);
  if (!list.length) showError(msg, t('station.none_visible'));
  (cp.input.value ? scan.input : cp.input).focus();
  view.dataset.loaded = 'true';
}

// Outsider registration (外来人员登记) at the checkpoint's unit.
function outsiderForm(current) {
  const f = {
    name: field({ label: t('outsider.name'), name: 'name', maxlength: 100, required: true }),
    mobile: field({ label: t('outsider.mobile'), name: 'mobile', type: 'tel', inputmode: 'tel', maxlength: 20, required: true }),
    id_number: field({ label: t('outsider.id_number'), name: 'id_number', maxlength: 18 }),
    from: field({ label: t('outsider.from'), name: 'from', maxlength: 100, required: true }),
    reason: field({ label: t('outsider.reason'), name: 'reason', maxlength: 200, required: true }),
    host: field({ label: t('outsider.host'), name: 'host', maxlength: 100, required: true }),
  };
  // Shown once the identity number turns out to be on record under another
  // name (409 on id_number): the attendant confirms it is that person.
  const confirm = field({ label: t('outsider.confirm_person'), name: 'confirm_person', type: 'checkbox' });
  confirm.wrap.hidden = true;
  const msg = status();
  const form = h('form', { class: 'card', id: 'outsider-form', novalidate: true },
    h('h2', { text: t('outsider.title') }), Object.values(f).map((x) => x.wrap), confirm.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('outsider.submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const c = current();
    if (!c) { showError(msg, t('station.no_checkpoint')); return; }
    const body = { checkpoint_id: c.id };
    for (const [k, x] of Object.entries(f)) if (x.input.value.trim()) body[k] = x.input.value.trim();
    if (!confirm.wrap.hidden && confirm.input.checked) body.confirm_person = true;
    try {
      const r = await post('/api/v1/outsiders', body);
      showOk(msg, t('outsider.done', { name: r.person.name, until: showInstant(r.valid_until) }));
      for (const x of Object.values(f)) x.input.value = '';
      confirm.wrap.hidden = true;
      confirm.input.checked = false;
    } catch (err) {
      if (err.status === 409 && err.problem && err.problem.field === 'id_number') confirm.wrap.hidden = false;
      showError(msg, err);
    }
  });
  return form;
}

// Disinfection entry (消毒记录) for the checkpoint's place.
function disinfectionForm(current) {
  const area = field({ label: t('disinfect.area'), name: 'area', maxlength: 100, required: true });
  const agent = field({ label: t('disinfect.agent'), name: 'agent', maxlength: 100, required: true, value: '84消毒液' });
  const conc = field({ label: t('disinfect.concentration'), name: 'concentration', maxlength: 40, placeholder: '1:100' });
  const note = field({ label: t('disinfect.note'), name: 'note', maxlength: 500 });
  const msg = status();
  const form = h('form', { class: 'card', id: 'disinfection-form', novalidate: true },
    h('h2', { text: t('disinfect.title') }), area.wrap, agent.wrap, conc.wrap, note.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('disinfect.submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const c = current();
    if (!c) { showError(msg, t('station.no_checkpoint')); return; }
    const body = { area: area.input.value.trim(), agent: agent.input.value.trim() };
    if (conc.input.value.trim()) body.concentration = conc.input.value.trim();
    if (note.input.value.trim()) body.note = note.input.value.trim();
    try {
      const r = await post(`/api/v1/places/${c.place_id}/disinfections`, body);
      showOk(msg, t('disinfect.done', { place: r.place_name, next: showInstant(r.next_due_at) }));
      area.input.value = '';
      note.input.value = '';
    } catch (err) { showError(msg, err); }
  });
  return form;
}

