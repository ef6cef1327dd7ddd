// The list of elections: /
import { api, errorText, type ElectionSummary } from '../lib/api.js';
import { h, type Child } from '../lib/dom.js';
import { t, tn } from '../lib/i18n.js';
import { errorBox, rerender, startPage } from '../lib/page.js';
import { phaseBadge } from '../lib/phase.js';

const state = { elections: null as ElectionSummary[] | null, error: '' };

function render(): Child {
  return [
    h('h1', null, t('index.heading')),
    h('p', null, t('index.intro')),
    state.error ? errorBox(state.error) : null,
    state.elections === null && !state.error ? h('p', { class: 'loading' }, t('page.loading')) : null,
    state.elections?.length === 0 ? h('p', null, t('index.none')) : null,
    state.elections && state.elections.length > 0
      ? h('section', { class: 'card', 'aria-labelledby': 'elections-heading' },
          h('h2', { id: 'elections-heading' }, t('index.listHeading')),
          h('ul', { class: 'elections' }, state.elections.map((e) => {
            const id = encodeURIComponent(e.id);
            return h('li', null,
              h('h3', null, e.title),
              h('p', null, phaseBadge(e.phase), ' ', tn('index.ballots', e.ballots)),
              h('p', { class: 'links' },
                e.phase === 'open' ? h('a', { href: `/vote/${id}` }, t('nav.vote'), h('span', { class: 'visually-hidden' }, `: ${e.title}`)) : null,
                h('a', { href: `/board/${id}` }, t('nav.board'), h('span', { class: 'visually-hidden' }, `: ${e.title}`)),
                h('a', { href: `/results/${id}` }, t('nav.results'), h('span', { class: 'visually-hidden' }, `: ${e.title}`))));
          })))
      : null,
  ];
}

startPage({ titleKey: 'page.index', render });
api.elections().then(
  // Test elections stay off the public list (the admin page lists them, marked).
  (list) => { state.elections = list.filter((e) => !e.test); rerender(); },
  (e) => { state.error = errorText(e); rerender(); },
);
