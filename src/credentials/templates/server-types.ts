// The texts of the mails the voting server sends itself (src/server/mail/), one file per language
// (server-en.ts, …): the credential mail where the server is the election's credential authority
// (spec §6.4), the announcement that the poll is open, reminders, and trustees told their step is due.
// {name} placeholders are filled by server-render.ts.

export type TrusteeStep = 'commitment' | 'key' | 'shares' | 'ready' | 'decrypt';

export interface ServerMailTexts {
  /** The sender line of the credential mail in server-authority mode (replaces `sender`): {authority}. */
  serverSender: string;
  /** Subject of the announcement: {title}. */
  announcementSubject: string;
  /** {title} */
  announcementIntro: string;
  /** Subject of a reminder the server sends (it holds no credential any more): {title}. */
  reminderSubject: string;
  /** {title} */
  reminderIntro: string;
  /** Where the credential is: the first mail; what to do if it is lost. */
  credentialWhere: string;
  /** Label before the link to the election's voting page (without a credential). */
  votingPage: string;
  /** Subject of a trustee's mail: {title}. */
  trusteeSubject: string;
  /** {name} (the trustee's), {title} */
  trusteeIntro: string;
  /** The step that is due, one text each. */
  trusteeSteps: Record<TrusteeStep, string>;
  /** How to do it: the trustee page, with the trustee's own secret file. */
  trusteeHow: string;
  /** Label before the trustee page's link. */
  trusteePage: string;
  /** The one-time sign-in link of voter sign-in (spec §6.3): subject {title}; {title}, {minutes}. */
  signInSubject: string;
  signInIntro: string;
  /** That the credential still comes from the credential authority. */
  signInCredential: string;
  /** Not asked for it: nobody can vote with the link alone. */
  signInIgnore: string;
  /** Sent by the voting server, automatically: {host}. */
  automatic: string;
}
