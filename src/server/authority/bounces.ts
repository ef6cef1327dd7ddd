// Credential mails that came back, where the server is the election's credential authority (spec §6.5):
// the authority pastes the addresses, or uploads the bounce notice its mailbox got (an RFC 3464
// delivery status notification, one .eml or an mbox of several; read by the CLI's own parser,
// failedRecipients). Each voter whose sent mail went to such an address is marked "bounced"; an address
// to which no credential mail was sent is reported as unknown and changes nothing. A bounced voter's
// credential was forgotten when its mail went out, so the only way to reach them is a new credential:
// at a corrected address, the old one revoked on the board and the new one added in its place and
// mailed (the same re-issue as for a lost credential, ServerAuthority.revoke).
import { failedRecipients, type StatusEntry } from '../../credentials/mail-status.js';
import { BoardError } from '../../board/board.js';
import type { Elections } from '../elections.js';
import { HttpError } from '../errors.js';
import { EMAIL } from '../voter-auth/register.js';
import { CREDENTIAL_MAIL, type ServerAuthority } from './server-authority.js';

export interface BounceInput { addresses?: string[]; notice?: string }
export interface BounceResult {
  /** Voters now marked bounced, with the address their mail went to. */
  marked: { voter: string; name: string; email: string }[];
  /** Addresses already marked bounced (nothing changed for them). */
  already: string[];
  /** Addresses of voters whose credential mail was not sent (waiting, refused, failed): nothing to bounce. */
  notSent: string[];
  /** Addresses to which no credential mail of this election was sent: nothing changed. */
  unknown: string[];
}

/** The one reason a bounce re-issue gives on the board: public, so it names nobody. */
export const BOUNCE_REISSUE_REASON = 'credential mail bounced; re-issued to a corrected address';

/** The addresses of the input, checked: every bad one named, nothing marked. */
function bouncedAddresses(input: BounceInput): string[] {
  const given = (input.addresses !== undefined ? 1 : 0) + (input.notice !== undefined ? 1 : 0);
  if (given !== 1) throw new HttpError(400, 'bad-bounce', 'give either "addresses" (the addresses whose mail came back) or "notice" (a saved bounce notice), not both or neither');
  if (input.notice !== undefined) {
    const found = failedRecipients(input.notice);
    if (found.length === 0) {
      const why = /^final-recipient:/im.test(input.notice) ? 'it reports no failed delivery (a delayed or delivered one is not a bounce)' : 'it has no "Final-Recipient" with "Action: failed" (not an RFC 3464 delivery status notification: save the bounce mail itself, as .eml)';
      throw new HttpError(400, 'not-a-bounce', `the bounce notice is refused, nothing changed: ${why}`);
    }
    return found;
  }
  const addresses = input.addresses!.map((a) => a.trim().toLowerCase()).filter(Boolean);
  if (addresses.length === 0) throw new HttpError(400, 'bad-address', 'no address given');
  const bad = addresses.filter((a) => !EMAIL.test(a) || a.length > 254);
  if (bad.length) throw new HttpError(400, 'bad-address', `nothing marked: not an e-mail address: ${bad.slice(0, 10).map((a) => JSON.stringify(a.slice(0, 70))).join(', ')}`);
  return [...new Set(addresses)];
}

