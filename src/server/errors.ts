// Errors as the API shows them: a status and a body {error, message}. Board and ballot errors keep
// their codes; the status says which kind of problem it is (see docs/api.md).
import { BoardError } from '../board/board.js';
import { DuplicateBallot, SequenceConflict } from '../board/store.js';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}

const BOARD_STATUS: Record<string, number> = {
  'exists': 409,
  'duplicate': 409,
  'wrong-phase': 409,
  'schedule': 409,
  'unknown-election': 404,
  'unknown-trustee': 404,
  'unknown-credential': 422,
  'revoked-credential': 422,
  'wrong-election': 422,
  'bad-proof': 422,
  'bad-signature': 422,
  'bad-commitment': 422,
  'bad-key': 422,
  'clock': 503,
  'malformed': 400,
  'no-board-key': 500,
};

export interface ApiError { status: number; body: { error: string; message: string; [extra: string]: unknown } }

/** Turns anything thrown by a handler (or by Fastify before it) into the API's error answer. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof HttpError) return { status: err.statusCode, body: { error: err.code, message: err.message } };
  if (err instanceof BoardError) return { status: BOARD_STATUS[err.code] ?? 400, body: { error: err.code, message: err.message } };
  if (err instanceof DuplicateBallot) return { status: 409, body: { error: 'duplicate', message: err.message } };
  if (err instanceof SequenceConflict) return { status: 409, body: { error: 'conflict', message: 'the board moved on meanwhile; try again' } };
  const e = err as { name?: string; code?: string; statusCode?: number; message?: string; validation?: unknown; validationContext?: string; errors?: string[] };
  if (e?.name === 'ManifestError') return { status: 400, body: { error: 'invalid-manifest', message: e.message ?? 'invalid manifest', errors: e.errors ?? [] } };
  if (e?.name === 'JsonSyntaxError') return { status: 400, body: { error: 'malformed-json', message: `malformed JSON: ${e.message}` } };
  if (e?.validation) return { status: 400, body: { error: 'malformed', message: e.message ?? `invalid ${e.validationContext ?? 'request'}` } };
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return { status: 413, body: { error: 'too-large', message: 'request body too large' } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return { status: 415, body: { error: 'unsupported-media-type', message: 'send JSON with Content-Type: application/json' } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return { status: 400, body: { error: 'malformed-json', message: 'empty JSON body' } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return { status: 400, body: { error: 'malformed', message: 'Content-Length does not match the body' } };
  }
  if (e?.statusCode === 429) return { status: 429, body: { error: 'rate-limited', message: e.message ?? 'too many requests' } };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: 'bad-request', message: e.message ?? 'bad request' } };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error' } };
}
