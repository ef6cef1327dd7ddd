// An election set up to the open poll on a real board (real key ceremony, real credentials), and
// ballots for it: shared by the durability, attack and PostgreSQL tests and bench/load.ts.
import { Board } from '../../src/board/board.js';
import type { BoardStore } from '../../src/board/store.js';
import { encryptBallot, type VoterKeys } from '../../src/ballot/encrypt.js';
import type { BallotJson } from '../../src/ballot/types.js';
import { credentialKeys } from '../../src/credentials/credentials.js';
import type { TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { publishCredentials, runKeyCeremony } from '../../src/demo/roles.js';
import { keyed, rolesOf } from './election.js';
import { selectionGroups } from '../../src/manifest/layout.js';
import type { Manifest, SelectionGroup } from '../../src/manifest/types.js';
import type { Point } from '../../src/crypto/group.js';
import { makeDecryptionShare } from '../../src/tally/decrypt.js';
import { encodeEvent, GENESIS_PREV, makeEvent, type BoardEvent } from '../../src/record/events.js';

/** A small election: a pick-one question (3 candidates) and an approval question (4 options, at most 2):
 *  ballots take a few milliseconds, and both kinds of range proof are exercised. */
export function smallManifest(id = 'small'): Manifest {
  return keyed({
    id,
    title: 'Test election',
    description: 'A small election for tests.',
    languages: ['en'],
    questions: [
      { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }, { id: 'c', label: 'C' }], allowBlank: false, absoluteMajority: false },
      { type: 'approval', id: 'projects', title: 'Projects', options: [{ id: 'p', label: 'P' }, { id: 'q', label: 'Q' }, { id: 'r', label: 'R' }, { id: 's', label: 'S' }], min: 0, max: 2, winners: 2 },
    ],
    trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }, { id: 't3', name: 'T3' }],
    threshold: 2,
  });
}

/** The smallest real election: one pick-one question of two candidates, two trustees, either can decrypt.
 *  Its ballots are the cheapest to make and check (durability and load tests, fuzzing whole records). */
export function tinyManifest(id = 'tiny'): Manifest {
  return keyed({
    id,
    title: 'Tiny test election',
    description: '',
    languages: ['en'],
    questions: [{ type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false }],
    trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }],
    threshold: 1,
  });
}

export interface Voter { id: string; credential: string; keys: VoterKeys; weight: number }

export interface OpenElection {
  board: Board;
  manifest: Manifest;
  electionHash: string;
  publicKey: Point;
  groups: SelectionGroup[];
  voters: Voter[];
  trusteeSecrets: TrusteeSecret[];
}

/** Creates the election, runs the key ceremony with every trustee, issues credentials and opens the poll. */
export async function openElection(store: BoardStore, opts: { voters: number; manifest?: Manifest }): Promise<OpenElection> {
  const manifest = opts.manifest ?? smallManifest();
  const board = await Board.create(store, manifest);
  const electionHash = board.current.electionHash;
  const roles = rolesOf(manifest);
  const secrets: TrusteeSecret[] = await runKeyCeremony(board, roles.trustees);
  const issued = { private: await publishCredentials(board, roles.authority, Array.from({ length: opts.voters }, (_, i) => ({ id: `voter-${i}` }))) };
  await board.openPoll();
  const voters = issued.private.map((v) => ({ id: v.voter, credential: v.credential, keys: credentialKeys(electionHash, v.credential), weight: v.weight }));
  return { board, manifest, electionHash, publicKey: board.current.jointKey!, groups: selectionGroups(manifest), voters, trusteeSecrets: secrets };
}

/** Selections for every group of the election: option `pick % n` of each group chosen once (valid for
 *  any group with min <= 1 <= max), or none where min is 0 and `pick` is negative. */
export function simpleSelections(groups: SelectionGroup[], pick: number): number[][] {
  return groups.map((g) => g.optionIds.map((_, i) => (pick < 0 && g.min === 0 ? 0 : i === ((pick % g.optionIds.length) + g.optionIds.length) % g.optionIds.length ? 1 : 0)));
}

export function ballotFor(el: Pick<OpenElection, 'electionHash' | 'publicKey' | 'groups'>, voter: Voter, pick = 0): { ballot: BallotJson; trackingCode: string; selections: number[][] } {
  const selections = simpleSelections(el.groups, pick);
  const { ballot, trackingCode } = encryptBallot(el.electionHash, el.publicKey, el.groups, selections, voter.keys);
  return { ballot, trackingCode, selections };
}

/** Closes the poll, tallies, decrypts with the first `threshold` trustees (or those given) and publishes. */
export async function finishElection(el: OpenElection, trustees?: number[]): Promise<void> {
  const { board } = el;
  await board.closePoll();
  await board.computeTally();
  const sums = board.current.tally!.sums;
  const use = trustees ?? el.trusteeSecrets.slice(0, el.manifest.threshold).map((s) => s.index!);
  for (const index of use) await board.submitDecryptionShare(makeDecryptionShare(el.trusteeSecrets[index - 1]!, sums));
  await board.publishResult();
}

/** The same events with seq, prev and hash recomputed: what a board rewriting history would publish. */
export function rechain(events: readonly BoardEvent[]): BoardEvent[] {
  const out: BoardEvent[] = [];
  for (const e of events) {
    const before = out[out.length - 1];
    out.push(makeEvent(out.length, before ? before.hash : GENESIS_PREV, e.type, e.payload, e.time));
  }
  return out;
}

/** The whole record as JSON Lines, as the board publishes it. */
export async function recordLines(board: Board): Promise<string[]> {
  const lines: string[] = [];
  for await (const e of board.record()) lines.push(encodeEvent(e));
  return lines;
}
