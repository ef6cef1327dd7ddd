// A search query as both stores read it: its words only (letters and digits, as the tokenizers cut
// them), at most 16, all required. Quotes, *, NEAR, :, &, | and parentheses are never operators: each
// store is given only quoted words (FTS5) or a plain-text query (PostgreSQL), so no input is syntax.
export const MAX_QUERY_WORDS = 16;

export function queryWords(q: string): string[] {
  return [...new Set((q.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_QUERY_WORDS))];
}

/** The FTS5 MATCH expression: each word as a quoted string (its own quotes doubled; words have none). */
export const fts5Match = (words: string[]): string => words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' ');
