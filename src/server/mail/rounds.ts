// The server's mail rounds, looked at on a timer like the schedule (src/server/schedule.ts), so that
// a round whose time passed while the server was down is sent when it is back, once:
//   - credential mails still to send (server-authority elections, spec §6.5);
//   - the announcement, when the poll is open, to the voters the server knows: server-authority mode,
//     or the voter sign-in register (spec §6.3);
//   - each reminder time of the election's mail settings, while the poll is open, to the voters who
//     have not voted yet: where the server links voters and credentials (server-authority mode: its own
//     list; voter sign-in: the register and the voter-credential bindings, a voter votes signed in only);
//   - each trustee step as it becomes due (key ceremony rounds; decryption once the tally is on the
//     board), to the trustees' addresses of the mail settings.
// A round is taken with a lease in the store (one of several servers sends it) and marked done when
// every recipient has an outcome; the per-recipient statuses make a round cut off by a restart go on
// where it stopped, so nobody gets a reminder twice.
import { BoardError, type BoardState } from '../../board/board.js';
import type { Outgoing } from '../../credentials/mail.js';
import { announcementMail, pickLanguage, serverReminderMail, trusteeMail } from '../../credentials/templates/server-render.js';
import type { TrusteeStep } from '../../credentials/templates/server-types.js';
import type { Elections } from '../elections.js';
import { CREDENTIAL_MAIL, isServerAuthority, recipientOf, type ServerAuthority } from '../authority/server-authority.js';
import type { Outbox } from './outbox.js';
import type { MailSettings } from './store.js';
import type { Recipient } from '../../credentials/contacts.js';
import type { VoterAuthStore } from '../voter-auth/store.js';

/** A round not finished within this long (a server stopped mid-round) is taken again by the next tick. */
export const ROUND_LEASE_MS = 10 * 60_000;

export const reminderKind = (at: string) => `reminder:${new Date(at).toISOString()}`;
export const trusteeKind = (step: TrusteeStep) => `trustee:${step}`;
export const ANNOUNCEMENT = 'announcement';

/** The trustees whose step is due now, and which step: one step of the ceremony at a time, then decryption. */
export function dueTrusteeSteps(st: BoardState): { step: TrusteeStep; trustees: string[] } | null {
  const all = st.manifest.trustees.map((t) => t.id);
  const c = st.ceremony;
  const missing = (has: (id: string) => boolean) => all.filter((id) => !has(id));
  if (st.phase === 'setup' && !st.jointKey) {
    if (c.complaints.length > 0) return null; // the election must be made again (spec §7.6): nothing to ask of anyone
    for (const [step, has] of [['commitment', (id: string) => c.commitments.has(id)], ['key', (id: string) => c.keys.has(id)], ['shares', (id: string) => c.shares.has(id)], ['ready', (id: string) => c.ready.has(id)]] as const) {
      const left = missing(has);
      if (left.length > 0) return { step, trustees: left };
    }
    return null;
  }
  if (st.phase === 'tallied' && st.decryptionShares.length < st.manifest.threshold) {
    const left = missing((id) => st.decryptionShares.some((s) => s.trustee === id));
    return left.length > 0 ? { step: 'decrypt', trustees: left } : null;
  }
  return null;
}

export interface MailRounds { tick(): Promise<void>; stop(): void }

