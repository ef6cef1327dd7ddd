// Fills the texts of types.ts for one voter: the mail of the credential (invitation), the reminder,
// and the lines of a printed letter. Counted phrases take the plural form Intl.PluralRules gives.
import type { CredentialTexts, PluralForms } from './types.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ru } from './ru.js';
import { uk } from './uk.js';

export const TEXTS: Record<string, CredentialTexts> = { en, ru, de, fr, es, uk };
export const LANGUAGES = Object.keys(TEXTS);

/** The language to write to a voter in: theirs if there are texts for it ("ru-RU" -> "ru"), else the
 *  election's first language that has texts, else English. */
export function pickLanguage(voterLanguage: string | null, electionLanguages: string[]): string {
  const base = (l: string) => l.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const candidates = [...(voterLanguage ? [voterLanguage] : []), ...electionLanguages].map(base);
  return candidates.find((l) => l in TEXTS) ?? 'en';
}

export function fill(template: string, params: { [k: string]: string | number | undefined } | CredentialNotice): string {
  const p = params as Record<string, unknown>;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (p[k] !== undefined ? String(p[k]) : m));
}

export function plural(lang: string, forms: PluralForms, n: number, params: Record<string, string | number> = {}): string {
  const category = new Intl.PluralRules(lang).select(n);
  return fill(forms[category] ?? forms.other, { ...params, n: new Intl.NumberFormat(lang).format(n) });
}

/** What a mail or letter says about one voter's credential. */
export interface CredentialNotice {
  name: string;
  title: string;
  authority: string;
  fingerprint: string;
  link: string;
  credential: string;
  weight: number;
  questions: number;
  /** When the poll closes (ISO 8601), if the manifest says. */
  closes?: string;
}

export function closing(lang: string, t: CredentialTexts, closes: string | undefined, now: Date): string | null {
  if (!closes) return null;
  const end = new Date(closes);
  if (!(end.getTime() > now.getTime())) return null;
  // Calendar days in UTC, the zone the date is written in: "tomorrow" is 1 whatever the hour.
  const day = (d: Date) => Math.floor(d.getTime() / 86_400_000);
  const days = day(end) - day(now);
  const date = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(end);
  return days === 0 ? fill(t.closesToday, { date }) : plural(lang, t.closesIn, days, { date });
}

function body(lang: string, t: CredentialTexts, n: CredentialNotice, intro: string, now: Date, sender = fill(t.sender, n)): string {
  const facts = [plural(lang, t.questions, n.questions), n.weight !== 1 ? plural(lang, t.weight, n.weight) : null, closing(lang, t, n.closes, now)].filter((x): x is string => x !== null);
  return [
    fill(t.greeting, n),
    '',
    intro,
    facts.join(' '),
    '',
    `${t.link}:`,
    `  ${n.link}`,
    '',
    `${t.credential}:`,
    `  ${n.credential}`,
    '',
    `${t.fingerprint}:`,
    `  ${n.fingerprint}`,
    '',
    ...t.steps.map((s, i) => `${i + 1}. ${s}`),
    '',
    t.checkFingerprint,
    t.secret,
    '',
    '-- ',
    sender,
    '',
  ].join('\n');
}

/** `sender`: the last line, when another than the credential authority's own sends it (the server, spec §6.4). */
export function invitationMail(lang: string, n: CredentialNotice, now = new Date(), sender?: string): { subject: string; text: string } {
  const t = TEXTS[lang] ?? en;
  return { subject: fill(t.invitationSubject, n), text: body(lang, t, n, fill(t.invitationIntro, n), now, sender ?? fill(t.sender, n)) };
}

export function reminderMail(lang: string, n: CredentialNotice, now = new Date()): { subject: string; text: string } {
  const t = TEXTS[lang] ?? en;
  return { subject: fill(t.reminderSubject, n), text: body(lang, t, n, fill(t.reminderIntro, n), now) };
}

/** The lines of a printed letter, labelled, in the voter's language. */
export function letterContent(lang: string, n: CredentialNotice): { title: string; voterLabel: string; intro: string; facts: string; labels: { link: string; credential: string; fingerprint: string }; scan: string; steps: string[]; after: string[] } {
  const t = TEXTS[lang] ?? en;
  const facts = [plural(lang, t.questions, n.questions), n.weight !== 1 ? plural(lang, t.weight, n.weight) : null].filter((x): x is string => x !== null).join(' ');
  return {
    title: t.letterTitle,
    voterLabel: t.letterVoter,
    intro: fill(t.invitationIntro, n),
    facts,
    labels: { link: t.link, credential: t.credential, fingerprint: t.fingerprint },
    scan: t.letterScan,
    steps: t.steps,
    after: [t.checkFingerprint, t.secret, fill(t.sender, n)],
  };
}
