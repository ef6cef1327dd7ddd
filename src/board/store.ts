// Where the board's events live. A store only appends and reads; the rules of what may be
// appended live in board.ts. Implementations: SQLite (embedded default), PostgreSQL.
import type { BoardEvent, EventType } from '../record/events.js';

export class SequenceConflict extends Error {
  override name = 'SequenceConflict';
}
export class DuplicateBallot extends Error {
  override name = 'DuplicateBallot';
}

/** What a group-commit session will ask first, so that a store may fetch it with the lock (one round trip). */
export interface SessionHint {
  /** The caller's head: it will read the events after it. */
  after: number;
  /** Tracking codes it will ask knownTrackingCodes about. */
  codes: string[];
}

/** What a group-commit session tells its caller when the lock is granted. */
export interface SessionInfo {
  /** Other connections waiting for this election's lock at that moment. */
  othersWaiting: number;
}

export interface StoredBallotRef { seq: number; hash: string; trackingCode: string }

export interface BoardStore {
  /** Appends `event` durably, only if it follows the last event of `election` (else SequenceConflict).
   *  A ballot event carries its tracking code, which must be new in that election (else DuplicateBallot). */
  append(election: string, event: BoardEvent, trackingCode?: string): Promise<void>;
  /** The last event of the election, or null when there is none. */
  head(election: string): Promise<BoardEvent | null>;
  /** Events in sequence order, from `fromSeq`, optionally only of some types, at most `limit`. */
  /** The events from `fromSeq`, in order. stateOnly: the caller applies them to the board's state alone, so
   *  a store may cut a ballot's payload to its credential (PostgresStore does inside a session). */
  events(election: string, opts?: { fromSeq?: number; types?: EventType[]; limit?: number; stateOnly?: boolean }): Promise<BoardEvent[]>;
  findBallot(election: string, trackingCode: string): Promise<StoredBallotRef | null>;
  elections(): Promise<string[]>;
  /** A small key-value area for the board's own secrets and settings (the board signing key). */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  close(): Promise<void>;
  /** Optional, for stores shared by several processes: runs `f` holding a lock on the election that
   *  also holds off every other append to it, so that a board retrying after a SequenceConflict
   *  catches up and appends without racing again (a busy process cannot starve the others). Appends
   *  inside `f` run under that lock. */
  exclusive?<T>(election: string, f: (session?: SessionInfo) => Promise<T>, hint?: SessionHint): Promise<T>;
  /** Optional (group commit, src/board/postgres-store.ts): appends made inside exclusive() are written
   *  and committed together when `f` returns, or not at all if it throws. */
  readonly groupCommit?: boolean;
  /** Optional, with groupCommit: which of these tracking codes are on the board (inside exclusive(): as of its lock). */
  knownTrackingCodes?(election: string, codes: string[]): Promise<Set<string>>;
  // -- removal (src/server/election-admin.ts: a draft replaced before the key ceremony, a draft or test election deleted)
  /** Removes every event and ballot of the election, only while its last event's seq is at most `maxSeq`
   *  (when given), in one transaction; false (nothing removed) otherwise or when there is no such election. */
  removeElection?(election: string, maxSeq?: number): Promise<boolean>;
  // -- end removal
}
