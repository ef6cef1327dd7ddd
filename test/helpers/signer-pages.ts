// The trustees' and the credential authority's own pages, driven as their people would: shared by the
// browser journeys that make an election on the admin page (web-e2e, ranked-election-browser,
// web-organiser-journey, web-list-changes).
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { downloadBy, messageMatches } from './browser.js';

/**
 * A trustee's or the authority's page before the election exists (`url`, …/trustee/ID/tN or
 * …/authority/ID): makes a signing key, kept in the page's storage, and downloads the secret to
 * `file`. `beforeMaking` looks at the page first. Returns the public key shown and the file.
 */
export async function makeSigningKey(page: Page, url: string, file: string, beforeMaking?: () => Promise<void>): Promise<{ key: string; file: string }> {
  await page.goto(url);
  await page.waitForSelector('#make-key');
  await beforeMaking?.();
  const saved = await downloadBy(page, '#make-key', file);
  return { key: await page.inputValue('#public-key'), file: saved };
}

/** The trustees' and the credential authority's browsers of one election, and what each has made. */
export interface SignerPages {
  /** Each trustee's page, t1 first (its secret lives in that context's storage). */
  trustees: Page[];
  trusteeKeys: string[];
  /** Each trustee's secret file as last downloaded. */
  trusteeFiles: string[];
  /** Each trustee's link with its token, once the election exists (the admin page shows them). */
  trusteeLinks: string[];
  authority: Page;
  authorityKey: string;
  authorityFile: string;
}

/**
 * Before election `id` exists: `trustees` trustees (t1, t2, …) and the authority, each on a page of
 * its own from `newPage`, make their signing keys; the secrets are saved in `dir` (trustee-N.json,
 * authority.json). `look` looks at a page before its key is made.
 */
export async function makeSignerKeys(newPage: () => Promise<Page>, base: string, id: string, dir: string, trustees: number,
  look: { trustee?: (page: Page, n: number) => Promise<void>; authority?: (page: Page) => Promise<void> } = {}): Promise<SignerPages> {
  const pages: Page[] = [];
  const keys: string[] = [];
  const files: string[] = [];
  for (let n = 1; n <= trustees; n++) {
    const page = await newPage();
    const made = await makeSigningKey(page, `${base}/trustee/${id}/t${n}`, join(dir, `trustee-${n}.json`), async () => { await look.trustee?.(page, n); });
    pages.push(page);
    keys.push(made.key);
    files.push(made.file);
  }
  const authority = await newPage();
  const made = await makeSigningKey(authority, `${base}/authority/${id}`, join(dir, 'authority.json'), async () => { await look.authority?.(authority); });
  return { trustees: pages, trusteeKeys: keys, trusteeFiles: files, trusteeLinks: [], authority, authorityKey: made.key, authorityFile: made.file };
}

/** The key ceremony's steps on a trustee's page: its button, and what the page says once it is on the board. */
export const KEY_CEREMONY_STEPS = [
  ['commit', /commitment is on the board/], ['reveal', /public key is on the board/],
  ['send-shares', /shares are on the board/], ['finish', /part of the key is complete/],
] as const;

/**
 * The whole key ceremony on the trustees' pages, step by step: each trustee's page opened from its
 * link (`links[i]`, with its token), the step's button pressed, its message awaited; `beforePress`
 * looks at a page first.
 */
export async function keyCeremonyOnPages(pages: Page[], links: string[], beforePress?: (page: Page, i: number, button: string) => Promise<void>): Promise<void> {
  for (const [button, done] of KEY_CEREMONY_STEPS) {
    for (const [i, page] of pages.entries()) {
      await page.goto(links[i]!);
      await page.waitForSelector(`#${button}:not([disabled])`);
      await beforePress?.(page, i, button);
      await page.click(`#${button}`);
      await messageMatches(page, done);
    }
  }
}

/** Each trustee's finished secret (its share inside) downloaded from its page into `dir` as trustee-N-final.json; the files. */
export async function finishedSecrets(pages: Page[], dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const [i, page] of pages.entries()) files.push(await downloadBy(page, '#download-secret', join(dir, `trustee-${i + 1}-final.json`)));
  return files;
}

/** The authority's page, its secret already in hand, takes the private list `file` (as the CLI or the page wrote it). */
export async function givePrivateList(page: Page, file: string): Promise<void> {
  await page.waitForSelector('#private-file');
  await page.setInputFiles('#private-file', file);
  await page.waitForSelector('#revoke-voter');
}

/** On the authority's page with the private list in: revokes `voter`'s credential for `reason` and puts a new one on the board. */
export async function reissueCredential(page: Page, voter: string, reason: string): Promise<void> {
  await page.selectOption('#revoke-voter', voter);
  await page.fill('#revoke-reason', reason);
  await page.click('#reissue');
  await messageMatches(page, new RegExp(`new credential for ${voter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is on the board`));
}
