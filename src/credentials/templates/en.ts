import type { CredentialTexts } from './types.js';

export const en: CredentialTexts = {
  invitationSubject: '{title}: your voting link and credential',
  reminderSubject: 'Reminder: {title}: you have not voted yet',
  greeting: 'Dear {name},',
  invitationIntro: 'You are on the voter list of “{title}”. {authority}, the election’s credential authority, sends you your own voting link and credential.',
  reminderIntro: 'The record of “{title}” holds no ballot of your credential yet. If you want to vote, there is still time.',
  closesIn: { one: 'The poll closes in {n} day, on {date}.', other: 'The poll closes in {n} days, on {date}.' },
  closesToday: 'The poll closes today, {date}.',
  questions: { one: 'The ballot has {n} question.', other: 'The ballot has {n} questions.' },
  weight: { one: 'Your ballot counts with a weight of {n} vote.', other: 'Your ballot counts with a weight of {n} votes.' },
  link: 'Your voting link',
  credential: 'Your voting credential',
  fingerprint: 'Election fingerprint',
  steps: [
    'Open the link (it holds your credential), or open the voting page and type the credential.',
    'Check that the page shows the same election fingerprint as this message.',
    'Make your choices and cast the ballot. Keep the tracking code the page shows you: with it you can check later that your ballot was counted.',
  ],
  checkFingerprint: 'If the page shows another fingerprint, do not vote: tell the organisers.',
  secret: 'Keep the credential to yourself: whoever has it can vote in your name. You may vote again before the poll closes; only your last ballot counts.',
  sender: 'This message comes from the credential authority ({authority}), not from the voting server, which never sees your credential.',
  letterTitle: 'Your voting credential',
  letterScan: 'Scan the code with a phone to open your voting page, or type the link.',
  letterVoter: 'Voter',
};
