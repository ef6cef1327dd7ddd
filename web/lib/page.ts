// The frame every page shares: a header with the language switcher, the main region, a status line.
// A page gives a render function; switching the language renders it again from the page's state.
import { announce, byId, clear, focus, h, nextPaint, type Child } from './dom.js';
import { availableLanguages, chooseLanguage, chosenLanguage, languageName, languageReady, offerLanguages, setLanguage, t, whenLanguageLoads } from './i18n.js';
import { restoreSnapshot, takeSnapshot, valuesTakenOnSubmit } from './redraw.js';

export interface PageOptions {
  /** Title key of the page (shown in the tab). */
  titleKey: string;
  render: () => Child;
}

let options: PageOptions | null = null;
let extraTitle = '';

/** Page parts of the path: /vote/demo → ['vote', 'demo']. */
export const pathParts = (): string[] => location.pathname.split('/').filter(Boolean).map(decodeURIComponent);

/** Reads a key from the URL fragment (#credential=…, #token=…) and removes the fragment from the address bar and history. */
export function takeFragmentParam(name: string): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const value = params.get(name);
  if (value !== null) history.replaceState(null, '', location.pathname + location.search);
  // Another such link opened in this tab changes only the fragment: start again with it.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.replace(/^#/, '')).has(name)) location.reload();
  });
  return value;
}

function header(): HTMLElement {
  const langs = offeredLanguages;
  const select = h('select', { id: 'language', onChange: (e: Event) => {
    setLanguage((e.target as HTMLSelectElement).value);
    rerender();
    focus(document.getElementById('language'));
  } }, langs.map((l) => h('option', { value: l, lang: l, ...(l === chosenLanguage() ? { selected: true } : {}) }, languageName(l))));
  return h('div', { class: 'bar' },
    h('a', { class: 'brand', href: '/' }, 'veche'),
    langs.length > 1 ? h('div', { class: 'language' }, h('label', { for: 'language' }, t('page.language')), select) : null);
}

let offeredLanguages: string[] = availableLanguages();
let languageChosen = false;

/** Sets the languages offered (e.g. the election's) and picks one of them. */
export function useLanguages(wanted?: readonly string[]): void {
  offeredLanguages = offerLanguages(wanted);
  chooseLanguage();
  languageChosen = true;
}

export function setTitle(extra: string): void {
  extraTitle = extra;
  if (options) document.title = [extraTitle, t(options.titleKey), 'veche'].filter(Boolean).join(' · ');
}

// The first draw waits for the chosen language's texts, and the page says it is loading until then: a
// page drawn in English and again when its texts arrive changes under the user's hands (a click on a
// button being replaced is lost). If they do not come within TEXTS_WAIT_MS the page is drawn in English
// and again when they come, and the redraw keeps what was typed (web/lib/redraw.ts).
const TEXTS_WAIT_MS = 8000;
let textsReady = false;
// A redraw between a press and its release would replace the pressed button and lose the click: it
// waits for the release (at most REDRAW_HOLD_MS: a release the page never hears of, e.g. over a
// select's own popup, is taken as made).
const REDRAW_HOLD_MS = 1000;
let pointerDown = false;
let redrawHeld = false;

/** Draws the page again from its state; what the user typed, chose and focused is kept (redraw.ts). */
export function rerender(): void {
  if (!options || !textsReady) return;
  if (pointerDown) {
    if (!redrawHeld) window.setTimeout(() => { if (redrawHeld) { pointerDown = false; draw(); } }, REDRAW_HOLD_MS);
    redrawHeld = true;
    return;
  }
  draw();
}

