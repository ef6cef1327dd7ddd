import type { CredentialTexts } from './types.js';

export const de: CredentialTexts = {
  invitationSubject: '{title}: Ihr Abstimmungslink und Ihr Zugangsschlüssel',
  reminderSubject: 'Erinnerung: {title}: Sie haben noch nicht abgestimmt',
  greeting: 'Guten Tag {name},',
  invitationIntro: 'Sie stehen im Wählerverzeichnis von „{title}“. {authority}, die Ausgabestelle der Zugangsschlüssel, sendet Ihnen Ihren persönlichen Link und Ihren Schlüssel.',
  reminderIntro: 'Das Protokoll von „{title}“ enthält noch keinen Stimmzettel Ihres Schlüssels. Wenn Sie abstimmen möchten, ist noch Zeit.',
  closesIn: { one: 'Die Abstimmung endet in {n} Tag, am {date}.', other: 'Die Abstimmung endet in {n} Tagen, am {date}.' },
  closesToday: 'Die Abstimmung endet heute, am {date}.',
  questions: { one: 'Der Stimmzettel hat {n} Frage.', other: 'Der Stimmzettel hat {n} Fragen.' },
  weight: { one: 'Ihr Stimmzettel zählt mit dem Gewicht von {n} Stimme.', other: 'Ihr Stimmzettel zählt mit dem Gewicht von {n} Stimmen.' },
  link: 'Ihr Abstimmungslink',
  credential: 'Ihr Zugangsschlüssel',
  fingerprint: 'Fingerabdruck der Abstimmung',
  steps: [
    'Öffnen Sie den Link (er enthält Ihren Schlüssel) oder öffnen Sie die Abstimmungsseite und geben Sie den Schlüssel ein.',
    'Prüfen Sie, dass die Seite denselben Fingerabdruck der Abstimmung zeigt wie diese Nachricht.',
    'Treffen Sie Ihre Wahl und geben Sie den Stimmzettel ab. Bewahren Sie den angezeigten Prüfcode auf: damit können Sie später prüfen, dass Ihr Stimmzettel gezählt wurde.',
  ],
  checkFingerprint: 'Zeigt die Seite einen anderen Fingerabdruck, stimmen Sie nicht ab und benachrichtigen Sie die Organisatoren.',
  secret: 'Geben Sie den Schlüssel niemandem: wer ihn hat, kann in Ihrem Namen abstimmen. Bis zum Ende der Abstimmung können Sie erneut abstimmen; nur Ihr letzter Stimmzettel zählt.',
  sender: 'Diese Nachricht kommt von der Ausgabestelle der Schlüssel ({authority}), nicht vom Abstimmungsserver, der Ihren Schlüssel nie sieht.',
  letterTitle: 'Ihr Zugangsschlüssel',
  letterScan: 'Scannen Sie den Code mit dem Telefon, um Ihre Abstimmungsseite zu öffnen, oder tippen Sie den Link ein.',
  letterVoter: 'Wähler/in',
};
