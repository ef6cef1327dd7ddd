import type { ServerMailTexts } from './server-types.js';

export const serverFr: ServerMailTexts = {
  serverSender: 'Ce message vient du serveur de vote, qui est lui-même l’autorité des codes de vote de cette élection ({authority}) : il a créé votre code et l’a oublié dès l’envoi de ce message.',
  announcementSubject: '{title} : le scrutin est ouvert',
  announcementIntro: 'Le scrutin « {title} » est ouvert. Votez avec le lien et le code de vote qui vous ont été envoyés.',
  reminderSubject: 'Rappel : {title} : vous n’avez pas encore voté',
  reminderIntro: 'Le registre de « {title} » ne contient encore aucun bulletin de votre code de vote. Si vous souhaitez voter, il est encore temps.',
  credentialWhere: 'Votre code de vote figure dans le premier message reçu pour cette élection. Si vous l’avez perdu, adressez-vous aux organisateurs : ils peuvent l’annuler et vous en faire envoyer un nouveau.',
  votingPage: 'Page de vote',
  trusteeSubject: '{title} : votre étape de dépositaire est due',
  trusteeIntro: 'Bonjour {name}, en tant que dépositaire de « {title} », vous avez une étape à accomplir maintenant.',
  trusteeSteps: {
    commitment: 'La cérémonie des clés a commencé : publiez l’engagement sur votre clé.',
    key: 'Tous les dépositaires se sont engagés : publiez votre clé.',
    shares: 'Les clés de tous les dépositaires sont publiées : envoyez vos parts aux autres dépositaires.',
    ready: 'Les parts de tous les dépositaires sont publiées : vérifiez les parts reçues et déclarez-vous prêt.',
    decrypt: 'Le scrutin est clos et le décompte chiffré est au tableau : déchiffrez-le avec votre part.',
  },
  trusteeHow: 'Ouvrez votre page de dépositaire avec votre propre fichier secret (il ne quitte jamais votre appareil). La page vérifie le registre avant de signer quoi que ce soit.',
  trusteePage: 'Votre page de dépositaire',
  signInSubject: "Connexion pour voter : {title}",
  signInIntro: "Pour voter dans « {title} », ouvrez ce lien dans les {minutes} minutes. Il ne sert qu’une fois.",
  signInCredential: "Il vous faut toujours votre code de vote, envoyé par l’autorité des codes de vote.",
  signInIgnore: "Si vous n’avez rien demandé, ignorez ce message : personne ne peut voter avec le lien seul.",
  automatic: 'Envoyé automatiquement par le serveur de vote {host}.',
};
