// A meeting's record: events in the board's own form and hash chain (spec §9.1: {seq, prev, time, type,
// payload, hash}, hash = H_event of the rest), with the meeting's event types. The meeting hash is the
// hash of event 0; every signature in the meeting is bound to it.
import { canonicalJson } from '../crypto/encoding.js';
import { eventHash, GENESIS_PREV, type BoardEvent } from '../record/events.js';
import type { MeetingEvent, MeetingEventType, MeetingPayloadByType } from './types.js';

export { GENESIS_PREV };

export function makeMeetingEvent<T extends MeetingEventType>(seq: number, prev: string, type: T, payload: MeetingPayloadByType[T], time: string): MeetingEvent<T> {
  const e = { seq, prev, time, type, payload };
  // The same H_event as election records: the type is part of what is hashed.
  return { ...e, hash: eventHash(e as unknown as Omit<BoardEvent, 'hash'>) };
}

/** One line of the record (canonical JSON; the file adds one LF after each line). */
export const encodeMeetingEvent = (e: MeetingEvent): string => canonicalJson(e);
