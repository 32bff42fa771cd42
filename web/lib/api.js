// The JSON API, as the signed-in user: the session cookie goes with every
// request (same origin); state-changing requests carry the CSRF token from
// the sign-in answer in X-CSRF-Token.  Errors are RFC 9457 problems.
import { t } from './i18n.js';

let csrf = null;
let onSignedOut = () => {};

export function setCsrf(token) { csrf = token; }
export function whenSignedOut(fn) { onSignedOut = fn; }

export class ApiError extends Error {
  constructor(status, problem, text) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.text = text;
  }

  // What to tell the user: the problem's detail, naming the field.
  userMessage() {
    if (this.status === 403) return t('error.forbidden');
    const p = this.problem || {};
    const lines = [];
    if (Array.isArray(p.errors))
      for (const x of p.errors) lines.push(`${x.line ? t('error.line', { n: x.line }) + ' ' : ''}${x.field ? x.field + ': ' : ''}${x.detail}`);
    if (lines.length) return [p.title || `HTTP ${this.status}`, ...lines].join('\n');
    const head = p.detail || p.title || `HTTP ${this.status}`;
    return p.field ? `${t('error.field')} ${p.field}: ${head}` : head;
  }
}

// body: an object sent as JSON, or with contentType a string sent as is
// (e.g. the text of a calendar file as text/plain); extra: more request
// headers (e.g. Idempotency-Key).  A network failure (no answer at all)
// rejects with the fetch's TypeError, not an ApiError.
export async function api(method, path, body, contentType, extra) {
  const headers = { Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : contentType ? body : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/v1/session') onSignedOut();
    throw new ApiError(res.status, data, text);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, extra) => api('POST', path, body === undefined ? {} : body, undefined, extra);

// Every item of a paged list (following next_cursor), at most max.
export async function listAll(path, max = 5000) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

// Query string from an object, leaving out empty values.
export function qs(o) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
