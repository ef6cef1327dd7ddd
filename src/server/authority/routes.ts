// The server's own mail and, where the server is the credential authority (spec §6.5), its authority
// actions; all for the election's admins (the admin token, or an admin of the election's
// organisation), audited:
//   PUT  /api/elections/:id/server-authority/voters   the register (CSV: email, name, weight, language, voter):
//                                                      the server makes, publishes and mails the credentials
//   GET  /api/elections/:id/server-authority/voters   each voter's mail status (never a credential)
//   POST /api/elections/:id/server-authority/revoke   {voter, reason?, reissue?}: revoke (and re-issue) on the board
//   POST /api/elections/:id/server-authority/address  {voter, email}: a corrected address for a credential not yet mailed
//   POST /api/elections/:id/server-authority/bounced  {addresses} or {notice}: mails that came back, marked bounced
//   POST /api/elections/:id/server-authority/bounced/address  {voter, email}: a bounced voter's credential
//                                                      re-issued to a corrected address
//   PUT  /api/elections/:id/mail-settings             {reminders: [ISO times], trustees: {id: address}}
//   GET  /api/elections/:id/mail-settings             those settings, and which rounds are done
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Access } from '../accounts/access.js';
import { requireAdmin } from '../auth.js';
import type { Elections } from '../elections.js';
import { HttpError } from '../errors.js';
import { electionParams, noQuery } from '../schemas.js';
import { EMAIL } from '../voter-auth/register.js';
import type { Outbox } from '../mail/outbox.js';
import type { MailSettings } from '../mail/store.js';
import type { ServerAuthority } from './server-authority.js';
import { markBouncedMails, reissueBounced, type BounceInput } from './bounces.js'; // bounced mails

type IdParams = { id: string };
const registerBody = { type: 'object', additionalProperties: false, required: ['csv'], properties: { csv: { type: 'string', minLength: 1, maxLength: 64 * 1024 * 1024 } } } as const;
const revokeBody = { type: 'object', additionalProperties: false, required: ['voter'], properties: { voter: { type: 'string', minLength: 1, maxLength: 254 }, reason: { type: 'string', maxLength: 500 }, reissue: { type: 'boolean' } } } as const;
const addressBody = { type: 'object', additionalProperties: false, required: ['voter', 'email'], properties: { voter: { type: 'string', minLength: 1, maxLength: 254 }, email: { type: 'string', minLength: 3, maxLength: 254 } } } as const;
const settingsBody = {
  type: 'object', additionalProperties: false, required: ['reminders', 'trustees'],
  properties: {
    reminders: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 40 } },
    trustees: { type: 'object', maxProperties: 100, additionalProperties: { type: 'string', minLength: 3, maxLength: 254 } },
  },
} as const;
// -- bounced mails
const BOUNCE_NOTICE_LIMIT = 16 * 1024 * 1024; // an mbox of bounce notices
const bouncedBody = { type: 'object', additionalProperties: false, properties: { addresses: { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'string', maxLength: 254 } }, notice: { type: 'string', minLength: 1, maxLength: BOUNCE_NOTICE_LIMIT } } } as const;
// -- end bounced mails
export const SERVER_REGISTER_BODY_LIMIT = 64 * 1024 * 1024;

