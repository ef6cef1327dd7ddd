// `veche ranked count FILE.blt --method …`: counts a BLT ballot file by Meek STV, Scottish STV,
// IRV or Schulze, every round shown (or the whole result as JSON).
import { readFileSync } from 'node:fs';
import { BltError, parseBlt } from '../../ranked/blt.js';
import { countRanked } from '../../ranked/count.js';
import { MeekStalled } from '../../ranked/meek.js';
import { formatRankedResult } from '../../ranked/report.js';
import { meekTranscript } from '../../ranked/transcript.js';
import { RANKED_METHODS, RankedInputError, type RankedInput, type RankedMethod } from '../../ranked/types.js';
import { intOption, parse, required, UsageError } from '../args.js';

export const RANKED_HELP = `Usage: veche ranked count FILE.blt --method meek-stv|scottish-stv|irv|schulze
                          [--seats N] [--seed HEX] [--json | --transcript] [--signed-surplus]

  --seats N          seats to fill (default: the file's)
  --seed HEX         tie-break seed, at least 16 bytes (the record's public seed); without it
                     ties follow the file's [tie] line, or else the candidates' order in the file
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
    method: { type: 'string' }, seats: { type: 'string' }, seed: { type: 'string' },
    json: { type: 'boolean' }, transcript: { type: 'boolean' }, 'signed-surplus': { type: 'boolean' },
  }, true);
  const [action, file, ...extra] = positionals;
  if (values.help || !action) { process.stdout.write(RANKED_HELP); return values.help ? 0 : 2; }
  if (action !== 'count') throw new UsageError(`unknown ranked action "${action}"`);
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
      tieBreak: values.seed ? { seed: seedOf(values.seed) } : { order: e.tieOrder ?? e.candidates.map((_, i) => i) },
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
