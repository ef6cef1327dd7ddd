// A meeting as the pages see it: the live stream of its record (server-sent events), each event checked
// and applied here by the record's own rules, so the view shown is computed in the browser; events
// signed here with the person's own key and submitted (the signature is the authentication); the
// server's view (GET /api/meetings/:id) only for the first paint and right after one's own action. The browser's EventSource reconnects by
// itself with Last-Event-ID; a vote is an HTTP request answered after it is on the record, so a dropped
// connection never loses one: the page refreshes and shows it.
import { baseMul, encodePoint } from '../../src/crypto/group.js';
import { signingSecret } from '../../src/record/signature.js';
import { signMeetingPayload } from '../../src/meeting/signature.js';
import { MEETING_EVENT_TYPES, type MeetingEvent, type MeetingPayloadByType, type SignedMeetingEventType } from '../../src/meeting/types.js';
import { GENESIS_PREV, makeMeetingEvent } from '../../src/meeting/events.js';
import { applyMeetingEvent, checkMeetingEvent, initialMeetingState, type MeetingState } from '../../src/meeting/state.js';
import { meetingView as viewOf, type MeetingView } from '../../src/meeting/view.js';
import { ApiError, publicRequest as request } from './api.js';
export type { MeetingState, MotionState } from '../../src/meeting/state.js';
import type { ViewMotion } from '../../src/meeting/view.js';

export type { MeetingView, ViewItem, ViewMember, ViewMotion, ViewSpeaker } from '../../src/meeting/view.js';
export type ViewResult = NonNullable<ViewMotion['result']>;

/** Who signs on this page: a member's or officer's id and their secret signing key. */
export interface Signer { id: string; secret: string }

const base = (id: string) => `/api/meetings/${encodeURIComponent(id)}`;

export const meetingView = (id: string): Promise<MeetingView> => request('GET', base(id));
/** A body's forum proposals queued for an agenda (spec §21.4); none when the body has no forum. */
export interface QueuedProposal { proposal: string; item: string; title: string; qualified: string }
export async function forumQueue(body: string): Promise<QueuedProposal[]> {
  try {
    return (await request<{ queue: QueuedProposal[] }>('GET', `/api/bodies/${encodeURIComponent(body)}/forum/agenda-queue`)).queue;
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'no-forum' || e.status === 404)) return [];
    throw e;
  }
}
/** A forum proposal's title and text (the motion put on it is the chair's to sign, as any other). */
export const forumProposal = async (body: string, post: string): Promise<{ title: string; text: string }> =>
  (await request<{ proposal: { title: string; text: string } }>('GET', `/api/bodies/${encodeURIComponent(body)}/forum/proposals/${encodeURIComponent(post)}`)).proposal;
/** An unsigned request to a meeting route (a teller's payload carries its own signature; the result is the board's to compute). */
export const postToMeeting = <T>(id: string, path: string, body?: unknown): Promise<T> => request('POST', `${base(id)}/${path}`, body);
export const recordUrl = (id: string): string => `${base(id)}/record`;

/** The route each signed event is submitted to. */
function pathOf(type: SignedMeetingEventType, payload: { motion?: string }): string {
  const m = encodeURIComponent(payload.motion ?? '');
  const paths: Record<SignedMeetingEventType, string> = {
    'meeting-opened': 'open', 'meeting-closed': 'close', 'member-present': 'check-in', 'member-left': 'leave',
    'proxy-granted': 'proxies', 'proxy-revoked': 'proxies/revoke', 'motion-put': 'motions', 'vote-opened': `motions/${m}/open`,
    'vote-closed': `motions/${m}/close`, 'named-vote': `motions/${m}/votes`, 'agenda-item': 'agenda', 'item-opened': 'agenda/open',
    'speaker-requested': 'speakers', 'speaker-withdrawn': 'speakers/withdraw', 'floor-given': 'speakers/floor',
    'amendment-put': `motions/${m}/amendments`, 'amendment-withdrawn': 'amendments/withdraw', 'credential-registered': `motions/${m}/credentials`,
  };
  return paths[type];
}

export interface Appended { events: { seq: number; hash: string; type: string }[] }

