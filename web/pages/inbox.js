// The department inbox: the requests referred to the liaison's
// department — pending first, with due dates and overdue — each opening
// the request page to reply and resolve.  GET /api/v1/referrals.
import { listAll, qs } from '../lib/api.js';
import { card, h, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { showInstant } from '../lib/time.js';
import { statusBadge } from './requests.js';

export async function render({ view }) {
  const cols = [
    { label: '#', value: (x) => h('a', { href: `#/requests/${x.request_id}`, text: `#${x.request_id}` }) },
    { label: t('request.department'), value: (x) => x.department_name },
    { label: t('request.from'), value: (x) => x.request.unit_name || x.request.person_name || x.request.reporter_name || '' },
    { label: t('request.description'), value: (x) => x.request.description },
    { label: t('request.sent'), value: (x) => showInstant(x.sent_at) },
    { label: t('request.due'), value: (x) => h('span', {}, x.due_on, x.overdue ? h('span', { class: 'badge overdue', text: t('request.overdue') }) : null) },
    { label: t('request.status'), value: (x) => statusBadge(x.request) },
  ];
  const pending = await listAll(`/api/v1/referrals${qs({ pending: 'true' })}`);
  const all = await listAll('/api/v1/referrals');
  view.append(h('h1', { text: t('nav.inbox') }),
    card(t('inbox.pending', { n: pending.length }), h('div', { id: 'inbox-pending' }, table(cols, pending))),
    card(t('inbox.all'), table([...cols, { label: t('request.replied'), value: (x) => showInstant(x.replied_at) }], all)));
  view.dataset.loaded = 'true';
}
