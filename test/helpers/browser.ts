// The browser tests' side: Debian's Chromium (never a downloaded browser) driven by playwright-core,
// the real veche server on 127.0.0.1 and a random port with a temporary data directory, the web pages
// built once, screenshots, and accessibility checks by axe-core. Only exports (node --test loads it too).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { runServer, type RunningServer, type RunOptions } from '../../src/server/run.js';

/** The project's root, from this file's place in dist/test/helpers/. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIR = join(ROOT, 'dist', 'web');
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');
export const CHROMIUM = process.env.VECHE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** The newest modification time of the files under `dir`, recursively. */
function newest(dir: string): number {
  let t = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, ent.name);
    t = Math.max(t, ent.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/**
 * Builds dist/web with scripts/build-web.mjs unless it is newer than every source it is built from, and
 * returns what the build printed (the bundle sizes). Building starts by removing dist/web, so browser
 * test files running side by side must not rebuild under each other's pages: `npm test` builds it once
 * before the tests, and then each file finds it fresh.
 */
export function buildWeb(): string {
  const built = join(WEB_DIR, 'assets', 'vote.js');
  const sources = Math.max(newest(join(ROOT, 'web')), newest(join(ROOT, 'src')), statSync(join(ROOT, 'scripts', 'build-web.mjs')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return `build-web: ${WEB_DIR} is up to date\n`;
  return execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, encoding: 'utf8' });
}

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface VecheServer {
  url: string;
  adminToken: string;
  dataDir: string;
  server: RunningServer;
  close(): Promise<void>;
}

/** The real server as `npm start` runs it (demo election included), on 127.0.0.1:0 with a fresh data directory. */
export async function startVeche(extra: Partial<RunOptions> = {}): Promise<VecheServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-web-'));
  const printed: string[] = [];
  const server = await runServer({ port: 0, host: '127.0.0.1', dataDir, rateLimit: 0, demo: true, webDir: WEB_DIR, ...extra }, (line) => printed.push(line));
  if (!server.adminToken) throw new Error(`the server gave no admin token:\n${printed.join('\n')}`);
  return {
    url: server.url, adminToken: server.adminToken, dataDir, server,
    async close() { await server.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

/** Everything a page did wrong that a person would not see: script errors, CSP refusals, failed requests to the API. */
export function watchPage(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`${page.url()}: page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    // A refused inline script or style would mean the pages do not hold under the strict CSP.
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(`${page.url()}: ${text}`);
    else if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) problems.push(`${page.url()}: console error: ${text}`);
  });
}

/** A browser context's options, and two of the page's own. */
export interface WatchedPageOptions extends BrowserContextOptions {
  /** The page's default time for each wait and action, in ms (playwright's own is 30 s). */
  timeout?: number;
  /** A list the new context joins, for the tests' `after` to close what a failed test left open. */
  keepIn?: BrowserContext[];
}

/** A person at a desk on a machine shared with other tests: a slow step there is not a failure. */
export const DESK: WatchedPageOptions = { viewport: { width: 1100, height: 900 }, acceptDownloads: true, locale: 'en-US', timeout: 45_000 };

/** A page in a browser context of its own (its own storage, as another person's browser), watched for problems. */
export async function watchedPage(browser: Browser, problems: string[], options: WatchedPageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const { timeout, keepIn, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  keepIn?.push(context);
  const page = await context.newPage();
  if (timeout !== undefined) page.setDefaultTimeout(timeout);
  watchPage(page, problems);
  return { context, page };
}

/** Presses `selector` and saves the download it starts at `path`; returns the path. */
export async function downloadBy(page: Page, selector: string, path: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  await download.saveAs(path);
  return path;
}

/** Waits until the page's status message (#message) matches. */
export const messageMatches = (page: Page, re: RegExp) => page.waitForFunction((src) => new RegExp(src).test(document.getElementById('message')?.textContent ?? ''), re.source);

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** axe-core's WCAG 2.x A/AA rules; returns the serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target.join(' ')}: ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ')})`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