/** Signs `payload` as `signer` (its `by`) in this meeting and submits it; the answer is the receipt. */
export function submitSigned<T extends SignedMeetingEventType>(view: MeetingView, signer: Signer, type: T, payload: Omit<MeetingPayloadByType[T], 'signature' | 'by'>): Promise<Appended> {
  const signed = signMeetingPayload(view.meetingHash, type, { ...payload, by: signer.id } as unknown as Omit<MeetingPayloadByType[T], 'signature'>, signer.secret);
  return request('POST', `${base(view.id)}/${pathOf(type, payload as { motion?: string })}`, signed);
}

/** The public key of a secret, to tell a person whose key does not match the body's before anything is signed. */
export function publicKeyOf(secret: string): string | null {
  try { return encodePoint(baseMul(signingSecret({ secret }))); } catch { return null; }
}

/**
 * Follows the meeting live and checks it: every event of the stream is checked here by the record's
 * own rules (hash chain, signatures, M2-M11, exactly what the verifier runs) and applied to the page's
 * own state, whose view is shown; an event that breaks them stops the page trusting the board
 * (`broken`). The browser's EventSource resumes after a drop with Last-Event-ID, so no event is missed.
 */
export function followMeeting(id: string, show: (view: MeetingView, record: MeetingState) => void, connection: (live: boolean) => void, broken: (seq: number, message: string) => void): () => void {
  const source = new EventSource(`${base(id)}/events`);
  let st: MeetingState | null = null;
  let failed = false;
  let timer = 0;
  // Many events come at once (catching up, a vote's close and its result): one view for them.
  const soon = () => { if (!timer) timer = window.setTimeout(() => { timer = 0; if (st && !failed) show(viewOf(st), st); }, 60); };
  const fail = (seq: number, message: string) => { failed = true; source.close(); connection(false); broken(seq, message); };
  const onEvent = (m: MessageEvent<string>) => {
    if (failed) return;
    let e: MeetingEvent;
    try { e = JSON.parse(m.data) as MeetingEvent; } catch { fail(-1, 'an event that is not JSON'); return; }
    if (st && e.seq <= st.headSeq) return; // already applied (a resumed stream may repeat)
    const expected = st ? { seq: st.headSeq + 1, prev: st.headHash } : { seq: 0, prev: GENESIS_PREV };
    if (e.seq !== expected.seq || e.prev !== expected.prev || makeMeetingEvent(e.seq, e.prev, e.type, e.payload, e.time).hash !== e.hash || (st && e.time < st.headTime)) {
      fail(e.seq, 'the event does not continue the hash chain'); return;
    }
    try {
      if (!st) { st = initialMeetingState(e as MeetingEvent<'meeting'>); soon(); return; }
      const bad = checkMeetingEvent(st, e.type, e.payload, e.time);
      if (bad) { fail(e.seq, bad.message); return; }
      applyMeetingEvent(st, e);
    } catch (err) {
      fail(e.seq, (err as Error).message); return;
    }
    soon();
  };
  for (const type of MEETING_EVENT_TYPES) source.addEventListener(type, onEvent);
  source.onopen = () => connection(true);
  source.onerror = () => { if (!failed) connection(false); };
  return () => source.close();
}

/** The signer from a personal link (#member=…&key=…), kept for this tab so a reload stays signed in. */
export function signerFromLink(meeting: string): Signer | null {
  const storageKey = `veche.meeting.${meeting}`;
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const id = params.get('member');
  const secret = params.get('key');
  if (id && secret) {
    history.replaceState(null, '', location.pathname + location.search);
    try { sessionStorage.setItem(storageKey, JSON.stringify({ id, secret })); } catch { /* memory only */ }
    return { id, secret };
  }
  try {
    const kept = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Signer | null;
    if (kept && typeof kept.id === 'string' && typeof kept.secret === 'string') return kept;
  } catch { /* none */ }
  return null;
}

export function rememberSigner(meeting: string, s: Signer): void {
  try { sessionStorage.setItem(`veche.meeting.${meeting}`, JSON.stringify(s)); } catch { /* memory only */ }
}
