import type { CredentialTexts } from './types.js';

export const fr: CredentialTexts = {
  invitationSubject: '{title} : votre lien de vote et votre code d’accès',
  reminderSubject: 'Rappel : {title} : vous n’avez pas encore voté',
  greeting: 'Bonjour {name},',
  invitationIntro: 'Vous êtes inscrit·e sur la liste électorale de « {title} ». {authority}, l’autorité qui délivre les codes d’accès, vous envoie votre lien de vote personnel et votre code.',
  reminderIntro: 'Le registre de « {title} » ne contient encore aucun bulletin de votre code. Si vous souhaitez voter, il est encore temps.',
  closesIn: { one: 'Le scrutin ferme dans {n} jour, le {date}.', many: 'Le scrutin ferme dans {n} de jours, le {date}.', other: 'Le scrutin ferme dans {n} jours, le {date}.' },
  closesToday: 'Le scrutin ferme aujourd’hui, le {date}.',
  questions: { one: 'Le bulletin comporte {n} question.', many: 'Le bulletin comporte {n} de questions.', other: 'Le bulletin comporte {n} questions.' },
  weight: { one: 'Votre bulletin compte pour {n} voix.', many: 'Votre bulletin compte pour {n} de voix.', other: 'Votre bulletin compte pour {n} voix.' },
  link: 'Votre lien de vote',
  credential: 'Votre code d’accès',
  fingerprint: 'Empreinte du scrutin',
  steps: [
    'Ouvrez le lien (il contient votre code), ou ouvrez la page de vote et saisissez le code.',
    'Vérifiez que la page affiche la même empreinte du scrutin que ce message.',
    'Faites vos choix et déposez le bulletin. Gardez le code de suivi que la page affiche : il vous permettra de vérifier plus tard que votre bulletin a été compté.',
  ],
  checkFingerprint: 'Si la page affiche une autre empreinte, ne votez pas et prévenez les organisateurs.',
  secret: 'Gardez ce code pour vous : qui le détient peut voter à votre place. Vous pouvez voter à nouveau avant la clôture ; seul votre dernier bulletin compte.',
  sender: 'Ce message vient de l’autorité qui délivre les codes ({authority}), pas du serveur de vote, qui ne voit jamais votre code.',
  letterTitle: 'Votre code d’accès',
  letterScan: 'Scannez le code avec un téléphone pour ouvrir votre page de vote, ou saisissez le lien.',
  letterVoter: 'Électeur·rice',
};
