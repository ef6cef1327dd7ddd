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
import { makeBallot, randomSelections, SHAPES, type ShapeName } from './common.js';

export type GenRequest =
  | { kind: 'ciphertexts'; publicKey: string; groups: SelectionGroup[]; count: number }
  | { kind: 'ballots'; shape: ShapeName; electionHash: string; publicKey: string; count: number };

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
    } else {
      // Whole ballots with proofs, made by the booth's code (noble), for an election with this key.
      const el = { electionHash: req.electionHash, publicKey: decodePublicKey(req.publicKey), groups: selectionGroups(SHAPES[req.shape]()) };
      parentPort!.postMessage({ ballots: Array.from({ length: req.count }, () => makeBallot(el)) });
    }
  });
});
