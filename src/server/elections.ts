// The server's view of the elections on its store: one Board per election, loaded on first use and
// kept; refreshed before reads that must be current (other processes may append to a shared store).
import { Board, BoardError } from '../board/board.js';
import type { BoardStore } from '../board/store.js';
import { encodeEvent, type ResultPayload } from '../record/events.js';
import { verifyRecord } from '../verify/verifier.js';
import type { CheckOutcome } from '../verify/report.js';
import { issueAuthorityToken, issueTrusteeTokens } from './auth.js';
import { retiredSetting } from './election-admin.js';

export interface ResultReport {
  result: ResultPayload;
  /** null while the verifier is still running. */
  verified: boolean | null;
  checks?: CheckOutcome[];
  /** The verifier's own failure (it could not run), if any. */
  error?: string;
}

export class Elections {
  private boards = new Map<string, Promise<Board>>();
  private refreshing = new Map<string, Promise<void>>();
  private creating: Promise<unknown> = Promise.resolve();
  private reports = new Map<string, { report: ResultReport; done: Promise<void> }>();

  constructor(readonly store: BoardStore) {}

  // -- server authority (spec §6.5): fills in the key the server makes for its own credential authority
  /** Applied to every manifest before its election is created. */
  prepareManifest: (input: unknown) => Promise<unknown> = async (input) => input;
  // -- end server authority

  /** The election's board (loaded once); BoardError unknown-election if there is none. */
  board(id: string): Promise<Board> {
    let p = this.boards.get(id);
    if (!p) {
      p = Board.load(this.store, id);
      this.boards.set(id, p);
      // Do not remember a failure: the election may be created later (by this or another process).
      p.catch(() => { if (this.boards.get(id) === p) this.boards.delete(id); });
    }
    return p;
  }

  /** The board, caught up with every event already in the store. Concurrent callers share one refresh. */
  async current(id: string): Promise<Board> {
    let board = await this.board(id);
    // A draft (only its election event) may be replaced or removed by another process (election-admin.ts):
    // while a board holds one event, its genesis is compared with the store's.
    if (board.current.headSeq === 0) {
      const head = await this.store.head(id);
      if (!head || (head.seq === 0 && head.hash !== board.current.headHash)) {
        this.forget(id);
        board = await this.board(id);
      }
    }
    let r = this.refreshing.get(id);
    if (!r) {
      r = board.refresh().finally(() => this.refreshing.delete(id));
      this.refreshing.set(id, r);
    }
    await r;
    return board;
  }

  /** Forgets what this process kept of an election (it was replaced or removed). */
  forget(id: string): void {
    this.boards.delete(id);
    this.reports.delete(id);
  }

  async ids(): Promise<string[]> {
    return this.store.elections();
  }

  /** Creates an election, one token per trustee and one for the credential authority. Creations run one at a time in this process. */
  create(manifest: unknown): Promise<{ board: Board; trusteeTokens: Record<string, string>; authorityToken: string }> {
    const run = async () => {
      // The id of a deleted election is never used again (election-admin.ts).
      const id = (manifest as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && (await this.store.getSetting(retiredSetting(id))) !== null) throw new BoardError('exists', `an election with id "${id}" was deleted on this server; choose another id`);
      const board = await Board.create(this.store, await this.prepareManifest(manifest)); // server authority
      this.boards.set(board.electionId, Promise.resolve(board));
      const trusteeTokens = await issueTrusteeTokens(this.store, board.electionId, board.current.manifest.trustees.map((t) => t.id));
      const authorityToken = await issueAuthorityToken(this.store, board.electionId);
      return { board, trusteeTokens, authorityToken };
    };
    const p = this.creating.then(run, run);
    this.creating = p.catch(() => undefined);
    return p;
  }

  /**
   * The published result and the verifier's report on the whole record, computed once per process in
   * the background (the record is streamed from the store; the event loop gets a turn between events).
   */
  async result(id: string): Promise<ResultReport | null> {
    return (await this.verification(id))?.report ?? null;
  }

  /** Waits until the verifier has finished on this election's result. */
  async settledResult(id: string): Promise<ResultReport | null> {
    const v = await this.verification(id);
    await v?.done;
    return v?.report ?? null;
  }

  private async verification(id: string): Promise<{ report: ResultReport; done: Promise<void> } | null> {
    const cached = this.reports.get(id);
    if (cached) return cached;
    const board = await this.current(id);
    if (board.current.phase !== 'decrypted') return null;
    const [resultEvent] = await this.store.events(id, { types: ['result'], limit: 1 });
    if (!resultEvent) throw new Error('the result event is missing');
    if (this.reports.has(id)) return this.reports.get(id)!;
    const report: ResultReport = { result: resultEvent.payload as ResultPayload, verified: null };
    const source = () => (async function* () {
      let n = 0;
      for await (const e of board.record()) {
        yield encodeEvent(e);
        if (++n % 8 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    const done = verifyRecord(source).then(
      (v) => { report.verified = v.report.ok; report.checks = v.report.checks; },
      (err: unknown) => { report.verified = false; report.error = `the verifier could not run: ${(err as Error).message}`; },
    );
    const entry = { report, done };
    this.reports.set(id, entry);
    return entry;
  }
}
