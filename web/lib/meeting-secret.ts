// A meeting's secret votes as the pages see them (spec §19 M7). Each secret motion is counted by an
// election beside the meeting; its progress (the tellers' key ceremony, the chair's credential list,
// ballots cast, the tally and its decryption) is on the election's record, not the meeting's. The pages
// fetch that record whole and check it with the verifier's own modules, and check that it is the
// election the meeting's record gives (secretManifest): a page never shows or acts on what it could not
// check. The chair's list is built here from the meeting's checked registrations and compared with the
// board's own rule (listProblem) before it is signed.
import { canonicalJson } from '../../src/crypto/encoding.js';
import { signCredentialList } from '../../src/credentials/authority.js';
import { checkSecretElection, listProblem, registeredList, secretElectionIdOf, secretManifest } from '../../src/meeting/secret.js';
import { checkRecord, linesSource, type Verification } from '../../src/verify/record-check.js';
import type { VerifierPhase } from '../../src/verify/state.js';
import { api } from './api.js';
import { fetchRecordLines } from './trustee-store.js';
import { postToMeeting, publicKeyOf, type MeetingState, type MotionState, type Signer } from './meeting-api.js';
import { t } from './i18n.js';

export { secretElectionIdOf };

export interface TellerProgress { id: string; committed: boolean; key: boolean; shares: boolean; ready: boolean; decrypted: boolean }

/** A secret motion's election, checked: or `error`, and nothing else is to be trusted. */
export interface SecretStatus {
  motion: string;
  electionId: string;
  error: string;
  verification: Verification | null;
  lines: string[];
  electionHash: string;
  phase: VerifierPhase;
  tellers: TellerProgress[];
  /** The election has its joint key: the vote may open. */
  ready: boolean;
  /** The chair's list is on the record: the poll is open (registration has ended). */
  listed: boolean;
  /** Credentials that have cast a ballot (a later ballot of the same credential replaces the earlier). */
  ballots: number;
  decryptions: number;
  threshold: number;
  /** For a decided motion: the meeting verifier's meeting.secret problems (empty when it holds). */
  final: string[] | null;
}

/** Fetches the election of `m` and checks it: the record verifies so far and its manifest is the one the meeting gives. */
export async function checkSecretVote(st: MeetingState, m: MotionState): Promise<SecretStatus> {
  const electionId = secretElectionIdOf(st.meeting.id, m.id);
  const status: SecretStatus = {
    motion: m.id, electionId, error: '', verification: null, lines: [], electionHash: '', phase: 'start',
    tellers: st.meeting.tellers.map((id) => ({ id, committed: false, key: false, shares: false, ready: false, decrypted: false })),
    ready: false, listed: false, ballots: 0, decryptions: 0, threshold: st.meeting.threshold, final: null,
  };
  try {
    status.lines = await fetchRecordLines(electionId);
    const v = await checkRecord(linesSource(status.lines));
    if (!v.report.okSoFar) {
      const failed = v.report.checks.filter((c) => c.failed > 0 && c.id !== 'record.complete');
      throw new Error(t('meetingSecret.recordRefused', { reason: failed.map((c) => `${c.id}: ${c.failures[0]?.message ?? ''}`).join('; ') }));
    }
    if (!v.state.manifest || canonicalJson(v.state.manifest) !== canonicalJson(secretManifest(st, m))) throw new Error(t('meetingSecret.otherElection'));
    const s = v.state;
    status.verification = v;
    status.electionHash = s.electionHash;
    status.phase = s.phase;
    for (const x of status.tellers) {
      x.committed = s.ceremony.commitments.has(x.id);
      x.key = s.ceremony.keys.has(x.id);
      x.shares = s.ceremony.shares.has(x.id);
      x.ready = s.ceremony.ready.has(x.id);
      x.decrypted = s.decryptionShares.some((d) => d.trustee === x.id);
    }
    status.ready = s.jointKey !== null;
    status.listed = s.credentials !== null;
    status.ballots = s.lastBallot.size;
    status.decryptions = s.decryptionShares.length;
    if (m.result) status.final = await checkSecretElection(st, m, async () => status.lines);
  } catch (e) {
    status.error = (e as Error).message;
  }
  return status;
}

