// Shared by the tests: real elections run through the real board, trustee, credential and ballot code
// (no mocks), step by step so a test can stop at any phase. Only exports: `node --test dist/test/`
// also loads this file, and then it defines no test.
import { Board } from '../../src/board/board.js';
import type { BoardStore } from '../../src/board/store.js';
import { encryptBallot, type EncryptedBallot, type VoterKeys } from '../../src/ballot/encrypt.js';
import { credentialKeys, issueCredentials } from '../../src/credentials/credentials.js';
import { finishKeyCeremony, generateTrusteeKey, makeShares, type TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { demoManifest } from '../../src/manifest/demo.js';
import { encodeChoices, selectionGroups } from '../../src/manifest/layout.js';
import type { Choices, Manifest } from '../../src/manifest/types.js';
import { encodeEvent, type BoardEvent, type PayloadByType } from '../../src/record/events.js';
import { makeDecryptionShare } from '../../src/tally/decrypt.js';

/** Every question type, with few options, so ballots are cheap to prove and check. */
export function compactManifest(id = 'compact'): Manifest {
  const m = demoManifest();
  return {
    ...m,
    id,
    title: `Compact test election ${id}`,
    questions: [
      { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'okafor', label: 'Amara Okafor' }, { id: 'petrova', label: 'Daria Petrova' }], allowBlank: true, absoluteMajority: false },
      { type: 'approval', id: 'projects', title: 'Projects', options: [{ id: 'solar', label: 'Solar roof' }, { id: 'garden', label: 'Garden' }], min: 0, max: 2, winners: 1 },
      { type: 'verdict', id: 'review', title: 'Review', officeHolders: [{ id: 'treasurer', label: 'Treasurer' }], default: 'no-consequences' },
      { type: 'motion', id: 'fee', title: 'Fee increase', quorum: { num: 1, den: 2 }, threshold: { num: 1, den: 2 }, strict: true },
    ],
  };
}

export interface Voter { id: string; credential: string; keys: VoterKeys; weight: number }

/** Creates the election and runs the whole key ceremony, each trustee with its own secret. */
export async function createWithKeys(store: BoardStore, manifest: Manifest = compactManifest()): Promise<{ board: Board; trustees: TrusteeSecret[] }> {
  const board = await Board.create(store, manifest);
  const trustees = await keyCeremony(board);
  return { board, trustees };
}

export async function keyCeremony(board: Board): Promise<TrusteeSecret[]> {
  const { manifest, electionHash } = board.current;
  const generated = manifest.trustees.map((t, i) => generateTrusteeKey(electionHash, t.id, i + 1, manifest.threshold));
  for (const g of generated) await board.submitTrusteeKey(g.published);
  const keys = manifest.trustees.map((t) => board.current.trusteeKeys.get(t.id)!);
  for (const g of generated) await board.submitTrusteeShares(makeShares(g.secret, keys));
  const shares = [...board.current.trusteeShares.values()];
  const secrets: TrusteeSecret[] = [];
  for (const g of generated) {
    const done = finishKeyCeremony(g.secret, keys, shares);
    await board.submitTrusteeReady(done.ready);
    secrets.push(done.secret);
  }
  return secrets;
}

/** Issues credentials (voter i gets weights[i], default 1) and publishes the public list. */
export async function publishVoters(board: Board, count: number, weights: number[] = []): Promise<Voter[]> {
  const election = board.current.electionHash;
  const issued = issueCredentials(election, Array.from({ length: count }, (_, i) => ({ id: `voter-${i + 1}`, weight: weights[i] ?? 1 })));
  await board.submitCredentials({ credentials: issued.public });
  return issued.private.map((c) => ({ id: c.voter, credential: c.credential, keys: credentialKeys(election, c.credential), weight: c.weight }));
}

/** A ballot of `voter` for `choices`, encrypted against the board's current election key. */
export function ballotOf(board: Board, voter: Voter, choices: Choices): EncryptedBallot {
  const { electionHash, jointKey, manifest } = board.current;
  if (!jointKey) throw new Error('test helper: the key ceremony is not finished');
  return encryptBallot(electionHash, jointKey, selectionGroups(manifest), encodeChoices(manifest, choices), voter.keys);
}

/** Σ weight · selections of the ballots that should count, in selection-group order. */
export function expectedCounts(manifest: Manifest, counted: { choices: Choices; weight: number }[]): number[][] {
  const counts = selectionGroups(manifest).map((g) => g.optionIds.map(() => 0));
  for (const { choices, weight } of counted) {
    encodeChoices(manifest, choices).forEach((row, g) => row.forEach((x, i) => { counts[g]![i]! += x * weight; }));
  }
  return counts;
}

/** Closes the poll, tallies, lets the given trustees (1-based) decrypt, and publishes the result. */
export async function closeAndCount(board: Board, trustees: TrusteeSecret[], decrypting: number[]): Promise<PayloadByType['result']> {
  await board.closePoll();
  await board.computeTally();
  for (const index of decrypting) await board.submitDecryptionShare(makeDecryptionShare(trustees[index - 1]!, board.current.tally!.sums));
  return (await board.publishResult()).payload;
}

export async function recordEvents(board: Board): Promise<BoardEvent[]> {
  const events: BoardEvent[] = [];
  for await (const e of board.record()) events.push(e);
  return events;
}

export async function recordLines(board: Board): Promise<string[]> {
  return (await recordEvents(board)).map(encodeEvent);
}

/** Simple choices for the compact manifest, varied by a small number. */
export function compactChoices(n: number): Choices {
  return {
    chair: { type: 'choice', candidate: n % 5 === 4 ? null : n % 3 === 0 ? 'petrova' : 'okafor' },
    projects: { type: 'approval', options: [['solar'], ['garden'], ['solar', 'garden'], []][n % 4]! },
    review: { type: 'verdict', verdicts: { treasurer: (['encouragement', 'punishment', 'no-consequences'] as const)[n % 3]! } },
    fee: { type: 'motion', vote: (['for', 'against', 'abstain'] as const)[(n + 1) % 3]! },
  };
}
