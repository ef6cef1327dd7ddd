// Shared by the tests: real elections run through the real board, trustee, credential and ballot code
// (no mocks), step by step so a test can stop at any phase. Only exports: `node --test dist/test/`
// also loads this file, and then it defines no test.
import { Board } from '../../src/board/board.js';
import type { BoardStore } from '../../src/board/store.js';
import { encryptBallot, type EncryptedBallot, type VoterKeys } from '../../src/ballot/encrypt.js';
import { credentialKeys, issueCredentials } from '../../src/credentials/credentials.js';
import { signCredentialList, signRevocation, type AuthoritySecret } from '../../src/credentials/authority.js';
import type { TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { demoManifestDraft } from '../../src/manifest/demo.js';
import type { ManifestDraft } from '../../src/manifest/signers.js';
import { signPayload } from '../../src/record/signature.js';
import { decodeScalar } from '../../src/crypto/group.js';
import { makeRoles, runKeyCeremony, type Roles } from '../../src/demo/roles.js';
import { encodeChoices, selectionGroups } from '../../src/manifest/layout.js';
import type { Choices, Manifest } from '../../src/manifest/types.js';
import { encodeEvent, type BoardEvent, type PayloadByType } from '../../src/record/events.js';
import { makeDecryptionShare } from '../../src/tally/decrypt.js';

// Every test manifest is made with fresh signing keys for its trustees and credential authority; the
// secrets are kept here by public key, so a test that copies a manifest (another id, say) keeps its roles.
const roleRegistry = new Map<string, { trustee?: TrusteeSecret; authority?: AuthoritySecret }>();

/** A complete manifest for a draft: new signing keys for every role, remembered for rolesOf(). */
export function keyed(draft: ManifestDraft): Manifest {
  const roles = makeRoles(draft);
  for (const t of roles.trustees) roleRegistry.set(t.signing.key, { trustee: t });
  roleRegistry.set(roles.authority.signing.key, { authority: roles.authority });
  return roles.manifest;
}

/** The trustee identities and the credential authority of a manifest made by keyed(). */
export function rolesOf(manifest: Manifest): Omit<Roles, 'manifest'> {
  const trustees = manifest.trustees.map((t) => {
    const r = roleRegistry.get(t.signingKey)?.trustee;
    if (!r) throw new Error(`test helper: no secret for trustee ${t.id}'s signing key (make the manifest with keyed())`);
    return { ...r, trustee: t.id };
  });
  const authority = roleRegistry.get(manifest.credentialAuthority.signingKey)?.authority;
  if (!authority) throw new Error('test helper: no secret for the credential authority (make the manifest with keyed())');
  return { trustees, authority };
}

/** The demo election with test signing keys. */
export const testDemoManifest = (): Manifest => keyed(demoManifestDraft());

/** Every question type, with few options, so ballots are cheap to prove and check. */
export function compactManifest(id = 'compact'): Manifest {
  const m = demoManifestDraft();
  return keyed({
    ...m,
    id,
    title: `Compact test election ${id}`,
    questions: [
      { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'okafor', label: 'Amara Okafor' }, { id: 'petrova', label: 'Daria Petrova' }], allowBlank: true, absoluteMajority: false },
      { type: 'approval', id: 'projects', title: 'Projects', options: [{ id: 'solar', label: 'Solar roof' }, { id: 'garden', label: 'Garden' }], min: 0, max: 2, winners: 1 },
      { type: 'verdict', id: 'review', title: 'Review', officeHolders: [{ id: 'treasurer', label: 'Treasurer' }], default: 'no-consequences' },
      { type: 'motion', id: 'fee', title: 'Fee increase', quorum: { num: 1, den: 2 }, threshold: { num: 1, den: 2 }, strict: true },
    ],
  });
}

export interface Voter { id: string; credential: string; keys: VoterKeys; weight: number }

/** Creates the election and runs the whole key ceremony, each trustee with its own secret. */
export async function createWithKeys(store: BoardStore, manifest: Manifest = compactManifest()): Promise<{ board: Board; trustees: TrusteeSecret[] }> {
  const board = await Board.create(store, manifest);
  const trustees = await keyCeremony(board);
  return { board, trustees };
}

export async function keyCeremony(board: Board): Promise<TrusteeSecret[]> {
  return runKeyCeremony(board, rolesOf(board.current.manifest).trustees);
}

/** Issues credentials (voter i gets weights[i], default 1) and publishes the list signed by the authority. */
export async function publishVoters(board: Board, count: number, weights: number[] = []): Promise<Voter[]> {
  const election = board.current.electionHash;
  const issued = issueCredentials(election, Array.from({ length: count }, (_, i) => ({ id: `voter-${i + 1}`, weight: weights[i] ?? 1 })));
  await board.submitCredentials(signCredentialList(election, issued.public, rolesOf(board.current.manifest).authority.signing));
  return issued.private.map((c) => ({ id: c.voter, credential: c.credential, keys: credentialKeys(election, c.credential), weight: c.weight }));
}

/** The payload signed anew by the trustee it names: a trustee itself publishing a bad value (not the board changing one). */
export function signedByTrustee<P extends { trustee: string }>(manifest: Manifest, electionHash: string, type: string, payload: P): P {
  const t = rolesOf(manifest).trustees.find((x) => x.trustee === payload.trustee);
  if (!t) throw new Error(`test helper: no trustee ${payload.trustee}`);
  return signPayload(electionHash, { role: 'trustee', id: payload.trustee }, type, payload, decodeScalar(t.signing.secret));
}

/** The credential authority revokes a credential (signed). */
export function revoke(board: Board, key: string, reason = 'lost'): Promise<BoardEvent> {
  return board.revokeCredential(signRevocation(board.current.electionHash, key, reason, rolesOf(board.current.manifest).authority.signing));
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
