// The homomorphic tally over ranges of ballots: each range is summed apart (a worker thread, another
// process, another machine) and the partial sums combine by addition, which is associative and
// commutative, into exactly the sums one process computes. docs/scale.md describes the split.
import { backend, type GroupBackend } from '../crypto/backend.js';
import { fromBase64Url, toBase64Url } from '../crypto/encoding.js';
import { scalarOf } from '../crypto/group.js';
import type { CiphertextJson } from '../crypto/elgamal.js';
import type { SelectionGroup } from '../manifest/types.js';
import type { BoardEvent, PayloadByType } from '../record/events.js';

/** Sums as on the record: per group and option, [alpha, beta] in base64url. */
export type PartialSums = CiphertextJson[][];

const IDENTITY_TEXT = toBase64Url(new Uint8Array(32));

export function emptyPartialSums(groups: SelectionGroup[]): PartialSums {
  return groups.map((g) => g.optionIds.map((): CiphertextJson => [IDENTITY_TEXT, IDENTITY_TEXT]));
}

function pointBytes(text: unknown, be: GroupBackend): Uint8Array {
  const bytes = fromBase64Url(text, 32, 'ciphertext point');
  if (!be.isValid(bytes)) throw new Error('ciphertext point: not a valid ristretto255 encoding');
  return bytes;
}

/** Σ weight · ciphertext over the given ballots (their `answers[g].ct`), as partial sums. */
export function sumBallots(groups: SelectionGroup[], ballots: Iterable<{ answers: { ct: CiphertextJson[] }[]; weight: number }>, be: GroupBackend = backend()): PartialSums {
  const acc = groups.map((g) => g.optionIds.map(() => [new Uint8Array(32), new Uint8Array(32)] as [Uint8Array, Uint8Array]));
  // Points wait in columns and are added with one sum per column and batch (on the native backend each
  // is then decoded once instead of once per addition).
  const columns = groups.map((g) => g.optionIds.map(() => [[], []] as [Uint8Array[], Uint8Array[]]));
  let pending = 0;
  const flush = () => {
    try {
      columns.forEach((row, g) => row.forEach(([as, bs], i) => {
        const cell = acc[g]![i]!;
        acc[g]![i] = [be.sum([cell[0], ...as]), be.sum([cell[1], ...bs])];
        as.length = 0; bs.length = 0;
      }));
    } catch {
      throw new Error('ciphertext point: not a valid ristretto255 encoding');
    }
    pending = 0;
  };
  for (const b of ballots) {
    if (!Number.isSafeInteger(b.weight) || b.weight < 1) throw new Error('tally range: bad weight');
    const w = scalarOf(b.weight);
    if (!Array.isArray(b.answers) || b.answers.length !== groups.length) throw new Error('tally range: ballot of the wrong shape');
    for (let g = 0; g < groups.length; g++) {
      const row = acc[g]!;
      const cts = b.answers[g]!.ct;
      if (!Array.isArray(cts) || cts.length !== row.length) throw new Error('tally range: ballot of the wrong shape');
      for (let i = 0; i < row.length; i++) {
        const ct = cts[i]!;
        if (!Array.isArray(ct) || ct.length !== 2) throw new Error('tally range: malformed ciphertext');
        if (w === 1n) {
          columns[g]![i]![0].push(fromBase64Url(ct[0], 32, 'ciphertext point'));
          columns[g]![i]![1].push(fromBase64Url(ct[1], 32, 'ciphertext point'));
        } else {
          columns[g]![i]![0].push(be.mul(pointBytes(ct[0], be), w));
          columns[g]![i]![1].push(be.mul(pointBytes(ct[1], be), w));
        }
      }
    }
    if (++pending === 256) flush();
  }
  flush();
  return acc.map((row) => row.map(([a, b]): CiphertextJson => [toBase64Url(a), toBase64Url(b)]));
}

/** Sums ballot events given as record lines, each with its credential's weight. */
export function sumBallotLines(groups: SelectionGroup[], lines: string[], weights: number[], be: GroupBackend = backend()): PartialSums {
  return sumBallots(groups, lines.map((line, k) => ({ answers: (JSON.parse(line) as BoardEvent<'ballot'>).payload.answers, weight: weights[k]! })), be);
}

/** Adds partial sums (from any split of the ballots, in any order). */
export function combinePartialSums(groups: SelectionGroup[], parts: PartialSums[], be: GroupBackend = backend()): PartialSums {
  let total = emptyPartialSums(groups);
  for (const part of parts) {
    if (part.length !== groups.length) throw new Error('combine: partial sums of the wrong shape');
    total = total.map((row, g) => {
      if (part[g]!.length !== row.length) throw new Error('combine: partial sums of the wrong shape');
      return row.map(([a, b], i): CiphertextJson => [
        toBase64Url(be.add(pointBytes(a, be), pointBytes(part[g]![i]![0], be))),
        toBase64Url(be.add(pointBytes(b, be), pointBytes(part[g]![i]![1], be))),
      ]);
    });
  }
  return total;
}

/** Which ballots the tally counts: the last ballot of each credential, revoked ones dropped (board order). */
export interface CountedSelection {
  /** seq of each counted ballot event. */
  counted: Set<number>;
  weights: Map<string, number>;
}

/**
 * The partial tally of the counted ballots whose sequence numbers lie in [from, to), from a record's
 * events. A range is any slice of the record; the ranges of a partition combine to the full tally.
 */
export function tallyRange(events: Iterable<BoardEvent>, from: number, to: number, selection: CountedSelection, groups: SelectionGroup[], be: GroupBackend = backend()): PartialSums {
  function* inRange() {
    for (const e of events) {
      if (e.type !== 'ballot' || e.seq < from || e.seq >= to || !selection.counted.has(e.seq)) continue;
      const b = e.payload as PayloadByType['ballot'];
      const weight = selection.weights.get(b.credential);
      if (weight === undefined) throw new Error(`tally range: ballot at ${e.seq} from an unknown credential`);
      yield { answers: b.answers, weight };
    }
  }
  return sumBallots(groups, inRange(), be);
}

/** The counted ballots of a record (what the board's computeTally counts). */
export function countedSelection(events: Iterable<BoardEvent>): CountedSelection {
  const last = new Map<string, number>();
  const revoked = new Set<string>();
  const weights = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'ballot') last.set((e.payload as PayloadByType['ballot']).credential, e.seq);
    else if (e.type === 'credential-revoked') revoked.add((e.payload as PayloadByType['credential-revoked']).key);
    else if (e.type === 'credentials') for (const c of (e.payload as PayloadByType['credentials']).credentials) weights.set(c.key, c.weight);
    else if (e.type === 'credentials-added') for (const c of (e.payload as PayloadByType['credentials-added']).credentials) weights.set(c.key, c.weight);
  }
  const counted = new Set<number>();
  for (const [credential, seq] of last) if (!revoked.has(credential)) counted.add(seq);
  return { counted, weights };
}
