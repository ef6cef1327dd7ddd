// `veche ranked count FILE.blt --method …`: counts a BLT ballot file by Meek STV, Scottish STV,
// IRV or Schulze, every round shown (or the whole result as JSON).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileSource, verifyRecord } from '../../verify/verifier.js'; // ranked export
import { rankedResultOf } from '../../verify/ranked.js'; // ranked export
import type { RankedQuestion } from '../../manifest/types.js'; // ranked export
import { tieSeed } from '../../tally/tie-break.js'; // ranked export
import { encodePoint } from '../../crypto/group.js'; // ranked export
import { BltError, parseBlt, writeBlt } from '../../ranked/blt.js';
import { countRanked } from '../../ranked/count.js';
import { MeekStalled } from '../../ranked/meek.js';
import { formatRankedResult } from '../../ranked/report.js';
import { meekTranscript } from '../../ranked/transcript.js';
import { RANKED_METHODS, RankedInputError, type RankedInput, type RankedMethod } from '../../ranked/types.js';
import { intOption, parse, required, UsageError } from '../args.js';

export const RANKED_HELP = `Usage: veche ranked count FILE.blt --method meek-stv|scottish-stv|irv|schulze
                          [--seats N] [--seed HEX [--question ID]] [--json | --transcript] [--signed-surplus]
       veche ranked export --blt RECORD --out FILE.blt [--question ID]

  export             verify the election record, then write one ranked question's decrypted
                     rankings as a BLT file, so that any STV program can recount it (the
                     rankings the count found invalid are left out, and their number printed)

  --seats N          seats to fill (default: the file's)
  --seed HEX         tie-break seed, at least 16 bytes (the record's public seed); without it
                     ties follow the file's [tie] line, or else the candidates' order in the file
  --question ID      with --seed: the ranked question's id, which the record's lot includes (spec
                     §20.5); export prints the seed, the id and the whole recount command
  --json             the whole result, every round, as JSON
  --transcript       Meek only: the action-by-action log in the form of Droop.py and stv-rs
  --signed-surplus   Meek only: Droop.py's signed surplus instead of veche's positive one,
                     to compare with Droop.py or stv-rs run without --force-positive-surplus
`;

function seedOf(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2}){16,}$/.test(hex)) throw new UsageError('--seed must be hexadecimal, at least 16 bytes (32 hex digits)');
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}

export async function rankedCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    blt: { type: 'string' }, out: { type: 'string' }, question: { type: 'string' }, // ranked export
    method: { type: 'string' }, seats: { type: 'string' }, seed: { type: 'string' },
    json: { type: 'boolean' }, transcript: { type: 'boolean' }, 'signed-surplus': { type: 'boolean' },
  }, true);
  const [action, file, ...extra] = positionals;
  if (values.help || !action) { process.stdout.write(RANKED_HELP); return values.help ? 0 : 2; }
  if (action === 'export') return exportBlt(values);
  if (action !== 'count') throw new UsageError(`unknown ranked action "${action}"`);
  if (values.question !== undefined && !values.seed) throw new UsageError('--question names the lot of a --seed: give --seed too');
  if (!file) throw new UsageError('name the BLT file');
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const method = required(values, 'method') as RankedMethod;
  if (!RANKED_METHODS.includes(method)) throw new UsageError(`--method must be one of ${RANKED_METHODS.join(', ')}`);
  if (values.json && values.transcript) throw new UsageError('--json and --transcript exclude each other');
  if ((values.transcript || values['signed-surplus']) && method !== 'meek-stv') throw new UsageError('--transcript and --signed-surplus are for --method meek-stv');

  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  let input: RankedInput;
  try {
    const e = parseBlt(text);
    input = {
      candidates: e.candidates, seats: intOption(values, 'seats', e.seats, 1, e.candidates.length), method,
      rankings: e.rankings, weights: e.weights, withdrawn: e.withdrawn,
      tieBreak: values.seed ? { seed: seedOf(values.seed), question: (values.question as string | undefined) ?? '' } : { order: e.tieOrder ?? e.candidates.map((_, i) => i) },
      meekSurplus: values['signed-surplus'] ? 'signed' : 'positive',
    };
  } catch (e) {
    if (e instanceof BltError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
  try {
    const result = countRanked(input);
    if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else if (values.transcript) process.stdout.write(meekTranscript(result));
    else process.stdout.write(formatRankedResult(result).join('\n') + '\n');
    return 0;
  } catch (e) {
    if (e instanceof RankedInputError || e instanceof MeekStalled) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

// ranked export (spec §20.6) -->
/** `veche ranked export --blt RECORD`: the record verified first (fail closed), then the published rankings. */
async function exportBlt(values: Record<string, unknown>): Promise<number> {
  const record = required(values, 'blt');
  const out = required(values, 'out');
  const { report, state } = await verifyRecord(fileSource(record), undefined, { workers: 0 });
  if (!report.okSoFar) throw new UsageError(`refused: the record does not verify (${report.failedChecks.join(', ')})`);
  const result = rankedResultOf(state);
  if (!result) throw new UsageError('the record has no ranked result yet');
  const ranked = state.manifest!.questions.filter((q): q is RankedQuestion => q.type === 'ranked');
  const id = (values.question as string | undefined) ?? (ranked.length === 1 ? ranked[0]!.id : undefined);
  if (id === undefined) throw new UsageError(`name the question with --question (${ranked.map((q) => q.id).join(', ')})`);
  const q = ranked.find((x) => x.id === id);
  const published = result.questions.find((x) => x.question === id);
  if (!q || !published) throw new UsageError(`no ranked question "${id}" in this election`);
  const invalid = new Set(published.result.invalid.map((x) => x.index));
  const rankings = published.rankings.filter((r, i): r is number[] => r !== null && !invalid.has(i));
  writeFileSync(out, writeBlt({ title: q.title, candidates: q.candidates.map((c) => c.label), seats: q.seats, rankings }));
  console.log(`record verified; ${rankings.length} rankings of question ${id} written to ${out}${invalid.size ? ` (${invalid.size} invalid left out)` : ''}`);
  // A BLT file has no room for the record's lot: print what recounts with the record's own tie-break.
  const seed = tieSeed(state.electionHash, encodePoint(state.jointKey!));
  console.log(`ties: the record's lot, seed ${seed} for question ${id}; to recount exactly:\n  veche ranked count ${out} --method ${q.method} --seats ${q.seats} --seed ${seed} --question ${id}`);
  return 0;
}
// <-- ranked export
