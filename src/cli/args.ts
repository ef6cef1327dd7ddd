// Argument parsing shared by the commands: long options only, every option declared, clear errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseStrictJson } from '../manifest/json.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Option values: strings for string options, booleans for flags (and --help). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Values = Record<string, any>;

export function parse(argv: string[], options: Options, allowPositionals = false): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function intOption(values: Record<string, unknown>, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  try { return parseStrictJson(text); } catch (e) { throw new UsageError(`${path}: ${(e as Error).message}`); }
}

export function writeJsonFile(path: string, value: unknown, mode?: number): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n', mode === undefined ? undefined : { mode });
}
