#!/usr/bin/env node
// Builds the web pages: web/pages/*.ts → dist/web/assets/*.js (esbuild, one bundle per page, the same
// core modules as the verifier), web/style.css → dist/web/assets/style.css, one HTML file per page
// (no inline script or style: the pages run under a strict CSP). Prints each bundle's gzipped size and
// fails if the booth's JavaScript passes its budget.
//   node scripts/build-web.mjs [--no-minify] [--check]   (--check also type-checks web/ with tsc)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const out = join(root, 'dist', 'web');
const assets = join(out, 'assets');
const args = new Set(process.argv.slice(2));
const minify = !args.has('--no-minify');

/** The booth's JavaScript, crypto included, must stay under this many gzipped bytes. */
const BOOTH_BUDGET = 150 * 1024;

const PAGES = {
  index: 'page.index',
  vote: 'booth.title',
  preview: 'preview.title', // the organiser's ballot preview: no encryption or casting code (checked below)
  admin: 'admin.title',
  trustee: 'trustee.title',
  authority: 'authority.title',
  board: 'board.title',
  results: 'results.title',
  audit: 'audit.title', // the audit-check page
  login: 'login.title', // accounts
  members: 'members.title', // accounts
  meeting: 'meeting.title', // meetings: a member's page
  'meeting-chair': 'meeting.chairTitle', // meetings: the chair's and secretaries' page
  'meeting-projector': 'meeting.projectorTitle', // meetings: the projector view
  forum: 'forum.title', // forum (spec §21): a body's proposals, threads, endorsements, moderation
};

/** web/workers/*.ts: the results page checks the record in one (verify-record). */
const WORKERS = ['verify-record', 'trustee-mix']; // trustee-mix: the trustee page's shuffle and decryption of the mix (ranked)

// Every web/i18n/*.json becomes one module: adding a file adds a language.
const languages = readdirSync(join(web, 'i18n')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const catalogs = Object.fromEntries(languages.map((l) => [l, JSON.parse(readFileSync(join(web, 'i18n', `${l}.json`), 'utf8'))]));
const english = catalogs.en;
if (!english) throw new Error('web/i18n/en.json is missing: English is the fallback language');
for (const l of languages) {
  const missing = Object.keys(english).filter((k) => !(k in catalogs[l]) && !/\.(zero|one|two|few|many)$/.test(k));
  if (missing.length) console.warn(`build-web: ${l}.json lacks ${missing.length} keys (English is shown instead): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
}
const i18nPlugin = {
  name: 'veche-i18n',
  setup(b) {
    b.onResolve({ filter: /^veche:i18n$/ }, () => ({ path: 'veche:i18n', namespace: 'veche-i18n' }));
    // English (the fallback) is bundled; every other catalog is fetched when its language is chosen
    // (assets/i18n/LANG.json), so each language added costs the pages nothing.
    b.onLoad({ filter: /.*/, namespace: 'veche-i18n' }, () => ({
      contents: JSON.stringify({ english, names: Object.fromEntries(languages.map((l) => [l, catalogs[l]['language.name'] ?? l])) }),
      loader: 'json',
    }));
  },
};

if (args.has('--check')) {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(web, 'tsconfig.json')], { stdio: 'inherit' });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const started = Date.now();
const result = await build({
  entryPoints: [
    ...Object.keys(PAGES).map((p) => ({ in: join(web, 'pages', `${p}.ts`), out: p })),
    // Web workers: scripts a page starts, with no page of their own.
    ...WORKERS.map((w) => ({ in: join(web, 'workers', `${w}.ts`), out: w })),
  ],
  outdir: assets,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  minify,
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [i18nPlugin],
  define: { 'process.env.NODE_ENV': '"production"' },
});
await build({ entryPoints: [join(web, 'style.css')], outfile: join(assets, 'style.css'), bundle: true, minify, logLevel: 'warning' });
copyFileSync(join(web, 'favicon.svg'), join(assets, 'favicon.svg'));
mkdirSync(join(assets, 'i18n'), { recursive: true });
for (const l of languages) writeFileSync(join(assets, 'i18n', `${l}.json`), JSON.stringify(catalogs[l]));

// Node built-ins in a browser bundle would mean a core module is not browser-safe.
for (const input of Object.keys(result.metafile.inputs)) {
  if (/^node:|(^|\/)node_modules\/@types\/node\//.test(input)) throw new Error(`build-web: ${input} ended up in a browser bundle`);
}

// The ballot preview only shows and reads: no ballot encryption, no curve, no code that sends a ballot.
const previewOutput = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('/preview.js'))?.[1];
if (!previewOutput) throw new Error('build-web: no preview.js in the build');
for (const input of Object.keys(previewOutput.inputs)) {
  if (/(^|\/)src\/(ballot|crypto|board)\/|@noble\/curves|libsodium/.test(input)) throw new Error(`build-web: the ballot preview reaches ${input}`);
}

// libsodium (WebAssembly) only in the trustee page's worker, the one script the server lets compile it
// (src/server/app.ts WASM_WORKER_PATH): the booth and every other page stay on noble.
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('/trustee-mix.js') || !file.endsWith('.js')) continue;
  const sodium = Object.keys(output.inputs).find((input) => /libsodium/.test(input));
  if (sodium) throw new Error(`build-web: ${file} reaches ${sodium}: only the trustee-mix worker may load libsodium`);
}

const template = readFileSync(join(web, 'page.html'), 'utf8');
for (const [page, titleKey] of Object.entries(PAGES)) {
  const html = template
    .replaceAll('{{title}}', escapeHtml(english[titleKey] ?? 'veche'))
    .replaceAll('{{script}}', `/assets/${page}.js`)
    .replaceAll('{{page}}', page)
    .replaceAll('{{noscript}}', escapeHtml(english['page.noscript']));
  if (/<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=/i.test(html)) throw new Error(`build-web: ${page}.html has an inline script, style or handler`);
  writeFileSync(join(out, `${page}.html`), html);
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`build-web: ${Object.keys(PAGES).length} pages, ${languages.length} languages (${languages.join(', ')}) in ${Date.now() - started} ms → ${out}`);
for (const page of Object.keys(PAGES)) {
  const file = join(assets, `${page}.js`);
  console.log(`  ${`${page}.js`.padEnd(12)} ${kb(readFileSync(file).length).padStart(9)}  gzipped ${kb(gz(file)).padStart(8)}`);
}
for (const w of WORKERS) {
  const file = join(assets, `${w}.js`);
  console.log(`  ${`${w}.js`.padEnd(12)} ${kb(readFileSync(file).length).padStart(9)}  gzipped ${kb(gz(file)).padStart(8)}  (worker)`);
}
console.log(`  ${'style.css'.padEnd(12)} ${kb(readFileSync(join(assets, 'style.css')).length).padStart(9)}  gzipped ${kb(gz(join(assets, 'style.css'))).padStart(8)}`);
const booth = gz(join(assets, 'vote.js'));
console.log(`  booth JavaScript (crypto included): ${kb(booth)} gzipped, budget ${kb(BOOTH_BUDGET)}`);
if (booth > BOOTH_BUDGET) {
  console.error('build-web: the booth is over its size budget');
  process.exit(1);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}
