// The self check-in page behind a place code (场所码; docs/codes.md).
//
// The visitor gives name and mobile once (kept in this phone's
// localStorage), then taps "in" or "out"; the page posts to
// /api/v1/checkin/<token>.  An unknown phone is asked where from, why and
// whom it visits (outsider registration) before the scan is recorded.
// Text reaches the page only through textContent: nothing from the server
// or the visitor is ever parsed as HTML.  No inline script or style (the
// page's Content-Security-Policy forbids them).
'use strict';

(function () {
  const TEXT = {
    'zh-CN': {
      'page-title': '扫码登记',
      kicker: '场所码 · 扫码登记',
      loading: '正在加载…',
      'who-title': '请填写您的信息',
      'who-hint': '只需填写一次，本手机会记住。',
      name: '姓名',
      mobile: '手机号码',
      save: '保存',
      in: '进入登记',
      out: '离开登记',
      change: '修改我的信息',
      'reg-title': '外来人员登记',
      'reg-hint': '本手机号在此处没有登记，请补充以下信息。',
      from: '从何处来',
      reason: '来访事由',
      host: '拜访住户或单位',
      'reg-submit': '登记并提交',
      cancel: '取消',
      again: '返回',
      privacy: '您的信息仅用于疫情防控登记，按规定期限保存后删除。',
      'bad-code': '此场所码无效或已更换，请扫描现场张贴的最新场所码。',
      'no-network': '网络连接失败，请稍后重试。',
      'too-many': '操作过于频繁，请稍后再试。',
      'server-error': '服务暂时不可用，请稍后再试或联系现场工作人员。',
      required: '请填写此项',
      'bad-mobile': '请输入11位手机号码',
      'entries-only': '此处只登记进入',
      pass: '登记成功',
      alert: '请配合工作人员',
      deny: '禁止通行',
      'pass-detail': '请出示此页面给工作人员。',
      'alert-detail': '已通知工作人员，请在此稍候。',
      'deny-detail': '请联系现场工作人员。',
      'dir-in': '进入',
      'dir-out': '离开',
      at: '时间',
      // The reasons of a decision, in the words of the web UI
      // (web/i18n/zh-CN.json reason.*; docs/checkpoint.md).
      'reason-fever': '体温异常（发热）',
      'reason-outsider_unregistered': '外来人员未登记',
      'reason-home_quarantine_exit': '居家隔离人员外出',
      'reason-home_quarantine_entry': '居家隔离人员返回',
      'reason-key_group': '重点人群',
      'reason-sep': '、',
    },
    en: {
      'page-title': 'Check in',
      kicker: 'Place code · check in',
      loading: 'Loading…',
      'who-title': 'Your details',
      'who-hint': 'Asked only once; this phone remembers them.',
      name: 'Name',
      mobile: 'Mobile number',
      save: 'Save',
      in: 'Check in',
      out: 'Check out',
      change: 'Change my details',
      'reg-title': 'Visitor registration',
      'reg-hint': 'This mobile number is not registered here. Please add:',
      from: 'Where you come from',
      reason: 'Reason for the visit',
      host: 'Household or unit you visit',
      'reg-submit': 'Register and submit',
      cancel: 'Cancel',
      again: 'Back',
      privacy: 'Your details are used only for epidemic-prevention records and deleted after the retention period.',
      'bad-code': 'This place code is not valid or has been replaced. Scan the code posted here.',
      'no-network': 'No connection. Please try again.',
      'too-many': 'Too many attempts. Please try again later.',
      'server-error': 'The service is unavailable. Try again later or ask the staff here.',
      required: 'Please fill this in',
      'bad-mobile': 'Enter an 11-digit mobile number',
      'entries-only': 'Only entries are recorded here',
      pass: 'Recorded',
      alert: 'Please wait for the staff',
      deny: 'Entry refused',
      'pass-detail': 'Show this page to the staff.',
      'alert-detail': 'The staff have been told; please wait here.',
      'deny-detail': 'Please speak to the staff here.',
      'dir-in': 'In',
      'dir-out': 'Out',
      at: 'Time',
      'reason-fever': 'fever',
      'reason-outsider_unregistered': 'unregistered outsider',
      'reason-home_quarantine_exit': 'home quarantine: leaving',
      'reason-home_quarantine_entry': 'home quarantine: coming back',
      'reason-key_group': 'key group',
      'reason-sep': ', ',
    },
  };
  const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
  const ME_KEY = 'sijin.checkin.me';
  const LANG_KEY = 'sijin.lang';
  const SECTIONS = ['failure', 'who', 'act', 'register', 'result'];
  const FIELDS = ['name', 'mobile', 'from', 'reason', 'host'];

  const $ = (id) => document.getElementById(id);
  const saved = {
    get(key) {
      try { return JSON.parse(window.localStorage.getItem(key)); } catch (e) { return null; }
    },
    set(key, value) {
      try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
    },
  };

  let lang = saved.get(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
  let me = saved.get(ME_KEY);
  let place = null;       // the place code's names, from GET /api/v1/checkin/<token>
  let shown = null;       // the section on screen
  let failure = null;     // key of the failure message shown
  let outcome = null;     // the last check-in answer
  let direction = 'in';   // of the check-in being registered
  const token = window.location.pathname.split('/').pop() || '';

  function t(key) {
    return (TEXT[lang] && TEXT[lang][key]) || TEXT['zh-CN'][key] || key;
  }

  function show(id) {
    shown = id;
    for (const s of SECTIONS) $(s).hidden = s !== id;
  }

  function fail(key, detail) {
    failure = key;
    $('failure-text').textContent = detail || t(key);
    show('failure');
  }

  function maskMobile(m) {
    const digits = String(m).replace(/\D/g, '').slice(-11);
    return digits.length === 11 ? `${digits.slice(0, 3)}****${digits.slice(7)}` : '';
  }

  function fieldError(field, message) {
    const input = $(field);
    const out = $(`${field}-error`);
    if (!input || !out) return false;
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    out.textContent = message || '';
    out.hidden = !message;
    return true;
  }

  function clearErrors() {
    for (const f of FIELDS) fieldError(f, '');
  }

  // "2020-03-18T09:30:05+08:00" → "2020-03-18 09:30:05": the instant as
  // the place's clock shows it (the server answers in the deployment's
  // zone, DESIGN.md §4 "Time"), whatever zone the visitor's phone is set
  // to, so that it reads as the staff's screens and ledgers do.
  function wallTime(at) {
    const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})/.exec(typeof at === 'string' ? at : '');
    return m ? `${m[1]} ${m[2]}` : '';
  }

  function renderPlace() {
    $('place').textContent = place ? place.place_name : t('loading');
    $('checkpoint').textContent = place ? place.checkpoint_name : '';
    $('out').hidden = !!place && !place.records_exits;
  }

  function renderMe() {
    if (!me) return;
    $('me-name').textContent = me.name;
    $('me-mobile').textContent = maskMobile(me.mobile);
  }

  function renderOutcome() {
    if (!outcome) return;
    const decision = ['pass', 'alert', 'deny'].includes(outcome.decision) ? outcome.decision : 'pass';
    const card = $('result');
    card.className = `card ${decision}`;
    $('result-mark').textContent = decision === 'pass' ? '✓' : decision === 'alert' ? '!' : '✕';
    $('result-title').textContent = t(decision);
    const reasons = Array.isArray(outcome.reasons) ? outcome.reasons : [];
    // The answer's reasons are codes (fever, home_quarantine_exit, ...):
    // shown in the page's language, an unknown one as it came.
    const why = reasons.map((r) => (typeof r === 'string' ? r : (r && r.code) || ''))
      .filter(Boolean).map((code) => t(`reason-${code}`)).join(t('reason-sep'));
    $('result-detail').textContent = why ? `${t(`${decision}-detail`)} ${why}` : t(`${decision}-detail`);
    const dir = t(outcome.direction === 'out' ? 'dir-out' : 'dir-in');
    $('result-time').textContent = `${dir} · ${t('at')} ${wallTime(outcome.at)}`;
  }

  function applyLang() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    $('lang').textContent = lang === 'en' ? '中文' : 'English';
    $('lang').setAttribute('lang', lang === 'en' ? 'zh-CN' : 'en');
    document.title = place ? `${t('page-title')} · ${place.place_name}` : t('page-title');
    renderPlace();
    renderMe();
    renderOutcome();
    if (shown === 'failure' && failure) $('failure-text').textContent = t(failure);
  }

  function randomKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function call(method, body) {
    const opts = { method, headers: { Accept: 'application/json' }, cache: 'no-store' };
    if (body) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(`/api/v1/checkin/${encodeURIComponent(token)}`, opts);
    } catch (e) {
      return { status: 0, body: null };
    }
    let parsed = null;
    try { parsed = await res.json(); } catch (e) { /* not JSON */ }
    return { status: res.status, body: parsed };
  }

  // Show a problem document: on its field when the form has it, else as a
  // failure.  Returns true when it was shown on a field.
  function problem(res) {
    const p = res.body || {};
    if (res.status === 0) { fail('no-network'); return false; }
    if (res.status === 404) { fail('bad-code'); return false; }
    if (res.status === 429) { fail('too-many'); return false; }
    if (res.status >= 500) { fail('server-error'); return false; }
    if (p.field === 'direction') { fail('entries-only'); return false; }
    const local = p.field === 'mobile' ? t('bad-mobile') : '';
    if (p.field === 'name' || p.field === 'mobile') {
      show('who');
      fieldError(p.field, local || p.detail);
      return true;
    }
    if (['from', 'reason', 'host'].includes(p.field)) {
      show('register');
      fieldError(p.field, p.detail);
      return true;
    }
    fail('server-error', p.detail);
    return false;
  }

  async function checkIn(dir, registration) {
    direction = dir;
    const body = { name: me.name, mobile: me.mobile, direction: dir, idempotency_key: randomKey() };
    if (registration) Object.assign(body, registration);
    for (const b of document.querySelectorAll('button')) b.disabled = true;
    const res = await call('POST', body);
    for (const b of document.querySelectorAll('button')) b.disabled = false;
    if (res.status === 200 && res.body && res.body.result === 'registration_required') {
      clearErrors();
      show('register');
      $('from').focus();
      return;
    }
    if (res.status === 200 && res.body && res.body.result === 'recorded') {
      outcome = res.body;
      renderOutcome();
      show('result');
      return;
    }
    problem(res);
  }

  function required(fields) {
    let ok = true;
    for (const f of fields) {
      const v = $(f).value.trim();
      fieldError(f, v ? '' : t('required'));
      if (!v) ok = false;
    }
    return ok;
  }

  function onSaveMe(ev) {
    ev.preventDefault();
    clearErrors();
    if (!required(['name', 'mobile'])) return;
    if (maskMobile($('mobile').value) === '') { fieldError('mobile', t('bad-mobile')); return; }
    me = { name: $('name').value.trim(), mobile: $('mobile').value.trim() };
    saved.set(ME_KEY, me);
    renderMe();
    show('act');
  }

  function onRegister(ev) {
    ev.preventDefault();
    clearErrors();
    if (!required(['from', 'reason', 'host'])) return;
    checkIn(direction, {
      from: $('from').value.trim(), reason: $('reason').value.trim(), host: $('host').value.trim(),
    });
  }

  function onChange() {
    $('name').value = me ? me.name : '';
    $('mobile').value = me ? me.mobile : '';
    clearErrors();
    show('who');
  }

  async function start() {
    $('lang').addEventListener('click', () => {
      lang = lang === 'en' ? 'zh-CN' : 'en';
      saved.set(LANG_KEY, lang);
      applyLang();
    });
    $('who').addEventListener('submit', onSaveMe);
    $('register').addEventListener('submit', onRegister);
    $('in').addEventListener('click', () => checkIn('in'));
    $('out').addEventListener('click', () => checkIn('out'));
    $('change').addEventListener('click', onChange);
    $('reg-cancel').addEventListener('click', () => show('act'));
    $('again').addEventListener('click', () => show('act'));
    if (!me || typeof me.name !== 'string' || typeof me.mobile !== 'string') me = null;
    applyLang();
    if (!TOKEN_RE.test(token)) { fail('bad-code'); return; }
    const res = await call('GET');
    if (res.status !== 200 || !res.body) { problem(res); return; }
    place = res.body;
    applyLang();
    if (me) show('act'); else onChange();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
