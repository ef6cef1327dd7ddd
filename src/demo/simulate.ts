// Simulated voters for the demo: random but reproducible choices (the seed fixes who votes what;
// the cryptographic randomness always comes from the CSPRNG).
import { MOTION_OPTIONS, VERDICTS, type Choices, type Manifest, type Verdict } from '../manifest/types.js';

export function randomChoices(manifest: Manifest, rand: () => number): Choices {
  const pick = <T>(xs: readonly T[], weights?: number[]): T => {
    if (!weights) return xs[Math.floor(rand() * xs.length)]!;
    const total = weights.reduce((a, b) => a + b, 0);
    let x = rand() * total;
    for (let i = 0; i < xs.length; i++) { x -= weights[i]!; if (x < 0) return xs[i]!; }
    return xs[xs.length - 1]!;
  };
  const choices: Choices = {};
  for (const q of manifest.questions) {
    switch (q.type) {
      case 'choice': {
        // Skewed so the demo has a clear winner most of the time.
        const ids = q.candidates.map((c) => c.id);
        const weights = ids.map((_, i) => ids.length - i + 1);
        choices[q.id] = { type: 'choice', candidate: q.allowBlank && rand() < 0.05 ? null : pick(ids, weights) };
        break;
      }
      case 'approval': {
        const n = q.min + Math.floor(rand() * (q.max - q.min + 1));
        const pool = q.options.map((o) => o.id);
        const chosen: string[] = [];
        while (chosen.length < n) {
          const id = pick(pool.filter((x) => !chosen.includes(x)));
          chosen.push(id);
        }
        choices[q.id] = { type: 'approval', options: chosen };
        break;
      }
      case 'verdict': {
        const verdicts: Record<string, Verdict> = {};
        q.officeHolders.forEach((h, i) => {
          verdicts[h.id] = pick(VERDICTS, i === 0 ? [6, 2, 2] : i === 1 ? [2, 6, 2] : [3, 3, 4]);
        });
        choices[q.id] = { type: 'verdict', verdicts };
        break;
      }
      case 'motion':
        choices[q.id] = { type: 'motion', vote: pick(MOTION_OPTIONS, [5, 4, 1]) };
        break;
    }
  }
  return choices;
}

/** Plaintext counts of a set of final choices, in selection-group order (for checking the demo only). */
export function addCounts(counts: number[][], vectors: number[][], weight = 1): void {
  vectors.forEach((v, g) => v.forEach((x, i) => { counts[g]![i]! += x * weight; }));
}
