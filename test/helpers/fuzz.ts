// Shared pieces of the fuzz tests: run counts (bounded in CI, FUZZ_RUNS=n for long runs), mutations of
// real JSON values, hostile values, and the regression corpus in test/fuzz-regressions/.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, sep } from 'node:path';

/** Runs of a property: `ci` by default, scaled by FUZZ_RUNS (FUZZ_RUNS=100 runs each property 100x its default). */
export function runs(ci: number): number {
  const scale = Number(process.env.FUZZ_RUNS ?? '');
  return Number.isFinite(scale) && scale > 0 ? Math.ceil(ci * scale) : ci;
}

// Compiled tests run from dist/test/helpers; the corpus lives in the source tree's test/.
const here = fileURLToPath(new URL('.', import.meta.url));
export const REGRESSIONS_DIR = here.includes(`${sep}dist${sep}test${sep}`)
  ? join(here, '..', '..', '..', 'test', 'fuzz-regressions')
  : join(here, '..', 'fuzz-regressions');

export interface Regression { target: string; note: string; input: unknown }

/** The saved inputs for one target (each file: {target, note, input}). */
export function regressions(target: string): (Regression & { file: string })[] {
  if (!existsSync(REGRESSIONS_DIR)) return [];
  return readdirSync(REGRESSIONS_DIR).filter((f) => f.endsWith('.json')).sort().flatMap((file) => {
    const r = JSON.parse(readFileSync(join(REGRESSIONS_DIR, file), 'utf8')) as Regression;
    return r.target === target ? [{ ...r, file }] : [];
  });
}

/** Counts what a fuzz test did, for the figures printed at the end of each file. */
export class FuzzStats {
  executions = 0;
  rejected = 0;
  constructor(readonly name: string) {}
  summary(): string {
    return `${this.name}: ${this.executions} executions, ${this.rejected} inputs rejected as they must be`;
  }
}

/**
 * fc.assert, and on a failure during a long run (FUZZ_RUNS set) the counterexample is saved to the
 * regression corpus, so that it is replayed by every later run.
 */
export function check<T extends unknown[]>(target: string, property: fc.IProperty<T>, numRuns: number, toInput: (args: T) => unknown = (a) => a[0]): void {
  const details = fc.check(property, { numRuns });
  if (!details.failed) return;
  if (process.env.FUZZ_RUNS && details.counterexample) {
    const input = toInput(details.counterexample);
    const text = JSON.stringify({ target, note: `found by fuzzing: ${String((details.errorInstance as Error | undefined)?.message ?? '').slice(0, 200)}`, input }, null, 1);
    mkdirSync(REGRESSIONS_DIR, { recursive: true });
    writeFileSync(join(REGRESSIONS_DIR, `${target}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.json`), text + '\n');
  }
  fc.assert(property, { numRuns: 1, examples: details.counterexample ? [details.counterexample] : [] });
  throw new Error(`${target}: property failed: ${String(details.errorInstance)}`);
}

// ---- hostile values -------------------------------------------------------------------------------

/** An array nested `depth` deep (built iteratively, so making it cannot overflow the stack). */
export function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

export function deepObject(depth: number): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** An object with an own "__proto__" (or other dangerous) key, as JSON.parse makes it. */
export function withOwnKey(key: string, value: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  return o;
}

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Values that break careless code: huge and odd numbers, wrong types, long strings, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -0, 1, -1, 2, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1.5, 1e-300, Number.MAX_VALUE, Number.MIN_VALUE,
    Infinity, -Infinity, NaN, '', ' ', '0', 'null', 'true', '[]', '{}', '\u0000', '\ud800', '\u{1F5F3}', 'A'.repeat(43), '_'.repeat(43),
    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '7v___________________________________________'.slice(0, 43), 'x'.repeat(100_000),
    [], {}, [[]], [null], [1, 2], ['', ''],
  ),
  fc.constantFrom(...DANGEROUS_KEYS).chain((k) => fc.jsonValue({ maxDepth: 2 }).map((v) => withOwnKey(k, v))),
  fc.integer({ min: 50, max: 600 }).map((d) => deepArray(d)),
  fc.integer({ min: 50, max: 600 }).map((d) => deepObject(d)),
  fc.bigInt().map((b) => Number(b) * 1e10),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
);

