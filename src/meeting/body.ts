// A body's definition, checked field by field: exactly the fields of src/meeting/types.ts, ids as in
// manifests, distinct ids and signing keys across members and officers, weights and rules in range.
import { decodePublicKey } from '../crypto/group.js';
import { ID_PATTERN } from '../manifest/validate.js';
import { MeetingError } from './problem.js';
import { MAJORITIES, type Body, type Fraction, type Majority } from './types.js';

export const MAX_MEMBERS = 100_000;
export const MAX_WEIGHT = 1_000_000;
export const MAX_NAME = 200;
/** forum (spec §21): the largest attachment a body's rules may allow (the request limit is 1 MiB). */
export const MAX_ATTACHMENT_BYTES = 512 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function exactly(v: unknown, fields: string[], where: string, errors: string[]): v is Obj {
  if (!isObj(v)) { errors.push(`${where}: expected an object`); return false; }
  const keys = Object.keys(v).sort().join(',');
  if (keys !== [...fields].sort().join(',')) { errors.push(`${where}: expected exactly {${fields.join(', ')}}, got {${Object.keys(v).join(', ')}}`); return false; }
  return true;
}

const isId = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= MAX_NAME;
const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isKey = (v: unknown): boolean => { try { decodePublicKey(v as string); return true; } catch { return false; } };

function fraction(v: unknown, where: string, errors: string[]): v is Fraction {
  if (!exactly(v, ['num', 'den'], where, errors)) return false;
  if (!isInt(v.den, 1, 1000) || !isInt(v.num, 0, v.den as number)) { errors.push(`${where}: expected 0 <= num <= den, 1 <= den <= 1000`); return false; }
  return true;
}

export const isMajority = (v: unknown): v is Majority => (MAJORITIES as readonly unknown[]).includes(v);

/** The body as given, if every field is right; else MeetingError('invalid-body') listing every problem. */
export function validateBody(input: unknown): Body {
  const errors: string[] = [];
  if (exactly(input, ['id', 'name', 'members', 'officers', 'rules'], 'body', errors)) {
    if (!isId(input.id)) errors.push('body.id: lower-case letters, digits and "-", 1-64 characters');
    if (!isName(input.name)) errors.push(`body.name: a non-empty text of at most ${MAX_NAME} characters`);
    const ids = new Set<string>();
    const keys = new Set<string>();
    const person = (p: unknown, where: string, fields: string[]) => {
      if (!exactly(p, fields, where, errors)) return;
      if (!isId(p.id)) errors.push(`${where}.id: not an id`);
      else if (ids.has(p.id)) errors.push(`${where}.id: "${p.id}" appears twice`);
      else ids.add(p.id);
      if (!isName(p.name)) errors.push(`${where}.name: a non-empty text of at most ${MAX_NAME} characters`);
      if (!isKey(p.key)) errors.push(`${where}.key: not a public key`);
      else if (keys.has(p.key as string)) errors.push(`${where}.key: the same signing key as another person`);
      else keys.add(p.key as string);
    };
    if (!Array.isArray(input.members) || input.members.length === 0 || input.members.length > MAX_MEMBERS) errors.push(`body.members: 1 to ${MAX_MEMBERS} members`);
    else input.members.forEach((m, i) => {
      person(m, `body.members[${i}]`, ['id', 'name', 'weight', 'key']);
      if (isObj(m) && !isInt(m.weight, 1, MAX_WEIGHT)) errors.push(`body.members[${i}].weight: an integer from 1 to ${MAX_WEIGHT}`);
    });
    if (!Array.isArray(input.officers) || input.officers.length > 100) errors.push('body.officers: a list of at most 100');
    else input.officers.forEach((o, i) => person(o, `body.officers[${i}]`, ['id', 'name', 'key']));
    const r = input.rules;
    // forum (spec §21): the optional forum rule, its endorsement threshold and attachment size -->
    const forumRule = isObj(r) && Object.hasOwn(r, 'forum') ? ['forum'] : [];
    if (isObj(r) && forumRule.length > 0 && exactly(r.forum, ['endorsements', 'attachmentBytes'], 'body.rules.forum', errors)) {
      if (!isInt(r.forum.endorsements, 1, MAX_MEMBERS)) errors.push(`body.rules.forum.endorsements: an integer from 1 to ${MAX_MEMBERS}`);
      if (!isInt(r.forum.attachmentBytes, 0, MAX_ATTACHMENT_BYTES)) errors.push(`body.rules.forum.attachmentBytes: an integer from 0 to ${MAX_ATTACHMENT_BYTES}`);
    }
    // <-- forum
    if (exactly(r, ['quorum', 'majority', 'proxyLimit', 'splitVotes', 'voteMode', ...forumRule], 'body.rules', errors)) {
      if (exactly(r.quorum, ['of', 'share'], 'body.rules.quorum', errors)) {
        if (r.quorum.of !== 'members' && r.quorum.of !== 'weight') errors.push('body.rules.quorum.of: "members" or "weight"');
        fraction(r.quorum.share, 'body.rules.quorum.share', errors);
      }
      if (!isMajority(r.majority)) errors.push(`body.rules.majority: one of ${MAJORITIES.join(', ')}`);
      if (!isInt(r.proxyLimit, 0, 100)) errors.push('body.rules.proxyLimit: an integer from 0 to 100');
      if (typeof r.splitVotes !== 'boolean') errors.push('body.rules.splitVotes: true or false');
      if (r.voteMode !== 'named' && r.voteMode !== 'secret') errors.push('body.rules.voteMode: "named" or "secret"');
    }
    if (Array.isArray(input.members) && input.members.every((m) => isObj(m) && isInt(m.weight, 1, MAX_WEIGHT))) {
      const total = input.members.reduce((a: number, m) => a + ((m as Obj).weight as number), 0);
      if (total > 1_000_000_000) errors.push('body.members: total weight above 10^9');
    }
  }
  if (errors.length > 0) throw new MeetingError('invalid-body', `invalid body: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, errors);
  return input as unknown as Body;
}

// Members by id, per body (a body is never changed once validated: a new version is a new object);
// a lookup per check was a scan of the roll, quadratic over a meeting of thousands.
const membersById = new WeakMap<Body, Map<string, Body['members'][number]>>();
export const memberOf = (body: Body, id: string): Body['members'][number] | undefined => {
  let index = membersById.get(body);
  if (!index) { index = new Map(body.members.map((m) => [m.id, m])); membersById.set(body, index); }
  return index.get(id);
};
/** The signing key of a member or officer of the body, or undefined. */
export const keyOf = (body: Body, id: string): string | undefined => (memberOf(body, id) ?? body.officers.find((o) => o.id === id))?.key;
export const totalWeight = (body: Body): number => body.members.reduce((a, m) => a + m.weight, 0);
