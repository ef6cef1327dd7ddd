import type { ServerMailTexts } from './server-types.js';

export const serverDe: ServerMailTexts = {
  serverSender: 'Diese Nachricht kommt vom Abstimmungsserver, der in dieser Wahl selbst die Zugangsschlüssel ausgibt ({authority}): Er hat Ihren Schlüssel erzeugt und ihn vergessen, sobald diese Nachricht versandt war.',
  announcementSubject: '{title}: die Abstimmung ist eröffnet',
  announcementIntro: 'Die Abstimmung „{title}“ ist eröffnet. Stimmen Sie mit dem Link und dem Schlüssel ab, die Ihnen zugeschickt wurden.',
  reminderSubject: 'Erinnerung: {title}: Sie haben noch nicht abgestimmt',
  reminderIntro: 'Das Protokoll von „{title}“ enthält noch keinen Stimmzettel Ihres Schlüssels. Wenn Sie abstimmen möchten, ist noch Zeit.',
  credentialWhere: 'Ihr Schlüssel steht in der ersten Nachricht zu dieser Wahl. Haben Sie ihn verloren, wenden Sie sich an die Organisatoren: Sie können ihn sperren und Ihnen einen neuen schicken lassen.',
  votingPage: 'Abstimmungsseite',
  trusteeSubject: '{title}: Ihr Schritt als Treuhänder ist fällig',
  trusteeIntro: 'Guten Tag {name}, als Treuhänder von „{title}“ ist jetzt ein Schritt von Ihnen fällig.',
  trusteeSteps: {
    commitment: 'Die Schlüsselzeremonie hat begonnen: Veröffentlichen Sie die Festlegung auf Ihren Schlüssel.',
    key: 'Alle Treuhänder haben sich festgelegt: Veröffentlichen Sie Ihren Schlüssel.',
    shares: 'Die Schlüssel aller Treuhänder sind veröffentlicht: Senden Sie Ihre Anteile an die anderen Treuhänder.',
    ready: 'Die Anteile aller Treuhänder sind veröffentlicht: Prüfen Sie die erhaltenen Anteile und melden Sie sich bereit.',
    decrypt: 'Die Abstimmung ist geschlossen und die verschlüsselte Auszählung steht auf der Tafel: Entschlüsseln Sie sie mit Ihrem Anteil.',
  },
  trusteeHow: 'Öffnen Sie Ihre Treuhänderseite mit Ihrer eigenen geheimen Datei (sie verlässt Ihr Gerät nie). Die Seite prüft das Protokoll, bevor sie etwas unterschreibt.',
  trusteePage: 'Ihre Treuhänderseite',
  signInSubject: "Anmeldung zur Abstimmung: {title}",
  signInIntro: "Um in „{title}“ abzustimmen, öffnen Sie diesen Link innerhalb von {minutes} Minuten. Er funktioniert einmal.",
  signInCredential: "Ihren Zugangsschlüssel erhalten Sie weiterhin von der ausgebenden Stelle.",
  signInIgnore: "Wenn Sie dies nicht angefordert haben, ignorieren Sie diese Nachricht: Mit dem Link allein kann niemand abstimmen.",
  automatic: 'Automatisch versandt vom Abstimmungsserver {host}.',
};
