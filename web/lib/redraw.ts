// A page is drawn again whole (a new tree from h()) whenever its state changes, a live update comes or
// its language's texts arrive. What the user typed or chose and where their focus was must survive every
// such redraw, on every page at once, so it is kept here rather than in each page: before the old tree
// goes, each control the user changed is remembered by a stable key (its id; else its name, and value for
// a radio or checkbox), and given back to the control with that key in the new tree. The page's own word
// wins: a control the page follows itself (onInput/onChange, it draws the value from its state) is left
// to the page, and so is one the page now draws otherwise than before (a field it means to reset). A
// submitted form's values count as taken by the page, so the page's redraw after a submit is as drawn.
// Focus and the caret go back to the same element: a screen reader user keeps their place.
import { drawnState } from './dom.js';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
interface KeptControl { tag: string; type: string; drawnValue: string; drawnChecked: boolean; value: string; checked: boolean }
interface FocusPlace { key: string | null; path: number[]; tag: string; selection: [number, number, 'forward' | 'backward' | 'none'] | null }
export interface Snapshot { controls: Map<string, KeptControl>; focus: FocusPlace | null }

const controlsIn = (roots: Element[]): Control[] => roots.flatMap((r) => [...r.querySelectorAll<Control>('input, textarea, select')]);
const checkable = (el: Element): el is HTMLInputElement => el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio');

function keyOf(el: Element): string | null {
  if (el.id) return `#${el.id}`;
  const name = el.getAttribute('name');
  if (!name) return null;
  return checkable(el) ? `${el.tagName}/${name}=${el.value}` : `${el.tagName}/${name}`;
}

/** Where `el` is under the roots, child index by child index (the first number is the root's). */
function pathOf(roots: Element[], el: Element): number[] {
  const path: number[] = [];
  for (let at: Element = el; ; at = at.parentElement!) {
    const root = roots.indexOf(at);
    if (root >= 0) return [root, ...path];
    path.unshift([...at.parentElement!.children].indexOf(at));
  }
}

function atPath(roots: Element[], path: number[]): Element | null {
  let at: Element | undefined = roots[path[0]!];
  for (const i of path.slice(1)) at = at?.children[i];
  return at ?? null;
}

function findByKey(roots: Element[], key: string): Element | null {
  if (key.startsWith('#')) {
    const el = document.getElementById(key.slice(1));
    return el && roots.some((r) => r.contains(el)) ? el : null;
  }
  return controlsIn(roots).find((c) => keyOf(c) === key) ?? null;
}

/** Remembers, before the roots' contents are replaced, the controls the user changed and the focus. */
export function takeSnapshot(roots: Element[]): Snapshot {
  const controls = new Map<string, KeptControl>();
  const seen = new Set<string>();
  for (const el of controlsIn(roots)) {
    const key = keyOf(el);
    const drawn = drawnState(el);
    if (!key) continue;
    // Two controls with one key: which one is which in the new tree cannot be told, so neither is kept.
    if (seen.has(key)) { controls.delete(key); continue; }
    seen.add(key);
    if (!drawn || drawn.follows || (el instanceof HTMLInputElement && el.type === 'file')) continue;
    const checked = checkable(el) && el.checked;
    if (el.value === drawn.value && checked === drawn.checked) continue;
    controls.set(key, { tag: el.tagName, type: el.type, drawnValue: drawn.value, drawnChecked: drawn.checked, value: el.value, checked });
  }
  const active = document.activeElement;
  let focus: FocusPlace | null = null;
  if (active && active !== document.body && roots.some((r) => r !== active && r.contains(active))) {
    let selection: FocusPlace['selection'] = null;
    if (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) {
      try {
        if (active.selectionStart !== null && active.selectionEnd !== null) selection = [active.selectionStart, active.selectionEnd, active.selectionDirection ?? 'none'];
      } catch { /* a type without a caret */ }
    }
    focus = { key: keyOf(active), path: pathOf(roots, active), tag: active.tagName, selection };
  }
  return { controls, focus };
}

/** Gives the kept edits and the focus back to the new contents of the roots. */
export function restoreSnapshot(roots: Element[], snapshot: Snapshot): void {
  const controls = controlsIn(roots);
  const keys = controls.map(keyOf);
  const times = new Map<string, number>();
  for (const k of keys) if (k) times.set(k, (times.get(k) ?? 0) + 1);
  for (const [i, el] of controls.entries()) {
    const key = keys[i];
    // A key the new tree has twice says nothing about which control is which: neither gets the edit.
    const kept = key && times.get(key) === 1 ? snapshot.controls.get(key) : undefined;
    const drawn = drawnState(el);
    if (!kept || !drawn || drawn.follows || kept.tag !== el.tagName || kept.type !== el.type) continue;
    // The page drew it otherwise this time: it means the new value (e.g. a form reset after use).
    if (drawn.value !== kept.drawnValue || drawn.checked !== kept.drawnChecked) continue;
    if (checkable(el)) el.checked = kept.checked;
    else el.value = kept.value;
  }
  const place = snapshot.focus;
  if (!place || (document.activeElement && document.activeElement !== document.body)) return;
  // The same element by its key; one without a key (a button) where it was, if it is the same kind.
  let target = place.key ? findByKey(roots, place.key) : null;
  if (!target && !place.key) {
    const there = atPath(roots, place.path);
    if (there && there.tagName === place.tag) target = there;
  }
  if (!(target instanceof HTMLElement || target instanceof SVGElement)) return;
  target.focus({ preventScroll: true });
  if (place.selection && (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) {
    try { target.setSelectionRange(...place.selection); } catch { /* a type without a caret */ }
  }
}

/** Counts a submitted form's values as taken: the page's redraw after it shows the form as the page draws it. */
export function valuesTakenOnSubmit(): void {
  document.addEventListener('submit', (e) => {
    if (!(e.target instanceof HTMLFormElement)) return;
    for (const el of e.target.querySelectorAll<Control>('input, textarea, select')) {
      const drawn = drawnState(el);
      if (drawn) { drawn.value = el.value; drawn.checked = checkable(el) && el.checked; }
    }
  }, true);
}
