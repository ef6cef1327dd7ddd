// `veche election create` and `veche board ...`: the board operator's commands.
import { mixesNeeded } from '../../ranked/record.js'; // ranked
import { formatRankedResult } from '../../ranked/report.js'; // ranked
import type { RankedResultPayload } from '../../record/events.js'; // ranked
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Board, BoardError } from '../../board/board.js';
import { SqliteStore } from '../../board/sqlite-store.js';
import { writeRecord } from '../../record/export.js';
import { validateManifest } from '../../manifest/validate.js';
import { queueTallySummer } from '../../verify/queue/board-tally.js';
import { parse, readJsonFile, required, UsageError } from '../args.js';
import { asSubmission } from '../submission.js';
import { formatResult } from '../format.js';
import { progressBar } from '../progress.js';
import type { CredentialsAddedPayload, CredentialsPayload, DecryptionSharePayload, RevocationPayload, TrusteeCommitmentPayload, TrusteeComplaintPayload, TrusteeKeyPayload, TrusteeReadyPayload, TrusteeSharesPayload } from '../../record/events.js';

export const BOARD_HELP = `Usage: veche board <action> --board DIR [options]

The bulletin board operator's commands. DIR holds the board's SQLite file (board.sqlite).

Actions:
  submit FILE...        accept submission files (trustees' commitments, keys, shares, complaints,
                        readiness and decryption shares; the authority's credential list,
                        revocations and additions; ballots); prints the receipt of each ballot as JSON
  open                  open the poll (needs the finished key ceremony and the credential list)
  close                 close the poll
  tally                 compute the encrypted tally of the last ballot of each credential
  ranked-result         decrypt the last mix with the trustees' mix decryptions, count every ranked
                        question and publish the rankings and every round (before "result")
  result                combine the trustees' decryption shares and publish the result
  export --out FILE     write the election record (JSON Lines), for everyone to verify
  status                show the phase and what the board holds

Options:
  --board DIR           board directory (required)
  --election ID         the election, when the board holds more than one
  --queue postgres://... (tally) sum the counted ballots on \`veche worker\` processes (any number of
                        machines) through the job queue in that PostgreSQL database; same tally
`;

export const ELECTION_HELP = `Usage: veche election create --manifest FILE --board DIR

Creates an election on the board from a manifest file (JSON, validated with clear errors). The
board makes its signing key; the first event of the record is the election. Prints the election
hash, which every later file is bound to.
`;

async function openBoard(dir: string, election?: string): Promise<{ board: Board; store: SqliteStore }> {
  const path = join(dir, 'board.sqlite');
  if (!existsSync(path)) throw new UsageError(`no board in ${dir} (create one with: veche election create)`);
  const store = new SqliteStore(path);
  try {
    let id = election;
    if (!id) {
      const all = await store.elections();
      if (all.length !== 1) throw new UsageError(all.length === 0 ? 'the board holds no election' : `the board holds several elections; name one with --election (${all.join(', ')})`);
      id = all[0]!;
    }
    return { board: await Board.load(store, id), store };
  } catch (e) {
    await store.close();
    throw e;
  }
}

