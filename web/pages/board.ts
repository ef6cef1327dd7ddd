// The public bulletin board: /board/:id[#tracking=CODE]
// Every event with its place in the hash chain; every ballot with its tracking code; search; the record.
import { api, ApiError, errorText, type BoardRow, type ElectionInfo } from '../lib/api.js';
import { announce, byId, focus, h, type Child } from '../lib/dom.js';
import { currentLanguage, formatTime, t, tn } from '../lib/i18n.js';
import { localizedManifest } from '../../src/manifest/localize.js';
import { errorBox, infoBox, okBox, pathParts, rerender, setTitle, startPage, takeFragmentParam, testElectionNotice } from '../lib/page.js';
import { phaseBadge } from '../lib/phase.js';
import { safeName } from '../lib/files.js';
import { listChangesCard, loadListChanges, type ListChange } from '../lib/list-changes.js';

const PAGE_SIZE = 50;

const state = {
  electionId: pathParts()[1] ?? '',
  info: null as ElectionInfo | null,
  error: '',
  from: 0,
  headSeq: -1,
  rows: [] as BoardRow[],
  /** Hash of the event just before the page, to check the first row's link. */
  before: null as BoardRow | null,
  loading: true,
  search: '',
  found: null as { trackingCode: string; seq: number; hash: string } | null,
  searchMessage: '',
  searchOk: false,
  /** Revocations and additions of credentials (observers see the voter list change, spec §6.4). */
  listChanges: null as ListChange[] | null,
};

async function loadPage(from: number): Promise<void> {
  state.loading = true;
  try {
    const start = Math.max(0, from - 1);
    const page = await api.board(state.electionId, start, PAGE_SIZE + (from - start));
    state.headSeq = page.headSeq;
    state.before = from > 0 ? page.events.find((e) => e.seq === from - 1) ?? null : null;
    state.rows = page.events.filter((e) => e.seq >= from);
    state.from = from;
    state.error = '';
  } catch (e) {
    state.error = errorText(e);
  }
  state.loading = false;
  rerender();
}

async function load(): Promise<void> {
  try {
    state.info = await api.election(state.electionId);
    setTitle(state.info.manifest.title);
  } catch (e) {
    state.error = e instanceof ApiError && e.status === 404 ? t('board.noElection', { id: state.electionId }) : errorText(e);
    state.loading = false;
    rerender();
    return;
  }
  // -- changes to the voter list
  loadListChanges(state.electionId).then((c) => { state.listChanges = c; rerender(); }, () => { /* the table still shows the events */ });
  // -- end changes to the voter list
  const tracking = takeFragmentParam('tracking');
  if (tracking) {
    state.search = tracking;
    await search();
  } else {
    await loadPage(0);
  }
}

async function search(): Promise<void> {
  const code = state.search.trim().toLowerCase();
  state.found = null;
  if (!/^[0-9a-f]{64}$/.test(code)) {
    state.searchOk = false;
    state.searchMessage = t('board.searchInvalid');
  } else {
    try {
      state.found = await api.findBallot(state.electionId, code);
      state.searchOk = true;
      state.searchMessage = t('board.searchFound', { seq: state.found.seq });
      await loadPage(Math.floor(state.found.seq / PAGE_SIZE) * PAGE_SIZE);
    } catch (e) {
      state.searchOk = false;
      state.searchMessage = e instanceof ApiError && e.status === 404 ? t('board.searchNotFound') : errorText(e);
    }
  }
  rerender();
  announce(state.searchMessage);
  if (state.found) focus(document.getElementById(`seq-${state.found.seq}`));
}

/** Does each shown event point to the hash of the one before it? */
function chainOk(row: BoardRow, i: number): boolean | null {
  const prev = i > 0 ? state.rows[i - 1] : state.before;
  if (row.seq === 0) return row.prev === '0'.repeat(64);
  if (!prev || prev.seq !== row.seq - 1) return null;
  return prev.hash === row.prev;
}

