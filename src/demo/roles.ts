// Every role of an election played in one process, through the same code each role runs on its own
// machine: the `veche demo` simulation, the server's first-start demo, the benchmarks and the tests.
// DEMO SHORTCUT: in a real election each trustee and the credential authority make their own keys.
import { Board } from '../board/board.js';
import { issueCredentials, type IssuedCredential } from '../credentials/credentials.js';
import { newAuthority, signCredentialList, type AuthoritySecret } from '../credentials/authority.js';
import { commitTrusteeKey, finishKeyCeremony, makeShares, newTrustee, revealTrusteeKey, type TrusteeSecret } from '../keyceremony/trustee.js';
import { completeManifest, type ManifestDraft } from '../manifest/signers.js';
import type { Manifest } from '../manifest/types.js';

export interface Roles {
  manifest: Manifest;
  /** Each trustee's identity (signing key), before the ceremony. */
  trustees: TrusteeSecret[];
  authority: AuthoritySecret;
}

/** Makes every trustee's and the authority's signing keys, and the manifest that names them. */
export function makeRoles(draft: ManifestDraft): Roles {
  const trustees = draft.trustees.map((t) => newTrustee(t.id));
  const authority = newAuthority();
  const manifest = completeManifest(draft, { trustees: Object.fromEntries(trustees.map((t) => [t.trustee, t.signing.key])), authority: authority.signing.key });
  return { manifest, trustees, authority };
}

/** All four rounds of the key ceremony, each trustee as on its own machine; returns the finished secrets. */
export async function runKeyCeremony(board: Board, identities: TrusteeSecret[]): Promise<TrusteeSecret[]> {
  const { electionHash, manifest } = board.current;
  const order = manifest.trustees.map((t) => {
    const s = identities.find((x) => x.trustee === t.id);
    if (!s) throw new Error(`no identity for trustee ${t.id}`);
    return s;
  });
  const secrets = order.map((s) => commitTrusteeKey(s, electionHash, manifest));
  for (const c of secrets) await board.submitTrusteeCommitment(c.commitment);
  for (const c of secrets) await board.submitTrusteeKey(revealTrusteeKey(c.secret));
  const keys = () => manifest.trustees.map((t) => board.current.ceremony.keys.get(t.id)!);
  for (const c of secrets) await board.submitTrusteeShares(makeShares(c.secret, keys()));
  const shares = manifest.trustees.map((t) => board.current.ceremony.shares.get(t.id)!);
  const finished: TrusteeSecret[] = [];
  for (const c of secrets) {
    const done = finishKeyCeremony(c.secret, keys(), shares);
    if (done.kind !== 'ready') throw new Error(`trustee ${c.secret.trustee} complains about a share`);
    await board.submitTrusteeReady(done.ready);
    finished.push(done.secret);
  }
  return finished;
}

/** The credential authority's step: credentials for the voters, the signed public list on the board. */
export async function publishCredentials(board: Board, authority: AuthoritySecret, voters: { id: string; weight?: number }[]): Promise<IssuedCredential[]> {
  const issued = issueCredentials(board.current.electionHash, voters);
  await board.submitCredentials(signCredentialList(board.current.electionHash, issued.public, authority.signing));
  return issued.private;
}
