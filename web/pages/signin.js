// Sign-in: POST /api/v1/session with username and password; the answer
// sets the session cookie and gives the CSRF token.
import { ApiError, post } from '../lib/api.js';
import { field, h, showError, status } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export async function render({ view, signedIn }) {
  const user = field({ label: t('signin.username'), name: 'username', autocomplete: 'username', required: true });
  const pass = field({ label: t('signin.password'), name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = status();
  const form = h('form', { class: 'card narrow', id: 'signin', novalidate: true },
    h('h1', { text: t('signin.title') }),
    user.wrap, pass.wrap, msg,
    h('button', { type: 'submit', class: 'primary', text: t('signin.submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user.input.value || !pass.input.value) {
      showError(msg, t('signin.missing'));
      return;
    }
    try {
      const answer = await post('/api/v1/session', { username: user.input.value, password: pass.input.value });
      await signedIn(answer);
    } catch (err) {
      showError(msg, err instanceof ApiError && err.status === 401 ? t('signin.wrong') : err);
      pass.input.value = '';
      pass.input.focus();
    }
  });
  view.append(form);
  user.input.focus();
}
