import type { ServerMailTexts } from './server-types.js';

export const serverEs: ServerMailTexts = {
  serverSender: 'Este mensaje viene del servidor de votación, que en esta elección es la propia autoridad de credenciales ({authority}): creó su credencial y la olvidó en cuanto envió este mensaje.',
  announcementSubject: '{title}: la votación está abierta',
  announcementIntro: 'La votación «{title}» está abierta. Vote con el enlace y la credencial que se le enviaron.',
  reminderSubject: 'Recordatorio: {title}: aún no ha votado',
  reminderIntro: 'El registro de «{title}» aún no contiene ninguna papeleta de su credencial. Si quiere votar, todavía está a tiempo.',
  credentialWhere: 'Su credencial está en el primer mensaje que recibió sobre esta elección. Si la perdió, diríjase a los organizadores: pueden anularla y hacer que le envíen una nueva.',
  votingPage: 'Página de votación',
  trusteeSubject: '{title}: le toca su paso como custodio',
  trusteeIntro: 'Estimado/a {name}: como custodio de «{title}», ahora le toca dar un paso.',
  trusteeSteps: {
    commitment: 'La ceremonia de claves ha comenzado: publique el compromiso con su clave.',
    key: 'Todos los custodios se han comprometido: publique su clave.',
    shares: 'Las claves de todos los custodios están publicadas: envíe sus partes a los demás custodios.',
    ready: 'Las partes de todos los custodios están publicadas: compruebe las partes recibidas y declárese listo.',
    decrypt: 'La votación está cerrada y el recuento cifrado está en el tablón: descífrelo con su parte.',
  },
  trusteeHow: 'Abra su página de custodio con su propio archivo secreto (nunca sale de su dispositivo). La página comprueba el registro antes de firmar nada.',
  trusteePage: 'Su página de custodio',
  signInSubject: "Acceso para votar: {title}",
  signInIntro: "Para votar en «{title}», abra este enlace en los próximos {minutes} minutos. Funciona una sola vez.",
  signInCredential: "Sigue necesitando su credencial de votación, que le envía la autoridad de credenciales.",
  signInIgnore: "Si no lo ha pedido, ignore este mensaje: nadie puede votar solo con el enlace.",
  automatic: 'Enviado automáticamente por el servidor de votación {host}.',
};
