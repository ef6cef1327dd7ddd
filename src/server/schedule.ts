// The schedule that runs itself (spec §5.1): the server opens a poll at the manifest's `opens` once the
// key ceremony and the credentials are done, and closes it at `closes`. It looks at every election on a
// timer, so a poll whose time passed while the server was down opens or closes as soon as it is back.
// With several server processes on one store each tries; the board lets one append and refuses the
// others (wrong-phase), which is harmless here.
import { BoardError } from '../board/board.js';
import type { Elections } from './elections.js';

export const DEFAULT_SCHEDULE_INTERVAL_MS = 5000;

export interface Scheduler {
  /** Looks at every election once now (the timer does the same every interval). */
  tick(): Promise<void>;
  stop(): void;
}

export function startScheduler(elections: Elections, intervalMs = DEFAULT_SCHEDULE_INTERVAL_MS, log: (line: string) => void = () => {}): Scheduler {
  let running: Promise<void> | null = null;
  let stopped = false;
  const once = async () => {
    for (const id of await elections.ids()) {
      if (stopped) return;
      try {
        // The cached board says whether the election has a schedule still to run; only those are refreshed.
        const cached = (await elections.board(id)).current;
        if ((cached.manifest.opens === undefined && cached.manifest.closes === undefined) || (cached.phase !== 'setup' && cached.phase !== 'open')) continue;
        const board = await elections.current(id);
        const { manifest, phase, jointKey, credentials } = board.current;
        const now = Date.now();
        if (phase === 'setup' && manifest.opens !== undefined && Date.parse(manifest.opens) <= now && jointKey && credentials
          && (manifest.closes === undefined || now < Date.parse(manifest.closes))) {
          await board.openPoll();
          log(`schedule: opened the poll of ${id} (opens ${manifest.opens})`);
        } else if (phase === 'open' && manifest.closes !== undefined && Date.parse(manifest.closes) <= now) {
          await board.closePoll();
          log(`schedule: closed the poll of ${id} (closes ${manifest.closes})`);
        }
      } catch (e) {
        // Another process got there first, or the election is not ready: the next tick looks again.
        if (!(e instanceof BoardError)) log(`schedule: ${id}: ${(e as Error).message}`);
      }
    }
  };
  const tick = () => {
    running ??= once().finally(() => { running = null; });
    return running;
  };
  const timer = setInterval(() => { void tick(); }, intervalMs);
  timer.unref();
  void tick();
  return { tick, stop() { stopped = true; clearInterval(timer); } };
}