// ---- mutations of a JSON value ------------------------------------------------------------------

type Path = (string | number)[];

function paths(v: unknown, here: Path = [], out: Path[] = []): Path[] {
  out.push(here);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...here, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...here, k], out);
  return out;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

/** Replaces the value at `path` (the root when path is empty). */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1]!, { value, writable: true, enumerable: true, configurable: true });
  return root;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export type Mutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add-key'; at: number; key: string; value: unknown }
  | { op: 'char'; at: number; pos: number; ch: number }
  | { op: 'truncate'; at: number; keep: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; at: number; other: number }
  | { op: 'wrap'; at: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('add-key' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), fc.string({ maxLength: 8 })), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ op: fc.constant('char' as const), at: fc.nat(), pos: fc.nat(), ch: fc.nat({ max: 63 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }),
);

/** String(v), or '' for values that refuse (an own "toString" key that is not a function). */
function safeString(v: unknown): string {
  try { return String(v); } catch { return ''; }
}

/** Applies one mutation to a copy of `value`. Mutations that cannot apply where they land fall back to a replacement. */
export function mutate(value: unknown, m: Mutation): unknown {
  const root = clone(value);
  const all = paths(root);
  const path = all[m.at % all.length]!;
  const target = getAt(root, path);
  switch (m.op) {
    case 'replace': return setAt(root, path, m.value);
    case 'delete': {
      if (path.length === 0) return undefined;
      const parent = getAt(root, path.slice(0, -1));
      const key = path[path.length - 1]!;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key];
      return root;
    }
    case 'add-key':
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, { value: m.value, writable: true, enumerable: true, configurable: true });
        return root;
      }
      if (Array.isArray(target)) { target.push(m.value); return root; }
      return setAt(root, path, withOwnKey(m.key, m.value));
    case 'char':
      if (typeof target === 'string' && target.length > 0) {
        const pos = m.pos % target.length;
        const ch = B64[m.ch]! === target[pos] ? B64[(m.ch + 1) % 64]! : B64[m.ch]!;
        return setAt(root, path, target.slice(0, pos) + ch + target.slice(pos + 1));
      }
      return setAt(root, path, typeof target === 'number' ? target + 1 + (m.ch % 3) : safeString(target));
    case 'truncate':
      if (typeof target === 'string') return setAt(root, path, target.slice(0, m.keep % Math.max(1, target.length)));
      if (Array.isArray(target)) return setAt(root, path, target.slice(0, m.keep % Math.max(1, target.length)));
      return setAt(root, path, null);
    case 'duplicate':
      if (Array.isArray(target) && target.length > 0) { target.push(clone(target[m.at % target.length])); return root; }
      return setAt(root, path, [target, clone(target)]);
    case 'swap': {
      const other = all[m.other % all.length]!;
      // Only between two places neither of which contains the other.
      const prefix = (a: Path, b: Path) => a.length <= b.length && a.every((k, i) => k === b[i]);
      if (prefix(path, other) || prefix(other, path)) return setAt(root, path, [target]);
      const a = clone(target);
      const b = clone(getAt(root, other));
      setAt(root, path, b);
      return setAt(root, other, a);
    }
    case 'wrap': return setAt(root, path, [target]);
  }
}

/** A mutated copy of `value`, from 1 to `max` mutations. */
export function mutatedArb(value: unknown, max = 3): fc.Arbitrary<unknown> {
  return fc.array(mutationArb, { minLength: 1, maxLength: max }).map((ms) => ms.reduce<unknown>((v, m) => (v === undefined ? v : mutate(v, m)), value));
}
