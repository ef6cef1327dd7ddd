// The texts of what the credential authority sends voters (mails and printed letters), one file per
// language. {name} placeholders are filled by render.ts; counted phrases give each plural form of the
// language (Intl.PluralRules categories; `other` is always there).

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export interface CredentialTexts {
  /** Subject of the first mail: {title}. */
  invitationSubject: string;
  /** Subject of a reminder: {title}. */
  reminderSubject: string;
  /** {name} */
  greeting: string;
  /** {title}, {authority} */
  invitationIntro: string;
  /** {title} */
  reminderIntro: string;
  /** {n} whole calendar days (UTC) from now to the closing day, {date} */
  closesIn: PluralForms;
  /** {date}: the poll closes on this calendar day (UTC). */
  closesToday: string;
  /** {n} questions */
  questions: PluralForms;
  /** {n}: the weight of this voter's ballot (said only when it is not 1). */
  weight: PluralForms;
  /** Label before the voting link. */
  link: string;
  /** Label before the credential. */
  credential: string;
  /** Label before the election fingerprint. */
  fingerprint: string;
  /** The steps of voting, one per line. */
  steps: string[];
  /** What the fingerprint is for. */
  checkFingerprint: string;
  /** Keeping the credential secret; voting again. */
  secret: string;
  /** Who sent it: {authority}. */
  sender: string;
  /** Printed letter: heading, and the line beside the QR code. */
  letterTitle: string;
  letterScan: string;
  /** Printed letter: what the voter's name is labelled. */
  letterVoter: string;
}
