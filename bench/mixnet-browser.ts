// npm run bench:mixnet-browser [-- --sizes 1000,10000 --width 1 --arithmetics trustee,sodium,noble]: the
// proof of shuffle in a trustee's browser (Debian's Chromium, headless, through playwright-core), per
// ciphertext: shuffle + prove and verify on the trustee page's arithmetic (libsodium WebAssembly with
// noble's Pippenger for large msm: web/lib/trustee-mix-arithmetic.ts), beside libsodium alone and noble
// alone, with each one's own multiplication as the baseline. Times are the page thread's CPU time
// (Chromium's ThreadTime metric: the machine is shared); the page runs on one thread. A warm-up shuffle
// of 100 rows runs first on each arithmetic (printed apart: the first rows pay for the JIT).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromiumAvailable, launchChromium } from '../test/helpers/browser.js';
import { fmt, loadAverage, machine } from './common.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const arg = (name: string, fallback: string) => { const i = process.argv.indexOf(`--${name}`); return i < 0 ? fallback : process.argv[i + 1]!; };
const SIZES = arg('sizes', '1000,10000').split(',').map(Number);
const WIDTH = Number(arg('width', '1'));
const ARITHMETICS = arg('arithmetics', 'trustee,sodium,noble').split(',');
const WARM_UP = 100;
const TARGET = 1; // ms per ciphertext, each of shuffle + prove and verify (issue 12: a trustee's browser)

async function main(): Promise<void> {
  if (!chromiumAvailable()) throw new Error('Debian Chromium is not installed (scripts/install-system-deps.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'veche-bench-mixnet-browser-'));
  const browser = await launchChromium();
  try {
    const bundle = join(dir, 'bench.js');
    await build({ entryPoints: [join(ROOT, 'web', 'bench', 'mixnet.ts')], bundle: true, format: 'iife', platform: 'browser', outfile: bundle, logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')] });
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const threadMs = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const t = metrics.find((m) => m.name === 'ThreadTime');
      if (!t) throw new Error('Chromium reports no ThreadTime metric');
      return t.value * 1000;
    };
    await page.goto('about:blank');
    await page.addScriptTag({ content: readFileSync(bundle, 'utf8') });
    type Api = { prepare(a: string, n: number, k: number): Promise<string>; shuffle(): void; verify(): boolean; forgedRefused(): boolean; proofBytes(): number; muls(c: number): void };
    const call = <K extends keyof Api>(name: K, ...args: Parameters<Api[K]>): Promise<Awaited<ReturnType<Api[K]>>> =>
      page.evaluate(([n, a]) => (globalThis as unknown as { vecheBench: Record<string, (...x: unknown[]) => unknown> }).vecheBench[n as string]!(...(a as unknown[])), [name, args] as const) as never;
    const cpu = async (f: () => Promise<unknown>): Promise<{ ms: number; value: unknown }> => { const t0 = await threadMs(); const value = await f(); return { ms: (await threadMs()) - t0, value }; };

    const version = browser.version();
    console.log(`mixnet in a trustee's browser: Chromium ${version}, ${machine()}, load ${loadAverage()}; the page's one thread; rows of width ${WIDTH}`);
    console.log(`times are the page thread's CPU time per ciphertext; target (issue 12): ≤ ${TARGET} ms/ct each, shuffle + prove and verify`);
    for (const a of ARITHMETICS) {
      const name = await call('prepare', a, 1, WIDTH);
      const MULS = 200;
      const mul = (await cpu(() => call('muls', MULS))).ms / MULS;
      console.log(`\n${a} (backend ${name}): one variable-base multiplication = ${fmt(mul * 1000, 0)} µs (the baseline: "mul" below)`);
      await call('prepare', a, WARM_UP, WIDTH);
      const ws = await cpu(() => call('shuffle')), wv = await cpu(() => call('verify'));
      if (wv.value !== true) throw new Error(`bench: the warm-up shuffle was refused on ${a}`);
      console.log(`  warm-up (${WARM_UP} rows, not in the figures below): shuffle+prove ${fmt(ws.ms / (WARM_UP * WIDTH), 3)} ms/ct, verify ${fmt(wv.ms / (WARM_UP * WIDTH), 3)} ms/ct`);
      for (const n of SIZES) {
        await call('prepare', a, n, WIDTH);
        const s = await cpu(() => call('shuffle'));
        const v = await cpu(() => call('verify'));
        if (v.value !== true) throw new Error(`bench: the honest shuffle was refused on ${a}`);
        if (!(await call('forgedRefused'))) throw new Error(`bench: a shuffle with one row replaced passed on ${a}`);
        const cts = n * WIDTH, sp = s.ms / cts, vp = v.ms / cts;
        const mark = (x: number) => (x <= TARGET ? `≤ ${TARGET} met` : `> ${TARGET} MISSED`);
        console.log(`  ${String(n).padStart(6)} rows (${cts} ct): shuffle+prove ${fmt(sp, 3)} ms/ct (${fmt(sp / mul, 1)} mul; ${mark(sp)}), verify ${fmt(vp, 3)} ms/ct (${fmt(vp / mul, 1)} mul; ${mark(vp)}); proof ${fmt((await call('proofBytes')) / cts, 1)} B/ct; one replaced row refused`);
      }
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
