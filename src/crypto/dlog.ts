// Bounded discrete logarithm: m from g^m for 0 <= m <= bound, by baby-step giant-step.
import { baseMul, G, IDENTITY, type Point } from './group.js';

const babyTables = new Map<number, { table: Map<string, number>; step: number }>();

function babySteps(step: number): Map<string, number> {
  let entry = babyTables.get(step);
  if (!entry) {
    const table = new Map<string, number>();
    let p = IDENTITY;
    for (let j = 0; j < step; j++) { table.set(p.toHex(), j); p = p.add(G); }
    entry = { table, step };
    babyTables.set(step, entry);
  }
  return entry.table;
}

/** Returns m with g^m = target and 0 <= m <= bound, or null when there is none. */
export function discreteLog(target: Point, bound: number): number | null {
  if (!Number.isSafeInteger(bound) || bound < 0) throw new RangeError('discreteLog: bad bound');
  const step = Math.max(16, Math.ceil(Math.sqrt(bound + 1)));
  const table = babySteps(step);
  const giant = baseMul(BigInt(step)).negate();
  let gamma = target;
  for (let i = 0; i * step <= bound; i++) {
    const j = table.get(gamma.toHex());
    if (j !== undefined) {
      const m = i * step + j;
      return m <= bound ? m : null;
    }
    gamma = gamma.add(giant);
  }
  return null;
}
