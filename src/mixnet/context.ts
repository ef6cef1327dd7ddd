// What a shuffle is bound to: the election (its hash), the ranked question, the mixer and the shuffle's
// place in the chain. The context enters the generators' seed and every Fiat–Shamir hash, so a proof
// made for one election, question, mixer or position is refused for any other (docs/spec.md §18.1).
import { canonicalJson } from '../crypto/encoding.js';

export interface ShuffleContext {
  /** The election hash (64 lowercase hex digits). */
  election: string;
  /** The ranked question's id. */
  question: string;
  /** The mixer's id (a trustee id, or the mixer's index written as a string). */
  mixer: string;
  /** The shuffle's position in the chain: 0 for the first mixer, 1 for the next… */
  position: number;
}

const ID = /^[\x21-\x7e]{1,128}$/;

/** Refuses a context that is not exactly {election, question, mixer, position} of the right forms. */
export function checkContext(ctx: unknown): ShuffleContext {
  const o = ctx as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TypeError('shuffle context: expected an object');
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'election,mixer,position,question') throw new TypeError('shuffle context: expected exactly election, question, mixer, position');
  if (typeof o.election !== 'string' || !/^[0-9a-f]{64}$/.test(o.election)) throw new TypeError('shuffle context: election must be the election hash (64 lowercase hex digits)');
  if (typeof o.question !== 'string' || !ID.test(o.question)) throw new TypeError('shuffle context: question must be 1-128 printable ASCII characters');
  if (typeof o.mixer !== 'string' || !ID.test(o.mixer)) throw new TypeError('shuffle context: mixer must be 1-128 printable ASCII characters');
  if (typeof o.position !== 'number' || !Number.isSafeInteger(o.position) || o.position < 0 || o.position > 0xffff) throw new TypeError('shuffle context: position must be an integer from 0 to 65535');
  return { election: o.election, question: o.question, mixer: o.mixer, position: o.position };
}

/** The context's canonical JSON (what the hashes read). */
export const contextJson = (ctx: ShuffleContext): string => canonicalJson({ election: ctx.election, mixer: ctx.mixer, position: ctx.position, question: ctx.question });
