// Voter sign-in for elections whose manifest asks for it (spec §6.3): one-time links mailed to the
// address in the election's register, voter sessions, and the check before a ballot is taken that the
// signed-in voter votes with one credential only, and that credential with one voter only. The
// credential alone (which the credential authority also holds) is then not enough to vote, and the
// server, which can sign anyone in, holds no credential. This check is the server's: it is not on the
// record, and no verifier can repeat it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { Board } from '../../board/board.js';
import { BoardError } from '../../board/board.js';
import { checkBallot } from '../../ballot/check.js';
import { BallotError } from '../../ballot/types.js';
import { hashHex } from '../../crypto/hash.js';
import type { Manifest } from '../../manifest/types.js';
import { HttpError } from '../errors.js';
import { clearCookie, cookie, newSecretId, SECRET_ID, setCookie } from '../accounts/sessions.js';
import { DEFAULT_LINK_LIMITS, LinkRequests, type LinkLimits } from './limits.js';
import type { VoterAuthStore } from './store.js';
import type { OidcSettings } from '../accounts/store.js';
import { VoterOidcLogin } from './oidc.js';
import { pickLanguage, signInMail } from '../../credentials/templates/server-render.js'; // server mail

export const VOTER_COOKIE = 'veche_voter';
export const LINK_MINUTES = 30;
export const VOTER_SESSION_HOURS = 4;
const TAG_VOTER_LINK = 'server/voter-link';
const TAG_VOTER_SESSION = 'server/voter-session';
export const voterLinkHash = (id: string): string => hashHex(TAG_VOTER_LINK, id);
export const voterSessionHash = (id: string): string => hashHex(TAG_VOTER_SESSION, id);

export interface VoterAuthSettings {
  store: VoterAuthStore;
  /** VECHE_PUBLIC_URL: the links point at its booth (without it: the Host the request came to). */
  publicUrl?: string;
  /** The transport to VECHE_SMTP_URL; without one no link can be mailed (the request says so). */
  mailer?: Pick<Transporter, 'sendMail'> | null;
  /** VECHE_MAIL_FROM; default "veche <noreply@HOST of the public URL>". */
  from?: string;
  limits?: LinkLimits;
  /** The server's OpenID Connect clients; an election with method "oidc" uses the one of its issuer. */
  oidcClients?: OidcSettings[];
  /** The clock for links and sessions (tests move it on). */
  now?: () => number;
  /** Where a mail that could not be sent is reported (never its link). */
  log?: (line: string) => void;
}

export class VoterAuth {
  readonly store: VoterAuthStore;
  readonly requests: LinkRequests;
  readonly oidc: VoterOidcLogin;
  private now: () => number;
  /** Mails under way (tests and close() wait for them). */
  private sending = new Set<Promise<void>>();

  constructor(readonly settings: VoterAuthSettings) {
    this.store = settings.store;
    this.now = settings.now ?? Date.now;
    this.requests = new LinkRequests(settings.limits ?? DEFAULT_LINK_LIMITS, this.now);
    this.oidc = new VoterOidcLogin(settings.oidcClients ?? [], settings.publicUrl);
  }

  origin(req: FastifyRequest): string {
    return this.settings.publicUrl ? new URL(this.settings.publicUrl).origin : `${req.protocol}://${req.headers.host ?? ''}`;
  }

  secure(req: FastifyRequest): boolean {
    return this.origin(req).startsWith('https:');
  }

