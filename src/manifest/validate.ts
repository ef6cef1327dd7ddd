// Validation of the election definition.
//
// The manifest is the root of trust of an election: every voter's ballot, every proof and the verifier's
// recount are bound to it. So it is checked completely and strictly: unknown fields are errors (a typo
// such as "absolutMajority" must not silently fall back to a default), every error is reported with its
// JSON path, and all errors are collected so that whoever writes a manifest can fix them in one pass.
// The value returned is a fresh copy holding exactly the known fields, never the caller's object.

import { parseStrictJson, JsonSyntaxError } from './json.js';
import { decodePublicKey } from '../crypto/group.js';
import {
  VERDICTS,
  type ApprovalQuestion,
  type ChoiceQuestion,
  type Fraction,
  type Manifest,
  type ManifestTexts,
  type MotionQuestion,
  type Option,
  type Question,
  type TrusteeInfo,
  type CredentialAuthorityInfo,
  type Verdict,
  type VerdictQuestion,
  type VoterAuthentication,
  type RankedQuestion, // ranked
  type TieBreak, // tieBreak
} from './types.js';

export const MANIFEST_VERSION = 'veche/manifest/v2' as const;

/** Bounds that keep ballots, proofs and the tally a manageable size and the booth readable. */
export const LIMITS = {
  questions: 50,
  /** Candidates, options or office-holders per question. */
  options: 100,
  trustees: 100,
  languages: 32,
  /** Maximum length (UTF-16 code units) of titles, option labels and trustee names. */
  label: 500,
  description: 20_000,
  /** A candidate's or option's description. */
  optionDescription: 2000,
} as const;

/** Labels that a voter could not tell apart compare equal: trimmed, lower-cased (spec §5). */
const sameLabel = (label: string): string => label.trim().toLowerCase();

/** Ids of elections, questions, options and trustees. Lower case so that ids never differ only by case. */
export const ID_PATTERN = /^[a-z0-9-]{1,64}$/;
/** A BCP 47-like language tag: "en", "ru", "pt-BR", "zh-Hant". */
export const LANGUAGE_PATTERN = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/;
/** ISO 8601 UTC timestamp as produced by Date.prototype.toISOString (seconds and milliseconds optional). */
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z$/;

/** Errors are capped so that a hostile or broken input cannot produce a message of unbounded size. */
const MAX_ERRORS = 200;

export class ManifestError extends Error {
  /** Every problem found, each as "json.path: what is wrong". */
  readonly errors: readonly string[];

  constructor(errors: readonly string[]) {
    const shown = errors.length === 1 ? errors[0] : `${errors.length} problems:\n  - ${errors.join('\n  - ')}`;
    super(`invalid manifest: ${shown}`);
    this.name = 'ManifestError';
    this.errors = errors;
  }
}

/** Parses and validates a manifest file. Malformed JSON and duplicate keys are ManifestErrors too. */
export function parseManifestJson(text: string): Manifest {
  if (typeof text !== 'string') throw new ManifestError(['(input): expected the manifest text as a string']);
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new ManifestError([`(json): malformed JSON at ${e.message}`]);
    throw e;
  }
  return validateManifest(value);
}

/** Checks that `input` is a well-formed manifest and returns a clean copy of it; throws ManifestError. */
export function validateManifest(input: unknown): Manifest {
  const c = new Checker();
  const m = c.manifest(input);
  if (c.errors.length > 0 || m === undefined) throw new ManifestError(c.errors.length > 0 ? c.errors : ['(manifest): invalid']);
  return m;
}

// ---------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${truncate(JSON.stringify(v))}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

function truncate(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? k : `${path}.${k}`;
}

/**
 * Milliseconds since 1970 of an ISO 8601 UTC time, or undefined if it is not one. Parsed here rather than
 * by Date.parse, whose acceptance of partial forms varies, and checked by rebuilding the date, which
 * catches impossible days such as 2025-02-30 (Date would roll them over to March).
 */
function isoUtcMillis(v: string): number | undefined {
  const m = ISO_UTC.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '').padEnd(3, '0'));
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const ok =
    y >= 1970 &&
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s;
  return ok ? t.getTime() : undefined;
}

