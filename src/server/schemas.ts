// JSON schemas of every route: params, querystring and body. They check the shape (types, sizes,
// encodings, no unknown fields); the board then checks the meaning (proofs, phases, ids). Ajv runs
// with removeAdditional, coerceTypes and useDefaults off (app.ts), so a request is accepted as sent
// or refused, never silently changed.

const ID = '^[a-z0-9-]{1,64}$';
const HEX64 = '^[0-9a-f]{64}$';
/** 32 bytes in unpadded base64url: a point or a scalar. */
const B64_32 = '^[A-Za-z0-9_-]{43}$';
const MAX_ITEMS = 1000;

const id = { type: 'string', pattern: ID } as const;
const b64 = { type: 'string', pattern: B64_32 } as const;
const hex64 = { type: 'string', pattern: HEX64 } as const;
const uint = (max: number) => ({ type: 'string', pattern: `^[0-9]{1,${String(max).length}}$` }) as const;

const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

const schnorr = obj({ c: b64, z: b64 });
const ciphertext = { type: 'array', minItems: 2, maxItems: 2, items: b64 } as const;

export const ballotBody = obj({
  election: hex64,
  credential: b64,
  answers: {
    // Empty for an election of ranked questions only; the board checks the count against the manifest.
    type: 'array', minItems: 0, maxItems: MAX_ITEMS,
    // The packed proof of a group (docs/spec.md §4.4): its exact length is checked against the manifest by the board.
    items: obj({ ct: { type: 'array', minItems: 1, maxItems: MAX_ITEMS, items: ciphertext }, proof: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,200000}$' } }),
  },
  // {R, z} packed: 64 bytes in base64url.
  signature: { type: 'string', pattern: '^[A-Za-z0-9_-]{86}$' },
  // ranked (spec §8.7): one row per ranked question, present iff the election has one (the board checks which)
  ranked: { type: 'array', minItems: 1, maxItems: 50, items: obj({ ct: { type: 'array', minItems: 1, maxItems: 4, items: ciphertext }, proof: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,400}$' } }) },
}, ['election', 'credential', 'answers', 'signature']); // ranked: optional

// ranked (spec §20) -->
/** At most this many rows per mix shuffle over HTTP (the board checks the count against the record). */
const MAX_MIX_ROWS = 200_000;
export const mixBody = obj({
  mixer: id,
  position: { type: 'integer', minimum: 0, maximum: 65535 },
  shuffles: { type: 'array', minItems: 1, maxItems: 50, items: obj({ question: id, rows: { type: 'array', maxItems: MAX_MIX_ROWS, items: { type: 'array', minItems: 1, maxItems: 4, items: ciphertext } }, proof: { type: 'string', minLength: 1, maxLength: 50_000_000, pattern: '^[A-Za-z0-9_-]+$' } }) },
  signature: schnorr,
});
export const mixDecryptionBody = obj({
  trustee: id,
  index: { type: 'integer', minimum: 1, maximum: MAX_ITEMS },
  shares: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'array', maxItems: MAX_MIX_ROWS, items: { type: 'array', minItems: 1, maxItems: 4, items: obj({ D: b64, proof: schnorr }) } } },
  signature: schnorr,
});
/** A mix of MAX_MIX_ROWS rows of 4 ciphertexts and its proof fit in this many bytes of JSON. */
export const MIX_BODY_LIMIT = 256 * 1024 * 1024;
// <-- ranked

/** The manifest's own validator (src/manifest/validate.ts) is strict and names every problem; this only bounds it. */
export const manifestBody = { type: 'object', minProperties: 1, maxProperties: 32 } as const;

export const credentialsBody = obj({
  credentials: { type: 'array', minItems: 1, maxItems: 1_000_000, items: obj({ key: b64, weight: { type: 'integer', minimum: 1, maximum: 1_000_000 } }) },
  totalWeight: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
  signature: schnorr,
});

export const revokeBody = obj({ key: b64, reason: { type: 'string', maxLength: 500 }, signature: schnorr });

export const trusteeCommitmentBody = obj({ trustee: id, commitment: hex64, signature: schnorr });

export const trusteeComplaintBody = obj({ trustee: id, against: id, S: b64, proof: schnorr, signature: schnorr });

/** Routes that take no body accept none, or an empty JSON object. */
export const emptyBody = { type: 'object', maxProperties: 0 } as const;

export const trusteeKeyBody = obj({
  trustee: id,
  index: { type: 'integer', minimum: 1, maximum: MAX_ITEMS },
  commitments: { type: 'array', minItems: 1, maxItems: MAX_ITEMS, items: b64 },
  proofs: { type: 'array', minItems: 1, maxItems: MAX_ITEMS, items: schnorr },
  encryptionKey: b64,
  encryptionProof: schnorr,
  signature: schnorr,
});

export const trusteeSharesBody = obj({
  trustee: id,
  shares: {
    type: 'object', maxProperties: MAX_ITEMS, propertyNames: { pattern: ID },
    additionalProperties: obj({ R: b64, data: b64, mac: b64 }),
  },
  signature: schnorr,
});

export const trusteeReadyBody = obj({ trustee: id, verificationKey: b64, proof: schnorr, signature: schnorr });

export const decryptionBody = obj({
  trustee: id,
  index: { type: 'integer', minimum: 1, maximum: MAX_ITEMS },
  // One row per tally sum: none in an election of ranked questions only (the board checks the shape against the tally).
  shares: { type: 'array', minItems: 0, maxItems: MAX_ITEMS, items: { type: 'array', minItems: 1, maxItems: MAX_ITEMS, items: obj({ D: b64, proof: schnorr }) } },
  signature: schnorr,
});

export const electionParams = obj({ id });
export const trusteeParams = obj({ id, trusteeId: id });
export const ballotParams = obj({ id, trackingCode: hex64 });
export const voterParams = obj({ id, credential: b64 });
export const noQuery = obj({}, []);
export const boardQuery = obj({ from: uint(999_999_999), limit: uint(9_999) }, []);
export const recordQuery = obj({ types: { type: 'string', pattern: '^[a-z-]+(,[a-z-]+)*$', maxLength: 300 }, until: { type: 'string', pattern: '^[a-z-]{1,40}$' }, from: uint(999_999_999) }, []);
export const pageParams = { election: electionParams, trustee: trusteeParams } as const;
