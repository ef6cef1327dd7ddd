// The result report as a PDF (issue 11, point 7): counts and outcomes with bar charts (pdfkit vectors),
// turnout, the tie-break, the election's fingerprint, who decrypted, and how to check it all, in one of
// the election's languages. Made only from a record that verified (src/result/from-record.ts), never from
// a server's word. DejaVu fonts (Debian's fonts-dejavu-core), which cover Latin and Cyrillic.
import PDFDocument from 'pdfkit';
import { letterFonts } from '../credentials/letters.js';
import { localizedManifest } from '../manifest/localize.js';
import type { Manifest } from '../manifest/types.js';
import type { ResultPayload } from '../record/events.js';
import { electionFingerprint } from '../verify/voter-check.js';
import { summarizeResult, type SummaryBlock } from './summary.js';
import type { Texts } from './texts.js';

/** What the report says, every figure from the verified record. */
export interface ReportFacts {
  manifest: Manifest;
  result: ResultPayload;
  electionHash: string;
  /** Credentials on the list (voters), beside the weights of the result. */
  eligibleVoters: number;
  /** SHA-256 of the record file (its one canonical form, spec §9.1), so a reader can compare copies. */
  recordSha256: string;
  events: number;
  opened: string | null;
  closed: string | null;
  published: string;
  /** Where the record can be downloaded, when known. */
  recordUrl: string | null;
}

const INK = '#111111';
const MUTED = '#555555';
const TRACK = '#e3e6ea';
const FILL = '#3b6fb6';
const WIN = '#1f7a3f';

export function formatInstant(lang: string, iso: string, timeZone: string | undefined): string {
  const opts: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' };
  try {
    return `${new Intl.DateTimeFormat(lang, { ...opts, timeZone: timeZone ?? 'UTC' }).format(new Date(iso))} (${timeZone ?? 'UTC'})`;
  } catch {
    return `${new Intl.DateTimeFormat(lang, { ...opts, timeZone: 'UTC' }).format(new Date(iso))} (UTC)`;
  }
}

