// The admin page's organiser actions on one election (src/server/election-admin.ts says the rules):
// edit the draft (its manifest, in the manifest editor, while nothing but the election event is on the
// board), copy it into a new draft (a new id; the trustees and the authority make new keys for it),
// archive or bring back, delete (a test election or one that never opened) after typing its id;
// preview the ballot as a voter sees it (a link to /preview/ID).
import type { Manifest } from '../../src/manifest/types.js';
import { ApiError, type ElectionInfo } from './api.js';
import { h, type Child } from './dom.js';
import { t } from './i18n.js';

/** A JSON call with the admin's token, or the session cookie when the token is empty. */
export async function adminCall<T>(method: 'GET' | 'POST' | 'PUT', path: string, token: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* reported below */ }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, e.error ?? `http-${res.status}`, e.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

export const manifestText = (m: unknown): string => JSON.stringify(m, null, 2);

/** The manifest of a copy: a new id, and no signing key (each trustee and the authority make new ones). */
export function copiedManifest(m: Manifest, id: string): Manifest {
  return {
    ...m,
    id,
    trustees: m.trustees.map((x) => ({ ...x, signingKey: '' })),
    credentialAuthority: { ...m.credentialAuthority, signingKey: '' },
  };
}

/** A free id for a copy: "<id>-copy", "-copy-2", … (at most 64 characters). */
export function copyId(id: string, taken: Set<string>): string {
  const base = `${id.slice(0, 52)}-copy`;
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

export interface ManageView {
  info: ElectionInfo;
  archived: boolean | null;
  busy: boolean;
  confirmingDelete: boolean;
  deleteTyped: string;
  onEdit(): void;
  onCopy(): void;
  onArchive(archived: boolean): void;
  onAskDelete(): void;
  onDeleteTyped(v: string): void;
  onDelete(): void;
  onCancelDelete(): void;
}

export function manageCard(v: ManageView): Child {
  const { info } = v;
  const draft = info.headSeq === 0;
  const deletable = info.manifest.test === true || info.phase === 'setup';
  return h('section', { class: 'card', 'aria-labelledby': 'manage-heading', id: 'manage' },
    h('h2', { id: 'manage-heading' }, t('manage.heading')),
    v.archived ? h('p', { class: 'notice info', id: 'archived-note' }, t('manage.archivedNote')) : null,
    h('p', { class: 'hint' }, draft ? t('manage.editHelp') : t('manage.noEditHelp')),
    h('div', { class: 'actions' },
      draft ? h('button', { type: 'button', id: 'edit-election', disabled: v.busy, onClick: v.onEdit }, t('manage.edit')) : null,
      // The ballot as a voter sees it, on a page of its own that can only read (web/pages/preview.ts).
      h('a', { class: 'button', id: 'preview-election', href: `/preview/${encodeURIComponent(info.id)}` }, t('manage.preview')),
      h('button', { type: 'button', id: 'copy-election', disabled: v.busy, onClick: v.onCopy }, t('manage.copy')),
      v.archived === null ? null
        : h('button', { type: 'button', id: v.archived ? 'unarchive-election' : 'archive-election', disabled: v.busy, onClick: () => v.onArchive(!v.archived) }, t(v.archived ? 'manage.unarchive' : 'manage.archive')),
      deletable ? h('button', { type: 'button', class: 'danger', id: 'delete-election', disabled: v.busy, onClick: v.onAskDelete }, t('manage.delete')) : null),
    deletable ? null : h('p', { class: 'hint' }, t('manage.noDeleteHelp')),
    v.confirmingDelete && deletable
      ? h('div', { class: 'notice warning', role: 'group', 'aria-labelledby': 'delete-confirm-text' },
          h('p', { id: 'delete-confirm-text', tabindex: '-1' }, t('manage.deleteConfirm', { id: info.id })),
          h('div', { class: 'field' },
            h('label', { for: 'delete-typed' }, t('manage.deleteType')),
            h('input', { id: 'delete-typed', type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false', value: v.deleteTyped, onInput: (e: Event) => v.onDeleteTyped((e.target as HTMLInputElement).value) })),
          h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'danger', id: 'confirm-delete', disabled: v.busy, onClick: v.onDelete }, t('manage.deleteButton')),
            h('button', { type: 'button', id: 'cancel-delete', onClick: v.onCancelDelete }, t('members.cancel'))))
      : null);
}
