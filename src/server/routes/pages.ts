// The web pages (built by B2's esbuild script into dist/web/): one HTML file per page, plus their
// scripts and styles. Secrets never reach these routes: a voter's credential and a trustee's or the
// credential authority's token travel in the URL fragment, which the browser does not send.
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { HttpError } from '../errors.js';
import { electionParams, noQuery, trusteeParams } from '../schemas.js';

/** Page route -> HTML file in the web directory. */
export const PAGES: { path: string; file: string; params?: object }[] = [
  { path: '/', file: 'index.html' },
  { path: '/vote/:id', file: 'vote.html', params: electionParams },
  { path: '/preview/:id', file: 'preview.html', params: electionParams }, // the organiser's ballot preview
  { path: '/admin', file: 'admin.html' },
  { path: '/admin/', file: 'admin.html' },
  { path: '/trustee/:id/:trusteeId', file: 'trustee.html', params: trusteeParams },
  { path: '/authority/:id', file: 'authority.html', params: electionParams },
  { path: '/board/:id', file: 'board.html', params: electionParams },
  { path: '/results/:id', file: 'results.html', params: electionParams },
  { path: '/audit/:id', file: 'audit.html', params: electionParams }, // the audit-check page
  { path: '/login', file: 'login.html' }, // accounts
  { path: '/members', file: 'members.html' }, // accounts
  { path: '/meeting/:id', file: 'meeting.html', params: electionParams }, // meetings (the id has an election id's form)
  { path: '/meeting/:id/chair', file: 'meeting-chair.html', params: electionParams }, // meetings
  { path: '/meeting/:id/projector', file: 'meeting-projector.html', params: electionParams }, // meetings
  { path: '/forum/:id', file: 'forum.html', params: electionParams }, // forum (spec §21): a body's forum; the id has a body id's form
];

export async function pageRoutes(app: FastifyInstance, opts: { webDir: string | null }): Promise<void> {
  const webDir = opts.webDir && existsSync(opts.webDir) ? opts.webDir : null;
  if (webDir) {
    // Everything else in the web directory (scripts, styles, images) at its own path.
    await app.register(fastifyStatic, { root: webDir, prefix: '/', index: false, wildcard: true, dotfiles: 'deny', cacheControl: true, maxAge: 0 });
  }
  for (const page of PAGES) {
    app.get(page.path, { schema: { querystring: noQuery, ...(page.params ? { params: page.params } : {}) } }, async (_req, reply) => {
      if (!webDir || !existsSync(`${webDir}/${page.file}`)) throw new HttpError(404, 'no-pages', 'the web pages are not built: run "npm run build:web" (or "npm start", which builds them)');
      return reply.type('text/html; charset=utf-8').sendFile(page.file);
    });
  }
}
