// The `veche` command: one subcommand per role and phase.
import { boardCommand, electionCommand } from './commands/board.js';
import { credentialsCommand } from './commands/credentials.js';
import { demoCommand } from './commands/demo.js';
import { trusteeCommand } from './commands/trustee.js';
import { verifyCommand } from './commands/verify.js';
import { voteCommand } from './commands/vote.js';
import { manifestCommand } from './commands/manifest.js';
import { serveCommand } from './commands/serve.js';
// ranked counting (issue 12 point 4)
import { rankedCommand } from './commands/ranked.js';
import { workerCommand } from './commands/worker.js';
import { resultCommand } from './commands/result.js'; // result pdf/csv (issue 11 point 7)
import { UsageError } from './args.js';

export const HELP = `veche: verifiable voting

Usage: veche <command> [options]      veche <command> --help for each

Whole election in one process:
  demo          run a simulated election and write its record

The ceremony, one step per person (see README.md, "Running an election by hand"):
  manifest      check a manifest file, or print an example to start from
  election      create an election on a board from a manifest            (board operator)
  trustee       init, commit, reveal, shares, finish, decrypt            (each trustee)
  credentials   init, issue, revoke, mail, remind, letters, export       (credential authority)
  vote          encrypt and sign a ballot, or audit one                  (each voter)
  board         submit files, open/close the poll, tally, result, export (board operator)

Server:
  serve         run the HTTP server: API and web pages (same as npm start)

Anyone:
  verify        recompute every check of an election record
  result        the result of a verified record as a PDF report or CSV
  ranked        count a BLT ballot file: Meek STV, Scottish STV, IRV, Schulze
  worker        run verification jobs from a queue (veche verify --queue)
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  demo: demoCommand,
  verify: verifyCommand,
  election: electionCommand,
  board: boardCommand,
  trustee: trusteeCommand,
  credentials: credentialsCommand,
  vote: voteCommand,
  manifest: manifestCommand,
  serve: serveCommand,
  ranked: rankedCommand, // ranked counting (issue 12 point 4)
  worker: workerCommand,
  result: resultCommand, // result pdf/csv (issue 11 point 7)
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`veche: unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && ['ManifestError', 'BoardError', 'ChoicesError', 'JsonSyntaxError'].includes(e.name))) {
      process.stderr.write(`veche ${command}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
