// The forum's e-mail digest: to each member who gave an address (a signed digest-address action), the
// proposals and replies of their body's forum posted since their last digest, hidden ones left out,
// through the server's mail outbox (one status per member and round, so a round cut off is resumed).
import type { Outbox } from '../server/mail/outbox.js';
import type { Body } from '../meeting/types.js';
import type { ForumStore } from './store.js';
import type { Post } from './types.js';

export interface DigestMail { member: string; email: string; subject: string; text: string; until: string }

/** The mails of one round at `now` (members with nothing new get none). */
export async function composeDigests(store: ForumStore, body: Body, publicUrl: string, now: string): Promise<DigestMail[]> {
  const posts = (await store.posts(body.id)).filter((p) => !p.hidden && p.created <= now);
  const titles = new Map(posts.filter((p) => p.parent === null).map((p) => [p.id, p.title ?? '']));
  const out: DigestMail[] = [];
  for (const a of await store.addresses(body.id)) {
    if (!body.members.some((m) => m.id === a.member)) continue; // no longer a member
    const fresh = posts.filter((p) => p.created > (a.last ?? ''));
    if (fresh.length === 0) continue;
    const proposals = fresh.filter((p) => p.parent === null);
    const replies = fresh.filter((p) => p.parent !== null);
    const link = (p: Post) => `${publicUrl.replace(/\/+$/, '')}/forum/${body.id}#${p.proposal}`;
    const excerpt = (t: string) => (t.length > 200 ? t.slice(0, 200) + '…' : t).replace(/\s+/g, ' ');
    const lines = [`The forum of ${body.name}: ${proposals.length} new proposal(s), ${replies.length} new reply(ies).`, ''];
    if (proposals.length) lines.push('New proposals:', ...proposals.flatMap((p) => [`- ${p.title} (by ${p.author})`, `  ${excerpt(p.text)}`, `  ${link(p)}`]), '');
    if (replies.length) lines.push('New replies:', ...replies.flatMap((p) => [`- on "${titles.get(p.proposal) ?? p.proposal}" by ${p.author}: ${excerpt(p.text)}`, `  ${link(p)}`]), '');
    lines.push('You get this digest because you asked for it in this forum.');
    out.push({ member: a.member, email: a.email, subject: `${body.name}: forum digest`, text: lines.join('\n'), until: now });
  }
  return out;
}

/** Sends one round through the outbox; each member's mark moves on once their mail is sent. */
export async function sendDigests(store: ForumStore, outbox: Outbox, body: Body, now = new Date().toISOString()) {
  outbox.requireEnabled();
  const mails = await composeDigests(store, body, outbox.base(), now);
  const names = new Map(body.members.map((m) => [m.id, m.name]));
  const summary = await outbox.send(`forum:${body.id}`, `digest:${now}`, mails.map((m) => ({
    recipient: { voter: m.member, name: names.get(m.member) ?? m.member, email: m.email, language: null, weight: 1, credential: '' },
    subject: m.subject, text: m.text,
  })), async (entry) => store.setDigestMark(body.id, entry.voter, now));
  return { ...summary, mails: mails.length };
}
