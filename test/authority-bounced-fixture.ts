// Shared by test/authority-bounced*.test.ts: bounce notices as a mailbox saves them. The layout is
// Postfix's own (bounce(8): multipart/report with the human-readable part, the message/delivery-status
// part of RFC 3464 with folded Diagnostic-Code lines, and the returned message's headers, which name the
// recipient again in To: and must not count). Only exports: `node --test dist/test/` also loads this
// file, and then it defines no test.

const BOUNDARY = '3F2A81C0E2.1764583205/mail.example.org';

/** One bounce notice (.eml, CRLF) reporting `failed` as failed and `delayed` as delayed. */
export function postfixBounce(failed: string[], delayed: string[] = []): string {
  const human = [
    ...failed.map((a) => [`<${a}>: host mx.example.org[192.0.2.25] said: 550 5.1.1`, `    <${a}>: Recipient address rejected: User unknown in virtual`, '    mailbox table (in reply to RCPT TO command)', '']),
    ...delayed.map((a) => [`<${a}>: host mx.example.org[192.0.2.25] said: 451 4.7.1 try again later`, '']),
  ].flat();
  const blocks = [
    ...failed.map((a) => [`Final-Recipient: rfc822; ${a}`, `Original-Recipient: rfc822;${a}`, 'Action: failed', 'Status: 5.1.1', 'Remote-MTA: dns; mx.example.org',
      `Diagnostic-Code: smtp; 550 5.1.1 <${a}>: Recipient address`, '    rejected: User unknown in virtual mailbox table', '']),
    ...delayed.map((a) => [`Final-Recipient: rfc822; ${a}`, `Original-Recipient: rfc822;${a}`, 'Action: delayed', 'Status: 4.7.1', 'Remote-MTA: dns; mx.example.org',
      'Diagnostic-Code: smtp; 451 4.7.1 try again later', '']),
  ].flat();
  return [
    'Return-Path: <>',
    'Delivered-To: authority@example.org',
    'Received: by mail.example.org (Postfix)',
    '\tid 3F2A81C0E2; Tue,  1 Dec 2026 10:00:05 +0000 (UTC)',
    'Date: Tue,  1 Dec 2026 10:00:05 +0000 (UTC)',
    'From: MAILER-DAEMON@mail.example.org (Mail Delivery System)',
    'Subject: Undelivered Mail Returned to Sender',
    'To: authority@example.org',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    `\tboundary="${BOUNDARY}"`,
    'Content-Transfer-Encoding: 8bit',
    'Message-Id: <20261201100005.3F2A81C0E2@mail.example.org>',
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${BOUNDARY}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'This is the mail system at host mail.example.org.',
    '',
    "I'm sorry to have to inform you that your message could not",
    "be delivered to one or more recipients. It's attached below.",
    '',
    ...human,
    `--${BOUNDARY}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.example.org',
    'X-Postfix-Queue-ID: 3F2A81C0E2',
    'X-Postfix-Sender: rfc822; noreply@veche.example',
    'Arrival-Date: Tue,  1 Dec 2026 10:00:04 +0000 (UTC)',
    '',
    ...blocks,
    `--${BOUNDARY}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Return-Path: <noreply@veche.example>',
    'From: veche <noreply@veche.example>',
    'Subject: Your credential for the election',
    `To: ${[...failed, ...delayed].join(', ')}`,
    '',
    `--${BOUNDARY}--`,
    '',
  ].join('\r\n');
}

/** An mbox (LF, "From " separators) of several notices, as a mail client exports a folder. */
export function mbox(...notices: string[]): string {
  return notices.map((n) => `From MAILER-DAEMON Tue Dec  1 10:00:05 2026\n${n.replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`).join('');
}
