import type { CredentialTexts } from './types.js';

export const es: CredentialTexts = {
  invitationSubject: '{title}: su enlace de votación y su clave',
  reminderSubject: 'Recordatorio: {title}: aún no ha votado',
  greeting: 'Estimado/a {name}:',
  invitationIntro: 'Usted figura en el censo de «{title}». {authority}, la autoridad que emite las claves de votación, le envía su enlace personal y su clave.',
  reminderIntro: 'El registro de «{title}» aún no contiene ninguna papeleta de su clave. Si desea votar, todavía está a tiempo.',
  closesIn: { one: 'La votación cierra en {n} día, el {date}.', many: 'La votación cierra en {n} de días, el {date}.', other: 'La votación cierra en {n} días, el {date}.' },
  closesToday: 'La votación cierra hoy, el {date}.',
  questions: { one: 'La papeleta tiene {n} pregunta.', many: 'La papeleta tiene {n} de preguntas.', other: 'La papeleta tiene {n} preguntas.' },
  weight: { one: 'Su papeleta cuenta con un peso de {n} voto.', many: 'Su papeleta cuenta con un peso de {n} de votos.', other: 'Su papeleta cuenta con un peso de {n} votos.' },
  link: 'Su enlace de votación',
  credential: 'Su clave de votación',
  fingerprint: 'Huella de la votación',
  steps: [
    'Abra el enlace (contiene su clave), o abra la página de votación y escriba la clave.',
    'Compruebe que la página muestra la misma huella de la votación que este mensaje.',
    'Elija y emita la papeleta. Guarde el código de seguimiento que muestra la página: con él podrá comprobar más tarde que su papeleta se contó.',
  ],
  checkFingerprint: 'Si la página muestra otra huella, no vote y avise a los organizadores.',
  secret: 'No comparta la clave: quien la tenga puede votar en su nombre. Puede volver a votar antes del cierre; solo cuenta su última papeleta.',
  sender: 'Este mensaje lo envía la autoridad que emite las claves ({authority}), no el servidor de votación, que nunca ve su clave.',
  letterTitle: 'Su clave de votación',
  letterScan: 'Escanee el código con el teléfono para abrir su página de votación, o escriba el enlace.',
  letterVoter: 'Votante',
};
