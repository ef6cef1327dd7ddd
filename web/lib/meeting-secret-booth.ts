// A member's secret vote from the meeting page (spec §19 M7 point 3): the browser makes a credential
// (§6.1's form) for the member and for each principal whose proxy they hold in this vote, registers each
// public key signed with the member key, and, once the chair's list has opened the poll, casts an
// encrypted, proven ballot per credential with the booth's own code (the record checked by
// checkElectionForVoter, encryptBallot, the receipt checked against the record's board key and kept by
// booth-receipts). Nobody sees how the member voted; the meeting's record shows that they took part.
//
// Across a reload the credentials are kept sealed as the booth seals its draft (booth-draft.ts,
// XChaCha20-Poly1305 in this tab's sessionStorage, the election hash as associated data), under a key
// derived (HKDF-SHA256) from the member's own signing key and the election hash: only this member's page
// in this tab can open them, and they are never written in the clear. They are sealed before the
// registration is sent, so a lost answer never leaves a registered key whose credential is gone.
//
// A ballot on its way when the secretary closes the vote is refused by the board (wrong-phase): when the
// page's own check of the election's record shows the poll closed, that is a PollClosedError naming the
// ballots counted before it (receipts kept) and those not counted (no receipt), for the page to say so.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson, utf8 } from '../../src/crypto/encoding.js';
import { encryptBallot } from '../../src/ballot/encrypt.js';
import { verifyReceipt } from '../../src/board/receipt.js';
import { credentialKeys, newCredential } from '../../src/credentials/credentials.js';
import { encodeChoices, selectionGroups } from '../../src/manifest/layout.js';
import { secretManifest } from '../../src/meeting/secret.js';
import { checkElectionForVoter } from '../../src/verify/voter-check.js';
import { api, ApiError } from './api.js';
import { keepReceipt } from './booth-receipts.js';
import { openDraft, sealDraft } from './booth-draft.js';
import { checkSecretVote } from './meeting-secret.js';
import { submitSigned, type MeetingState, type MeetingView, type MotionState, type Signer } from './meeting-api.js';
import { t } from './i18n.js';

export type SecretChoice = 'for' | 'against' | 'abstain';

/** What this tab keeps for one secret vote: each member's credential made here, and the tracking code of each ballot cast. */
export interface KeptVote { credentials: Record<string, string>; cast: Record<string, string> }

const sealKey = (electionHash: string, signer: Signer) => hkdf(sha256, utf8(signer.secret), utf8(electionHash), utf8('veche/meeting-credential-seal/v1'), 32);
const slot = (electionId: string, signer: Signer) => `${electionId}:meeting-credentials:${signer.id}`;

/** The credentials this tab made for the vote (none, or another signer's, or damaged: empty). */
export function keptVote(electionId: string, electionHash: string, signer: Signer): KeptVote {
  const v = openDraft(slot(electionId, signer), electionHash, sealKey(electionHash, signer)) as Partial<KeptVote> | null;
  const strings = (o: unknown) => (typeof o === 'object' && o !== null ? Object.fromEntries(Object.entries(o).filter(([, x]) => typeof x === 'string')) as Record<string, string> : {});
  return { credentials: strings(v?.credentials), cast: strings(v?.cast) };
}
const keep = (electionId: string, electionHash: string, signer: Signer, v: KeptVote) => sealDraft(slot(electionId, signer), electionHash, sealKey(electionHash, signer), v);

/** The members whose secret vote `me` casts: themselves if present at the opening, and the principals they hold in it. */
export function secretVoters(m: MotionState, me: string): string[] {
  if (!m.roll) return [];
  return [...(m.roll.present.includes(me) ? [me] : []), ...m.roll.proxies.filter((p) => p.holder === me).map((p) => p.principal)];
}

/** Where each of `me`'s voters stands: registered from this tab, registered elsewhere (this tab cannot vote for them), or not yet. */
export function registrationOf(m: MotionState, kept: KeptVote, electionHash: string, member: string): 'here' | 'elsewhere' | 'none' {
  const onRecord = m.credentials.get(member);
  if (onRecord === undefined) return 'none';
  const mine = kept.credentials[member];
  return mine !== undefined && credentialKeys(electionHash, mine).key === onRecord ? 'here' : 'elsewhere';
}

/**
 * Registers a credential for each of `me`'s voters not yet registered: made here (or the one kept from
 * before a lost answer), sealed, then its key signed and sent. Returns how many were registered.
 */