/** ISO 8601 with a zone ("Z" or ±hh:mm), like the manifest's times. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export async function serverAuthorityRoutes(app: FastifyInstance, opts: { elections: Elections; authority: ServerAuthority; outbox: Outbox; access?: Access | null }): Promise<void> {
  const { elections, authority, outbox } = opts;
  const access = opts.access ?? null;
  app.addHook('onRequest', async (req: FastifyRequest<{ Params: Partial<IdParams> }>) => {
    const id = req.params.id ?? '';
    const action = (req.routeOptions.url ?? '').split('/').slice(4).join('-'); // server-authority-voters, mail-settings, …
    if (access) await access.requireElection(req, id, ['admin'], action);
    else await requireAdmin(elections.store, req);
  });
  if (access) app.addHook('onSend', async (req, reply, payload) => { await access.auditReply(req, reply, payload); return payload; });

  app.put<{ Params: IdParams; Body: { csv: string } }>('/api/elections/:id/server-authority/voters', { bodyLimit: SERVER_REGISTER_BODY_LIMIT, schema: { params: electionParams, querystring: noQuery, body: registerBody } }, async (req) => {
    outbox.requireEnabled(); // credentials that cannot be mailed are not made
    return authority.issue(req.params.id, req.body.csv);
  });

  app.get<{ Params: IdParams }>('/api/elections/:id/server-authority/voters', { schema: { params: electionParams, querystring: noQuery } }, async (req) => ({ voters: await authority.voters(req.params.id) }));

  app.post<{ Params: IdParams; Body: { voter: string; reason?: string; reissue?: boolean } }>('/api/elections/:id/server-authority/revoke', { schema: { params: electionParams, querystring: noQuery, body: revokeBody } }, async (req) => {
    if (req.body.reissue) outbox.requireEnabled();
    return authority.revoke(req.params.id, req.body.voter, req.body.reason ?? '', req.body.reissue === true);
  });

  app.post<{ Params: IdParams; Body: { voter: string; email: string } }>('/api/elections/:id/server-authority/address', { schema: { params: electionParams, querystring: noQuery, body: addressBody } }, async (req) => {
    outbox.requireEnabled();
    return authority.correctAddress(req.params.id, req.body.voter, req.body.email);
  });

  // -- bounced mails (./bounces.ts)
  app.post<{ Params: IdParams; Body: BounceInput }>('/api/elections/:id/server-authority/bounced', { bodyLimit: BOUNCE_NOTICE_LIMIT + 64 * 1024, schema: { params: electionParams, querystring: noQuery, body: bouncedBody } }, async (req) =>
    markBouncedMails(authority, req.params.id, req.body));

  app.post<{ Params: IdParams; Body: { voter: string; email: string } }>('/api/elections/:id/server-authority/bounced/address', { schema: { params: electionParams, querystring: noQuery, body: addressBody } }, async (req) => {
    outbox.requireEnabled();
    return reissueBounced(authority, elections, req.params.id, req.body.voter, req.body.email);
  });
  // -- end bounced mails

  app.put<{ Params: IdParams; Body: MailSettings }>('/api/elections/:id/mail-settings', { schema: { params: electionParams, querystring: noQuery, body: settingsBody } }, async (req) => {
    const board = await elections.current(req.params.id);
    const m = board.current.manifest;
    const problems: string[] = [];
    const reminders = [...new Set(req.body.reminders.map((t, i) => {
      if (!INSTANT.test(t) || Number.isNaN(Date.parse(t))) { problems.push(`reminders[${i}]: ${JSON.stringify(t)} is not a time like 2027-03-08T09:00:00Z`); return ''; }
      if (m.closes !== undefined && Date.parse(t) >= Date.parse(m.closes)) problems.push(`reminders[${i}]: ${t} is not before the poll closes (${m.closes})`);
      return new Date(t).toISOString();
    }))].sort();
    for (const [t, address] of Object.entries(req.body.trustees)) {
      if (!m.trustees.some((x) => x.id === t)) problems.push(`trustees: no trustee ${JSON.stringify(t)} in this election`);
      if (!EMAIL.test(address)) problems.push(`trustees.${t}: ${JSON.stringify(address.slice(0, 70))} is not an e-mail address`);
    }
    if (problems.length) throw new HttpError(400, 'bad-mail-settings', `the mail settings are refused, nothing changed: ${problems.join('; ')}`);
    const settings: MailSettings = { reminders, trustees: Object.fromEntries(Object.entries(req.body.trustees).map(([t, a]) => [t, a.toLowerCase()])) };
    await outbox.store.setSettings(req.params.id, settings);
    return { ...settings, mail: outbox.why() ?? 'on' };
  });

  app.get<{ Params: IdParams }>('/api/elections/:id/mail-settings', { schema: { params: electionParams, querystring: noQuery } }, async (req) => {
    await elections.current(req.params.id);
    return { ...((await outbox.store.settings(req.params.id)) ?? { reminders: [], trustees: {} }), done: await outbox.store.doneRounds(req.params.id), mail: outbox.why() ?? 'on' };
  });
}