function render(): Child {
  const info = state.info;
  const id = encodeURIComponent(state.electionId);
  const lastPage = Math.max(0, Math.floor(state.headSeq / PAGE_SIZE) * PAGE_SIZE);
  const goTo = (from: number) => async () => {
    await loadPage(from);
    focus(document.getElementById('board-table'));
  };
  const pager = (where: 'top' | 'bottom') => h(where === 'top' ? 'nav' : 'div', { class: 'pager', 'aria-label': where === 'top' ? t('board.pager') : null },
    h('button', { type: 'button', class: 'small', disabled: state.from === 0, onClick: goTo(0), id: `${where}-first` }, t('board.first')),
    h('button', { type: 'button', class: 'small', disabled: state.from === 0, onClick: goTo(Math.max(0, state.from - PAGE_SIZE)) }, t('board.previous')),
    h('span', null, tn('board.showing', state.headSeq + 1, { from: state.from, to: state.rows.length ? state.rows[state.rows.length - 1]!.seq : state.from, count: state.headSeq + 1 })),
    h('button', { type: 'button', class: 'small', disabled: state.from + PAGE_SIZE > state.headSeq, onClick: goTo(state.from + PAGE_SIZE), id: `${where}-next` }, t('board.next')),
    h('button', { type: 'button', class: 'small', disabled: state.from >= lastPage, onClick: goTo(lastPage) }, t('board.last')));

  return [
    h('p', { class: 'kicker' }, t('board.title')),
    testElectionNotice(info?.manifest),
    h('h1', null, info ? localizedManifest(info.manifest, currentLanguage()).title : t('board.title')),
    state.error ? errorBox(state.error) : null,
    info ? h('section', { class: 'card' },
      h('p', null, t('board.intro')),
      h('dl', { class: 'facts' },
        h('dt', null, t('board.phase')), h('dd', null, phaseBadge(info.phase)),
        h('dt', null, t('board.electionHash')), h('dd', { class: 'mono' }, info.electionHash),
        h('dt', null, t('board.events')), h('dd', null, String(Math.max(state.headSeq, info.headSeq) + 1)),
        h('dt', null, t('board.ballots')), h('dd', null, String(info.ballots))),
      h('div', { class: 'actions' },
        h('a', { class: 'button primary', id: 'download-record', href: api.recordUrl(state.electionId), download: `record-${safeName(state.electionId)}.jsonl` }, t('board.download')),
        h('a', { class: 'button', href: `/results/${id}` }, t('nav.results'))),
      h('p', { class: 'hint' }, t('board.verifyHint'))) : null,
    listChangesCard(state.listChanges),
    info ? h('section', { class: 'card' },
      h('h2', null, t('board.searchHeading')),
      h('form', { class: 'search', role: 'search', onSubmit: (e: Event) => { e.preventDefault(); state.search = byId<HTMLInputElement>('tracking').value; void search(); } },
        h('div', { class: 'field' },
          h('label', { for: 'tracking' }, t('board.searchLabel')),
          h('input', { id: 'tracking', type: 'search', class: 'mono wide', value: state.search, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'search-result' })),
        h('div', { class: 'field' }, h('button', { type: 'submit', id: 'search-button' }, t('board.searchButton')))),
      h('div', { id: 'search-result' }, state.searchMessage ? (state.searchOk ? okBox(state.searchMessage) : errorBox(state.searchMessage)) : null)) : null,
    info ? h('section', { class: 'card' },
      h('h2', { id: 'events-heading' }, t('board.eventsHeading')),
      pager('top'),
      state.loading ? h('p', { class: 'loading' }, t('page.loading')) : null,
      h('div', { class: 'table-wrap' },
        h('table', { id: 'board-table', tabindex: '-1', 'aria-labelledby': 'events-heading' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col', class: 'num' }, t('board.colSeq')),
            h('th', { scope: 'col' }, t('board.colType')),
            h('th', { scope: 'col' }, t('board.colTime')),
            h('th', { scope: 'col' }, t('board.colTracking')),
            h('th', { scope: 'col' }, t('board.colHash')),
            h('th', { scope: 'col' }, t('board.colPrev')),
            h('th', { scope: 'col' }, t('board.colChain')))),
          h('tbody', null, state.rows.map((row, i) => {
            const ok = chainOk(row, i);
            return h('tr', { id: `seq-${row.seq}`, tabindex: state.found?.seq === row.seq ? '-1' : null, class: state.found?.seq === row.seq ? 'highlight' : null },
              h('td', { class: 'num' }, String(row.seq)),
              h('td', null, t(`event.${row.type}`)),
              h('td', { class: 'time' }, h('time', { datetime: row.time }, formatTime(row.time))),
              h('td', { class: 'hash' }, row.trackingCode ?? '',
                row.revoked ? [' ', h('span', { class: 'badge' }, t('board.revokedBallot'))]
                : row.superseded ? [' ', h('span', { class: 'badge' }, t('board.superseded'))] : null),
              h('td', { class: 'hash' }, row.hash),
              h('td', { class: 'hash' }, row.prev),
              h('td', null, ok === null ? '—' : ok ? h('span', { class: 'yes' }, t('board.linked')) : h('span', { class: 'field-error' }, t('board.broken'))));
          })))),
      pager('bottom'),
      state.headSeq < 0 && !state.loading ? infoBox(t('board.empty')) : null) : null,
  ];
}

startPage({ titleKey: 'board.title', render });
void load();
