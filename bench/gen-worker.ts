// Benchmark worker: makes real ciphertext vectors (fresh randomness, no proofs) or whole ballots.
import { parentPort } from 'node:worker_threads';
import { backend } from '../src/crypto/backend.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { toBase64Url, fromBase64Url } from '../src/crypto/encoding.js';
import { randomScalar } from '../src/crypto/group.js';
import type { CiphertextJson } from '../src/crypto/elgamal.js';
import type { SelectionGroup } from '../src/manifest/types.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { backendBallot } from './backend-ballot.js';
import { makeBallot, randomSelections, SHAPES, threadCpuMs, type ShapeName } from './common.js';

export type GenRequest =
  | { kind: 'ciphertexts'; publicKey: string; groups: SelectionGroup[]; count: number }
  | { kind: 'ballots'; shape: ShapeName; electionHash: string; publicKey: string; count: number }
  /** One ballot per credential, for a real election; the reply says the CPU time this thread spent.
   *  prover 'booth' (default): the booth's code; 'backend': bench/backend-ballot.ts (benchmark data only). */
  | { kind: 'voters'; shape: ShapeName; electionHash: string; publicKey: string; credentials: string[]; prover?: 'booth' | 'backend' };

const ready = enableFastBackend();
parentPort!.on('message', (req: GenRequest) => {
  void ready.then(() => {
    const be = backend();
    const h = fromBase64Url(req.publicKey, 32);
    if (req.kind === 'ciphertexts') {
      const g1 = be.baseMul(1n);
      const vectors: CiphertextJson[][][] = [];
      const counts = req.groups.map((g) => g.optionIds.map(() => 0));
      for (let n = 0; n < req.count; n++) {
        const sel = randomSelections(req.groups);
        vectors.push(sel.map((row, g) => row.map((m, i): CiphertextJson => {
          counts[g]![i]! += m;
          const r = randomScalar();
          const hr = be.mul(h, r);
          return [toBase64Url(be.baseMul(r)), toBase64Url(m ? be.add(g1, hr) : hr)];
        })));
      }
      parentPort!.postMessage({ vectors, counts });
    } else if (req.kind === 'voters') {
      // The booth's code (noble), as a voter's browser runs it: derive the credential's key, encrypt, prove, sign.
      const groups = selectionGroups(SHAPES[req.shape]());
      const publicKey = decodePublicKey(req.publicKey);
      const c0 = threadCpuMs();
      const ballots = req.prover === 'backend'
        ? req.credentials.map((cred) => backendBallot(be, req.electionHash, h, groups, randomSelections(groups), cred))
        : req.credentials.map((cred) => encryptBallot(req.electionHash, publicKey, groups, randomSelections(groups), credentialKeys(req.electionHash, cred)).ballot);
      parentPort!.postMessage({ ballots, cpuMs: threadCpuMs() - c0 });
    } else {
      // Whole ballots with proofs, made by the booth's code (noble), for an election with this key.
      const el = { electionHash: req.electionHash, publicKey: decodePublicKey(req.publicKey), groups: selectionGroups(SHAPES[req.shape]()) };
      parentPort!.postMessage({ ballots: Array.from({ length: req.count }, () => makeBallot(el)) });
    }
  });
});
