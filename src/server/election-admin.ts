// Elections as organisers handle them (issue 11 point 6, docs/api.md): a draft edited, an election
// archived, a draft or test election deleted. Copying is the admin page's (a new draft from a manifest).
//
// - Edit: the manifest of a draft is replaced while the record holds only its election event, i.e.
//   before any trustee has committed (nobody has signed anything bound to the election hash yet). The
//   election keeps its id and its tokens and gets a new election hash; after that, copy it instead.
// - Archive: off the public list; the record, board and results stay public at their addresses.
// - Delete: only a test election (manifest "test") or one whose poll never opened; the events go, the
//   trustee and authority tokens stop working, and the id is never used again on this server (so no
//   token, register or mail status left under it can reach a new election).
import { Board } from '../board/board.js';
import { validateManifest } from '../manifest/validate.js';
import { authorityTokenSetting, issueTrusteeTokens, trusteeTokenSetting } from './auth.js';
import type { Elections } from './elections.js';
import { HttpError } from './errors.js';

const archivedSetting = (id: string) => `election:archived:${id}`;
export const retiredSetting = (id: string) => `election:deleted:${id}`;
/** What a revoked token's setting holds: never a token hash (64 hex), so no token matches it. */
const REVOKED = 'revoked';

export async function isArchived(elections: Elections, id: string): Promise<boolean> {
  return (await elections.store.getSetting(archivedSetting(id))) === '1';
}

export async function setArchived(elections: Elections, id: string, archived: boolean): Promise<void> {
  await elections.current(id);
  await elections.store.setSetting(archivedSetting(id), archived ? '1' : '0');
}

function removal(elections: Elections): (id: string, maxSeq?: number) => Promise<boolean> {
  const remove = elections.store.removeElection?.bind(elections.store);
  if (!remove) throw new HttpError(501, 'not-supported', 'this board store cannot remove an election');
  return remove;
}

/** Replaces a draft's manifest; returns the new board and tokens for trustees the old manifest did not have. */
export async function replaceDraft(elections: Elections, id: string, input: unknown): Promise<{ board: Board; trusteeTokens: Record<string, string> }> {
  const board = await elections.current(id);
  const tooLate = () => new HttpError(409, 'not-a-draft', 'the key ceremony has started: the manifest can no longer change (copy the election into a new draft instead)');
  if (board.current.headSeq > 0) throw tooLate();
  // Through the same step as a creation: in server-authority mode the key is the server's (spec §6.5).
  const manifest = validateManifest(await elections.prepareManifest(input));
  if (manifest.id !== id) throw new HttpError(400, 'id-mismatch', `the manifest's id is "${manifest.id}", the election's "${id}": an edit keeps the id (copy the election for another one)`);
  const [genesis] = await elections.store.events(id, { limit: 1 });
  // One transaction that refuses if a trustee's commitment came in meanwhile.
  if (!genesis || !(await removal(elections)(id, 0))) throw tooLate();
  elections.forget(id);
  let created: Board;
  try {
    created = await Board.create(elections.store, manifest);
  } catch (e) {
    await elections.store.append(id, genesis).catch(() => undefined); // the draft as it was
    throw e;
  }
  elections.forget(id);
  const before = new Set(board.current.manifest.trustees.map((t) => t.id));
  const after = new Set(manifest.trustees.map((t) => t.id));
  for (const t of before) if (!after.has(t)) await elections.store.setSetting(trusteeTokenSetting(id, t), REVOKED);
  const trusteeTokens = await issueTrusteeTokens(elections.store, id, [...after].filter((t) => !before.has(t)));
  return { board: created, trusteeTokens };
}

/** Deletes a test election or one that never opened; `confirm` must repeat its id. */
export async function deleteElection(elections: Elections, id: string, confirm: string): Promise<void> {
  const board = await elections.current(id);
  if (confirm !== id) throw new HttpError(400, 'confirmation-needed', `to delete, confirm with the election's id "${id}"`);
  const st = board.current;
  if (!st.manifest.test && st.phase !== 'setup') {
    throw new HttpError(409, 'not-deletable', 'only a test election or a draft whose poll never opened can be deleted; archive this one instead (its record stays public)');
  }
  // Retired first: even if the removal fails half-way, the id is never reused.
  await elections.store.setSetting(retiredSetting(id), new Date().toISOString());
  if (!(await removal(elections)(id, st.manifest.test ? undefined : st.headSeq))) {
    throw new HttpError(409, 'not-deletable', 'the election changed meanwhile; look again');
  }
  elections.forget(id);
  for (const t of st.manifest.trustees) await elections.store.setSetting(trusteeTokenSetting(id, t.id), REVOKED);
  await elections.store.setSetting(authorityTokenSetting(id), REVOKED);
  await elections.store.setSetting(archivedSetting(id), '0');
}
