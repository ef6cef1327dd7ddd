// The forms of values in meeting payloads, checked the same way by every rule of the record.
import { ID_PATTERN } from '../manifest/validate.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const sameKeys = (v: Obj, fields: string[]): boolean => Object.keys(v).sort().join(',') === [...fields].sort().join(',');
export const isId = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);
/** A string of at most `max` UTF-16 code units; not blank unless `empty`. */
export const isText = (v: unknown, max: number, empty = false): v is string => typeof v === 'string' && v.length <= max && (empty || v.trim() !== '');