/** The secret motions whose election still moves (put, open, or closed and awaiting its result), and the decided ones not yet checked. */
const followed = (st: MeetingState, done: Set<string>): MotionState[] =>
  [...st.motions.values()].filter((m) => m.mode === 'secret' && m.status !== 'withdrawn' && !(m.status === 'decided' && done.has(m.id)));

/**
 * Follows the meeting's secret votes: every `every` ms (and at once when asked), each one's election is
 * fetched and checked; `changed` gets the statuses when one changed. A decided motion is checked once
 * more with its result (the meeting verifier's meeting.secret) and, once that holds, left.
 */
export function followSecretVotes(record: () => MeetingState | null, changed: (statuses: Map<string, SecretStatus>) => void, every = 1500): { now(): void; statuses: Map<string, SecretStatus> } {
  const statuses = new Map<string, SecretStatus>();
  const done = new Set<string>();
  // The whole record is fetched and checked again only when the board's head or the motion moved: the
  // server's summary only says when to look, what is shown is always what this page checked.
  const looked = new Map<string, string>();
  let running = false;
  let again = false;
  const round = async () => {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        const st = record();
        if (!st) break;
        let moved = false;
        for (const m of followed(st, done)) {
          const head = await api.election(secretElectionIdOf(st.meeting.id, m.id)).then((i) => i.headHash, () => '');
          const moment = (at: string) => `${at} ${m.status} ${m.credentials.size} ${m.result ? 'decided' : ''}`;
          if (head && looked.get(m.id) === moment(head) && !statuses.get(m.id)?.error) continue;
          const s = await checkSecretVote(st, m);
          // The head of the record checked, not the summary's: a record read behind the summary is read again.
          looked.set(m.id, moment(s.verification?.state.headHash ?? ''));
          const fingerprint = (x: SecretStatus | undefined) => (x ? JSON.stringify({ ...x, verification: null, lines: x.lines.length }) : '');
          if (fingerprint(s) !== fingerprint(statuses.get(m.id))) moved = true;
          statuses.set(m.id, s);
          // Left only once it holds: the meeting's result may be read before the election's result event
          // is (two records, two reads), and a check that failed so is made again when the election's head moves.
          if (m.status === 'decided' && s.final !== null && s.final.length === 0 && !s.error) done.add(m.id);
        }
        if (moved) changed(statuses);
      } while (again);
    } finally {
      running = false;
    }
  };
  window.setInterval(() => { if (document.visibilityState === 'visible') void round(); }, every);
  return { now: () => void round(), statuses };
}

/**
 * The chair signs the election's credential list: the registrations on the meeting's checked record,
 * each with its member's weight, sorted by key (registeredList), and refused here unless the board's own
 * rule finds it exact, the election is the meeting's with its joint key and no list yet, and the signer
 * is the election's credential authority. Fail closed: nothing is sent on any doubt.
 */
export async function signChairList(st: MeetingState, m: MotionState, status: SecretStatus, chair: Signer): Promise<number> {
  if (status.error || !status.verification) throw new Error(status.error || t('meetingSecret.notChecked'));
  if (!status.ready) throw new Error(t('meetingSecret.tellersNotReady'));
  if (status.listed) throw new Error(t('meetingSecret.listDone'));
  const manifest = status.verification.state.manifest!;
  if (publicKeyOf(chair.secret) !== manifest.credentialAuthority.signingKey) throw new Error(t('meetingSecret.onlyChairSigns'));
  const entries = registeredList(st, m);
  if (entries.length === 0) throw new Error(t('meetingSecret.nobodyRegistered'));
  const bad = listProblem(st, m, { credentials: entries });
  if (bad) throw new Error(bad);
  const signed = signCredentialList(status.electionHash, entries, { secret: chair.secret });
  await postToMeeting(st.meeting.id, `motions/${encodeURIComponent(m.id)}/credential-list`, signed);
  return entries.length;
}

/** Asks the board for a secret motion's result once its election is decrypted (it computes it; nothing is signed). */
export const requestSecretResult = (st: MeetingState, motion: string) => postToMeeting(st.meeting.id, `motions/${encodeURIComponent(motion)}/result`);
