// The pages' own modules (web/lib/*.ts) run outside a browser: bundled with esbuild as the pages are,
// `veche:i18n` given the English catalogue and the languages' names (as scripts/build-web.mjs gives
// them), the other catalogues fetched as in a browser. Shared by the tests of the pages' logic.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The project's root, from this file's place in dist/test/helpers/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const I18N = join(ROOT, 'web', 'i18n');
const LIB = join(ROOT, 'web', 'lib');

/** A language's catalogue, as web/i18n/ holds it. */
export const catalog = (lang: string) => JSON.parse(readFileSync(join(I18N, `${lang}.json`), 'utf8')) as Record<string, string>;

/**
 * Bundles the named exports of web/lib's modules (file name -> export names) and imports the bundle,
 * after giving what the modules use of a browser: the document's language, storage, and fetching a
 * catalogue from /assets/i18n/ (read from web/i18n/; any other address is really fetched).
 */
export async function loadPageModules<T>(exports: Record<string, string[]>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-page-modules-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, Object.entries(exports).map(([file, names]) => `export { ${names.join(', ')} } from ${JSON.stringify(join(LIB, file))};`).join('\n'));
    const out = join(dir, 'pages.mjs');
    const names = Object.fromEntries(readdirSync(I18N).filter((f) => f.endsWith('.json')).map((f) => [f.slice(0, -5), catalog(f.slice(0, -5))['language.name']]));
    await build({
      entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', outfile: out, logLevel: 'error',
      plugins: [{ name: 'veche-i18n', setup(b) {
        b.onResolve({ filter: /^veche:i18n$/ }, () => ({ path: 'veche:i18n', namespace: 'veche-i18n' }));
        b.onLoad({ filter: /.*/, namespace: 'veche-i18n' }, () => ({ contents: `export const english = ${JSON.stringify(catalog('en'))}; export const names = ${JSON.stringify(names)};`, loader: 'js' }));
      } }],
    });
    const g = globalThis as Record<string, unknown>;
    g.document ??= { documentElement: {} };
    g.localStorage ??= { getItem: () => null, setItem: () => {} };
    if (!('navigator' in globalThis)) g.navigator = { languages: ['en'], language: 'en' };
    const realFetch = globalThis.fetch;
    g.fetch = async (url: string) => {
      const m = /^\/assets\/i18n\/([a-z]+)\.json$/.exec(String(url));
      if (!m) return realFetch(url);
      return new Response(readFileSync(join(I18N, `${m[1]}.json`)), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    return (await import(pathToFileURL(out).href)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