/** Renders the report; resolves to the PDF's bytes. */
export async function renderResultPdf(facts: ReportFacts, tx: Texts, fontDir?: string): Promise<Buffer> {
  const fonts = letterFonts(fontDir);
  const manifest = localizedManifest(facts.manifest, tx.lang);
  const doc = new PDFDocument({ size: 'A4', margin: 50, bufferPages: true, lang: tx.lang, info: { Title: `${manifest.title}: ${tx.t('report.kicker')}`, Producer: 'veche' } });
  for (const [k, p] of Object.entries(fonts)) doc.registerFont(k, p);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => { doc.on('end', resolve); doc.on('error', reject); });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom - 20; // room for the footer
  const room = (h: number) => { if (doc.y + h > bottom()) doc.addPage(); };
  const when = (iso: string) => formatInstant(tx.lang, iso, facts.manifest.timeZone);
  const r = facts.result;

  const heading = (text: string, size = 14) => {
    room(size * 3);
    doc.moveDown(0.6);
    doc.font('bold').fontSize(size).fillColor(INK).text(text, left, doc.y, { width });
    doc.moveDown(0.3);
  };
  const para = (text: string, opts: { size?: number; color?: string; font?: string } = {}) => {
    doc.font(opts.font ?? 'regular').fontSize(opts.size ?? 10.5);
    room(doc.heightOfString(text, { width }) + 4);
    doc.fillColor(opts.color ?? INK).text(text, left, doc.y, { width });
    doc.moveDown(0.25);
  };
  const bar = (x: number, y: number, w: number, h: number, part: number, whole: number, color: string) => {
    doc.rect(x, y, w, h).fill(TRACK);
    const f = whole > 0 ? Math.max(0, Math.min(1, part / whole)) : 0;
    if (f > 0) doc.rect(x, y, Math.max(0.8, w * f), h).fill(color);
    doc.fillColor(INK);
  };
  const labelled = (name: string, value: string, mono = false) => {
    room(30);
    doc.font('regular').fontSize(9).fillColor(MUTED).text(name, left, doc.y, { width });
    doc.font(mono ? 'mono' : 'regular').fontSize(mono ? 9.5 : 10.5).fillColor(INK).text(value, left, doc.y + 1, { width });
    doc.moveDown(0.35);
  };

  // Title and the facts that tie this paper to one record.
  doc.font('regular').fontSize(10).fillColor(MUTED).text(tx.t('report.kicker'), left, doc.y, { width });
  doc.font('bold').fontSize(20).fillColor(INK).text(manifest.title, left, doc.y + 2, { width });
  if (facts.manifest.test) para(tx.t('page.testElection'), { color: '#9a3412', font: 'bold' });
  doc.moveDown(0.4);
  labelled(tx.t('report.fingerprint'), electionFingerprint(facts.electionHash), true);
  labelled(tx.t('report.electionHash'), facts.electionHash, true);
  labelled(tx.t('report.recordHash'), `${facts.recordSha256}  (${tx.tn('report.events', facts.events)})`, true);
  if (facts.opened) labelled(tx.t('report.opened'), when(facts.opened));
  if (facts.closed) labelled(tx.t('report.closed'), when(facts.closed));
  labelled(tx.t('report.published'), when(facts.published));

  // Verification and turnout.
  heading(tx.t('report.verification'));
  para(tx.tn('report.checked', r.ballots), { font: 'bold', color: WIN });
  const names = r.trustees.map((id) => facts.manifest.trustees.find((t) => t.id === id)?.name ?? id).join(', ');
  para(tx.t('results.decryptedBy', { trustees: names }));

  heading(tx.t('results.turnout'));
  const voters = tx.tn('results.turnoutVoters', facts.eligibleVoters, { cast: tx.number(r.ballots), share: tx.percent(r.ballots, facts.eligibleVoters) });
  const weights = r.castWeight !== r.ballots || r.eligibleWeight !== facts.eligibleVoters
    ? `; ${tx.t('results.turnoutWeight', { cast: tx.number(r.castWeight), eligible: tx.number(r.eligibleWeight), share: tx.percent(r.castWeight, r.eligibleWeight) })}` : '';
  para(`${voters}${weights}.`);
  room(16);
  bar(left, doc.y, width, 10, r.castWeight, r.eligibleWeight, FILL);
  doc.y += 16;

  // One section per question: outcome, tie-break, the counts as a table with bars.
  const table = (b: SummaryBlock) => {
    const col = { label: width * 0.42, votes: width * 0.12, share: width * 0.12 };
    const barX = left + col.label + col.votes + col.share + 8;
    const barW = left + width - barX;
    // A table is kept on one page when it fits on one: no row parted from its header.
    room(Math.min(18 + b.rows.length * 15, bottom() - doc.page.margins.top - 40));
    doc.font('regular').fontSize(8.5).fillColor(MUTED);
    const y0 = doc.y;
    doc.text(tx.t('report.colItem'), left, y0, { width: col.label });
    doc.text(tx.t('results.colVotes'), left + col.label, y0, { width: col.votes, align: 'right' });
    doc.text(tx.t('report.colShare'), left + col.label + col.votes, y0, { width: col.share, align: 'right' });
    doc.y = y0 + 13;
    for (const row of b.rows) {
      const text = row.note ? `${row.label} — ${row.note}` : row.label;
      doc.font(row.marked ? 'bold' : 'regular').fontSize(10);
      const h = Math.max(14, doc.heightOfString(text, { width: col.label - 4 }) + 3);
      room(h);
      const y = doc.y;
      doc.fillColor(INK).text(text, left, y, { width: col.label - 4 });
      doc.font('regular').text(tx.number(row.votes), left + col.label, y, { width: col.votes, align: 'right' });
      doc.text(tx.percent(row.votes, row.whole), left + col.label + col.votes, y, { width: col.share, align: 'right' });
      bar(barX, y + 1.5, barW, 8, row.votes, row.whole, row.marked ? WIN : FILL);
      doc.y = y + h;
    }
    doc.moveDown(0.3);
  };
  for (const s of summarizeResult(tx, manifest, r.results)) {
    heading(s.title, 13);
    for (const b of s.blocks) {
      if (b.heading) { room(40); doc.font('bold').fontSize(11).fillColor(INK).text(b.heading, left, doc.y, { width }); doc.moveDown(0.15); }
      para(b.outcome, { font: 'bold' });
      table(b);
      for (const f of b.facts) para(f, { size: 9.5, color: MUTED });
    }
    for (const line of s.tieBreak) para(line, { size: 9.5 });
  }

  // How anyone can check this paper against the record.
  heading(tx.t('report.howTitle'));
  const steps = [
    facts.recordUrl ? tx.t('report.howDownload', { url: facts.recordUrl }) : tx.t('report.howDownloadAny'),
    tx.t('report.howHash'),
    tx.t('report.howVerify'),
    tx.t('report.howFingerprint'),
  ];
  steps.forEach((s, i) => para(`${i + 1}. ${s}`));

  // Footer on every page: what this is and where it stands in the pile.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(8).fillColor(MUTED)
      .text(`${manifest.title} · ${electionFingerprint(facts.electionHash)} · ${tx.t('report.page', { page: i + 1, pages: range.count })}`, left, doc.page.height - 36, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
