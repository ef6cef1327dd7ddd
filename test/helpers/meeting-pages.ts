// The meeting pages in Chromium, as the meeting tests drive them: one browser context a person, opened
// from their personal link and waited for until its stream is live; keyboard-only presses; and waits
// for what a page shows after another page acted (time-bound: the suite shares 2 cores).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { SigningKeyPair } from '../../src/record/signature.js';
import { watchedPage } from './browser.js';

/** Keyboard alone: Tab until the element has the focus (it must be reachable), then Enter or Space. */
export async function press(p: Page, id: string, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await p.waitForSelector(`#${id}:not([disabled])`);
  for (let i = 0; i < 80; i++) {
    if (await p.evaluate(() => document.activeElement?.id ?? '') === id) { await p.keyboard.press(key); return; }
    await p.keyboard.press('Tab');
  }
  assert.fail(`#${id} cannot be reached with the Tab key`);
}

/** An element's text with its white space folded. */
export const text = async (p: Page, selector: string): Promise<string> => (await p.innerText(selector)).replace(/\s+/g, ' ').trim();

/** A page draws what the server pushes when it arrives: wait (time-bound) until its text matches. */
export async function untilText(p: Page, selector: string, re: RegExp): Promise<void> {
  let last = '';
  for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    last = (await p.locator(selector).count()) ? await text(p, selector) : '';
    if (re.test(last)) return;
  }
  assert.match(last, re);
}

/** How a page opens: its window, what is set up before it loads (e.g. a `page.route`), what shows it is ready. */
export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** Runs on the new page before it loads. */
  prepare?: (page: Page) => Promise<unknown>;
  /** The selector waited for after loading; by default the live stream's marker (a forged stream never goes live). */
  ready?: string;
}

/** The pages of one test, by name. `browser` and `url` are read when a page opens (they are made in `before`). */
export function meetingPages(ctx: { browser: () => Browser; url: () => string; keys: Map<string, SigningKeyPair>; problems: string[] }) {
  const pages = new Map<string, Page>();
  async function open(name: string, path: string, signer: string | null, options: OpenOptions = {}): Promise<Page> {
    const { page } = await watchedPage(ctx.browser(), ctx.problems, { locale: 'en-US', viewport: options.viewport ?? { width: 1280, height: 900 }, timeout: 60_000 });
    await options.prepare?.(page);
    await page.goto(`${ctx.url()}${path}${signer ? `#member=${signer}&key=${ctx.keys.get(signer)!.secret}` : ''}`);
    const ready = options.ready ?? '#connection.live';
    try {
      await page.waitForSelector(ready);
    } catch (e) {
      const says = await page.innerText('body').catch(() => '(nothing)');
      throw new Error(`the page ${name} (${path}) never showed ${ready}; it says: ${says.replace(/\s+/g, ' ').slice(0, 800)}`, { cause: e });
    }
    pages.set(name, page);
    return page;
  }
  /** Closes a page's browser context (a person who goes away) and forgets it. */
  async function leave(name: string): Promise<void> {
    await pages.get(name)?.context().close();
    pages.delete(name);
  }
  return { pages, open, leave, page: (name: string) => pages.get(name)! };
}
