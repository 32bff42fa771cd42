// Message catalogues (web/i18n/<lang>.json): zh-CN by default, English by
// the switch in the header; the choice is kept in localStorage.
const LANGS = ['zh-CN', 'en'];
let lang = 'zh-CN';
let messages = {};
let fallback = {};

export function currentLang() { return lang; }

async function fetchCatalogue(l) {
  const res = await fetch(`/web/i18n/${l}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`catalogue ${l}: ${res.status}`);
  return res.json();
}

export async function loadLang(l) {
  if (!LANGS.includes(l)) l = 'zh-CN';
  if (!Object.keys(fallback).length) fallback = await fetchCatalogue('zh-CN');
  messages = l === 'zh-CN' ? fallback : await fetchCatalogue(l);
  lang = l;
  try { localStorage.setItem('sijin.lang', l); } catch { /* private mode */ }
  document.documentElement.lang = l;
}

export function savedLang() {
  try { return localStorage.getItem('sijin.lang') || 'zh-CN'; } catch { return 'zh-CN'; }
}

// The message key, with {name} replaced by vars.name (as text).
export function t(key, vars) {
  let s = messages[key] ?? fallback[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
  return s;
}

// Fill every element below root that has a data-t attribute with the
// message of that key.
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
}
