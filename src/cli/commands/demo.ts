// `veche demo`: a whole election in one process.
import { runDemo } from '../../demo/demo.js';
import { readRecordFile, electionOf } from '../../record/read.js';
import { intOption, parse } from '../args.js';
import { formatResult } from '../format.js';
import { progressBar } from '../progress.js';

export const DEMO_HELP = `Usage: veche demo [--voters N] [--out DIR] [--seed S]

Runs a whole election in one process: a co-op assembly with a choice, an approval, a verdict and a
motion question; 3 trustees with threshold 2 (the third stays away from the decryption); N voters,
some of whom abstain and some of whom vote twice (the last ballot counts). Writes
  DIR/record.jsonl     the election record, which "veche verify" checks
  DIR/expected.json    the counts the simulation chose, for comparison only
  DIR/board.sqlite     the board the demo ran on
and prints the result.
  --voters N   number of voters (default 200)
  --out DIR    output directory (default ./demo-out)
  --seed S     seed for the simulated voters' choices (default 7); the cryptographic randomness
               always comes from the system's secure generator
`;

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { voters: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } });
  if (values.help) { process.stdout.write(DEMO_HELP); return 0; }
  const voters = intOption(values, 'voters', 200, 1, 10_000_000);
  const seed = intOption(values, 'seed', 7, 0, 2 ** 32 - 1);
  const outDir = typeof values.out === 'string' ? values.out : 'demo-out';
  const started = Date.now();
  const outcome = await runDemo({ voters, seed, outDir, progress: progressBar() });
  const { payload } = electionOf(readRecordFile(outcome.recordPath));
  console.log(formatResult(payload.manifest, outcome.result));
  console.log(`${outcome.ballotsCast} ballots cast by ${outcome.expected.voted} voters (${outcome.expected.revoted} voted again, ${outcome.expected.abstained} abstained), in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`record: ${outcome.recordPath}\nexpected counts: ${outcome.expectedPath}\ncheck it: npx veche verify ${outcome.recordPath}`);
  return 0;
}
