// The agenda and the speakers lists of a meeting (docs/spec.md §19 M10): the chair or a secretary adds
// items and opens them one after another in agenda order; on the item open now, members present ask to
// speak for or against, and the chair or a secretary gives the floor to one of those waiting. Checked
// by the board before it appends and by the verifier on the record, with these functions alone.
import { memberOf } from './body.js';
import { problem, type MeetingProblem } from './problem.js';
import { isId, isText, type Obj } from './shape.js';
import type { MeetingEventType } from './types.js';
import type { MeetingState } from './state.js';

export const MAX_AGENDA_ITEMS = 200;
export type Side = 'for' | 'against';

export interface Speaker {
  member: string;
  side: Side;
  /** waiting on the list; has the floor now; has spoken; withdrew (or was struck) before speaking. */
  status: 'waiting' | 'speaking' | 'spoken' | 'withdrawn';
}

export interface AgendaItem { id: string; title: string; status: 'pending' | 'current' | 'done'; speakers: Speaker[] }

export interface Agenda { items: AgendaItem[]; current: string | null }

export const AGENDA_EVENTS = ['agenda-item', 'item-opened', 'speaker-requested', 'speaker-withdrawn', 'floor-given'] as const satisfies readonly MeetingEventType[];
export type AgendaEventType = (typeof AGENDA_EVENTS)[number];
export const isAgendaEvent = (t: string): t is AgendaEventType => (AGENDA_EVENTS as readonly string[]).includes(t);

export const emptyAgenda = (): Agenda => ({ items: [], current: null });

const itemOf = (a: Agenda, id: unknown) => a.items.find((i) => i.id === id);
/** The item the chair may open next: the first not yet opened, in agenda order. */
export const nextItem = (a: Agenda): AgendaItem | undefined => a.items.find((i) => i.status === 'pending');
const waiting = (i: AgendaItem, member: unknown) => i.speakers.find((s) => s.member === member && s.status === 'waiting');

/** The rules of one agenda event, after its signer, signature and (for procedure) role were checked. */
export function checkAgendaEvent(st: MeetingState, t: AgendaEventType, p: Obj, runsMeeting: (id: string) => boolean): MeetingProblem | null {
  const a = st.agenda;
  if (t === 'agenda-item') {
    if (!isId(p.item)) return problem('malformed', 'meeting.format', 'item: an id');
    if (!isText(p.title, 200)) return problem('malformed', 'meeting.format', 'title: 1-200 characters');
    if (itemOf(a, p.item)) return problem('duplicate', 'meeting.agenda', `item ${p.item} is already on the agenda`);
    if (a.items.length >= MAX_AGENDA_ITEMS) return problem('malformed', 'meeting.agenda', `an agenda has at most ${MAX_AGENDA_ITEMS} items`);
    return null;
  }
  if (st.phase !== 'open') return problem('wrong-phase', 'meeting.order', 'the meeting is not open');
  const item = itemOf(a, p.item);
  if (!item) return problem('unknown-item', 'meeting.agenda', `no item ${String(p.item)} on the agenda`);
  if (t === 'item-opened') {
    if (st.openVote !== null) return problem('vote-open', 'meeting.order', `the vote on ${st.openVote} is still open`);
    const next = nextItem(a);
    if (item !== next) return problem('agenda-order', 'meeting.agenda', item.status !== 'pending' ? `item ${item.id} was already opened` : `items are opened in agenda order: ${next!.id} comes first`);
    return null;
  }
  // The speakers list belongs to the item open now.
  if (item.status !== 'current') return problem('not-current', 'meeting.agenda', `item ${item.id} is not the item open now${a.current ? ` (${a.current} is)` : ''}`);
  const by = p.by as string;
  if (!isId(p.member) || !memberOf(st.body, p.member)) return problem('not-a-member', 'meeting.agenda', `"${String(p.member)}" is not a member of this body`);
  const member = p.member;
  switch (t) {
    case 'speaker-requested':
      if (by !== member) return problem('not-allowed', 'meeting.signatures', `only ${member} can ask to speak for ${member}`);
      if (p.side !== 'for' && p.side !== 'against') return problem('malformed', 'meeting.format', 'side: "for" or "against"');
      if (!st.present.has(member)) return problem('not-present', 'meeting.agenda', `${member} is not present`);
      if (waiting(item, member) || item.speakers.some((s) => s.member === member && s.status === 'speaking')) return problem('duplicate', 'meeting.agenda', `${member} is already on the speakers list of ${item.id}`);
      return null;
    case 'speaker-withdrawn':
      if (by !== member && !runsMeeting(by)) return problem('not-allowed', 'meeting.signatures', `${by} may not take ${member} off the speakers list`);
      return waiting(item, member) ? null : problem('not-present', 'meeting.agenda', `${member} is not waiting on the speakers list of ${item.id}`);
    case 'floor-given':
      return waiting(item, member) ? null : problem('not-present', 'meeting.agenda', `${member} is not waiting on the speakers list of ${item.id}`);
  }
  return null;
}

/** Applies a checked agenda event. */
export function applyAgendaEvent(a: Agenda, t: AgendaEventType, p: Obj): void {
  const item = itemOf(a, p.item);
  const endSpeech = (i: AgendaItem) => { for (const s of i.speakers) if (s.status === 'speaking') s.status = 'spoken'; };
  switch (t) {
    case 'agenda-item': a.items.push({ id: p.item as string, title: p.title as string, status: 'pending', speakers: [] }); break;
    case 'item-opened': {
      const before = itemOf(a, a.current);
      if (before) { before.status = 'done'; endSpeech(before); }
      item!.status = 'current';
      a.current = item!.id;
      break;
    }
    case 'speaker-requested': item!.speakers.push({ member: p.member as string, side: p.side as Side, status: 'waiting' }); break;
    case 'speaker-withdrawn': waiting(item!, p.member)!.status = 'withdrawn'; break;
    case 'floor-given': endSpeech(item!); waiting(item!, p.member)!.status = 'speaking'; break;
  }
}
