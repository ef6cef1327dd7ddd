// The tellers' key ceremony of a meeting's secret vote, over the meeting's teller routes, as the tests
// that drive a secret vote without the pages run it. Only exports (see test/helpers/cli.ts).
import { commitTrusteeKey, finishKeyCeremony, makeShares, revealTrusteeKey, type TrusteeSecret } from '../../src/keyceremony/trustee.js';
import type { SigningKeyPair } from '../../src/record/signature.js';
import type { Manifest } from '../../src/manifest/types.js';

/**
 * Each teller commits, reveals, sends its shares and says it is ready, each step signed with its body
 * key (`signing`); `step` posts one teller's step (it must succeed), `payloads` reads the election's
 * events of a type. Throws unless every teller ends ready; their trustee secrets, by teller.
 */
export async function tellersKeyCeremony(tellers: string[], signing: (id: string) => SigningKeyPair, electionHash: string, manifest: Manifest,
  step: (id: string, name: 'commitment' | 'key' | 'shares' | 'ready', json: unknown) => Promise<unknown>, payloads: (type: 'trustee-key' | 'trustee-shares') => Promise<any[]>): Promise<Map<string, TrusteeSecret>> {
  const committed = tellers.map((id) => commitTrusteeKey({ version: 'veche/trustee-secret/v2', trustee: id, signing: signing(id) }, electionHash, manifest));
  for (const c of committed) await step(c.secret.trustee, 'commitment', c.commitment);
  for (const c of committed) await step(c.secret.trustee, 'key', revealTrusteeKey(c.secret));
  const keys = await payloads('trustee-key');
  for (const c of committed) await step(c.secret.trustee, 'shares', makeShares(c.secret, keys));
  const shares = await payloads('trustee-shares');
  const secrets = new Map<string, TrusteeSecret>();
  for (const c of committed) {
    const done = finishKeyCeremony(c.secret, keys, shares);
    if (done.kind !== 'ready') throw new Error(`teller ${c.secret.trustee}: ${done.kind}`);
    await step(c.secret.trustee, 'ready', done.ready);
    secrets.set(c.secret.trustee, done.secret);
  }
  return secrets;
}