  /** A cookie-carrying request from another site (a form or script) is refused; SameSite=Strict already keeps the cookie off most. */
  checkOrigin(req: FastifyRequest): void {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.origin(req)) throw new HttpError(403, 'bad-origin', `voter sign-in requests must come from ${this.origin(req)} (Origin: ${origin})`);
  }

  /**
   * Mails a one-time link if `who` (a voter id or an e-mail address) is in the register. The answer is
   * the same whether it is or not, and comes before the mail is sent (its time tells nothing either).
   */
  async requestLink(req: FastifyRequest, board: Board, who: string): Promise<void> {
    const election = board.electionId;
    if (board.current.manifest.voterAuthentication?.method !== 'email-link') throw new HttpError(409, 'no-email-link', 'this election does not sign voters in by e-mail link');
    if (!this.settings.mailer) throw new HttpError(503, 'no-mailer', 'this server has no mail server (VECHE_SMTP_URL); no link can be sent');
    const entry = await this.store.findVoter(election, who.trim());
    if (!this.requests.take(`${election} ${entry?.voter ?? who.trim().toLowerCase()}`, req.ip)) {
      throw new HttpError(429, 'too-many-links', 'too many sign-in links were asked for; wait a quarter of an hour and try again');
    }
    if (!entry) return;
    const secret = newSecretId();
    const link = `${this.origin(req)}/vote/${election}#voter-link=${secret}`;
    const host = new URL(this.origin(req)).hostname;
    const { title } = board.current.manifest;
    const mailer = this.settings.mailer;
    // Stored and mailed after the answer: its time is the same for an address in no register.
    const mail = (async () => {
      await this.store.createLink(voterLinkHash(secret), election, entry.voter, this.now() + LINK_MINUTES * 60_000);
      await mailer.sendMail({
        from: this.settings.from ?? `veche <noreply@${host}>`,
        to: entry.email,
        // server mail (spec §6.6): the text in the election's first language -->
        ...signInMail(pickLanguage(null, board.current.manifest.languages), { title, link, minutes: LINK_MINUTES }),
        // <-- server mail
      });
    })().catch((e: Error) => (this.settings.log ?? ((l) => process.stderr.write(l + '\n')))(`veche server: the sign-in mail for voter ${entry.voter} of ${election} was not sent: ${e.message}`));
    this.sending.add(mail);
    void mail.finally(() => this.sending.delete(mail));
  }

  /** Waits for the mails under way. */
  async flush(): Promise<void> {
    await Promise.all([...this.sending]);
  }

  /** Opens a link (once): a voter session for its election in an HttpOnly, SameSite=Strict cookie. */
  async openLink(req: FastifyRequest, reply: FastifyReply, election: string, secret: string): Promise<{ voter: string }> {
    this.checkOrigin(req);
    const link = SECRET_ID.test(secret) ? await this.store.takeLink(voterLinkHash(secret), this.now()) : null;
    if (!link || link.election !== election) throw new HttpError(401, 'bad-link', 'this sign-in link is unknown, used already or expired; ask for a new one');
    return { voter: await this.startSession(req, reply, election, link.voter) };
  }

  async startSession(req: FastifyRequest, reply: FastifyReply, election: string, voter: string): Promise<string> {
    const sid = newSecretId();
    await this.store.createSession(voterSessionHash(sid), election, voter, this.now() + VOTER_SESSION_HOURS * 3_600_000);
    setCookie(reply, VOTER_COOKIE, sid, { secure: this.secure(req), maxAgeSeconds: VOTER_SESSION_HOURS * 3600, sameSite: 'Strict', path: `/api/elections/${election}` });
    return voter;
  }

  /** The signed-in voter of this election, or null. */
  async voterOf(req: FastifyRequest, election: string): Promise<string | null> {
    const sid = cookie(req, VOTER_COOKIE);
    if (sid === null || !SECRET_ID.test(sid)) return null;
    const s = await this.store.session(voterSessionHash(sid));
    return s && s.election === election && s.expires > this.now() ? s.voter : null;
  }

  async signOut(req: FastifyRequest, reply: FastifyReply, election: string): Promise<void> {
    this.checkOrigin(req);
    const sid = cookie(req, VOTER_COOKIE);
    if (sid !== null && SECRET_ID.test(sid)) await this.store.deleteSession(voterSessionHash(sid));
    clearCookie(reply, VOTER_COOKIE, this.secure(req), `/api/elections/${election}`);
  }
}

export const requiresSignIn = (m: Manifest): boolean => m.voterAuthentication !== undefined;

/**
 * Before a ballot is cast in an election that asks for voter sign-in: the request must carry a voter
 * session of this election, and the ballot's credential must be the one this voter is bound to (or
 * become it: the first ballot with a valid signature by a listed credential binds them). Refusals
 * change nothing and append nothing. Elections without voterAuthentication pass untouched.
 */
export async function authoriseBallot(auth: VoterAuth | null, req: FastifyRequest, board: Board): Promise<void> {
  const st = board.current;
  if (!requiresSignIn(st.manifest)) return;
  if (!auth) throw new HttpError(409, 'no-voter-sign-in', 'this election needs voter sign-in, which this server does not offer');
  auth.checkOrigin(req);
  const voter = await auth.voterOf(req, board.electionId);
  if (voter === null) throw new HttpError(401, 'voter-sign-in-required', 'this election takes ballots only from signed-in voters: sign in first');
  // Nothing is bound unless the ballot would be taken: open poll, a listed and unrevoked credential,
  // and the credential's own signature (only its holder can make one). The board checks all of it again.
  if (st.phase !== 'open' || !st.jointKey) return;
  let credential: string;
  try {
    credential = checkBallot(req.body, { electionHash: st.electionHash, publicKey: st.jointKey, groups: st.groups }).credential;
  } catch (e) {
    if (e instanceof BallotError) throw new BoardError(e.code, e.message);
    throw e;
  }
  if (!st.credentials?.has(credential) || st.revoked.has(credential)) return;
  const outcome = await auth.store.bind(board.electionId, voter, credential);
  if (outcome === 'voter-has-other-credential') throw new HttpError(403, 'voter-bound-to-other-credential', 'you voted with another credential before; a voter votes with one credential only');
  if (outcome === 'credential-of-other-voter') throw new HttpError(403, 'credential-bound-to-other-voter', 'this credential was used by another signed-in voter; it votes for that voter only');
}