function draw(): void {
  redrawHeld = false;
  const roots = [byId('top'), byId('main'), document.getElementById('foot')].filter((r): r is HTMLElement => r !== null);
  const snapshot = takeSnapshot(roots);
  const main = byId('main');
  main.removeAttribute('aria-busy');
  clear(byId('top'), header());
  clear(main, options!.render());
  const skip = document.getElementById('skip');
  if (skip) skip.textContent = t('page.skip');
  const foot = document.getElementById('foot');
  if (foot) clear(foot, h('p', null, t('page.footer'), ' · ', h('a', { href: '/' }, t('nav.elections')), ' · ', h('a', { href: '/admin/' }, t('nav.admin'))));
  restoreSnapshot(roots, snapshot);
  setTitle(extraTitle);
}

function watchPresses(): void {
  window.addEventListener('pointerdown', () => { pointerDown = true; }, true);
  const released = () => {
    pointerDown = false;
    // After the click that this release makes has run (it may draw the page itself).
    if (redrawHeld) window.setTimeout(() => { if (redrawHeld) rerender(); }, 0);
  };
  window.addEventListener('pointerup', released, true);
  window.addEventListener('pointercancel', released, true);
}

export function startPage(o: PageOptions): void {
  options = o;
  valuesTakenOnSubmit();
  watchPresses();
  whenLanguageLoads(rerender);
  if (!languageChosen) useLanguages();
  const main = byId('main');
  main.setAttribute('aria-busy', 'true');
  clear(main, h('p', { class: 'loading' }, t('page.loading')));
  void Promise.race([languageReady(), new Promise((r) => setTimeout(r, TEXTS_WAIT_MS))]).then(() => { textsReady = true; rerender(); });
}

/** A card with a heading: the common building block of the pages. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), children);
}

/** An error box; role=alert so it is read at once. */
export const errorBox = (message: string): HTMLElement => h('div', { class: 'notice error', role: 'alert' }, message);
export const okBox = (message: string): HTMLElement => h('div', { class: 'notice ok', role: 'status' }, message);
export const infoBox = (...children: Child[]): HTMLElement => h('div', { class: 'notice info' }, children);

/** What a page with actions keeps: whether one is running, and what the last one said. */
export interface ActionState { busy: boolean; message: string; messageOk: boolean }

/** Shows a message in the page's status line, reads it to screen readers and moves focus to `focusId`. */
export function sayStatus(state: ActionState, message: string, ok: boolean, focusId = 'message'): void {
  state.message = message;
  state.messageOk = ok;
  rerender();
  announce(message);
  focus(document.getElementById(focusId));
}

/**
 * Runs one action: nothing while another runs; busy (and painted so) while it runs; then `reload`,
 * and its outcome said. `explain` turns an error into the words shown (it may also act on it).
 */
export async function runAction(state: ActionState, run: () => Promise<string>, reload: () => Promise<void>, explain: (e: unknown) => string): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  state.message = '';
  rerender();
  await nextPaint();
  let text: string;
  let ok = true;
  try {
    text = await run();
  } catch (e) {
    ok = false;
    text = explain(e);
  }
  state.busy = false;
  await reload();
  sayStatus(state, text, ok);
}

/** The form where a role enters its token (trustee, credential authority); kept for the session only. */
export function tokenForm(title: string, label: string, storageKey: string, onToken: (token: string) => void): HTMLElement {
  return h('section', { class: 'card' },
    h('h2', null, title),
    h('form', { onSubmit: (e: Event) => {
      e.preventDefault();
      const token = byId<HTMLInputElement>('token').value.trim();
      try { sessionStorage.setItem(storageKey, token); } catch { /* memory only */ }
      onToken(token);
    } },
      h('div', { class: 'field' }, h('label', { for: 'token' }, label), h('input', { id: 'token', type: 'password', class: 'mono wide', autocomplete: 'off', required: true })),
      h('button', { type: 'submit', class: 'primary' }, t('common.continue'))));
}

/** Every page of a test election says so, first thing (manifest `test`). */
export function testElectionNotice(manifest: { test?: boolean } | null | undefined): Child {
  return manifest?.test ? h('p', { class: 'notice warning test-election', role: 'note' }, t('page.testElection')) : null;
}
