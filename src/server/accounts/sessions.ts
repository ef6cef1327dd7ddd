// Browser sessions: a random 32-byte id in an HttpOnly, SameSite=Strict cookie (Secure when the server
// is reached over https); the store keeps only its SHA-256 (domain-tagged), so a copy of the database
// opens no session. Sessions end after SESSION_HOURS or at logout.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashHex } from '../../crypto/hash.js';

export const SESSION_COOKIE = 'veche_session';
export const SESSION_HOURS = 12;
const TAG_SESSION = 'server/session';
const TAG_LINK = 'server/password-link';

export const newSecretId = (): string => randomBytes(32).toString('base64url');
export const sessionHash = (id: string): string => hashHex(TAG_SESSION, id);
export const passwordLinkHash = (id: string): string => hashHex(TAG_LINK, id);
export const SECRET_ID = /^[A-Za-z0-9_-]{43}$/;

/** The value of one cookie in the request, or null. */
export function cookie(req: FastifyRequest, name: string): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

export interface CookieOptions { secure: boolean; maxAgeSeconds: number; sameSite: 'Strict' | 'Lax'; path?: string }

export function setCookie(reply: FastifyReply, name: string, value: string, o: CookieOptions): void {
  const parts = [`${name}=${value}`, `Path=${o.path ?? '/'}`, `Max-Age=${o.maxAgeSeconds}`, 'HttpOnly', `SameSite=${o.sameSite}`];
  if (o.secure) parts.push('Secure');
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

export const clearCookie = (reply: FastifyReply, name: string, secure: boolean, path = '/') => setCookie(reply, name, '', { secure, maxAgeSeconds: 0, sameSite: 'Strict', path });
