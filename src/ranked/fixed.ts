// Exact fixed-point decimals on bigint: a value is an integer number of units of 10^-places.
// Every rounding is explicit in the name of the operation; nothing here touches floating point.

export interface FixedPoint {
  readonly places: number;
  /** 10^places: the representation of 1. */
  readonly one: bigint;
  fromInt(n: bigint | number): bigint;
  /** a·b truncated toward zero. */
  mul(a: bigint, b: bigint): bigint;
  /** a·b rounded up (for non-negative products; toward zero plus one unit otherwise, as in the reference). */
  mulUp(a: bigint, b: bigint): bigint;
  /** a/b rounded up (b > 0, a ≥ 0). */
  divUp(a: bigint, b: bigint): bigint;
  /** a/b truncated toward zero (b ≠ 0). */
  div(a: bigint, b: bigint): bigint;
  /** a divided by a whole number, truncated toward zero. */
  divInt(a: bigint, n: bigint): bigint;
  /** The ratio of two whole numbers, truncated. */
  ratio(num: bigint, den: bigint): bigint;
  format(a: bigint): string;
  parse(text: string): bigint;
}

export function fixedPoint(places: number): FixedPoint {
  if (!Number.isInteger(places) || places < 0 || places > 30) throw new RangeError('places must be 0..30');
  const one = 10n ** BigInt(places);
  return {
    places,
    one,
    fromInt: (n) => BigInt(n) * one,
    mul: (a, b) => (a * b) / one,
    // The reference computes (a·b + one − 1) / one with division toward zero; kept literally.
    mulUp: (a, b) => (a * b + one - 1n) / one,
    divUp: (a, b) => {
      if (b === 0n) throw new RangeError('division by zero');
      return (a * one + b - 1n) / b;
    },
    div: (a, b) => {
      if (b === 0n) throw new RangeError('division by zero');
      return (a * one) / b;
    },
    divInt: (a, n) => {
      if (n === 0n) throw new RangeError('division by zero');
      return a / n;
    },
    ratio: (num, den) => {
      if (den === 0n) throw new RangeError('division by zero');
      return (num * one) / den;
    },
    format: (a) => formatFixed(a, places),
    parse: (text) => parseFixed(text, places),
  };
}

export function formatFixed(a: bigint, places: number): string {
  const sign = a < 0n ? '-' : '';
  const abs = a < 0n ? -a : a;
  if (places === 0) return sign + abs.toString();
  const one = 10n ** BigInt(places);
  return `${sign}${abs / one}.${(abs % one).toString().padStart(places, '0')}`;
}

/** Parses "12", "12.5", "-0.000000001" exactly; refuses more places than the scale holds. */
export function parseFixed(text: string, places: number): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  if (frac.length > places) throw new RangeError(`${text} has more than ${places} decimal places`);
  const units = BigInt(m[2]!) * 10n ** BigInt(places) + BigInt(frac.padEnd(places, '0') || '0');
  return m[1] ? -units : units;
}

/** Meek STV: 9 decimal places, as the New Zealand rules and the reference transcripts. */
export const MEEK9 = fixedPoint(9);
/** Scottish STV: 5 decimal places, SSI 2007/42 rule 48(3). */
export const SCOT5 = fixedPoint(5);