export async function registerCredentials(view: MeetingView, m: MotionState, electionId: string, electionHash: string, signer: Signer): Promise<number> {
  const kept = keptVote(electionId, electionHash, signer);
  const todo = secretVoters(m, signer.id).filter((member) => !m.credentials.has(member));
  if (todo.length === 0) throw new Error(t('meetingSecret.alreadyRegistered'));
  for (const member of todo) kept.credentials[member] ??= newCredential();
  keep(electionId, electionHash, signer, kept);
  // The seal is checked before anything is sent: a browser that cannot keep it must not register a key it would lose.
  const back = keptVote(electionId, electionHash, signer);
  if (todo.some((member) => back.credentials[member] !== kept.credentials[member])) throw new Error(t('meetingSecret.cannotKeep'));
  for (const member of todo) {
    await submitSigned(view, signer, 'credential-registered', { motion: m.id, member, credential: credentialKeys(electionHash, kept.credentials[member]!).key });
  }
  return todo.length;
}

/**
 * The poll closed while ballots were on their way (the secretary closed the vote as they were sent):
 * `counted` were on the board first (their receipts kept), `notCounted` were refused and hold no receipt.
 */
export class PollClosedError extends Error {
  override name = 'PollClosedError';
  constructor(readonly counted: Record<string, string>, readonly notCounted: string[]) {
    super(`the poll closed before the ballots of ${notCounted.join(', ')} reached the board`);
  }
}

/**
 * Was a ballot refused `wrong-phase` after the poll had opened refused because the poll closed? Said only
 * when this page's own check of the election's record shows it closed (a board's word alone is not
 * enough to tell a member their vote is over); a close whose record is still being written is looked
 * for again a few times.
 */
async function pollClosed(st: MeetingState, m: MotionState, refusal: unknown): Promise<boolean> {
  if (!(refusal instanceof ApiError && refusal.code === 'wrong-phase')) return false;
  for (let i = 0; i < 5; i++) {
    const status = await checkSecretVote(st, m);
    if (!status.error && status.phase !== 'start' && status.phase !== 'setup' && status.phase !== 'open') return true;
    await new Promise((r) => setTimeout(r, 400));
  }
  return false;
}

/**
 * Casts one encrypted ballot per chosen member with the booth's code, after checking the election's
 * record up to the poll's opening (and that it is the election the meeting gives, and that each
 * credential is on its list). Returns the tracking codes, by member; each receipt is checked against the
 * record's board key and kept before it is shown. A poll closed under way is a PollClosedError.
 */
export async function castSecretBallots(st: MeetingState, m: MotionState, electionId: string, signer: Signer, choices: Map<string, SecretChoice>): Promise<Record<string, string>> {
  const lines = await api.recordLines(electionId, '?until=poll-opened');
  const checked = await checkElectionForVoter(lines);
  if (canonicalJson(checked.manifest) !== canonicalJson(secretManifest(st, m))) throw new Error(t('meetingSecret.otherElection'));
  if (checked.phase !== 'open') throw new Error(t('meetingSecret.pollNotOpen'));
  const kept = keptVote(electionId, checked.electionHash, signer);
  const codes: Record<string, string> = {};
  for (const [member, vote] of choices) {
    const credential = kept.credentials[member];
    if (!credential) throw new Error(t('meetingSecret.noCredential'));
    const keys = credentialKeys(checked.electionHash, credential);
    if (!checked.listed(keys.key)) throw new Error(t('meetingSecret.notListed'));
    const enc = encryptBallot(checked.electionHash, checked.jointKey, selectionGroups(checked.manifest), encodeChoices(checked.manifest, { motion: { type: 'motion', vote } }), keys);
    const receipt = await api.castBallot(electionId, enc.ballot).then((r) => r.receipt, async (e: unknown) => {
      if (await pollClosed(st, m, e)) throw new PollClosedError(codes, [...choices.keys()].filter((x) => !(x in codes)));
      throw e;
    });
    // The board key of the record's first event, as checked: never the server's description.
    if (!verifyReceipt(receipt, checked.boardKey) || receipt.trackingCode !== enc.trackingCode || receipt.election !== checked.electionHash) throw new Error(t('meetingSecret.badReceipt'));
    keepReceipt(electionId, receipt);
    kept.cast[member] = receipt.trackingCode;
    keep(electionId, checked.electionHash, signer, kept);
    codes[member] = receipt.trackingCode;
  }
  return codes;
}
