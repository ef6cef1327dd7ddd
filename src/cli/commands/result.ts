// `veche result pdf|csv RECORD`: the result as people take it away, made from a record that verifies.
import { existsSync, writeFileSync } from 'node:fs';
import { parse, required, UsageError } from '../args.js';
import { reportFactsFromFile, ReportRefused } from '../../result/from-record.js';
import { renderResultPdf } from '../../result/pdf.js';
import { reportLanguage, textsIn } from '../../result/catalogs.js';
import { resultCsv } from '../../result/csv.js';
import { MissingFontError } from '../../credentials/letters.js';

export const RESULT_HELP = `Usage: veche result pdf RECORD --out result.pdf [--language LANG] [--record-url URL]
       veche result csv RECORD --out result.csv

Verifies the record (every check, and a published result) and writes the result from it alone:
  pdf   a report: counts and outcomes with bar charts, turnout, the tie-break, the election's
        fingerprint, the record's SHA-256, who decrypted, and how to verify (fonts: Debian's
        fonts-dejavu-core, or VECHE_FONT_DIR)
  csv   every count with its outcome (RFC 4180)
A record that does not verify gets no file (exit 1).
  --out FILE        where to write (an existing file is replaced)
  --language LANG   the report's language (default: the election's first language that veche has
                    texts in, else English)
  --record-url URL  where readers can download the record, printed under "how to verify"
`;

export async function resultCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') { process.stdout.write(RESULT_HELP); return sub ? 0 : 2; }
  if (sub !== 'pdf' && sub !== 'csv') throw new UsageError(`unknown subcommand "${sub}" (pdf or csv)`);
  const { values, positionals } = parse(rest, { out: { type: 'string' }, language: { type: 'string' }, 'record-url': { type: 'string' } }, true);
  if (values.help) { process.stdout.write(RESULT_HELP); return 0; }
  if (positionals.length !== 1) throw new UsageError('name one record file (see veche result --help)');
  const record = positionals[0]!;
  const out = required(values, 'out');
  if (!existsSync(record)) throw new UsageError(`no such file: ${record}`);
  if (sub === 'csv' && (values.language !== undefined || values['record-url'] !== undefined)) throw new UsageError('--language and --record-url are for the PDF');
  let facts;
  try {
    facts = await reportFactsFromFile(record, (values['record-url'] as string | undefined) ?? null);
  } catch (e) {
    if (e instanceof ReportRefused) { process.stderr.write(`veche result: ${e.message}\n`); return 1; }
    throw e;
  }
  if (sub === 'csv') {
    writeFileSync(out, resultCsv(facts.manifest, facts.result, facts.eligibleVoters));
    process.stdout.write(`wrote ${out}: the counts of ${facts.manifest.questions.length} question(s) from the verified record\n`);
    return 0;
  }
  const lang = values.language !== undefined ? (values.language as string) : reportLanguage(facts.manifest.languages);
  let texts;
  try { texts = textsIn(lang); } catch (e) { throw new UsageError((e as Error).message); }
  let pdf: Buffer;
  try { pdf = await renderResultPdf(facts, texts); } catch (e) {
    if (e instanceof MissingFontError) { process.stderr.write(`veche result: ${e.message}\n`); return 1; }
    throw e;
  }
  writeFileSync(out, pdf);
  process.stdout.write(`wrote ${out} (${lang}, ${pdf.length} bytes) from the verified record ${facts.recordSha256}\n`);
  return 0;
}
