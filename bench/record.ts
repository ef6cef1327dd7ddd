// A real, complete veche record for the benchmarks: the real Board on a SQLite store in a temporary
// directory, a key ceremony, one credential per voter, one ballot per voter made by the booth's code in
// worker threads and cast through Board.castBallot (which checks it, as the server does), then the
// board's tally, two decryption shares and the result, exported as JSON Lines. Ballots are streamed:
// at most a few chunks wait to be cast, so N is bounded by disk, not memory.
import { Worker } from 'node:worker_threads';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { encodePoint } from '../src/crypto/group.js';
import { issueCredentials } from '../src/credentials/credentials.js';
import { signCredentialList } from '../src/credentials/authority.js';
import type { TrusteeSecret } from '../src/keyceremony/trustee.js';
import { runKeyCeremony } from '../src/demo/roles.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { writeRecord } from '../src/record/export.js';
import type { BallotJson } from '../src/ballot/types.js';
import type { Manifest } from '../src/manifest/types.js';
import { shapeRoles, type ShapeName } from './common.js';
import type { GenRequest } from './gen-worker.js';

export interface BuiltRecord {
  recordPath: string;
  manifest: Manifest;
  electionHash: string;
  /** The election key as on the record (base64url). */
  publicKey: string;
  trustees: TrusteeSecret[];
  ballots: number;
  /** CPU time the worker threads spent making the ballots (the booth's code), summed over threads. */
  creationCpuMs: number;
  buildWallS: number;
}

const CHUNK = 20;

/** prover: who makes the ballots: the booth's code (default), or bench/backend-ballot.ts (the same protocol on
 *  the fast group backend, for records of 10^5 ballots; the board checks every ballot either way). */
export async function buildRecord(shape: ShapeName, voters: number, dir: string, threads: number, progress: (cast: number) => void = () => {}, prover: 'booth' | 'backend' = 'booth'): Promise<BuiltRecord> {
  const t0 = performance.now();
  await enableFastBackend(); // the board checks ballots as the server does
  const roles = shapeRoles(shape);
  const manifest = roles.manifest;
  const dbPath = join(dir, 'board.sqlite');
  const store = new SqliteStore(dbPath);
  const workers: Worker[] = [];
  try {
    const board = await Board.create(store, manifest);
    const election = board.current.electionHash;
    // The four rounds of the key ceremony and the authority's signed list, as src/demo/roles.ts runs them.
    const trustees: TrusteeSecret[] = await runKeyCeremony(board, roles.trustees);
    const issued = issueCredentials(election, Array.from({ length: voters }, (_, i) => ({ id: `voter-${i + 1}` })));
    await board.submitCredentials(signCredentialList(election, issued.public, roles.authority.signing));
    const credentials = issued.private.map((c) => c.credential);
    await board.openPoll();
    const publicKey = encodePoint(board.current.jointKey!);

    // Workers make chunks of ballots; this thread casts them one by one, in arrival order.
    let next = 0;
    let cast = 0;
    let waiting = 0;
    let creationCpuMs = 0;
    let casting: Promise<void> = Promise.resolve();
    const castAll = async (ballots: BallotJson[]) => {
      for (const b of ballots) {
        await board.castBallot(b);
        cast++;
        waiting--;
        progress(cast);
      }
    };
    const ask = (w: Worker, req: GenRequest) => new Promise<{ ballots: BallotJson[]; cpuMs: number }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage(req);
    }).finally(() => w.removeAllListeners('error'));
    const work = async (w: Worker) => {
      while (next < voters) {
        const from = next;
        next = Math.min(voters, next + CHUNK);
        const reply = await ask(w, { kind: 'voters', shape, electionHash: election, publicKey, credentials: credentials.slice(from, next), prover });
        creationCpuMs += reply.cpuMs;
        waiting += reply.ballots.length;
        casting = casting.then(() => castAll(reply.ballots));
        casting.catch(() => undefined); // the failure is thrown where casting is awaited
        // Bounded: a worker waits while more than a few chunks are still to be cast.
        while (waiting > 2 * CHUNK * threads) await casting;
      }
    };
    for (let i = 0; i < Math.min(threads, Math.ceil(voters / CHUNK)); i++) workers.push(new Worker(new URL('./gen-worker.js', import.meta.url)));
    await Promise.all(workers.map(work));
    await casting;
    if (cast !== voters) throw new Error(`cast ${cast} ballots, expected ${voters}`);

    await board.closePoll();
    await board.computeTally();
    const sums = board.current.tally!.sums;
    for (const t of trustees.slice(0, manifest.threshold)) await board.submitDecryptionShare(makeDecryptionShare(t, sums));
    await board.publishResult();
    const recordPath = join(dir, 'record.jsonl');
    await writeRecord(recordPath, board.record());
    return { recordPath, manifest, electionHash: election, publicKey, trustees, ballots: cast, creationCpuMs, buildWallS: (performance.now() - t0) / 1000 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  }
}
