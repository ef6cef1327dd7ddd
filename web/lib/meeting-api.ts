// A meeting as the pages see it: the live view (GET /api/meetings/:id), events signed here in the
// browser with the person's own key and submitted (the signature is the authentication), and the live
// stream (server-sent events) that tells a page to refresh. The browser's EventSource reconnects by
// itself with Last-Event-ID; a vote is an HTTP request answered after it is on the record, so a dropped
// connection never loses one: the page refreshes and shows it.
import { baseMul, encodePoint } from '../../src/crypto/group.js';
import { signingSecret } from '../../src/record/signature.js';
import { signMeetingPayload } from '../../src/meeting/signature.js';
import { MEETING_EVENT_TYPES, type MeetingPayloadByType, type SignedMeetingEventType } from '../../src/meeting/types.js';
import { ApiError } from './api.js';
import { t } from './i18n.js';

export interface ViewMember { id: string; name: string; weight: number; key: string; present: boolean }
export interface ViewSpeaker { member: string; side: 'for' | 'against'; status: 'waiting' | 'speaking' | 'spoken' | 'withdrawn' }
export interface ViewItem { id: string; title: string; status: 'pending' | 'current' | 'done'; speakers: ViewSpeaker[] }
export interface ViewResult { counts: { for: number; against: number; abstain: number }; majority: string; outcome: 'passed' | 'rejected'; voters: number; present: number; baseWeight: number }
export interface ViewMotion {
  id: string; title: string; text: string; majority: string; status: 'put' | 'open' | 'closed' | 'decided' | 'withdrawn'; item: string | null;
  amends: string | null; paragraph: number; amendments: string[]; amendedText: string | null; places: string[] | null; voteText: string | null; votedText: string | null;
  roll: { present: string[]; proxies: { principal: string; holder: string }[] } | null; deadline: string | null; voted: string[]; votes: Record<string, number>; result: ViewResult | null; decidedAt: number | null;
}
export interface MeetingView {
  id: string; title: string; meetingHash: string; headSeq: number; phase: 'setup' | 'open' | 'closed'; chair: string; secretaries: string[];
  members: ViewMember[]; officers: { id: string; name: string; key: string }[]; rules: { splitVotes: boolean; proxyLimit: number }; proxies: { principal: string; holder: string; scope: string }[];
  roll: { present: string[]; proxies: { principal: string; holder: string }[] };
  quorum: { heads: number; weight: number; of: { heads: number; weight: number }; met: boolean; rule: { of: 'members' | 'weight'; share: { num: number; den: number } } };
  openVote: string | null; agenda: { current: string | null; items: ViewItem[] }; motions: ViewMotion[];
}

/** Who signs on this page: a member's or officer's id and their secret signing key. */
export interface Signer { id: string; secret: string }

const base = (id: string) => `/api/meetings/${encodeURIComponent(id)}`;

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const json = (await res.json().catch(() => null)) as (T & { error?: string; message?: string }) | null;
  if (!res.ok) throw new ApiError(res.status, json?.error ?? `http-${res.status}`, json?.message ?? res.statusText);
  if (json === null) throw new ApiError(res.status, 'bad-response', t('error.badResponse'));
  return json;
}

export const meetingView = (id: string): Promise<MeetingView> => request('GET', base(id));
export const recordUrl = (id: string): string => `${base(id)}/record`;

/** The route each signed event is submitted to. */
function pathOf(type: SignedMeetingEventType, payload: { motion?: string }): string {
  const m = encodeURIComponent(payload.motion ?? '');
  const paths: Record<SignedMeetingEventType, string> = {
    'meeting-opened': 'open', 'meeting-closed': 'close', 'member-present': 'check-in', 'member-left': 'leave',
    'proxy-granted': 'proxies', 'proxy-revoked': 'proxies/revoke', 'motion-put': 'motions', 'vote-opened': `motions/${m}/open`,
    'vote-closed': `motions/${m}/close`, 'named-vote': `motions/${m}/votes`, 'agenda-item': 'agenda', 'item-opened': 'agenda/open',
    'speaker-requested': 'speakers', 'speaker-withdrawn': 'speakers/withdraw', 'floor-given': 'speakers/floor',
    'amendment-put': `motions/${m}/amendments`, 'amendment-withdrawn': 'amendments/withdraw',
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

/** Follows the meeting live: `changed` after each new event (and after each reconnection), `connection` on each change of state. */
export function followMeeting(id: string, changed: () => void, connection: (live: boolean) => void): () => void {
  const source = new EventSource(`${base(id)}/events`);
  let timer = 0;
  // Many events come at once (a vote's close and its result): one refresh for them.
  const soon = () => { if (!timer) timer = window.setTimeout(() => { timer = 0; changed(); }, 60); };
  for (const type of MEETING_EVENT_TYPES) source.addEventListener(type, soon);
  source.onopen = () => { connection(true); soon(); };
  source.onerror = () => connection(false);
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
