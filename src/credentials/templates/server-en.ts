import type { ServerMailTexts } from './server-types.js';

export const serverEn: ServerMailTexts = {
  serverSender: 'This message comes from the voting server, which is this election’s credential authority ({authority}): it made your credential and forgot it once this message was sent.',
  announcementSubject: '{title}: the poll is open',
  announcementIntro: 'The poll of “{title}” is open. Vote with the link and credential you were sent.',
  reminderSubject: 'Reminder: {title}: you have not voted yet',
  reminderIntro: 'The record of “{title}” holds no ballot of your credential yet. If you want to vote, there is still time.',
  credentialWhere: 'Your credential is in the first message you received about this election. If you lost it, ask the organisers: they can cancel it and have a new one sent to you.',
  votingPage: 'Voting page',
  trusteeSubject: '{title}: your step as trustee is due',
  trusteeIntro: 'Dear {name}, as a trustee of “{title}” you have a step to take now.',
  trusteeSteps: {
    commitment: 'The key ceremony has begun: publish the commitment to your key.',
    key: 'Every trustee has committed: publish your key.',
    shares: 'Every trustee’s key is published: send your shares to the other trustees.',
    ready: 'Every trustee’s shares are published: check the shares you received and say you are ready.',
    decrypt: 'The poll is closed and the tally is on the board: decrypt it with your share.',
  },
  trusteeHow: 'Open your trustee page with your own secret file (which never leaves your device). The page checks the record before it signs anything.',
  trusteePage: 'Your trustee page',
  signInSubject: "Sign in to vote: {title}",
  signInIntro: "To vote in “{title}”, open this link within {minutes} minutes. It works once.",
  signInCredential: "You still need your voting credential from the credential authority.",
  signInIgnore: "If you did not ask for this, ignore this message: nobody can vote with the link alone.",
  automatic: 'Sent automatically by the voting server {host}.',
};
