// The server as the election's credential authority (spec §6.5), where the manifest says
// credentialAuthority.operatedBy = "server": for small bodies that trust their operator. The server makes
// the authority's signing key when the election is created, makes one credential per voter of the
// register the admin uploads, publishes the signed public list through the same board event and check
// as an authority of its own (checkCredentialList), mails each voter their link and credential
// (Outbox: throttled, a status per voter, resumed after a restart), and forgets each private
// credential once its mail is sent. It keeps voter <-> public credential (for reminders, revocation and
// re-issue). Revocation and re-issue are admin actions, signed with the same key, on the board.
import { issueCredentials, newCredential, credentialKeys } from '../../credentials/credentials.js';
import { checkCredentialList, newAuthority, signCredentialList, signRevocation } from '../../credentials/authority.js';
import { signCredentialsAdded } from '../../credentials/additions.js';
import { votingLink } from '../../credentials/record-match.js';
import type { Recipient } from '../../credentials/contacts.js';
import type { SendSummary } from '../../credentials/mail.js';
import { pickLanguage, serverInvitationMail } from '../../credentials/templates/server-render.js';
import type { Manifest } from '../../manifest/types.js';
import type { Board } from '../../board/board.js';
import { electionFingerprint } from '../../verify/voter-check.js';
import type { Elections } from '../elections.js';
import { HttpError } from '../errors.js';
import type { Outbox } from '../mail/outbox.js';
import type { AuthorityVoter, ServerMailStore } from '../mail/store.js';
import { AuthorityRegisterError, parseAuthorityRegister } from './register.js';
import { EMAIL } from '../voter-auth/register.js';

export const isServerAuthority = (m: Manifest): boolean => m.credentialAuthority.operatedBy === 'server';

/** The kind of mail that carries the credential (its statuses in the store). */
export const CREDENTIAL_MAIL = 'credentials';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const recipientOf = (v: AuthorityVoter): Recipient => ({ voter: v.voter, name: v.name, email: v.email, language: v.language, weight: v.weight, credential: v.credential ?? '' });

export class ServerAuthority {
  readonly store: ServerMailStore;

  constructor(private elections: Elections, private outbox: Outbox) {
    this.store = outbox.store;
  }

  /**
   * Before an election is created: in server-authority mode the server makes the authority's key and
   * puts its public half in the manifest (the admin leaves signingKey out). A signingKey given in this
   * mode must be one the server made (else it could sign nothing); other manifests pass untouched.
   */
  async prepareManifest(input: unknown): Promise<unknown> {
    if (!isObject(input) || !isObject(input.credentialAuthority) || input.credentialAuthority.operatedBy !== 'server') return input;
    const ca = input.credentialAuthority;
    if (ca.signingKey !== undefined) {
      if (typeof ca.signingKey !== 'string' || (await this.store.authoritySecret(ca.signingKey)) === null) {
        throw new HttpError(400, 'bad-manifest', 'credentialAuthority.signingKey: with operatedBy "server" the server makes this key; leave signingKey out (or give one this server made)');
      }
      return input;
    }
    const a = newAuthority();
    await this.store.putAuthorityKey(a.signing.key, a.signing.secret);
    return { ...input, credentialAuthority: { ...ca, signingKey: a.signing.key } };
  }

  /** The board of an election whose server is its authority, with the authority's secret. */
  private async authorityBoard(id: string): Promise<{ board: Board; secret: string }> {
    const board = await this.elections.current(id);
    const m = board.current.manifest;
    if (!isServerAuthority(m)) throw new HttpError(409, 'not-server-authority', 'this election has a credential authority of its own (its manifest has no credentialAuthority.operatedBy "server"): the server makes no credentials for it');
    const secret = await this.store.authoritySecret(m.credentialAuthority.signingKey);
    if (secret === null) throw new HttpError(409, 'no-authority-key', 'this server does not hold the key the manifest names for its credential authority');
    return { board, secret };
  }

