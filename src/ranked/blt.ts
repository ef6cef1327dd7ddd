// BLT ballot files (the format of ERS, OpenSTV, Droop.py, stv-rs and OpaVote): read with a clear
// error naming the line, and written so that any other STV program can recount a veche election.
//
// Read: `C S` header; withdrawn candidates as a line of negative numbers (`-2 -5`) or stv-rs's
// `[withdrawn nick ...]`; stv-rs's `[nick ...]` (ballots then name candidates by nickname) and
// `[tie ...]` (the lot order, first = loses ties); ballot lines `weight pref ... 0` with candidates
// numbered 1..C (or nicknames) and `=` between equally ranked ones; the line `0`; C quoted names and
// a quoted title. Not read: OpenSTV ballot ids `(id)`, fractional weights, skipped ranks `-`.
import type { Preference, Ranking } from './types.js';

export interface BltElection {
  title: string;
  candidates: string[];
  seats: number;
  withdrawn: number[];
  /** From a `[tie ...]` line, when there is one. */
  tieOrder?: number[];
  rankings: Ranking[];
  weights: bigint[];
}

export class BltError extends Error {
  override name = 'BltError';
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const MAX_WEIGHT = 10n ** 15n;

export function parseBlt(text: string): BltElection {
  const lines = text.split(/\r?\n/);
  let at = 0; // index of the next line
  const fail = (message: string, line = at): never => { throw new BltError(line, message); };
  const next = (what: string): string => {
    while (at < lines.length && lines[at]!.trim() === '') at++;
    if (at >= lines.length) fail(`the file ends where ${what} was expected`, lines.length);
    return lines[at++]!.trim();
  };

  const header = next('the header "candidates seats"');
  const hm = /^(\d+)\s+(\d+)$/.exec(header);
  if (!hm) fail(`the header must be "candidates seats" (two whole numbers), not ${JSON.stringify(header)}`);
  const n = Number(hm![1]);
  const seats = Number(hm![2]);
  if (n < 1 || n > 10_000) fail('the number of candidates must be from 1 to 10000');
  if (seats < 1 || seats > n) fail(`seats must be from 1 to ${n}`);

  let nicks: string[] | undefined;
  let withdrawnNames: string[] = [];
  let tieNames: string[] | undefined;
  const withdrawn = new Set<number>();
  for (;;) {
    const save = at;
    const line = next('ballots');
    const lineNo = at;
    if (/^\[.*\]$/.test(line)) {
      const [kind, ...items] = line.slice(1, -1).trim().split(/\s+/);
      if (kind === 'nick') {
        if (items.length !== n) fail(`[nick] names ${items.length} candidates, the header says ${n}`, lineNo);
        if (new Set(items).size !== n) fail('[nick] has a nickname twice', lineNo);
        for (const nick of items) if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(nick)) fail(`nickname ${JSON.stringify(nick)} must be a letter then letters or digits`, lineNo);
        nicks = items;
      } else if (kind === 'withdrawn') withdrawnNames = items;
      else if (kind === 'tie') tieNames = items;
      else fail(`unknown option [${kind}]`, lineNo);
      continue;
    }
    if (/^-\d+(\s+-\d+)*$/.test(line)) {
      for (const t of line.split(/\s+/)) {
        const c = -Number(t);
        if (c < 1 || c > n) fail(`withdrawn candidate ${c} is not from 1 to ${n}`, lineNo);
        withdrawn.add(c - 1);
      }
      continue;
    }
    at = save;
    break;
  }
  const nickIndex = new Map((nicks ?? []).map((k, i) => [k, i]));
  const candidateOf = (token: string, lineNo: number): number => {
    if (nicks) {
      const c = nickIndex.get(token);
      if (c === undefined) fail(`${JSON.stringify(token)} is not a candidate nickname`, lineNo);
      return c!;
    }
    if (!/^\d+$/.test(token)) fail(`${JSON.stringify(token)} is not a candidate number`, lineNo);
    const c = Number(token);
    if (c < 1 || c > n) fail(`candidate ${token} is not from 1 to ${n}`, lineNo);
    return c - 1;
  };
  const byNick = (names: string[], what: string, lineNo: number): number[] => names.map((name) => {
    if (!nicks) fail(`[${what}] needs a [nick] line before it`, lineNo);
    return candidateOf(name, lineNo);
  });
  for (const c of byNick(withdrawnNames, 'withdrawn', 2)) withdrawn.add(c);
  let tieOrder: number[] | undefined;
  if (tieNames) {
    tieOrder = byNick(tieNames, 'tie', 2);
    if (tieOrder.length !== n || new Set(tieOrder).size !== n) fail('[tie] must name every candidate once', 2);
  }

