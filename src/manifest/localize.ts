// The manifest's texts in one of its languages (spec §5.2): a copy whose titles, descriptions and labels
// come from `translations[lang]` where given, else as written. Ids, rules and order never change, so
// whatever is counted or verified is the same in every language. Browser-safe.
import type { Manifest, Option, Question } from './types.js';

export function localizedManifest(m: Manifest, lang: string): Manifest {
  const tr = m.translations?.[lang];
  if (!tr) return m;
  const options = (q: Question, list: Option[]): Option[] => list.map((o) => {
    const t = tr.questions?.[q.id]?.options?.[o.id];
    const label = t?.label ?? o.label;
    const description = t?.description ?? o.description;
    return description === undefined ? { id: o.id, label } : { id: o.id, label, description };
  });
  return {
    ...m,
    title: tr.title ?? m.title,
    description: tr.description ?? m.description,
    questions: m.questions.map((q): Question => {
      const title = tr.questions?.[q.id]?.title ?? q.title;
      switch (q.type) {
        case 'choice': return { ...q, title, candidates: options(q, q.candidates) };
        case 'approval': return { ...q, title, options: options(q, q.options) };
        case 'verdict': return { ...q, title, officeHolders: options(q, q.officeHolders) };
        case 'motion': return { ...q, title };
        case 'ranked': return { ...q, title, candidates: options(q, q.candidates) }; // ranked
      }
    }),
  };
}