  /** Makes the credentials of the register, publishes the signed list, and starts mailing them. */
  async issue(id: string, csv: string): Promise<{ voters: number; eligibleWeight: number; seq: number }> {
    const { board, secret } = await this.authorityBoard(id);
    const st = board.current;
    if (st.credentials) throw new HttpError(409, 'already-issued', 'the board holds the credential list already; add or re-issue one voter at a time');
    if (st.phase !== 'setup') throw new HttpError(409, 'wrong-phase', `the credentials are made before the poll opens (the election is ${st.phase})`);
    let entries;
    try { entries = parseAuthorityRegister(csv); } catch (e) {
      if (e instanceof AuthorityRegisterError) throw new HttpError(400, 'bad-register', e.message);
      throw e;
    }
    let rows = await this.store.voters(id);
    if (rows.length === 0) {
      const issued = issueCredentials(st.electionHash, entries.map((e) => ({ id: e.voter, weight: e.weight })));
      const byVoter = new Map(entries.map((e) => [e.voter, e]));
      const made = issued.private.map((c): AuthorityVoter => {
        const e = byVoter.get(c.voter)!;
        return { voter: c.voter, name: e.name, email: e.email, language: e.language, weight: c.weight, key: c.key, credential: c.credential };
      });
      // The board's own check first, so a list it would refuse is never kept.
      const bad = checkCredentialList(st.electionHash, st.manifest, signCredentialList(st.electionHash, issued.public, { secret }));
      if (bad) throw new HttpError(400, 'bad-register', bad.message);
      if (!(await this.store.addVoters(id, made))) throw new HttpError(409, 'already-issued', 'the credentials of this election are being made by another request');
      rows = made;
    }
    // (A list kept but not yet published, by a server stopped in between, is published now as it was made.)
    const list = rows.map((v) => ({ key: v.key, weight: v.weight })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const e = await board.submitCredentials(signCredentialList(st.electionHash, list, { secret }));
    void this.mailCredentials(id).catch((err: Error) => this.outbox.log(`veche server: credential mails of ${id}: ${err.message}`));
    return { voters: rows.length, eligibleWeight: board.current.eligibleWeight, seq: e.seq };
  }

  /** Mails every voter whose credential is not yet out; forgets each credential once its mail is sent. */
  async mailCredentials(id: string): Promise<SendSummary | null> {
    if (!this.outbox.enabled || (await this.store.unsentCredentials(id)) === 0) return null;
    const board = await this.elections.current(id);
    const st = board.current;
    if (!isServerAuthority(st.manifest) || !st.credentials || (st.phase !== 'setup' && st.phase !== 'open')) return null;
    const sent = new Map((await this.store.statuses(id, CREDENTIAL_MAIL)).map((s) => [s.voter, s]));
    const pending: AuthorityVoter[] = [];
    for (const v of await this.store.voters(id)) {
      if (v.credential === null) continue;
      const s = sent.get(v.voter);
      // Sent, but stopped before the credential was forgotten: forget it now.
      if (s && (s.status === 'sent' || s.status === 're-sent') && s.email === v.email) { await this.store.forgetCredential(id, v.voter); continue; }
      if (st.credentials.has(v.key) && !st.revoked.has(v.key)) pending.push(v);
    }
    if (pending.length === 0) return null;
    const m = st.manifest;
    const mails = pending.map((v) => {
      const lang = pickLanguage(v.language, m.languages);
      const notice = {
        name: v.name, title: m.title, authority: m.credentialAuthority.name, fingerprint: electionFingerprint(st.electionHash),
        link: votingLink(this.outbox.base(), m.id, v.credential!), credential: v.credential!, weight: v.weight, questions: m.questions.length,
        ...(m.closes ? { closes: m.closes } : {}),
      };
      return { recipient: recipientOf(v), ...serverInvitationMail(lang, notice) };
    });
    return this.outbox.send(id, CREDENTIAL_MAIL, mails, (entry) => this.store.forgetCredential(id, entry.voter));
  }

  /** The voters and their credential mail's status (never a credential). */
  async voters(id: string): Promise<{ voter: string; name: string; email: string; weight: number; revoked: boolean; voted: boolean; mail: string | null; mailedAt: string | null; reply: string | null }[]> {
    const { board } = await this.authorityBoard(id);
    const st = board.current;
    const statuses = new Map((await this.store.statuses(id, CREDENTIAL_MAIL)).map((s) => [s.voter, s]));
    return (await this.store.voters(id)).map((v) => {
      const s = statuses.get(v.voter);
      return { voter: v.voter, name: v.name, email: v.email, weight: v.weight, revoked: st.revoked.has(v.key), voted: st.lastBallot.has(v.key), mail: s?.status ?? null, mailedAt: s?.time ?? null, reply: s && s.status !== 'sent' && s.status !== 're-sent' ? s.reply ?? null : null };
    });
  }

  /** A corrected address for a voter whose credential mail was not sent (refused, failed, bounced
   *  before delivery): the next mail round sends it there. A mail already sent needs a re-issue. */
  async correctAddress(id: string, voter: string, email: string): Promise<{ voter: string; email: string }> {
    await this.authorityBoard(id);
    const { row, clean } = await this.newAddress(id, voter, email, (r) => {
      if (r.credential === null) throw new HttpError(409, 'already-mailed', 'this voter\'s credential was mailed and is forgotten: re-issue it (revoke with reissue) to send a new one');
    });
    await this.store.putVoter(id, { ...row, email: clean });
    void this.mailCredentials(id).catch((err: Error) => this.outbox.log(`veche server: credential mails of ${id}: ${err.message}`));
    return { voter, email: clean };
  }

  /**
   * A voter's new address, checked in this order: an e-mail address (trimmed, lower case), a voter of the
   * register, `allowed` for that voter (it throws when not), and no other voter's. Stores nothing.
   */
  async newAddress(id: string, voter: string, email: string, allowed: (row: AuthorityVoter) => void | Promise<void>): Promise<{ row: AuthorityVoter; clean: string }> {
    const clean = email.trim().toLowerCase();
    if (!EMAIL.test(clean) || clean.length > 254) throw new HttpError(400, 'bad-address', `${JSON.stringify(email.slice(0, 70))} is not an e-mail address`);
    const rows = await this.store.voters(id);
    const row = rows.find((v) => v.voter === voter);
    if (!row) throw new HttpError(404, 'unknown-voter', `no voter ${JSON.stringify(voter)} in this election's register`);
    await allowed(row);
    if (rows.some((v) => v.voter !== voter && v.email === clean)) throw new HttpError(409, 'duplicate', `${clean} is another voter's address`);
    return { row, clean };
  }

  /**
   * A lost credential: revokes the voter's credential on the board (signed by the server's authority
   * key) and, with `reissue`, adds a new one in its place (credentials-added, same weight) and mails it.
   */
  async revoke(id: string, voter: string, reason: string, reissue: boolean, opts: { unlessVoted?: boolean } = {}): Promise<{ revokedSeq: number | null; reissuedSeq: number | null }> {
    const { board, secret } = await this.authorityBoard(id);
    const row = (await this.store.voters(id)).find((v) => v.voter === voter);
    if (!row) throw new HttpError(404, 'unknown-voter', `no voter ${JSON.stringify(voter)} in this election's register`);
    const st = board.current;
    let revokedSeq: number | null = null;
    if (!st.revoked.has(row.key)) revokedSeq = (await board.revokeCredential(signRevocation(st.electionHash, row.key, reason, { secret }), opts)).seq;
    else if (!reissue) throw new HttpError(409, 'duplicate', 'this voter\'s credential is revoked already');
    if (!reissue) return { revokedSeq, reissuedSeq: null };
    const credential = newCredential();
    const key = credentialKeys(st.electionHash, credential).key;
    // Kept before it goes on the board: a server stopped in between mails it when back (or it is never listed, and never mailed).
    await this.store.putVoter(id, { ...row, key, credential });
    await this.store.putStatus(id, CREDENTIAL_MAIL, { voter: voter, email: row.email, status: 'failed', time: new Date().toISOString(), reply: 're-issued: not yet mailed' });
    const added = await board.addCredentials(signCredentialsAdded(st.electionHash, [{ key, weight: row.weight, replaces: row.key }], { secret }));
    void this.mailCredentials(id).catch((err: Error) => this.outbox.log(`veche server: credential mails of ${id}: ${err.message}`));
    return { revokedSeq, reissuedSeq: added.seq };
  }
}
