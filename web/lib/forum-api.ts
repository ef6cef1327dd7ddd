// A body's forum as its page sees it (docs/spec.md §21): public reads, and actions signed here with the
// member's (or moderating officer's) own key, which never leaves the browser; the signature is the
// authentication. The signer comes from the personal link (#member=<id>&key=<secret>), as on the
// meeting pages, and is kept for this tab only.
import { signForumPayload } from '../../src/forum/signature.js';
import type { ForumAction, ForumPayloadByAction, ModerationEntry, Placement } from '../../src/forum/types.js';
import type { Body } from '../../src/meeting/types.js';
import { publicRequest as request } from './api.js';
import type { Signer } from './meeting-api.js';

export type { Signer };

/** A post as the API serves it: a hidden one has no title, text or attachments. */
export interface ForumPost {
  id: string; proposal: string; parent: string | null; author: string;
  title: string | null; text: string | null; created: string; hidden: boolean;
  attachments: { index: number; name: string; type: string; size: number }[];
}
export interface ProposalSummary extends ForumPost { endorsements: number; qualified: string | null; replies: number }
export interface ProposalThread {
  proposal: ForumPost; thread: ForumPost[]; endorsements: string[]; threshold: number; qualified: string | null;
  agendaItem: { item: string; title: string } | null; placement: Placement | null;
}
export interface SearchHit extends ForumPost { score: number }
export type { ModerationEntry, Placement };

const base = (body: string) => `/api/bodies/${encodeURIComponent(body)}`;
const forum = (body: string) => `${base(body)}/forum`;

export const forumApi = {
  body: (body: string) => request<Body>('GET', base(body)),
  proposals: async (body: string) => (await request<{ proposals: ProposalSummary[] }>('GET', `${forum(body)}/proposals`)).proposals,
  proposal: (body: string, id: string) => request<ProposalThread>('GET', `${forum(body)}/proposals/${encodeURIComponent(id)}`),
  search: async (body: string, q: string) => (await request<{ results: SearchHit[] }>('GET', `${forum(body)}/search?q=${encodeURIComponent(q)}`)).results,
  moderation: async (body: string) => (await request<{ log: ModerationEntry[] }>('GET', `${forum(body)}/moderation`)).log,
  attachmentUrl: (body: string, post: string, index: number) => `${forum(body)}/posts/${encodeURIComponent(post)}/attachments/${index}`,
};

/** The route each signed action goes to (the path's post id is the payload's, spec §21.7). */
function pathOf(action: ForumAction, p: { proposal?: string; post?: string }): string {
  const proposal = encodeURIComponent(p.proposal ?? '');
  const post = encodeURIComponent(p.post ?? '');
  const paths: Record<ForumAction, string> = {
    'proposal': 'proposals', 'reply': `proposals/${proposal}/replies`, 'endorse': `proposals/${proposal}/endorse`,
    'withdraw-endorsement': `proposals/${proposal}/withdraw-endorsement`, 'hide': `posts/${post}/hide`,
    'appeal': `posts/${post}/appeal`, 'decide-appeal': `posts/${post}/decide-appeal`, 'digest-address': 'digest-address',
  };
  return paths[action];
}

/** A fresh nonce (22 base64url characters): the server keeps each once per signer, so a replay is refused. */
function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

type Fields<A extends ForumAction> = Omit<ForumPayloadByAction[A], 'signature' | 'by' | 'nonce'>;

/** Signs the action as `signer` in this body's forum and submits it; the answer is what the server made or changed. */
export function submitForum<A extends ForumAction>(body: string, signer: Signer, action: A, fields: Fields<A>): Promise<Record<string, unknown>> {
  const unsigned = { ...fields, by: signer.id, nonce: nonce() } as unknown as Omit<ForumPayloadByAction[A], 'signature'>;
  const signed = signForumPayload(body, action, unsigned, signer.secret);
  return request('POST', `${forum(body)}/${pathOf(action, fields as { proposal?: string; post?: string })}`, signed);
}

const storageKey = (body: string) => `veche.forum.${body}`;

/** The signer from a personal link (#member=…&key=…), taken off the address bar and kept for this tab. */
export function forumSignerFromLink(body: string): Signer | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const id = params.get('member');
  const secret = params.get('key');
  if (id && secret) {
    history.replaceState(null, '', location.pathname + location.search);
    rememberForumSigner(body, { id, secret });
    return { id, secret };
  }
  try {
    const kept = JSON.parse(sessionStorage.getItem(storageKey(body)) ?? 'null') as Signer | null;
    if (kept && typeof kept.id === 'string' && typeof kept.secret === 'string') return kept;
  } catch { /* none */ }
  return null;
}

export function rememberForumSigner(body: string, s: Signer | null): void {
  try {
    if (s) sessionStorage.setItem(storageKey(body), JSON.stringify(s)); else sessionStorage.removeItem(storageKey(body));
  } catch { /* memory only */ }
}

/** A file as an attachment: its bytes in base64 (the server checks the body's limit again). */
export async function readAttachment(file: File): Promise<{ name: string; type: string; data: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  // A type the server takes (a/b); else the generic one: it serves every attachment as a download anyway.
  const type = /^[a-z]+\/[a-z0-9.+-]{1,80}$/.test(file.type) ? file.type : 'application/octet-stream';
  return { name: file.name, type, data: btoa(binary) };
}