/** Marks bounced every voter whose credential mail was sent to one of the addresses. */
export async function markBouncedMails(authority: ServerAuthority, id: string, input: BounceInput): Promise<BounceResult> {
  const addresses = bouncedAddresses(input);
  const voters = await authority.voters(id); // also refuses an election with an authority of its own
  const names = new Map(voters.map((v) => [v.voter, v.name]));
  // Indexed by address: up to 10,000 addresses against a register of any size.
  const byAddress = new Map<string, StatusEntry[]>();
  for (const s of await authority.store.statuses(id, CREDENTIAL_MAIL)) {
    const key = s.email.toLowerCase();
    byAddress.set(key, [...(byAddress.get(key) ?? []), s]);
  }
  const registered = new Set(voters.map((v) => v.email));
  const result: BounceResult = { marked: [], already: [], notSent: [], unknown: [] };
  const time = new Date().toISOString();
  for (const address of addresses) {
    const mine = byAddress.get(address) ?? [];
    const sent = mine.filter((s) => s.status === 'sent' || s.status === 're-sent');
    if (sent.length === 0) {
      if (mine.some((s) => s.status === 'bounced')) result.already.push(address);
      else if (mine.length > 0 || registered.has(address)) result.notSent.push(address);
      else result.unknown.push(address);
      continue;
    }
    for (const s of sent) {
      const reply = input.notice !== undefined ? 'a bounce notice reported it failed' : 'marked bounced by the credential authority';
      await authority.store.putStatus(id, CREDENTIAL_MAIL, { voter: s.voter, email: s.email, status: 'bounced', time, reply });
      result.marked.push({ voter: s.voter, name: names.get(s.voter) ?? s.voter, email: s.email });
    }
  }
  return result;
}

/**
 * A bounced voter at a corrected address: the credential revoked (unless it has voted), then the
 * address kept and a new credential added in its place and mailed there. Refused, changing nothing,
 * unless the voter's mail bounced, the credential has not voted, the address is one and no other
 * voter's, and the poll is not yet closed.
 */
export async function reissueBounced(authority: ServerAuthority, elections: Elections, id: string, voter: string, email: string): Promise<{ voter: string; email: string; revokedSeq: number | null; reissuedSeq: number | null }> {
  const voters = await authority.voters(id); // also refuses an election with an authority of its own
  // A credential that cast a ballot reached someone: its mail did not bounce, and a re-issue would
  // revoke a receipted ballot. A credential in the wrong hands is revoked as lost, with that reason.
  const alreadyVoted = () => new HttpError(409, 'already-voted', `the credential mailed to ${JSON.stringify(voter)} has voted, so its mail arrived: a bounce re-issue would revoke that ballot; if the credential is in the wrong hands, revoke it as lost (…/server-authority/revoke)`);
  const { row, clean } = await authority.newAddress(id, voter, email, () => {
    const { mail: status, voted } = voters.find((v) => v.voter === voter)!;
    if (status !== 'bounced') throw new HttpError(409, 'not-bounced', `the credential mail of ${JSON.stringify(voter)} is not marked bounced (it is ${status ?? 'not yet tried'}): a mail not sent takes a corrected address as it is; a lost credential is re-issued`);
    if (voted) throw alreadyVoted();
  });
  const phase = (await elections.current(id)).current.phase;
  if (phase !== 'setup' && phase !== 'open') throw new HttpError(409, 'wrong-phase', `a credential is re-issued only before the poll closes (the election is ${phase})`);
  // The check above read the board before now: a ballot may have come since. The revocation checks
  // again with the ballots held (the board's exclusive section that appends it), so a ballot is either
  // counted (and the re-issue refused) or refused as revoked, never revoked after its receipt. Only then
  // is the address kept: a refusal changes nothing. (Revoked already: a re-issue that stopped midway.)
  let revokedSeq: number | null = null;
  if (!voters.find((v) => v.voter === voter)!.revoked) {
    try {
      revokedSeq = (await authority.revoke(id, voter, BOUNCE_REISSUE_REASON, false, { unlessVoted: true })).revokedSeq;
    } catch (e) {
      if (e instanceof BoardError && e.code === 'already-voted') throw alreadyVoted();
      throw e;
    }
  }
  await authority.store.putVoter(id, { ...row, email: clean });
  const done = await authority.revoke(id, voter, BOUNCE_REISSUE_REASON, true);
  return { voter, email: clean, revokedSeq: revokedSeq ?? done.revokedSeq, reissuedSeq: done.reissuedSeq };
}
