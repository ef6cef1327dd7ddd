// A motion's text as amended (docs/spec.md §19 M11). A text is a list of paragraphs separated by one
// blank line ("\n\n"); an amendment replaces paragraph n (numbered from 1) with its text, deletes it
// (an empty text), or replaces the whole text (paragraph 0). Adopted amendments apply in the order they
// were voted, each to the text as amended so far. Paragraph numbers stay stable under deletions: a
// deleted paragraph keeps its (empty) place, so "paragraph 3" means the same paragraph before and after
// paragraph 2 was struck; only a whole-text replacement renumbers.
// The board, the verifier and the pages all compute the amended text with these functions alone.

export const PARAGRAPH_BREAK = '\n\n';

export interface Amendment { paragraph: number; text: string }

/** The paragraph places of a text as put (or as a whole-text replacement gives it). */
export const paragraphsOf = (text: string): string[] => text.split(PARAGRAPH_BREAK);

/** The places after `a`; throws RangeError if `a` names a paragraph the text does not have. */
export function applyAmendment(places: readonly string[], a: Amendment): string[] {
  if (a.paragraph === 0) return paragraphsOf(a.text);
  if (!Number.isSafeInteger(a.paragraph) || a.paragraph < 0 || a.paragraph > places.length) throw new RangeError(`the text has no paragraph ${a.paragraph} (it has ${places.length})`);
  const next = [...places];
  next[a.paragraph - 1] = a.text;
  return next;
}

/** The text the places read as: deleted (empty) paragraphs left out. */
export const textOf = (places: readonly string[]): string => places.filter((p) => p !== '').join(PARAGRAPH_BREAK);

/** The motion's text after the adopted amendments, in the order they were voted. */
export const amendedText = (original: string, adopted: readonly Amendment[]): string => textOf(adopted.reduce(applyAmendment, paragraphsOf(original)));
