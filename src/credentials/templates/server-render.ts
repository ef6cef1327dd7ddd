// The server's own mails (src/server/mail/), in the recipient's language: the credential mail where
// the server is the credential authority (the authority's invitation with the server's sender line),
// the announcement that the poll is open, a reminder without the credential (the server forgot it),
// and a trustee's "your step is due".
import { closing, fill, invitationMail, pickLanguage, TEXTS, type CredentialNotice } from './render.js';
import type { ServerMailTexts, TrusteeStep } from './server-types.js';
import { serverDe } from './server-de.js';
import { serverEn } from './server-en.js';
import { serverEs } from './server-es.js';
import { serverFr } from './server-fr.js';
import { serverRu } from './server-ru.js';
import { serverUk } from './server-uk.js';

export const SERVER_TEXTS: Record<string, ServerMailTexts> = { en: serverEn, ru: serverRu, de: serverDe, fr: serverFr, es: serverEs, uk: serverUk };
export { pickLanguage };

export interface Mail { subject: string; text: string }

const host = (url: string) => new URL(url).host;
const textsOf = (lang: string) => SERVER_TEXTS[lang] ?? serverEn;

/** The credential mail the server sends as the election's credential authority. */
export function serverInvitationMail(lang: string, n: CredentialNotice, now = new Date()): Mail {
  return invitationMail(lang, n, now, fill(textsOf(lang).serverSender, n));
}

export type VoterNotice = { name: string; title: string; page: string; closes?: string };

function voterMail(lang: string, n: VoterNotice, subject: string, intro: string, now: Date): Mail {
  const t = textsOf(lang);
  const c = TEXTS[lang] ?? TEXTS.en!;
  const closes = closing(lang, c, n.closes, now);
  return {
    subject: fill(subject, n),
    text: [fill(c.greeting, n), '', fill(intro, n), ...(closes ? [closes] : []), '', `${t.votingPage}:`, `  ${n.page}`, '', t.credentialWhere, '', '-- ', fill(t.automatic, { host: host(n.page) }), ''].join('\n'),
  };
}

export function announcementMail(lang: string, n: VoterNotice, now = new Date()): Mail {
  const t = textsOf(lang);
  return voterMail(lang, n, t.announcementSubject, t.announcementIntro, now);
}

export function serverReminderMail(lang: string, n: VoterNotice, now = new Date()): Mail {
  const t = textsOf(lang);
  return voterMail(lang, n, t.reminderSubject, t.reminderIntro, now);
}

export function trusteeMail(lang: string, n: { name: string; title: string; page: string }, step: TrusteeStep): Mail {
  const t = textsOf(lang);
  return {
    subject: fill(t.trusteeSubject, n),
    text: [fill(t.trusteeIntro, n), '', t.trusteeSteps[step], '', `${t.trusteePage}:`, `  ${n.page}`, '', t.trusteeHow, '', '-- ', fill(t.automatic, { host: host(n.page) }), ''].join('\n'),
  };
}

/** The one-time sign-in link of voter sign-in (spec §6.3), in the election's first language. */
export function signInMail(lang: string, n: { title: string; link: string; minutes: number }): Mail {
  const t = textsOf(lang);
  return { subject: fill(t.signInSubject, n), text: [fill(t.signInIntro, n), '', `  ${n.link}`, '', t.signInCredential, t.signInIgnore, ''].join('\n') };
}
