// HTTP concerns around the API: the page routes map to B2's HTML files, every answer carries the
// security headers (strict CSP, no framing, no sniffing, no referrer), API answers are not cached,
// and the global rate limit answers 429 in the API's error format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, WASM_CONTENT_SECURITY_POLICY } from '../src/server/app.js';
import { PAGES } from '../src/server/routes/pages.js';
import { testStores } from './helpers/stores.js';
import { call, startServer } from './helpers/server.js';

const factory = testStores()[0]!;

test('server: page routes serve the built pages, with a strict CSP', async (t) => {
  const made = (await factory.make('server-pages'))!;
  const web = mkdtempSync(join(tmpdir(), 'veche-web-'));
  const files = [...new Set(PAGES.map((p) => p.file))];
  for (const f of files) writeFileSync(join(web, f), `<!doctype html><title>${f}</title><script src="/assets/${f}.js"></script>`);
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'assets', 'vote.html.js'), 'console.log(1)');
  const server = await startServer(made.store, { webDir: web });
  t.after(async () => { await server.close(); await made.dispose(); rmSync(web, { recursive: true, force: true }); });

  const cases: [string, string][] = [
    ['/', 'index.html'], ['/vote/demo', 'vote.html'], ['/admin/', 'admin.html'], ['/admin', 'admin.html'],
    ['/trustee/demo/t1', 'trustee.html'], ['/board/demo', 'board.html'], ['/results/demo', 'results.html'],
  ];
  for (const [path, file] of cases) {
    const r = await call(server.base, 'GET', path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(r.text.includes(`<title>${file}</title>`), `${path} serves ${file}`);
    // The trustee page alone may compile WebAssembly (its worker's libsodium); every other page not.
    assert.equal(r.headers.get('content-security-policy'), file === 'trustee.html' ? WASM_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY, path);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  }
  for (const directive of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) assert.ok(CONTENT_SECURITY_POLICY.includes(directive));
  assert.ok(!CONTENT_SECURITY_POLICY.includes('unsafe-inline') && !CONTENT_SECURITY_POLICY.includes('unsafe-eval'));

  const asset = await call(server.base, 'GET', '/assets/vote.html.js');
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type') ?? '', /javascript/);
  assert.equal(asset.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.equal((await call(server.base, 'GET', '/vote/Not_An_Id')).status, 400);
  assert.equal((await call(server.base, 'GET', '/assets/missing.js')).status, 404);
  assert.equal((await call(server.base, 'GET', '/../package.json')).status, 404);

  const api = await call(server.base, 'GET', '/api/elections');
  assert.equal(api.headers.get('cache-control'), 'no-store');
  assert.equal(api.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
});

test('server: WebAssembly only on the trustee page and its worker, never eval', async (t) => {
  const made = (await factory.make('server-csp-wasm'))!;
  const web = mkdtempSync(join(tmpdir(), 'veche-web-'));
  for (const f of new Set(PAGES.map((p) => p.file))) writeFileSync(join(web, f), `<!doctype html><title>${f}</title>`);
  mkdirSync(join(web, 'assets'));
  for (const f of ['trustee-mix.js', 'trustee-mix.js.map', 'verify-record.js', 'trustee.js', 'vote.js']) writeFileSync(join(web, 'assets', f), '1');
  const server = await startServer(made.store, { webDir: web });
  t.after(async () => { await server.close(); await made.dispose(); rmSync(web, { recursive: true, force: true }); });

  // 'wasm-unsafe-eval' compiles WebAssembly and nothing else; 'unsafe-eval' (eval, new Function) appears in no policy.
  const noEval = (policy: string) => !/(^|[^-])'unsafe-eval'/.test(policy) && !policy.includes('unsafe-inline');
  assert.ok(noEval(CONTENT_SECURITY_POLICY) && noEval(WASM_CONTENT_SECURITY_POLICY));
  assert.ok(!CONTENT_SECURITY_POLICY.includes('wasm-unsafe-eval'));
  assert.equal(WASM_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"), 'only script-src differs');

  const wasm = ['/trustee/demo/t1', '/assets/trustee-mix.js', '/assets/trustee-mix.js?v=2'];
  const strict = [
    '/', '/vote/demo', '/preview/demo', '/admin', '/authority/demo', '/board/demo', '/results/demo', '/audit/demo', '/login', '/members',
    '/meeting/demo', '/meeting/demo/chair', '/meeting/demo/projector', '/forum/demo',
    '/assets/trustee-mix.js.map', '/assets/verify-record.js', '/assets/trustee.js', '/assets/vote.js', '/assets/missing.js',
    '/trustee/demo/t1/extra', '/trustee/demo', '/api/elections', '/api/elections/demo/trustees/t1',
  ];
  for (const path of [...wasm, ...strict]) {
    const r = await call(server.base, 'GET', path);
    const policy = r.headers.get('content-security-policy') ?? '';
    assert.equal(policy, wasm.includes(path) ? WASM_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY, `${path} (${r.status})`);
    assert.ok(noEval(policy), path);
  }
  assert.equal((await call(server.base, 'GET', '/assets/trustee-mix.js')).status, 200);
});

test('server: without built pages the page routes say how to build them', async (t) => {
  const made = (await factory.make('server-nopages'))!;
  const server = await startServer(made.store, { webDir: null });
  t.after(async () => { await server.close(); await made.dispose(); });
  const r = await call(server.base, 'GET', '/vote/demo');
  assert.equal(r.status, 404);
  assert.equal(r.body.error, 'no-pages');
  assert.match(r.body.message, /build:web/);
});

test('server: the rate limit answers 429 in the API error format', async (t) => {
  const made = (await factory.make('server-rate'))!;
  const server = await startServer(made.store, { rateLimit: 5 });
  t.after(async () => { await server.close(); await made.dispose(); });
  const statuses: number[] = [];
  let last = null;
  for (let i = 0; i < 7; i++) {
    last = await call(server.base, 'GET', '/api/elections');
    statuses.push(last.status);
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  assert.equal(last!.body.error, 'rate-limited');
  assert.match(last!.body.message, /5 a minute/);
  assert.ok(last!.headers.get('retry-after'));
});
