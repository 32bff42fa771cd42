// The web UI's shell: language, session, navigation and the hash router
// (#/dashboard, #/station, ...).  Each page is a module in pages/ with
// render(ctx): ctx.view is the element to fill, ctx.user the signed-in
// user, ctx.arg the part of the hash after the page name, and
// ctx.cleanup(fn) registers what to undo when the page is left (live
// feeds, charts, timers).
import { api, get, setCsrf, whenSignedOut } from './lib/api.js';
import { clear, h } from './lib/dom.js';
import { currentLang, loadLang, savedLang, t, translateStatic } from './lib/i18n.js';
import { setZone } from './lib/time.js';

const ALL = ['admin', 'leader', 'member', 'unit', 'auditor'];

// Pages in menu order: name, roles that see it in the menu.
const PAGES = [
  ['dashboard', [...ALL, 'checkpoint']],
  ['station', ['admin', 'leader', 'member', 'checkpoint']],
  ['supplies', ALL],
  ['requests', [...ALL, 'department']],
  ['inbox', ['department']],
  ['reports', ['admin', 'leader', 'member', 'auditor']],
  ['resumption', ALL],
  ['people', ALL],
  ['visits', ALL],
  ['inspections', ALL],
  ['workplan', ['admin', 'leader', 'member', 'auditor']],
  ['trace', ['admin', 'leader', 'member']],
  ['admin', ['admin']],
];

// route is the number of the last route() begun: a page still drawing
// for an earlier one (a slow fetch while the hash changed, or the
// language switched) must not draw into the page shown now.
const state = { user: null, cleanups: [], route: 0 };

function landing(user) {
  if (user.role === 'checkpoint') return 'station';
  if (user.role === 'department') return 'inbox';
  return 'dashboard';
}

function runCleanups() {
  for (const fn of state.cleanups.splice(0)) {
    try { fn(); } catch { /* already gone */ }
  }
}

function renderNav() {
  const nav = clear(document.getElementById('nav'));
  const who = document.getElementById('user');
  const out = document.getElementById('signout');
  if (!state.user) {
    who.textContent = '';
    out.hidden = true;
    return;
  }
  const current = pageName();
  const ul = h('ul', {});
  for (const [name, roles] of PAGES) {
    if (!roles.includes(state.user.role) && state.user.role !== 'admin') continue;
    ul.append(h('li', {}, h('a', { href: `#/${name}`, text: t(`nav.${name}`),
      'aria-current': name === current ? 'page' : null })));
  }
  nav.append(ul);
  who.textContent = `${state.user.display_name || state.user.username} · ${t(`role.${state.user.role}`)}`;
  out.hidden = false;
}

function pageName() {
  const m = /^#\/([a-z-]+)/.exec(location.hash);
  return m ? m[1] : '';
}

async function route() {
  const seq = ++state.route;
  runCleanups();
  // Each route draws into a fresh #view: a page of an earlier route that
  // is still awaiting its data keeps the element it was given, now out of
  // the document, so two pages never end up one under the other.
  const old = document.getElementById('view');
  const view = old.cloneNode(false);
  // data-loaded="true" is set by the page when it has drawn itself; the
  // last page's mark must not stand for the next one.
  delete view.dataset.loaded;
  old.replaceWith(view);
  // What a stale page registers (a live feed opened after the route moved
  // on) is undone at once rather than at the route after next.
  const cleanup = (fn) => {
    if (seq === state.route) state.cleanups.push(fn);
    else try { fn(); } catch { /* already gone */ }
  };
  if (!state.user) {
    const mod = await import('./pages/signin.js');
    document.title = `${t('signin.title')} · ${t('app.name')}`;
    await mod.render({ view, signedIn });
    return;
  }
  let name = pageName();
  if (!PAGES.some(([n]) => n === name)) {
    location.replace(`#/${landing(state.user)}`);
    return;
  }
  const arg = decodeURIComponent(location.hash.slice(2 + name.length).replace(/^\//, ''));
  renderNav();
  document.title = `${t(`nav.${name}`)} · ${t('app.name')}`;
  try {
    const mod = await import(`./pages/${name}.js`);
    await mod.render({ view, user: state.user, arg, cleanup });
  } catch (err) {
    view.append(h('p', { class: 'status bad', role: 'alert', text: err.userMessage ? err.userMessage() : String(err.message || err) }));
  }
}

async function signedIn(answer) {
  state.user = answer.user;
  setCsrf(answer.csrf_token);
  setZone(answer.tz);
  renderNav();
  if (!pageName()) location.hash = `#/${landing(state.user)}`;
  else await route();
}

async function signOut() {
  try { await api('DELETE', '/api/v1/session'); } catch { /* gone already */ }
  state.user = null;
  setCsrf(null);
  renderNav();
  location.hash = '#/';
  await route();
}

async function switchLang() {
  await loadLang(currentLang() === 'zh-CN' ? 'en' : 'zh-CN');
  applyLang();
  renderNav();
  await route();
}

function applyLang() {
  translateStatic();
  const b = document.getElementById('lang');
  b.textContent = currentLang() === 'zh-CN' ? 'English' : '中文';
  b.lang = currentLang() === 'zh-CN' ? 'en' : 'zh-CN';
  document.getElementById('nav').setAttribute('aria-label', t('app.menu'));
}

async function boot() {
  await loadLang(savedLang());
  applyLang();
  document.getElementById('lang').addEventListener('click', switchLang);
  // The skip link moves the focus to the page's content.  Followed as a
  // link it set the hash to #view, which the router took for an unknown
  // page and left for the landing page.
  document.querySelector('a.skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('view').focus();
  });
  document.getElementById('signout').addEventListener('click', signOut);
  whenSignedOut(() => {
    if (!state.user) return;
    state.user = null;
    renderNav();
    route();
  });
  try {
    const s = await get('/api/v1/session');
    state.user = s.user;
    setCsrf(s.csrf_token);
    setZone(s.tz);
  } catch { state.user = null; }
  window.addEventListener('hashchange', route);
  renderNav();
  await route();
  document.body.dataset.ready = 'true';
}

boot();
