// Trustee routes (Authorization: Bearer <that trustee's token>): each trustee's browser or machine posts
// its signed commitment, key, shares, complaint or readiness, and decryption share (the board checks the
// signature against the manifest: the token only says who may post). A token acts only for its own election and trustee,
// and the payload must name the same trustee as the path.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Board } from '../../board/board.js';
import type { BoardEvent, DecryptionSharePayload, TrusteeCommitmentPayload, TrusteeComplaintPayload, TrusteeKeyPayload, TrusteeReadyPayload, TrusteeSharesPayload } from '../../record/events.js';
import { requireTrustee } from '../auth.js';
import { HttpError } from '../errors.js';
import type { Elections } from '../elections.js';
import { decryptionBody, noQuery, trusteeCommitmentBody, trusteeComplaintBody, trusteeKeyBody, trusteeParams, trusteeReadyBody, trusteeSharesBody } from '../schemas.js';
import { encodePoint } from '../../crypto/group.js';
import { MIX_BODY_LIMIT, mixBody, mixDecryptionBody } from '../schemas.js'; // ranked
import type { MixDecryptionPayload, MixPayload } from '../../record/events.js'; // ranked

type Params = { id: string; trusteeId: string };

export async function trusteeRoutes(app: FastifyInstance, opts: { elections: Elections }): Promise<void> {
  const { elections } = opts;
  app.addHook('onRequest', async (req: FastifyRequest<{ Params: Params }>) => requireTrustee(elections.store, req, req.params.id, req.params.trusteeId));

  const step = <B extends { trustee: string }>(path: string, body: object, submit: (board: Board, payload: B) => Promise<BoardEvent>) =>
    app.post<{ Params: Params; Body: unknown }>(`/api/elections/:id/trustees/:trusteeId/${path}`, { schema: { params: trusteeParams, querystring: noQuery, body } }, async (req) => {
      const payload = req.body as B;
      if (payload.trustee !== req.params.trusteeId) throw new HttpError(403, 'forbidden', `the payload is for trustee ${payload.trustee}, the path and token for ${req.params.trusteeId}`);
      const board = await elections.current(req.params.id);
      const e = await submit(board, payload);
      const st = board.current;
      return { seq: e.seq, hash: e.hash, phase: st.phase, jointKey: st.jointKey ? encodePoint(st.jointKey) : null };
    });

  step<TrusteeCommitmentPayload>('commitment', trusteeCommitmentBody, (b, p) => b.submitTrusteeCommitment(p));
  step<TrusteeKeyPayload>('key', trusteeKeyBody, (b, p) => b.submitTrusteeKey(p));
  step<TrusteeComplaintPayload>('complaint', trusteeComplaintBody, (b, p) => b.submitTrusteeComplaint(p));
  step<TrusteeSharesPayload>('shares', trusteeSharesBody, (b, p) => b.submitTrusteeShares(p));
  step<TrusteeReadyPayload>('ready', trusteeReadyBody, (b, p) => b.submitTrusteeReady(p));
  step<DecryptionSharePayload>('decryption', decryptionBody, (b, p) => b.submitDecryptionShare(p));

  // ranked (spec §20) -->
  // A mixer posts its shuffle, then a trustee its decryption of the last mix; the record holds their inputs.
  app.post<{ Params: Params; Body: unknown }>('/api/elections/:id/trustees/:trusteeId/mix', { bodyLimit: MIX_BODY_LIMIT, schema: { params: trusteeParams, querystring: noQuery, body: mixBody } }, async (req) => {
    const payload = req.body as MixPayload;
    if (payload.mixer !== req.params.trusteeId) throw new HttpError(403, 'forbidden', `the mix is by ${payload.mixer}, the path and token for ${req.params.trusteeId}`);
    const board = await elections.current(req.params.id);
    const e = await board.submitMix(payload);
    return { seq: e.seq, hash: e.hash, phase: board.current.phase, mixes: board.current.ranked.mixes.length };
  });
  step<MixDecryptionPayload>('mix-decryption', mixDecryptionBody, (b, p) => b.submitMixDecryption(p));
  // <-- ranked
}
