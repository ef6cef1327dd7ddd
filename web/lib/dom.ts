// A few DOM helpers: elements from code (no innerHTML, so no markup injection from election data),
// an aria-live status line, and focus moves that screen readers follow.

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined | ((e: Event) => void);
export type Attrs = Record<string, AttrValue>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) for (const c of child) append(parent, c);
  else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
}

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'value' || name === 'checked' || name === 'disabled') (el as unknown as Record<string, unknown>)[name] = value;
    else el.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
  }
}

/** What h() drew into a form control, and whether the page follows its edits itself (an `onInput` or
 *  `onChange` listener): a redraw tells the user's edits from the page's by it (web/lib/redraw.ts). */
export interface Drawn { value: string; checked: boolean; follows: boolean }
const drawn = new WeakMap<Element, Drawn>();
export const drawnState = (el: Element): Drawn | undefined => drawn.get(el);

/** h('button', { type: 'button', onClick: f }, 'Text'): attributes, `on…` listeners, children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
    const follows = Object.keys(attrs ?? {}).some((name) => /^on(input|change)$/i.test(name) && typeof attrs![name] === 'function');
    drawn.set(el, { value: el.value, checked: el instanceof HTMLInputElement && el.checked, follows });
  }
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag: string, attrs?: Attrs | null, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el as SVGElement;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: no element #${id}`);
  return el as T;
}

/** Moves focus to `el` (made focusable if needed) so keyboard and screen-reader users land on it. */
export function focus(el: HTMLElement | null | undefined): void {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) el.setAttribute('tabindex', '-1');
  el.focus();
}

/** Says `message` in the page's polite live region (and shows it). */
export function announce(message: string): void {
  const region = document.getElementById('status');
  if (!region) return;
  // Emptying first makes a repeated message be read again.
  region.textContent = '';
  window.setTimeout(() => { region.textContent = message; }, 50);
}

/** Lets the browser paint (a status message, a spinner) before a long synchronous computation. */
export const nextPaint = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => window.setTimeout(resolve, 0)));

let idCounter = 0;
export const uid = (prefix: string): string => `${prefix}-${++idCounter}`;
