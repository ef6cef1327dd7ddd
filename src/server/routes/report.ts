// GET /api/elections/:id/report.pdf?lang=xx: the result report (src/result/pdf.ts), made by this server
// from its record only after its own verifier passed the whole record. A published result is final (no
// event may follow it), so each language's PDF is made once and kept. The results page labels it as
// the server's; `veche result pdf` makes the same report from anyone's own copy of the record.
import type { FastifyInstance } from 'fastify';
import { encodeEvent } from '../../record/events.js';
import { reportFactsFromLines, ReportRefused } from '../../result/from-record.js';
import { renderResultPdf, type ReportFacts } from '../../result/pdf.js';
import { reportLanguage, textsIn } from '../../result/catalogs.js';
import { HttpError } from '../errors.js';
import type { Elections } from '../elections.js';
import { electionParams } from '../schemas.js';

const reportQuery = { type: 'object', properties: { lang: { type: 'string', pattern: '^[a-z]{2,3}$' } }, additionalProperties: false } as const;

export async function reportRoutes(app: FastifyInstance, opts: { elections: Elections; publicUrl?: string | null }): Promise<void> {
  const { elections } = opts;
  const made = new Map<string, Promise<Buffer>>();
  // The record is verified once per election, whatever the number of languages asked for.
  const verified = new Map<string, Promise<ReportFacts>>();

  function factsOf(id: string): Promise<ReportFacts> {
    let facts = verified.get(id);
    if (!facts) {
      facts = (async () => {
        const lines: string[] = [];
        for (let from = 0; ;) {
          const page = await elections.store.events(id, { fromSeq: from, limit: 1000 });
          for (const e of page) lines.push(encodeEvent(e));
          if (page.length < 1000) break;
          from = page[page.length - 1]!.seq + 1;
        }
        const url = opts.publicUrl ? `${opts.publicUrl}/api/elections/${encodeURIComponent(id)}/record` : null;
        return reportFactsFromLines(lines, url);
      })();
      verified.set(id, facts);
      facts.catch(() => verified.delete(id));
    }
    return facts;
  }

  const make = async (id: string, lang: string): Promise<Buffer> => renderResultPdf(await factsOf(id), textsIn(lang));

  app.get<{ Params: { id: string }; Querystring: { lang?: string } }>('/api/elections/:id/report.pdf', { schema: { params: electionParams, querystring: reportQuery } }, async (req, reply) => {
    const board = await elections.current(req.params.id);
    if (board.current.phase !== 'decrypted') throw new HttpError(409, 'no-result', 'the result is not published yet: there is nothing to report');
    const lang = req.query.lang ?? reportLanguage(board.current.manifest.languages);
    try { textsIn(lang); } catch { throw new HttpError(400, 'unknown-language', `no texts in the language "${lang}"`); }
    const key = `${req.params.id}\n${lang}`;
    let pdf = made.get(key);
    if (!pdf) {
      pdf = make(req.params.id, lang);
      made.set(key, pdf);
      pdf.catch(() => made.delete(key)); // a failure is told, not kept
    }
    let bytes: Buffer;
    try { bytes = await pdf; } catch (e) {
      if (e instanceof ReportRefused) throw new HttpError(409, 'not-verified', e.message);
      throw e;
    }
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `attachment; filename="result-${req.params.id}-${lang}.pdf"`);
    return reply.send(bytes);
  });
}