  const rankings: Ranking[] = [];
  const weights: bigint[] = [];
  for (;;) {
    const line = next('a ballot line or the closing "0"');
    const lineNo = at;
    if (line === '0') break;
    const tokens = line.split(/\s+/);
    if (!/^\d+$/.test(tokens[0]!)) fail(`a ballot line starts with its weight (a whole number), not ${JSON.stringify(tokens[0])}`, lineNo);
    const weight = BigInt(tokens[0]!);
    if (weight < 1n || weight > MAX_WEIGHT) fail(`ballot weight must be from 1 to ${MAX_WEIGHT}`, lineNo);
    if (tokens[tokens.length - 1] !== '0' || tokens.length < 2) fail('a ballot line must end with 0', lineNo);
    const seen = new Set<number>();
    const ranking: Preference[] = tokens.slice(1, -1).map((level) => {
      const parts = level.split('=');
      const group = parts.map((p) => {
        if (p === '') fail(`empty candidate in ${JSON.stringify(level)}`, lineNo);
        const c = candidateOf(p, lineNo);
        if (seen.has(c)) fail(`candidate ${p} appears twice in one ballot`, lineNo);
        seen.add(c);
        return c;
      });
      return group.length === 1 ? group[0]! : group;
    });
    rankings.push(ranking);
    weights.push(weight);
  }

  const quoted = (what: string): string => {
    const line = next(what);
    if (line.length < 2 || !line.startsWith('"') || !line.endsWith('"')) fail(`${what} must be in double quotes`);
    return line.slice(1, -1);
  };
  const candidates = Array.from({ length: n }, (_, i) => quoted(`the name of candidate ${i + 1}`));
  if (new Set(candidates).size !== n) fail('two candidates have the same name', at);
  const title = quoted('the election title');
  while (at < lines.length) {
    if (lines[at]!.trim() !== '') fail(`unexpected text after the title: ${JSON.stringify(lines[at]!.trim().slice(0, 40))}`, at + 1);
    at++;
  }
  const election: BltElection = { title, candidates, seats, withdrawn: [...withdrawn].sort((a, b) => a - b), rankings, weights };
  if (tieOrder) election.tieOrder = tieOrder;
  return election;
}

/** Writes a plain numeric BLT file (no nicknames), one line per ranking, that BLT readers accept. */
export function writeBlt(e: { title: string; candidates: readonly string[]; seats: number; rankings: readonly Ranking[]; weights?: readonly (bigint | number)[]; withdrawn?: readonly number[] }): string {
  for (const name of [...e.candidates, e.title])
    if (/["\r\n]/.test(name)) throw new RangeError(`BLT cannot hold a name with a double quote or a line break: ${JSON.stringify(name)}`);
  const out: string[] = [`${e.candidates.length} ${e.seats}`];
  if (e.withdrawn && e.withdrawn.length > 0) out.push(e.withdrawn.map((c) => `-${c + 1}`).join(' '));
  e.rankings.forEach((r, i) => {
    const prefs = r.map((p) => (Array.isArray(p) ? (p as number[]).map((c) => c + 1).join('=') : String((p as number) + 1)));
    out.push([String(e.weights?.[i] ?? 1), ...prefs, '0'].join(' '));
  });
  out.push('0', ...e.candidates.map((c) => `"${c}"`), `"${e.title}"`);
  return out.join('\n') + '\n';
}
