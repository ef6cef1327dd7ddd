// A manifest names the public signing key of every trustee and of the credential authority. Each
// signer makes its key pair on its own machine (`veche trustee init`, `veche credentials init`, or the
// trustee and authority pages) and hands the organiser only the public key; the organiser writes the
// keys into a draft of the manifest. The demo and the tests make all the keys in one place.
import { newSigningKey, type SigningKeyPair } from '../record/signature.js';
import { MANIFEST_VERSION } from './validate.js';
import type { Manifest } from './types.js';

/** A manifest before the signers' keys are known. */
export type ManifestDraft = Omit<Manifest, 'version' | 'trustees' | 'credentialAuthority'> & {
  version?: string;
  trustees: { id: string; name: string; signingKey?: string }[];
  credentialAuthority?: { name: string; signingKey?: string };
};

export interface SignerKeys { trustees: Record<string, string>; authority: string }
export interface SignerSecrets { trustees: Record<string, SigningKeyPair>; authority: SigningKeyPair }

/** Fresh key pairs for every trustee of the draft and for the credential authority (demo shortcut). */
export function newSigners(draft: ManifestDraft): SignerSecrets {
  return { trustees: Object.fromEntries(draft.trustees.map((t) => [t.id, newSigningKey()])), authority: newSigningKey() };
}

export function publicKeysOf(s: SignerSecrets): SignerKeys {
  return { trustees: Object.fromEntries(Object.entries(s.trustees).map(([id, p]) => [id, p.key])), authority: s.authority.key };
}

/** The draft with the signers' public keys written in: a manifest to validate and create. */
export function completeManifest(draft: ManifestDraft, keys: SignerKeys): Manifest {
  const trustees = draft.trustees.map((t) => {
    const signingKey = keys.trustees[t.id];
    if (!signingKey) throw new Error(`no signing key for trustee ${t.id}`);
    return { id: t.id, name: t.name, signingKey };
  });
  return { ...draft, version: MANIFEST_VERSION, trustees, credentialAuthority: { name: draft.credentialAuthority?.name ?? 'Credential authority', signingKey: keys.authority } };
}
