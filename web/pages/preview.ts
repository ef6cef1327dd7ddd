// The organiser's preview of the ballot (/preview/:id, from the admin page's manage card): the ballot
// exactly as a voter sees it in the booth — the same form code (web/lib/ballot-form.ts), the voter's
// language, shuffled options, descriptions, approval limits, verdicts, motions — for a draft or any
// election, with no credential. This page has no encryption or casting code at all (build-web checks
// that its bundle holds none) and only reads: the election's description, by GET.
import type { Question } from '../../src/manifest/types.js';
import { localizedManifest } from '../../src/manifest/localize.js';
import { api, ApiError, errorText, type ElectionInfo } from '../lib/api.js';
import { findProblems, freshDrafts, problemsSummary, renderQuestion, toChoices, type BallotForm } from '../lib/ballot-form.js';
import { choicesList } from '../lib/choices-list.js';
import { focus, h, type Child } from '../lib/dom.js';
import { periodText } from '../lib/election-period.js';
import { currentLanguage, languageReady, t } from '../lib/i18n.js';
import { errorBox, pathParts, rerender, setTitle, startPage, testElectionNotice, useLanguages } from '../lib/page.js';
import { serverAuthorityNotice } from '../lib/server-authority.js';

const state: BallotForm & { electionId: string; info: ElectionInfo | null; failure: string; screen: 'loading' | 'failed' | 'ballot' | 'review' } = {
  electionId: pathParts()[1] ?? '',
  info: null,
  failure: '',
  screen: 'loading',
  drafts: {},
  problems: {},
  orders: {},
};

/** The questions in the chosen language, as the booth shows them. */
function questions(): Question[] {
  return state.info ? localizedManifest(state.info.manifest, currentLanguage()).questions : [];
}

function go(screen: 'ballot' | 'review'): void {
  state.screen = screen;
  rerender();
  focus(document.getElementById('screen-heading'));
  window.scrollTo(0, 0);
}

async function load(): Promise<void> {
  try {
    state.info = await api.election(state.electionId);
  } catch (e) {
    state.failure = e instanceof ApiError && e.status === 404 ? t('booth.noElection', { id: state.electionId }) : errorText(e);
    state.screen = 'failed';
    rerender();
    return;
  }
  await languageReady();
  useLanguages(state.info.manifest.languages);
  setTitle(state.info.manifest.title);
  state.drafts = freshDrafts(questions());
  state.screen = 'ballot';
  rerender();
}

/** Said on every screen, first: this is not the booth. */
function banner(): HTMLElement {
  return h('div', { class: 'notice warning', id: 'preview-banner', role: 'note', 'aria-labelledby': 'preview-banner-title' },
    h('p', { id: 'preview-banner-title' }, h('strong', null, t('preview.banner'))),
    h('p', null, t('preview.bannerDetail')));
}

function render(): Child {
  const manifest = state.info ? localizedManifest(state.info.manifest, currentLanguage()) : null;
  const top = manifest
    ? h('header', { class: 'election-head' },
        h('p', { class: 'kicker' }, t('preview.kicker')),
        testElectionNotice(manifest),
        serverAuthorityNotice(manifest),
        h('h1', null, manifest.title),
        manifest.description ? h('p', { class: 'description' }, manifest.description) : null,
        manifest.opens || manifest.closes ? periodText(manifest) : null)
    : h('h1', null, t('preview.title'));
  return [banner(), top, body()];
}

function body(): Child {
  switch (state.screen) {
    case 'loading': return h('p', { class: 'loading' }, t('page.loading'));
    case 'failed': return errorBox(state.failure);
    case 'ballot': return renderBallot();
    case 'review': return renderReview();
  }
}

function renderBallot(): Child {
  const form = h('form', { novalidate: true, onSubmit: (e: Event) => { e.preventDefault(); review(); } },
    questions().map((q, i) => renderQuestion(state, q, i, questions().length)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('booth.toReview'))));
  return [h('h2', { id: 'screen-heading', class: 'visually-hidden' }, t('booth.ballotHeading')), problemsSummary(state),
    h('div', { class: 'intro' }, h('p', null, t('booth.intro')), h('p', { class: 'hint' }, t('preview.fromServer'))), form];
}

function review(): void {
  state.problems = findProblems(state, questions());
  if (Object.keys(state.problems).length > 0) {
    rerender();
    focus(document.getElementById('problems'));
    return;
  }
  go('review');
}

function renderReview(): Child {
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t('booth.reviewTitle')),
    h('p', null, t('booth.reviewIntro')),
    choicesList(questions(), toChoices(state, questions())),
    h('p', { class: 'notice info', id: 'preview-end' }, t('preview.reviewNote')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'preview-again', onClick: () => { state.drafts = freshDrafts(questions()); state.problems = {}; go('ballot'); } }, t('preview.again')),
      h('button', { type: 'button', id: 'preview-change', onClick: () => go('ballot') }, t('booth.change'))));
}

startPage({ titleKey: 'preview.title', render });
void load();