/** `voterAuth`: the voter sign-in store, whose register and bindings name the voters of elections with sign-in. */
export function startMailRounds(elections: Elections, outbox: Outbox, authority: ServerAuthority, intervalMs: number, voterAuth: VoterAuthStore | null = null, now: () => number = Date.now): MailRounds {
  const store = outbox.store;
  let stopped = false;
  let running: Promise<void> | null = null;

  /** Runs a round once: taken (lease), sent, and done when every recipient has an outcome. */
  const round = async (id: string, kind: string, mails: () => Promise<Outgoing[]>) => {
    if (!(await store.takeRound(id, kind, now(), ROUND_LEASE_MS))) return;
    const list = await mails();
    const sum = list.length ? await outbox.send(id, kind, list) : { failed: 0 };
    // A mail that failed for now (4xx, network) keeps the round open: the lease runs out and a later tick tries again.
    if (sum.failed === 0) await store.finishRound(id, kind, now());
  };

  const once = async (id: string) => {
    const cached = (await elections.board(id)).current;
    const server = isServerAuthority(cached.manifest);
    const signIn = voterAuth !== null && cached.manifest.voterAuthentication !== undefined;
    const settings: MailSettings | null = await store.settings(id);
    if (!server && !signIn && !settings) return;
    if (cached.phase === 'decrypted') return;
    const st = (await elections.current(id)).current;
    const done = new Set(await store.doneRounds(id));
    const m = st.manifest;
    const page = `${outbox.base()}/vote/${encodeURIComponent(m.id)}`;
    /** The voters the server can write to, and whether each has voted; none where it knows no voter. */
    const voters = async (): Promise<{ recipient: Recipient; voted: boolean }[]> => {
      if (server) {
        // A voter whose credential mail came back is not written to at that address again (the mail would
        // bounce too, and the voter holds no credential to vote with); re-issued to a corrected address, is.
        const bounced = new Set((await store.statuses(id, CREDENTIAL_MAIL)).filter((s) => s.status === 'bounced').map((s) => s.voter));
        return (await store.voters(id)).filter((v) => st.credentials?.has(v.key) && !st.revoked.has(v.key) && !bounced.has(v.voter)).map((v) => ({ recipient: recipientOf(v), voted: st.lastBallot.has(v.key) }));
      }
      if (!signIn) return [];
      const bound = new Map((await voterAuth!.bindings(id)).map((b) => [b.voter, b.credential]));
      return (await voterAuth!.registerEntries(id)).map((e) => ({
        recipient: { voter: e.voter, name: e.voter, email: e.email, language: null, weight: 1, credential: '' },
        voted: bound.has(e.voter) && st.lastBallot.has(bound.get(e.voter)!),
      }));
    };
    const voterMail = (make: typeof announcementMail) => ({ recipient: r }: { recipient: Recipient }): Outgoing => ({
      recipient: r, ...make(pickLanguage(r.language, m.languages), { name: r.name, title: m.title, page, ...(m.closes ? { closes: m.closes } : {}) }),
    });

    if (server) await authority.mailCredentials(id);
    // Not before there is anyone to announce to (a register uploaded after the opening gets it then).
    if ((server || signIn) && st.phase === 'open' && !done.has(ANNOUNCEMENT) && (await voters()).length > 0) await round(id, ANNOUNCEMENT, async () => (await voters()).map(voterMail(announcementMail)));
    for (const at of settings?.reminders ?? []) {
      const kind = reminderKind(at);
      if (done.has(kind) || Date.parse(at) > now()) continue;
      // Past the close, a reminder has nothing to remind of: it is done, unsent.
      if (st.phase !== 'open' && st.phase !== 'setup') { if (await store.takeRound(id, kind, now(), ROUND_LEASE_MS)) await store.finishRound(id, kind, now()); continue; }
      if (st.phase !== 'open') continue;
      await round(id, kind, async () => (await voters()).filter((v) => !v.voted).map(voterMail(serverReminderMail)));
    }
    const due = dueTrusteeSteps(st);
    const addresses = settings?.trustees ?? {};
    if (due && !done.has(trusteeKind(due.step)) && due.trustees.some((t) => addresses[t])) {
      const lang = pickLanguage(null, m.languages);
      await round(id, trusteeKind(due.step), async () => due.trustees.filter((t) => addresses[t]).map((t) => {
        const trustee = m.trustees.find((x) => x.id === t)!;
        return {
          recipient: { voter: t, name: trustee.name, email: addresses[t]!, language: lang, weight: 1, credential: '' },
          ...trusteeMail(lang, { name: trustee.name, title: m.title, page: `${outbox.base()}/trustee/${encodeURIComponent(m.id)}/${encodeURIComponent(t)}` }, due.step),
        };
      }));
    }
  };

  const all = async () => {
    if (!outbox.enabled) return;
    for (const id of await elections.ids()) {
      if (stopped) return;
      try { await once(id); } catch (e) {
        if (!(e instanceof BoardError)) outbox.log(`veche server: mail rounds of ${id}: ${(e as Error).message}`);
      }
    }
  };
  const tick = () => (running ??= all().finally(() => { running = null; }));
  // intervalMs 0: no timer (a caller ticks).
  const timer = intervalMs > 0 ? setInterval(() => { void tick(); }, intervalMs) : null;
  timer?.unref();
  if (timer) void tick();
  return { tick, stop() { stopped = true; if (timer) clearInterval(timer); } };
}

