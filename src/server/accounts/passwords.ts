// Local passwords, hashed with scrypt (node:crypto; memory-hard, no native build): N = 2^17, r = 8,
// p = 1 (128 MiB and ~0.3 s per hash on one core), a 16-byte random salt, a 32-byte key. The parameters
// are stored with each hash, so they can be raised later without breaking old hashes.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128 * N * r bytes (plus a little); node's default limit is 32 MiB.
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/** The smallest N accepted for new hashes (16 MiB): the tests use it to stay fast; servers use SCRYPT.N. */
export const MIN_SCRYPT_N = 2 ** 14;

/** "scrypt$<N>$<r>$<p>$<salt>$<key>" (base64url). */
export async function hashPassword(password: string, N: number = SCRYPT.N): Promise<string> {
  if (!Number.isInteger(Math.log2(N)) || N < MIN_SCRYPT_N) throw new Error(`scrypt N must be a power of two of at least ${MIN_SCRYPT_N}`);
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await derive(password, salt, N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength);
  return ['scrypt', N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const STORED = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{32,128})$/;
// Compared against when the account does not exist or has no password, so that the answer takes as long.
let dummy: Promise<string> | null = null;

export async function checkPassword(password: string, stored: string | null): Promise<boolean> {
  const m = stored ? STORED.exec(stored) : null;
  if (!m) {
    dummy ??= hashPassword('not a password of anyone');
    await checkPassword(password, await dummy);
    return false;
  }
  const [, N, r, p, salt, key] = m as unknown as [string, string, string, string, string, string];
  const want = Buffer.from(key, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), Number(N), Number(r), Number(p), want.length);
  return timingSafeEqual(got, want);
}
