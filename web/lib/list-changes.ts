// The board page's view of changes to the voter list (spec §6.4): every revocation (with its public
// reason) and every addition (late voters, re-issued credentials), read from the record itself. What
// the events say, in words; the verifier checks them (the page only shows them).
import type { BoardEvent, PayloadByType } from '../../src/record/events.js';
import { api } from './api.js';
import { h, type Child } from './dom.js';
import { formatTime, t, tn } from './i18n.js';

export type ListChange =
  | { seq: number; time: string; kind: 'revoked'; key: string; reason: string }
  | { seq: number; time: string; kind: 'added'; late: number; lateWeight: number; reissued: number };

/** The list's changes, in record order (two event types of the record, nothing else fetched). */
export async function loadListChanges(electionId: string): Promise<ListChange[]> {
  const lines = await api.recordLines(electionId, '?types=credential-revoked,credentials-added');
  return lines.flatMap((line): ListChange[] => {
    const e = JSON.parse(line) as BoardEvent;
    if (e.type === 'credential-revoked') {
      const p = e.payload as PayloadByType['credential-revoked'];
      return [{ seq: e.seq, time: e.time, kind: 'revoked', key: String(p.key), reason: String(p.reason) }];
    }
    if (e.type === 'credentials-added') {
      const p = e.payload as PayloadByType['credentials-added'];
      const entries = Array.isArray(p.credentials) ? p.credentials : [];
      const late = entries.filter((c) => c.replaces === undefined);
      return [{ seq: e.seq, time: e.time, kind: 'added', late: late.length, lateWeight: late.reduce((a, c) => a + Number(c.weight), 0), reissued: entries.length - late.length }];
    }
    return [];
  });
}

function describe(c: ListChange): Child {
  if (c.kind === 'revoked') {
    return [t('listChanges.revoked'), ' ', h('span', { class: 'mono' }, c.key.slice(0, 12) + '…'), c.reason ? [' — ', t('listChanges.reason', { reason: c.reason })] : null];
  }
  const parts: string[] = [];
  if (c.late > 0) parts.push(tn('listChanges.late', c.late, { weight: c.lateWeight }));
  if (c.reissued > 0) parts.push(tn('listChanges.reissued', c.reissued));
  return parts.join('; ');
}

/** The card: nothing while the list never changed. */
export function listChangesCard(changes: ListChange[] | null): Child {
  if (!changes || changes.length === 0) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'list-changes-heading', id: 'list-changes' },
    h('h2', { id: 'list-changes-heading' }, t('listChanges.heading')),
    h('p', null, t('listChanges.intro')),
    h('ul', null, changes.map((c) => h('li', { 'data-seq': String(c.seq) },
      h('span', null, t('listChanges.event', { seq: c.seq })), ' · ',
      h('time', { datetime: c.time }, formatTime(c.time)), ' · ',
      describe(c)))));
}
