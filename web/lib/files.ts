// Files that stay on the person's machine: downloads made in the page, files read in the page, CSV.
import { h } from './dom.js';

/** Offers `content` as a file download (nothing is sent anywhere). */
export function download(filename: string, content: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([content], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const readFile = (file: File): Promise<string> => file.text();

/**
 * A labelled file field whose chosen file is read as text in the page and handed to `onText`; the input
 * is emptied after each read, so the same file may be chosen again.
 */
export function textFileField(f: { id: string; label: string; hint: string; accept: string; disabled: boolean }, onText: (text: string) => void): HTMLElement {
  return h('div', { class: 'field' },
    h('label', { for: f.id }, f.label),
    h('p', { class: 'hint', id: `${f.id}-hint` }, f.hint),
    h('input', { id: f.id, type: 'file', accept: f.accept, 'aria-describedby': `${f.id}-hint`, disabled: f.disabled, onChange: async (e: Event) => {
      const input = e.target as HTMLInputElement;
      const file = input.files?.[0];
      if (!file) return;
      const text = await file.text();
      input.value = '';
      onText(text);
    } }));
}

/**
 * RFC 4180 CSV: double-quoted fields with "" for a quote, CRLF or LF line ends. The separator is a comma,
 * or a semicolon when the first line has semicolons and no comma (as spreadsheets in many locales write).
 */
export function parseCsv(text: string): string[][] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const separator = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === separator) { row.push(field); field = ''; i++; continue; }
    if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    i++;
  }
  if (quoted) throw new Error('csv: a quoted field is not closed');
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** One CSV field; a leading = + - @ is escaped so a spreadsheet never runs it as a formula. */
function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const toCsv = (rows: (string | number)[][]): string => rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';

/** A file name part from an id: only [a-z0-9-]. */
export const safeName = (s: string): string => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 64) || 'file';
