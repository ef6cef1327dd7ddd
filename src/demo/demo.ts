// `veche demo`: a whole election in one process, through the same board, trustee, credential and
// ballot code as the separate commands. Writes the record and the counts the simulation chose.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Board } from '../board/board.js';
import { SqliteStore } from '../board/sqlite-store.js';
import { encryptBallot } from '../ballot/encrypt.js';
import { credentialKeys } from '../credentials/credentials.js';
import { demoManifestDraft } from '../manifest/demo.js';
import type { ManifestDraft } from '../manifest/signers.js';
import { makeRoles, publishCredentials, runKeyCeremony } from './roles.js';
import { encodeChoices, selectionGroups } from '../manifest/layout.js';
import type { Manifest } from '../manifest/types.js';
import { makeDecryptionShare } from '../tally/decrypt.js';
import { countResults } from '../tally/rules.js';
import { writeRecord } from '../record/export.js';
import type { PayloadByType } from '../record/events.js';
import { seededRandom } from './random.js';
import { addCounts, randomChoices } from './simulate.js';

export interface DemoOptions {
  voters: number;
  seed: number;
  outDir: string;
  /** The election (without signing keys: the simulation makes every role's keys). */
  manifest?: ManifestDraft;
  /** Share of voters who never vote, and of those who vote who vote twice (percent). */
  abstainPercent?: number;
  revotePercent?: number;
  /** Trustees taking part in the decryption (1-based indices); default: the first `threshold`. */
  decryptingTrustees?: number[];
  progress?: (phase: string, done: number, total: number) => void;
}

export interface DemoOutcome {
  recordPath: string;
  expectedPath: string;
  result: PayloadByType['result'];
  expected: Expected;
  ballotsCast: number;
}

export interface Expected {
  voters: number;
  voted: number;
  revoted: number;
  abstained: number;
  counts: number[][];
  results: ReturnType<typeof countResults>;
}

export async function runDemo(opts: DemoOptions): Promise<DemoOutcome> {
  const roles = makeRoles(opts.manifest ?? demoManifestDraft());
  const manifest: Manifest = roles.manifest;
  const rand = seededRandom(opts.seed);
  const progress = opts.progress ?? (() => {});
  mkdirSync(opts.outDir, { recursive: true });
  const dbPath = join(opts.outDir, 'board.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const store = new SqliteStore(dbPath);
  try {
    const board = await Board.create(store, manifest);
    const election = board.current.electionHash;

    // Key ceremony: each trustee on "their own machine"; only public parts reach the board.
    const t = manifest.threshold;
    const secrets = await runKeyCeremony(board, roles.trustees);

    // Credentials: the voters get the secrets; the board gets the list signed by the credential authority.
    const voters = Array.from({ length: opts.voters }, (_, i) => ({ id: `voter-${String(i + 1).padStart(5, '0')}` }));
    const issued = { private: await publishCredentials(board, roles.authority, voters) };
    await board.openPoll();

    const groups = selectionGroups(manifest);
    const publicKey = board.current.jointKey!;
    const counts = groups.map((g) => g.optionIds.map(() => 0));
    let voted = 0, revoted = 0, cast = 0;
    const abstain = (opts.abstainPercent ?? 10) / 100;
    const revote = (opts.revotePercent ?? 10) / 100;
    for (const [i, v] of issued.private.entries()) {
      progress('voting', i + 1, issued.private.length);
      if (rand() < abstain) continue;
      const keysOfVoter = credentialKeys(election, v.credential);
      const times = rand() < revote ? 2 : 1;
      let last: number[][] = [];
      for (let k = 0; k < times; k++) {
        last = encodeChoices(manifest, randomChoices(manifest, rand));
        const { ballot } = encryptBallot(election, publicKey, groups, last, keysOfVoter);
        await board.castBallot(ballot);
        cast++;
      }
      voted++;
      if (times > 1) revoted++;
      addCounts(counts, last, v.weight);
    }
    await board.closePoll();
    await board.computeTally((done, total) => progress('tally', done, total));

    const decrypting = opts.decryptingTrustees ?? secrets.slice(0, t).map((s) => s.index!);
    const sums = board.current.tally!.sums;
    for (const [n, index] of decrypting.entries()) {
      progress('decryption', n + 1, decrypting.length);
      await board.submitDecryptionShare(makeDecryptionShare(secrets[index - 1]!, sums));
    }
    const result = (await board.publishResult()).payload;

    const recordPath = join(opts.outDir, 'record.jsonl');
    await writeRecord(recordPath, board.record());
    const expected: Expected = {
      voters: opts.voters, voted, revoted, abstained: opts.voters - voted, counts,
      results: countResults(manifest, counts, voted, opts.voters),
    };
    const expectedPath = join(opts.outDir, 'expected.json');
    writeFileSync(expectedPath, JSON.stringify(expected, null, 2) + '\n');
    return { recordPath, expectedPath, result, expected, ballotsCast: cast };
  } finally {
    await store.close();
  }
}