export async function electionCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parse(rest, { manifest: { type: 'string' }, board: { type: 'string' } });
  if (values.help || action !== 'create') { process.stdout.write(ELECTION_HELP); return values.help ? 0 : 2; }
  // Validated before the board directory is touched: a refused manifest leaves nothing behind.
  const manifest = validateManifest(readJsonFile(required(values, 'manifest')));
  const dir = required(values, 'board');
  mkdirSync(dir, { recursive: true });
  const store = new SqliteStore(join(dir, 'board.sqlite'));
  try {
    const board = await Board.create(store, manifest);
    console.log(`election "${board.electionId}" created`);
    console.log(`election hash: ${board.current.electionHash}`);
    console.log(`next: each trustee runs "veche trustee commit" on a record exported with "veche board export"`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function boardCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parse(rest, { board: { type: 'string' }, election: { type: 'string' }, out: { type: 'string' }, queue: { type: 'string' } }, true);
  if (values.queue !== undefined && action !== 'tally') throw new UsageError('--queue is for "tally" only');
  if (values.help || !action) { process.stdout.write(BOARD_HELP); return values.help ? 0 : 2; }
  const { board, store } = await openBoard(required(values, 'board'), values.election);
  try {
    switch (action) {
      case 'submit': {
        if (positionals.length === 0) throw new UsageError('submit: name at least one submission file');
        let failures = 0;
        for (const path of positionals) {
          const s = asSubmission(readJsonFile(path), path);
          try {
            if (s.election !== board.current.electionHash) throw new BoardError('wrong-election', 'this file is for another election');
            const note = await submit(board, s.kind, s.payload);
            console.log(note);
          } catch (e) {
            if (!(e instanceof BoardError)) throw e;
            failures++;
            console.error(`${path}: rejected (${e.code}): ${e.message}`);
          }
        }
        return failures > 0 ? 1 : 0;
      }
      case 'open': await board.openPoll(); console.log('the poll is open'); return 0;
      case 'close': await board.closePoll(); console.log('the poll is closed'); return 0;
      case 'tally': {
        const bar = progressBar();
        // --queue: the sums are made by `veche worker` processes as jobs in that PostgreSQL (issue 10 point 7).
        const url = values.queue as string | undefined;
        if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--queue: expected a PostgreSQL URL, like postgres://user@host/db');
        const e = await board.computeTally((done, total) => bar('tally', done, total), url === undefined ? undefined : queueTallySummer(url));
        console.log(`tally computed over ${(e.payload as { ballots: number }).ballots} ballots; next: trustees run "veche trustee decrypt"`);
        return 0;
      }
      case 'result': {
        const e = await board.publishResult();
        console.log(formatResult(board.current.manifest, e.payload));
        return 0;
      }
      // ranked (spec §20) -->
      case 'ranked-result': {
        const e = await board.publishRankedResult();
        for (const q of (e.payload as RankedResultPayload).questions) console.log(`question ${q.question}:\n${formatRankedResult(q.result).join('\n')}`);
        return 0;
      }
      // <-- ranked
      case 'export': {
        const out = required(values, 'out');
        const n = await writeRecord(out, board.record());
        console.log(`wrote ${n} events to ${out}`);
        return 0;
      }
      case 'status': {
        const st = board.current;
        console.log([
          `election:   ${board.electionId} (${st.manifest.title})`,
          `hash:       ${st.electionHash}`,
          `phase:      ${st.phase}`,
          `events:     ${st.headSeq + 1}, head ${st.headHash}`,
          `trustees:   ${st.ceremony.commitments.size} committed, ${st.ceremony.keys.size} keys, ${st.ceremony.shares.size} shares, ${st.ceremony.ready.size} ready of ${st.manifest.trustees.length} (threshold ${st.manifest.threshold})${st.ceremony.complaints.length ? `; ceremony failed, at fault: ${[...new Set(st.ceremony.complaints.map((c) => c.atFault))].join(', ')}` : ''}`,
          `joint key:  ${st.jointKey ? 'published' : 'not yet'}`,
          `voters:     ${st.credentials ? `${st.credentials.size} credentials, weight ${st.eligibleWeight}, ${st.revoked.size} revoked` : 'no credentials yet'}`,
          `ballots:    ${st.ballots}`,
          `decryption: ${st.decryptionShares.length} of ${st.manifest.threshold} shares`,
        ].join('\n'));
        return 0;
      }
      default:
        throw new UsageError(`unknown board action "${action}" (see veche board --help)`);
    }
  } finally {
    await store.close();
  }
}

async function submit(board: Board, kind: string, payload: unknown): Promise<string> {
  const who = (payload as { trustee?: unknown } | null)?.trustee;
  switch (kind) {
    case 'trustee-commitment': await board.submitTrusteeCommitment(payload as TrusteeCommitmentPayload); return `commitment of ${String(who)} accepted`;
    case 'trustee-key': await board.submitTrusteeKey(payload as TrusteeKeyPayload); return `trustee key of ${String(who)} accepted`;
    case 'trustee-shares': await board.submitTrusteeShares(payload as TrusteeSharesPayload); return `shares of ${String(who)} accepted`;
    case 'trustee-complaint': {
      await board.submitTrusteeComplaint(payload as TrusteeComplaintPayload);
      const c = board.current.ceremony.complaints.at(-1)!;
      return `complaint of ${String(who)} accepted; judged from the record: ${c.atFault} is at fault (${c.reason}); the ceremony cannot finish`;
    }
    case 'trustee-ready': {
      await board.submitTrusteeReady(payload as TrusteeReadyPayload);
      return `trustee ${String(who)} is ready${board.current.jointKey ? '; the election key is published' : ''}`;
    }
    case 'credentials': {
      await board.submitCredentials(payload as CredentialsPayload);
      return `credential list accepted (${board.current.credentials!.size} voters)`;
    }
    case 'credential-revoked': await board.revokeCredential(payload as RevocationPayload); return 'credential revoked';
    case 'credentials-added': { // veche credentials add (spec §6.4)
      await board.addCredentials(payload as CredentialsAddedPayload);
      return `credentials added (${board.current.credentials!.size} listed, ${board.current.revoked.size} revoked, eligible weight ${board.current.eligibleWeight})`;
    }
    case 'ballot': { const { receipt } = await board.castBallot(payload); return JSON.stringify(receipt); }
    case 'decryption-share': await board.submitDecryptionShare(payload as DecryptionSharePayload); return `decryption share of ${String(who)} accepted`;
    // ranked (spec §20) -->
    case 'mix': await board.submitMix(payload); return `mix of ${String((payload as { mixer?: unknown }).mixer)} accepted (${board.current.ranked.mixes.length} of ${mixesNeeded(board.current.manifest)})`;
    case 'mix-decryption': await board.submitMixDecryption(payload); return `decryption of the last mix by ${String(who)} accepted`;
    // <-- ranked
    default: throw new UsageError(`unknown submission kind ${kind}`);
  }
}