class Checker {
  readonly errors: string[] = [];
  private truncated = false;

  err(path: string, message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`${path === '' ? '(manifest)' : path}: ${message}`);
    else if (!this.truncated) {
      this.truncated = true;
      this.errors.push(`(manifest): more than ${MAX_ERRORS} problems, the rest are not listed`);
    }
  }

  /** Checks that v is an object with the required keys and no others; returns it or undefined. */
  object(v: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Obj | undefined {
    if (!isPlainObject(v)) {
      this.err(path, `expected an object, got ${describe(v)}`);
      return undefined;
    }
    for (const k of required) if (!Object.hasOwn(v, k)) this.err(join(path, k), 'required field is missing');
    const known = new Set([...required, ...optional]);
    for (const k of Object.keys(v)) if (!known.has(k)) this.err(join(path, k), 'unknown field');
    return v;
  }

  string(o: Obj, key: string, path: string): string | undefined {
    if (!Object.hasOwn(o, key)) return undefined; // reported by object()
    const v = o[key];
    if (typeof v !== 'string') {
      this.err(join(path, key), `expected a string, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  id(o: Obj, key: string, path: string): string | undefined {
    const v = this.string(o, key, path);
    if (v === undefined) return undefined;
    if (!ID_PATTERN.test(v)) {
      this.err(join(path, key), `invalid id ${truncate(JSON.stringify(v))}: use 1 to 64 of a-z, 0-9 and "-"`);
      return undefined;
    }
    return v;
  }

  label(o: Obj, key: string, path: string, max: number = LIMITS.label, allowEmpty = false): string | undefined {
    const v = this.string(o, key, path);
    if (v === undefined) return undefined;
    if (!allowEmpty && v.trim() === '') {
      this.err(join(path, key), 'must not be empty');
      return undefined;
    }
    if (v.length > max) {
      this.err(join(path, key), `too long: ${v.length} characters, at most ${max}`);
      return undefined;
    }
    return v;
  }

  boolean(o: Obj, key: string, path: string): boolean | undefined {
    if (!Object.hasOwn(o, key)) return undefined;
    const v = o[key];
    if (typeof v !== 'boolean') {
      this.err(join(path, key), `expected true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  integer(o: Obj, key: string, path: string): number | undefined {
    if (!Object.hasOwn(o, key)) return undefined;
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      this.err(join(path, key), `expected an integer, got ${describe(v)}`);
      return undefined;
    }
    return v + 0; // normalises -0
  }

  array(o: Obj, key: string, path: string): unknown[] | undefined {
    if (!Object.hasOwn(o, key)) return undefined;
    const v = o[key];
    if (!Array.isArray(v)) {
      this.err(join(path, key), `expected an array, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  fraction(o: Obj, key: string, path: string): Fraction | undefined {
    if (!Object.hasOwn(o, key)) return undefined;
    const p = join(path, key);
    const f = this.object(o[key], p, ['num', 'den']);
    if (!f) return undefined;
    const num = this.integer(f, 'num', p);
    const den = this.integer(f, 'den', p);
    if (den !== undefined && den < 1) this.err(join(p, 'den'), `must be at least 1, got ${den}`);
    if (num !== undefined && num < 0) this.err(join(p, 'num'), `must not be negative, got ${num}`);
    if (num === undefined || den === undefined || den < 1 || num < 0) return undefined;
    if (num > den) {
      this.err(p, `${num}/${den} is more than 1 (num must not exceed den)`);
      return undefined;
    }
    return { num, den };
  }

  /**
   * Texts in the election's other languages (spec §5.2): keyed by a language of `languages`, then by
   * question and option ids that exist; every text is a label (descriptions as long as the originals).
   */
  translations(o: Obj, languages: string[], questions: Question[]): Record<string, ManifestTexts> | undefined {
    const tr = this.object(o.translations, 'translations', [], languages);
    if (!tr) return undefined;
    const before = this.errors.length;
    const out: Record<string, ManifestTexts> = {};
    for (const lang of Object.keys(tr)) {
      const lp = join('translations', lang);
      const lo = this.object(tr[lang], lp, [], ['title', 'description', 'questions']);
      if (!lo) continue;
      const texts: ManifestTexts = {};
      if (Object.hasOwn(lo, 'title')) texts.title = this.label(lo, 'title', lp);
      if (Object.hasOwn(lo, 'description')) texts.description = this.label(lo, 'description', lp, LIMITS.description, true);
      if (Object.hasOwn(lo, 'questions')) {
        const qo = this.object(lo.questions, join(lp, 'questions'), [], questions.map((q) => q.id));
        if (qo) {
          texts.questions = {};
          for (const q of questions) {
            if (!Object.hasOwn(qo, q.id)) continue;
            const qp = join(join(lp, 'questions'), q.id);
            const one = this.object(qo[q.id], qp, [], q.type === 'motion' ? ['title'] : ['title', 'options']);
            if (!one) continue;
            const qt: { title?: string; options?: Record<string, { label?: string; description?: string }> } = {};
            if (Object.hasOwn(one, 'title')) qt.title = this.label(one, 'title', qp);
            if (Object.hasOwn(one, 'options') && q.type !== 'motion') {
              const ids = (q.type === 'choice' || q.type === 'ranked' ? q.candidates : q.type === 'approval' ? q.options : q.officeHolders).map((x) => x.id); // || ranked
              const oo = this.object(one.options, join(qp, 'options'), [], ids);
              if (oo) {
                qt.options = {};
                for (const id of ids) {
                  if (!Object.hasOwn(oo, id)) continue;
                  const op = join(join(qp, 'options'), id);
                  const opt = this.object(oo[id], op, [], ['label', 'description']);
                  if (!opt) continue;
                  const t: { label?: string; description?: string } = {};
                  if (Object.hasOwn(opt, 'label')) t.label = this.label(opt, 'label', op);
                  if (Object.hasOwn(opt, 'description')) t.description = this.label(opt, 'description', op, LIMITS.optionDescription, true);
                  qt.options[id] = t;
                }
              }
            }
            texts.questions[q.id] = qt;
          }
        }
      }
      out[lang] = texts;
    }
    return this.errors.length === before ? out : undefined;
  }

  /** An IANA zone name by its shape only (zone data differs between systems; the zone is for display). */
  timeZone(o: Obj): string | undefined {
    const v = this.string(o, 'timeZone', '');
    if (v === undefined) return undefined;
    if (!/^(UTC|[A-Z][A-Za-z_]*(\/[A-Za-z0-9_+-]+){1,2})$/.test(v) || v.length > 64) {
      this.err('timeZone', `expected an IANA time zone name such as "Europe/Berlin" or "UTC", got ${truncate(JSON.stringify(v))}`);
      return undefined;
    }
    return v;
  }

  timestamp(o: Obj, key: string, path: string): string | undefined {
    const v = this.string(o, key, path);
    if (v === undefined) return undefined;
    if (isoUtcMillis(v) === undefined) {
      this.err(join(path, key), `expected an ISO 8601 UTC time such as "2025-05-01T09:00:00Z", got ${truncate(JSON.stringify(v))}`);
      return undefined;
    }
    return v;
  }

  /** A list of options (candidates, options, office-holders) with unique ids. */
  options(o: Obj, key: string, path: string, what: string): Option[] | undefined {
    const arr = this.array(o, key, path);
    if (!arr) return undefined;
    const p = join(path, key);
    let ok = true;
    if (arr.length === 0) {
      this.err(p, `at least one ${what} is needed`);
      ok = false;
    }
    if (arr.length > LIMITS.options) {
      this.err(p, `too many: ${arr.length}, at most ${LIMITS.options}`);
      ok = false;
    }
    const out: Option[] = [];
    const seen = new Set<string>();
    const labels = new Map<string, number>();
    arr.forEach((item, i) => {
      const ip = join(p, i);
      const io = this.object(item, ip, ['id', 'label'], ['description']);
      if (!io) return void (ok = false);
      const id = this.id(io, 'id', ip);
      const label = this.label(io, 'label', ip);
      const description = Object.hasOwn(io, 'description') ? this.label(io, 'description', ip, LIMITS.optionDescription, true) : undefined;
      if (Object.hasOwn(io, 'description') && description === undefined) ok = false;
      if (id !== undefined && seen.has(id)) {
        this.err(join(ip, 'id'), `duplicate id ${JSON.stringify(id)}`);
        ok = false;
      }
      if (id !== undefined) seen.add(id);
      // Two candidates a voter cannot tell apart: the same label but for case and surrounding spaces.
      const same = label === undefined ? undefined : labels.get(sameLabel(label));
      if (same !== undefined) {
        this.err(join(ip, 'label'), `the same ${what} as number ${same + 1}: ${truncate(JSON.stringify(label))}`);
        ok = false;
      } else if (label !== undefined) labels.set(sameLabel(label), i);
      if (id === undefined || label === undefined) return void (ok = false);
      out.push(description === undefined ? { id, label } : { id, label, description });
    });
    return ok ? out : undefined;
  }

  manifest(input: unknown): Manifest | undefined {
    const o = this.object(
      input,
      '',
      ['version', 'id', 'title', 'description', 'languages', 'questions', 'trustees', 'credentialAuthority', 'threshold'],
      ['opens', 'closes', 'timeZone', 'earlyClose', 'test', 'translations', 'voterAuthentication', 'tieBreak'],
    );
    if (!o) return undefined;

    let version: typeof MANIFEST_VERSION | undefined;
    if (Object.hasOwn(o, 'version')) {
      if (o.version === MANIFEST_VERSION) version = MANIFEST_VERSION;
      else this.err('version', `expected ${JSON.stringify(MANIFEST_VERSION)}, got ${describe(o.version)}`);
    }
    const id = this.id(o, 'id', '');
    const title = this.label(o, 'title', '');
    const description = this.label(o, 'description', '', LIMITS.description, true);
    const languages = this.languages(o);
    const questions = this.questions(o);
    const trustees = this.trustees(o);
    const credentialAuthority = this.credentialAuthority(o);
    if (trustees !== undefined && credentialAuthority !== undefined) {
      // One key, one role: a key shared by two signers would let one sign in the other's name.
      const keys = [...trustees.map((t) => t.signingKey), credentialAuthority.signingKey];
      if (new Set(keys).size !== keys.length) this.err('trustees', 'every trustee and the credential authority need their own signing key');
    }
    const threshold = this.integer(o, 'threshold', '');
    if (threshold !== undefined) {
      if (threshold < 1) this.err('threshold', `must be at least 1, got ${threshold}`);
      else if (trustees !== undefined && threshold > trustees.length)
        this.err('threshold', `${threshold} is more than the number of trustees (${trustees.length})`);
    }
    const opens = Object.hasOwn(o, 'opens') ? this.timestamp(o, 'opens', '') : undefined;
    const closes = Object.hasOwn(o, 'closes') ? this.timestamp(o, 'closes', '') : undefined;
    if (opens !== undefined && closes !== undefined && !(isoUtcMillis(opens)! < isoUtcMillis(closes)!))
      this.err('closes', `must be later than opens (${opens})`);
    const timeZone = Object.hasOwn(o, 'timeZone') ? this.timeZone(o) : undefined;
    const test = Object.hasOwn(o, 'test') ? this.boolean(o, 'test', '') : undefined;
    const translations = Object.hasOwn(o, 'translations') && languages !== undefined && questions !== undefined ? this.translations(o, languages, questions) : undefined;
    const voterAuthentication = Object.hasOwn(o, 'voterAuthentication') ? this.voterAuthentication(o.voterAuthentication) : undefined; // voterAuthentication
    const tieBreak = Object.hasOwn(o, 'tieBreak') ? this.tieBreak(o.tieBreak) : undefined; // tieBreak
    // Where the server makes and mails the credentials (§6.5), its sign-in (§6.3) would bind each voter to a
    // credential the same operator made and mailed to the same address: no protection, so refused.
    if (voterAuthentication !== undefined && credentialAuthority?.operatedBy === 'server')
      this.err('voterAuthentication', 'not with credentialAuthority.operatedBy "server": the server already mails each voter their credential, so signing voters in adds no protection (spec §6.5)');
    let earlyClose: boolean | undefined;
    if (Object.hasOwn(o, 'earlyClose')) {
      if (typeof o.earlyClose !== 'boolean') this.err('earlyClose', `expected true or false, got ${describe(o.earlyClose)}`);
      else if (closes === undefined) this.err('earlyClose', 'only with a closing time (closes)');
      else earlyClose = o.earlyClose;
    }

    if (
      this.errors.length > 0 ||
      version === undefined ||
      id === undefined ||
      title === undefined ||
      description === undefined ||
      languages === undefined ||
      questions === undefined ||
      trustees === undefined ||
      credentialAuthority === undefined ||
      threshold === undefined
    )
      return undefined;
    const m: Manifest = { version, id, title, description, languages, questions, trustees, credentialAuthority, threshold };
    if (opens !== undefined) m.opens = opens;
    if (closes !== undefined) m.closes = closes;
    if (timeZone !== undefined) m.timeZone = timeZone;
    if (earlyClose !== undefined) m.earlyClose = earlyClose;
    if (test !== undefined) m.test = test;
    if (translations !== undefined) m.translations = translations;
    if (voterAuthentication !== undefined) m.voterAuthentication = voterAuthentication; // voterAuthentication
    if (tieBreak !== undefined) m.tieBreak = tieBreak; // tieBreak
    return m;
  }

  // voterAuthentication (spec §6.3) -->
  voterAuthentication(v: unknown): VoterAuthentication | undefined {
    const p = 'voterAuthentication';
    if (!isPlainObject(v)) return void this.err(p, `expected an object, got ${describe(v)}`);
    const before = this.errors.length;
    if (v.method === 'email-link') return this.object(v, p, ['method']) && this.errors.length === before ? { method: 'email-link' } : undefined;
    if (v.method !== 'oidc') return void this.err(join(p, 'method'), `expected "email-link" or "oidc", got ${describe(v.method)}`);
    const o = this.object(v, p, ['method', 'issuer']);
    const issuer = o ? this.label(o, 'issuer', p, 500) : undefined;
    if (issuer === undefined) return undefined;
    let url: URL | undefined;
    try { url = new URL(issuer); } catch { /* reported below */ }
    // The issuer is compared as written with the ID token's iss: only a canonical https URL (http on the loopback, for tests).
    const loopback = url !== undefined && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
      return void this.err(join(p, 'issuer'), `expected an https:// issuer URL without query or fragment, got ${truncate(JSON.stringify(issuer))}`);
    return { method: 'oidc', issuer };
  }
  // <-- voterAuthentication

  // tieBreak (spec §5, §12.1) -->
  tieBreak(v: unknown): TieBreak | undefined {
    const p = 'tieBreak';
    if (!isPlainObject(v)) return void this.err(p, `expected {"method": "seed"} or {"method": "runoff"}, got ${describe(v)}`);
    if (v.method !== 'seed' && v.method !== 'runoff') return void this.err(join(p, 'method'), `expected "seed" or "runoff", got ${describe(v.method)}`);
    const before = this.errors.length;
    return this.object(v, p, ['method']) && this.errors.length === before ? { method: v.method } : undefined;
  }
  // <-- tieBreak

  languages(o: Obj): string[] | undefined {
    const arr = this.array(o, 'languages', '');
    if (!arr) return undefined;
    if (arr.length === 0) this.err('languages', 'at least one language is needed');
    if (arr.length > LIMITS.languages) this.err('languages', `too many: ${arr.length}, at most ${LIMITS.languages}`);
    const seen = new Set<string>();
    const out: string[] = [];
    arr.forEach((v, i) => {
      const p = join('languages', i);
      if (typeof v !== 'string') return this.err(p, `expected a language code string, got ${describe(v)}`);
      if (!LANGUAGE_PATTERN.test(v)) return this.err(p, `invalid language code ${truncate(JSON.stringify(v))}, expected e.g. "en" or "pt-BR"`);
      if (seen.has(v)) return this.err(p, `duplicate language ${JSON.stringify(v)}`);
      seen.add(v);
      out.push(v);
    });
    return out;
  }

  trustees(o: Obj): TrusteeInfo[] | undefined {
    const arr = this.array(o, 'trustees', '');
    if (!arr) return undefined;
    if (arr.length === 0) this.err('trustees', 'at least one trustee is needed');
    if (arr.length > LIMITS.trustees) this.err('trustees', `too many: ${arr.length}, at most ${LIMITS.trustees}`);
    const seen = new Set<string>();
    const out: TrusteeInfo[] = [];
    arr.forEach((item, i) => {
      const p = join('trustees', i);
      const t = this.object(item, p, ['id', 'name', 'signingKey']);
      if (!t) return;
      const id = this.id(t, 'id', p);
      const name = this.label(t, 'name', p);
      const signingKey = this.signingKey(t, p);
      if (id !== undefined && seen.has(id)) this.err(join(p, 'id'), `duplicate id ${JSON.stringify(id)}`);
      if (id !== undefined) seen.add(id);
      if (id !== undefined && name !== undefined && signingKey !== undefined) out.push({ id, name, signingKey });
    });
    return out;
  }

  credentialAuthority(o: Obj): CredentialAuthorityInfo | undefined {
    if (!Object.hasOwn(o, 'credentialAuthority')) return undefined; // reported by object()
    const a = this.object(o.credentialAuthority, 'credentialAuthority', ['name', 'signingKey'], ['operatedBy']);
    if (!a) return undefined;
    const name = this.label(a, 'name', 'credentialAuthority');
    const signingKey = this.signingKey(a, 'credentialAuthority');
    // operatedBy (spec §6.5) -->
    if (Object.hasOwn(a, 'operatedBy') && a.operatedBy !== 'server') return void this.err('credentialAuthority.operatedBy', `expected "server" (or leave it out: an authority of its own), got ${describe(a.operatedBy)}`);
    if (name !== undefined && signingKey !== undefined && a.operatedBy === 'server') return { name, signingKey, operatedBy: 'server' };
    // <-- operatedBy
    return name !== undefined && signingKey !== undefined ? { name, signingKey } : undefined;
  }

  /** A public signing key: a canonical ristretto255 point, not the identity (spec §1.3). */
  signingKey(o: Obj, path: string): string | undefined {
    const p = join(path, 'signingKey');
    const v = o.signingKey;
    if (typeof v !== 'string') return void this.err(p, `expected a public key (43 base64url characters), got ${describe(v)}`);
    try {
      decodePublicKey(v, 'signingKey');
    } catch {
      return void this.err(p, `not a valid public key: ${truncate(JSON.stringify(v))}`);
    }
    return v;
  }

  questions(o: Obj): Question[] | undefined {
    const arr = this.array(o, 'questions', '');
    if (!arr) return undefined;
    if (arr.length === 0) this.err('questions', 'at least one question is needed');
    if (arr.length > LIMITS.questions) this.err('questions', `too many: ${arr.length}, at most ${LIMITS.questions}`);
    const seen = new Set<string>();
    const out: Question[] = [];
    arr.forEach((item, i) => {
      const p = join('questions', i);
      const q = this.question(item, p);
      // The id is checked for duplicates even when another part of the question is wrong.
      const qid = isPlainObject(item) && typeof item.id === 'string' && ID_PATTERN.test(item.id) ? item.id : undefined;
      if (qid !== undefined && seen.has(qid)) this.err(join(p, 'id'), `duplicate id ${JSON.stringify(qid)}`);
      if (qid !== undefined) seen.add(qid);
      if (q) out.push(q);
    });
    return out;
  }

  question(v: unknown, p: string): Question | undefined {
    if (!isPlainObject(v)) {
      this.err(p, `expected an object, got ${describe(v)}`);
      return undefined;
    }
    const type = v.type;
    switch (type) {
      case 'choice':
        return this.choice(v, p);
      case 'approval':
        return this.approval(v, p);
      case 'verdict':
        return this.verdict(v, p);
      case 'motion':
        return this.motion(v, p);
      case 'ranked': // ranked
        return this.ranked(v, p); // ranked
      default:
        this.err(
          join(p, 'type'),
          type === undefined
            ? 'required field is missing (one of "choice", "approval", "verdict", "motion", "ranked")'
            : `unknown question type ${typeof type === 'string' ? truncate(JSON.stringify(type)) : describe(type)}, expected "choice", "approval", "verdict", "motion" or "ranked"`,
        );
        return undefined;
    }
  }

  choice(v: Obj, p: string): ChoiceQuestion | undefined {
    const o = this.object(v, p, ['type', 'id', 'title', 'candidates', 'allowBlank', 'absoluteMajority'], ['shuffle']);
    if (!o) return undefined;
    const id = this.id(o, 'id', p);
    const title = this.label(o, 'title', p);
    const candidates = this.options(o, 'candidates', p, 'candidate');
    const allowBlank = this.boolean(o, 'allowBlank', p);
    const absoluteMajority = this.boolean(o, 'absoluteMajority', p);
    // Without a blank vote a single candidate would be a ballot with only one possible answer.
    if (candidates !== undefined && candidates.length < 2 && allowBlank === false)
      this.err(join(p, 'candidates'), 'at least two candidates are needed when blank votes are not allowed');
    if (id === undefined || title === undefined || candidates === undefined || allowBlank === undefined || absoluteMajority === undefined)
      return undefined;
    const shuffle = Object.hasOwn(o, 'shuffle') ? this.boolean(o, 'shuffle', p) : undefined;
    if (Object.hasOwn(o, 'shuffle') && shuffle === undefined) return undefined;
    return shuffle === undefined ? { type: 'choice', id, title, candidates, allowBlank, absoluteMajority } : { type: 'choice', id, title, candidates, allowBlank, absoluteMajority, shuffle };
  }

  approval(v: Obj, p: string): ApprovalQuestion | undefined {
    const o = this.object(v, p, ['type', 'id', 'title', 'options', 'min', 'max', 'winners'], ['shuffle']);
    if (!o) return undefined;
    const id = this.id(o, 'id', p);
    const title = this.label(o, 'title', p);
    const options = this.options(o, 'options', p, 'option');
    const min = this.integer(o, 'min', p);
    const max = this.integer(o, 'max', p);
    const winners = this.integer(o, 'winners', p);
    const n = options?.length;
    let ok = true;
    if (min !== undefined && min < 0) {
      this.err(join(p, 'min'), `must not be negative, got ${min}`);
      ok = false;
    }
    if (max !== undefined && max < 1) {
      this.err(join(p, 'max'), `must be at least 1, got ${max}`);
      ok = false;
    }
    if (max !== undefined && n !== undefined && max > n) {
      this.err(join(p, 'max'), `${max} is more than the number of options (${n})`);
      ok = false;
    }
    if (min !== undefined && max !== undefined && min > max) {
      this.err(join(p, 'min'), `min (${min}) is more than max (${max})`);
      ok = false;
    }
    if (winners !== undefined && winners < 1) {
      this.err(join(p, 'winners'), `must be at least 1, got ${winners}`);
      ok = false;
    } else if (winners !== undefined && n !== undefined && winners > n) {
      this.err(join(p, 'winners'), `${winners} is more than the number of options (${n})`);
      ok = false;
    }
    if (!ok || id === undefined || title === undefined || options === undefined || min === undefined || max === undefined || winners === undefined)
      return undefined;
    const shuffle = Object.hasOwn(o, 'shuffle') ? this.boolean(o, 'shuffle', p) : undefined;
    if (Object.hasOwn(o, 'shuffle') && shuffle === undefined) return undefined;
    return shuffle === undefined ? { type: 'approval', id, title, options, min, max, winners } : { type: 'approval', id, title, options, min, max, winners, shuffle };
  }

  verdict(v: Obj, p: string): VerdictQuestion | undefined {
    const o = this.object(v, p, ['type', 'id', 'title', 'officeHolders', 'default']);
    if (!o) return undefined;
    const id = this.id(o, 'id', p);
    const title = this.label(o, 'title', p);
    const officeHolders = this.options(o, 'officeHolders', p, 'office-holder');
    let def: Verdict | undefined;
    if (Object.hasOwn(o, 'default')) {
      const d = o.default;
      if (typeof d === 'string' && (VERDICTS as readonly string[]).includes(d)) def = d as Verdict;
      else this.err(join(p, 'default'), `expected one of ${VERDICTS.map((x) => `"${x}"`).join(', ')}, got ${describe(d)}`);
    }
    if (id === undefined || title === undefined || officeHolders === undefined || def === undefined) return undefined;
    return { type: 'verdict', id, title, officeHolders, default: def };
  }

  // ranked (spec §8.7) -->
  ranked(v: Obj, p: string): RankedQuestion | undefined {
    const o = this.object(v, p, ['type', 'id', 'title', 'candidates', 'seats', 'method', 'mustRankAll']);
    if (!o) return undefined;
    const id = this.id(o, 'id', p);
    const title = this.label(o, 'title', p);
    const candidates = this.options(o, 'candidates', p, 'candidate');
    const seats = this.integer(o, 'seats', p);
    const mustRankAll = this.boolean(o, 'mustRankAll', p);
    const methods = ['meek-stv', 'scottish-stv', 'irv', 'schulze'] as const;
    const method = methods.find((m) => m === o.method);
    let ok = true;
    if (!method && Object.hasOwn(o, 'method')) { this.err(join(p, 'method'), `expected one of ${methods.map((m) => `"${m}"`).join(', ')}, got ${describe(o.method)}`); ok = false; }
    if (candidates !== undefined && candidates.length < 2) { this.err(join(p, 'candidates'), 'at least two candidates are needed to rank'); ok = false; }
    if (seats !== undefined && (seats < 1 || (candidates !== undefined && seats > candidates.length))) { this.err(join(p, 'seats'), `must be from 1 to the number of candidates, got ${seats}`); ok = false; }
    if (method === 'irv' && seats !== undefined && seats !== 1) { this.err(join(p, 'seats'), 'IRV elects one candidate: seats must be 1'); ok = false; }
    if (!ok || !method || id === undefined || title === undefined || candidates === undefined || seats === undefined || mustRankAll === undefined) return undefined;
    return { type: 'ranked', id, title, candidates, seats, method, mustRankAll };
  }
  // <-- ranked

  motion(v: Obj, p: string): MotionQuestion | undefined {
    const o = this.object(v, p, ['type', 'id', 'title', 'quorum', 'threshold', 'strict']);
    if (!o) return undefined;
    const id = this.id(o, 'id', p);
    const title = this.label(o, 'title', p);
    const quorum = this.fraction(o, 'quorum', p);
    const threshold = this.fraction(o, 'threshold', p);
    const strict = this.boolean(o, 'strict', p);
    let ok = true;
    if (threshold !== undefined && strict !== undefined) {
      const { num, den } = threshold;
      // "A tie fails" (design): for = against must never pass, i.e. the threshold must lie above 1/2,
      // or be exactly 1/2 with strict. And a strict threshold of 1 could never be reached at all.
      if (strict && 2 * num < den) {
        this.err(join(p, 'threshold'), `${num}/${den} is less than 1/2: a minority or a tie would pass the motion`);
        ok = false;
      } else if (!strict && 2 * num <= den) {
        this.err(
          join(p, 'threshold'),
          `${num}/${den} with strict false lets a tie pass the motion; use strict true for a simple majority (1/2)`,
        );
        ok = false;
      } else if (strict && num === den) {
        this.err(join(p, 'threshold'), `more than ${num}/${den} can never be reached; use strict false for unanimity`);
        ok = false;
      }
    }
    if (!ok || id === undefined || title === undefined || quorum === undefined || threshold === undefined || strict === undefined)
      return undefined;
    return { type: 'motion', id, title, quorum, threshold, strict };
  }
}
