// Printed credential letters: one PDF, one A4 page per voter, with the voter's name, the election's
// fingerprint, the credential, a QR code of the voting link and the instructions in the voter's
// language. Made on the credential authority's machine, where the credentials are. The fonts are
// DejaVu (Debian's fonts-dejavu-core), which cover Latin, Cyrillic and Greek.
import { createWriteStream, existsSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { letterContent, type CredentialNotice } from './templates/render.js';

export const DEFAULT_FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONTS = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf', monoBold: 'DejaVuSansMono-Bold.ttf' } as const;

export class MissingFontError extends Error {
  override name = 'MissingFontError';
}

/** The DejaVu font files, or a clear error naming the package that has them. */
export function letterFonts(dir = process.env.VECHE_FONT_DIR || DEFAULT_FONT_DIR): Record<keyof typeof FONTS, string> {
  const paths = Object.fromEntries(Object.entries(FONTS).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof FONTS, string>;
  const missing = Object.values(paths).filter((p) => !existsSync(p));
  if (missing.length) throw new MissingFontError(`the letters need the DejaVu fonts (Latin and Cyrillic), not found: ${missing.join(', ')}. Install the Debian package fonts-dejavu-core (scripts/install-system-deps.sh does), or set VECHE_FONT_DIR to a folder holding ${Object.values(FONTS).join(', ')}`);
  return paths;
}

export interface Letter { language: string; notice: CredentialNotice }

/** Draws the QR code as filled squares (vector: sharp at any print size). */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const cell = size / (modules.size + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  for (let r = 0; r < modules.size; r++) {
    for (let c = 0; c < modules.size; c++) {
      if (modules.get(r, c)) doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell, cell);
    }
  }
  doc.fill('#000000');
  doc.restore();
}

/** Writes the letters to `path` (readable by its owner only: it holds every credential). */
export async function writeLetters(path: string, letters: Letter[], fontDir?: string): Promise<number> {
  const fonts = letterFonts(fontDir);
  const doc = new PDFDocument({ size: 'A4', margin: 56, autoFirstPage: false, info: { Title: letters[0] ? `${letters[0].notice.title}: credentials` : 'credentials', Producer: 'veche' } });
  for (const [k, p] of Object.entries(fonts)) doc.registerFont(k, p);
  const out = createWriteStream(path, { mode: 0o600 });
  doc.pipe(out);
  let pages = 0;
  doc.on('pageAdded', () => { pages++; });
  for (const [i, { language, notice: n }] of letters.entries()) {
    doc.addPage();
    const c = letterContent(language, n);
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc.font('bold').fontSize(20).text(c.title, { width });
    doc.moveDown(0.3);
    doc.font('regular').fontSize(13).text(n.title, { width });
    doc.moveDown(0.8);
    doc.font('regular').fontSize(10).fillColor('#555555').text(c.voterLabel, { width });
    doc.font('bold').fontSize(14).fillColor('#000000').text(n.name, { width });
    doc.moveDown(0.8);
    doc.font('regular').fontSize(10.5).text(c.intro, { width });
    if (c.facts) doc.text(c.facts, { width });
    doc.moveDown(1);

    const qrSize = 150;
    const top = doc.y;
    drawQr(doc, n.link, left, top, qrSize);
    const textX = left + qrSize + 18;
    const textWidth = width - qrSize - 18;
    doc.font('regular').fontSize(10).fillColor('#555555').text(c.labels.credential, textX, top + 8, { width: textWidth });
    doc.font('monoBold').fontSize(15).fillColor('#000000').text(n.credential, textX, doc.y + 2, { width: textWidth });
    doc.moveDown(0.8);
    doc.font('regular').fontSize(10).fillColor('#555555').text(c.labels.fingerprint, textX, doc.y, { width: textWidth });
    doc.font('mono').fontSize(14).fillColor('#000000').text(n.fingerprint, textX, doc.y + 2, { width: textWidth });
    doc.moveDown(0.8);
    doc.font('regular').fontSize(9.5).text(c.scan, textX, doc.y, { width: textWidth });
    doc.y = Math.max(doc.y, top + qrSize) + 12;

    doc.font('regular').fontSize(10).fillColor('#555555').text(c.labels.link, left, doc.y, { width });
    doc.font('mono').fontSize(8).fillColor('#000000').text(n.link, left, doc.y + 2, { width });
    doc.moveDown(1.2);
    doc.font('regular').fontSize(10.5);
    c.steps.forEach((s, i) => { doc.text(`${i + 1}. ${s}`, left, doc.y, { width }); doc.moveDown(0.3); });
    doc.moveDown(0.6);
    for (const line of c.after) { doc.text(line, left, doc.y, { width }); doc.moveDown(0.4); }
    // A page per voter, or the printed pile no longer matches the list: refuse rather than mis-collate.
    if (pages !== i + 1) {
      doc.end();
      out.destroy();
      rmSync(path, { force: true });
      throw new Error(`the letter of "${n.name}" does not fit on one page (a very long title or name?); no PDF written`);
    }
  }
  doc.end();
  await once(out, 'finish');
  return letters.length;
}
