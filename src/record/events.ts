// The bulletin board's events and their hash chain. The election record is the list of events,
// one canonical JSON object per line (JSON Lines), in sequence order.
import { canonicalJson } from '../crypto/encoding.js';
import { hashHex } from '../crypto/hash.js';
import type { Manifest } from '../manifest/types.js';
import type { SchnorrProofJson } from '../crypto/proofs/schnorr.js';
import type { EncryptedShare } from '../crypto/threshold.js';
import type { CiphertextJson } from '../crypto/elgamal.js';
import type { BallotJson } from '../ballot/types.js';
import type { QuestionResult } from '../tally/rules.js';
import type { RankedResult } from '../ranked/types.js'; // ranked

export const GENESIS_PREV = '0'.repeat(64);

export interface ElectionPayload { manifest: Manifest; boardKey: string }
/** Every event a trustee or the credential authority contributes carries its signature (src/record/signature.ts). */
export interface Signed { signature: SchnorrProofJson }
/** Round 0 of the key ceremony: H_trustee/key-commitment of the trustee-key payload it will reveal. */
export interface TrusteeCommitmentPayload extends Signed { trustee: string; commitment: string }
export interface TrusteeKeyPayload extends Signed {
  trustee: string;
  index: number;
  /** K_j = g^{a_j} for the trustee's polynomial coefficients a_0..a_{t-1}. */
  commitments: string[];
  /** Schnorr proof of knowledge of each a_j. */
  proofs: SchnorrProofJson[];
  /** Key the other trustees encrypt this trustee's shares to, with a proof of knowledge. */
  encryptionKey: string;
  encryptionProof: SchnorrProofJson;
}
export interface TrusteeSharesPayload extends Signed { trustee: string; shares: Record<string, EncryptedShare> }
/** A trustee given a bad share by `against` reveals the share's key S = R^e with a proof, so anyone can judge. */
export interface TrusteeComplaintPayload extends Signed { trustee: string; against: string; S: string; proof: SchnorrProofJson }
export interface TrusteeReadyPayload extends Signed { trustee: string; verificationKey: string; proof: SchnorrProofJson }
export interface JointKeyPayload { publicKey: string }
export interface CredentialEntry { key: string; weight: number }
/** Bounds on weights, so that every count stays a safe integer and the discrete log of the tally stays small. */
export const MAX_CREDENTIAL_WEIGHT = 1_000_000;
export const MAX_TOTAL_WEIGHT = 1_000_000_000;
/** A revocation's reason is cut to this many UTF-16 code units. */
export const MAX_REASON_LENGTH = 500;
export interface CredentialsPayload extends Signed { credentials: CredentialEntry[]; totalWeight: number }
export interface RevocationPayload extends Signed { key: string; reason: string }
/** A credential added after the list (spec §6.4): a late voter, or the new credential of a revoked one (`replaces`). */
export interface AddedCredential { key: string; weight: number; replaces?: string }
export interface CredentialsAddedPayload extends Signed { credentials: AddedCredential[]; addedWeight: number }
export type EmptyPayload = Record<string, never>;
export interface TallyPayload {
  /** Number of ballots counted (the last one of each valid, unrevoked credential). */
  ballots: number;
  /** Sum of the weights of the counted credentials. */
  castWeight: number;
  eligibleWeight: number;
  /** Σ weight·ciphertext per selection group and option. */
  sums: CiphertextJson[][];
}
export interface DecryptionSharePart { D: string; proof: SchnorrProofJson }
export interface DecryptionSharePayload extends Signed { trustee: string; index: number; shares: DecryptionSharePart[][] }
export interface ResultPayload {
  trustees: string[];
  counts: number[][];
  ballots: number;
  castWeight: number;
  eligibleWeight: number;
  results: QuestionResult[];
}

// ranked (spec §20) -->
/** One mixer's shuffle of every ranked question's rows, with the proofs (base64url of §18.6.2). */
export interface MixPayload extends Signed { mixer: string; position: number; shuffles: { question: string; rows: CiphertextJson[][]; proof: string }[] }
/** A trustee's decryption share of the last mix: [question][row][column] {D, proof}. */
export interface MixDecryptionPayload extends Signed { trustee: string; index: number; shares: DecryptionSharePart[][][] }
/** The decrypted rankings (null: not an encoded ranking) and each ranked question's count. */
export interface RankedResultPayload { trustees: string[]; questions: { question: string; rankings: (number[] | null)[]; result: RankedResult }[] }
// <-- ranked

export interface PayloadByType {
  'election': ElectionPayload;
  'trustee-commitment': TrusteeCommitmentPayload;
  'trustee-key': TrusteeKeyPayload;
  'trustee-shares': TrusteeSharesPayload;
  'trustee-complaint': TrusteeComplaintPayload;
  'trustee-ready': TrusteeReadyPayload;
  'joint-key': JointKeyPayload;
  'credentials': CredentialsPayload;
  'credential-revoked': RevocationPayload;
  'credentials-added': CredentialsAddedPayload;
  'poll-opened': EmptyPayload;
  'ballot': BallotJson;
  'poll-closed': EmptyPayload;
  'tally': TallyPayload;
  'decryption-share': DecryptionSharePayload;
  'result': ResultPayload;
  // ranked (spec §20) -->
  'mix': MixPayload;
  'mix-decryption': MixDecryptionPayload;
  'ranked-result': RankedResultPayload;
  // <-- ranked
}
export type EventType = keyof PayloadByType;
export const EVENT_TYPES = [
  'election', 'trustee-commitment', 'trustee-key', 'trustee-shares', 'trustee-complaint', 'trustee-ready', 'joint-key', 'credentials', 'credential-revoked',
  'credentials-added', 'poll-opened', 'ballot', 'poll-closed', 'tally', 'decryption-share', 'result',
  'mix', 'mix-decryption', 'ranked-result', // ranked
] as const satisfies readonly EventType[];

export interface BoardEvent<T extends EventType = EventType> {
  seq: number;
  prev: string;
  time: string;
  type: T;
  payload: PayloadByType[T];
  hash: string;
}

/** hash = SHA-256("veche/v2/event" 0x00 canonical({seq, prev, time, type, payload})). */
export function eventHash(e: Omit<BoardEvent, 'hash'>): string {
  return hashHex('event', { seq: e.seq, prev: e.prev, time: e.time, type: e.type, payload: e.payload });
}

export function makeEvent<T extends EventType>(seq: number, prev: string, type: T, payload: PayloadByType[T], time = new Date().toISOString()): BoardEvent<T> {
  const e = { seq, prev, time, type, payload };
  return { ...e, hash: eventHash(e) };
}

/** One line of the record. */
export function encodeEvent(e: BoardEvent): string {
  return canonicalJson(e);
}
