// veche's optional native group backend: Node-API over Debian's libsodium (libsodium-dev, linked
// statically). All curve and field arithmetic is libsodium's. Besides its public ristretto255 API we
// call a few of its internal ge25519 functions (exported by libsodium.a, declared below) so that
// points stay decoded between operations: the public API decodes both inputs and encodes the result
// of every addition, which costs ~25 times the addition itself. What is ours is only composition:
// a radix-16 table of one fixed point (the election key), the loop of a disjunctive proof's
// commitment equations (docs/spec.md §4.3), and the mixnet's batches (many g^a·P^b·Q in one call, many
// element derivations in one call; docs/spec.md §18). src/crypto/backend-native.ts checks every function here
// against libsodium's public API before using it, and refuses the addon on any difference.
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// libsodium's internal point types (private/ed25519_ref10.h). A field element is 40 bytes in both of
// libsodium's representations (5 x uint64 on 64-bit targets, 10 x int32 otherwise); we never touch
// one, so only size and alignment matter. The self-test catches any mismatch.
typedef uint64_t fe25519[5];
typedef struct { fe25519 X, Y, Z; } ge25519_p2;
typedef struct { fe25519 X, Y, Z, T; } ge25519_p3;
typedef struct { fe25519 X, Y, Z, T; } ge25519_p1p1;
typedef struct { fe25519 YplusX, YminusX, Z, T2d; } ge25519_cached;

void ge25519_scalarmult(ge25519_p3 *h, const unsigned char *a, const ge25519_p3 *p);
void ge25519_double_scalarmult_vartime(ge25519_p2 *r, const unsigned char *a, const ge25519_p3 *A, const unsigned char *b);
void ge25519_scalarmult_base(ge25519_p3 *h, const unsigned char *a);
void ge25519_add(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void ge25519_sub(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void ge25519_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p);
void ge25519_p3_to_cached(ge25519_cached *r, const ge25519_p3 *p);
int ristretto255_frombytes(ge25519_p3 *h, const unsigned char *s);
void ristretto255_p3_tobytes(unsigned char *s, const ge25519_p3 *h);

static const unsigned char ZERO32[32] = {0};
// g, decoded once per process (worker threads share it): the most common g^{v_i} of a disjunctive
// proof (v_i = 1).
static unsigned char G_ENC[32];
static ge25519_p3 G_P3;
static pthread_once_t G_ONCE = PTHREAD_ONCE_INIT;
static ge25519_cached ID_CACHED; // the identity in cached form: what a zero digit selects
static void g_init(void) {
  unsigned char one[32] = {1};
  ge25519_p3 id;
  ge25519_scalarmult_base(&G_P3, one);
  ristretto255_p3_tobytes(G_ENC, &G_P3);
  (void) ristretto255_frombytes(&id, ZERO32);
  ge25519_p3_to_cached(&ID_CACHED, &id);
}

#define THROW(env, msg) do { napi_throw_error((env), NULL, (msg)); return NULL; } while (0)
#define CHECK(env, call) do { if ((call) != napi_ok) THROW(env, "veche-native: N-API call failed"); } while (0)

// ---- small helpers --------------------------------------------------------------------------------

static void p3_add(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q) {
  ge25519_cached c; ge25519_p1p1 t;
  ge25519_p3_to_cached(&c, q);
  ge25519_add(&t, p, &c);
  ge25519_p1p1_to_p3(r, &t);
}

static void p3_sub(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q) {
  ge25519_cached c; ge25519_p1p1 t;
  ge25519_p3_to_cached(&c, q);
  ge25519_sub(&t, p, &c);
  ge25519_p1p1_to_p3(r, &t);
}

// p2 (X:Y:Z) to p3: as the p1p1 (X:Y:Z:Z), which libsodium's p1p1_to_p3 turns into (XZ:YZ:ZZ:XY).
static void p2_to_p3(ge25519_p3 *r, const ge25519_p2 *p) {
  ge25519_p1p1 t;
  memcpy(t.X, p->X, sizeof t.X); memcpy(t.Y, p->Y, sizeof t.Y);
  memcpy(t.Z, p->Z, sizeof t.Z); memcpy(t.T, p->Z, sizeof t.T);
  ge25519_p1p1_to_p3(r, &t);
}

// g^a · p^b with one variable-time double multiplication (public scalars only: proof verification).
static void base_mul_add(ge25519_p3 *r, const unsigned char *a, const ge25519_p3 *p, const unsigned char *b) {
  ge25519_p2 t;
  ge25519_double_scalarmult_vartime(&t, b, p, a);
  p2_to_p3(r, &t);
}

static void p3_identity(ge25519_p3 *r) { (void) ristretto255_frombytes(r, ZERO32); }

// Decodes a ristretto255 encoding; 0 on success. libsodium 1.0.18 (Debian 12) ignores the top bit of
// the last byte, so it would accept two encodings of one point: RFC 9496 requires s < p < 2^255, so an
// encoding with that bit set is refused here first.
static int decode(ge25519_p3 *p, const unsigned char *s) {
  if (s[31] & 0x80) return -1;
  return ristretto255_frombytes(p, s);
}

// A canonical scalar is < q < 2^253; libsodium's multiplications need the top bit clear, and the JS
// side only ever passes reduced scalars. Anything else is a bug and is refused.
static int scalar_ok(const unsigned char *k) { return k[31] < 0x20; }

// Reads argument i as a byte buffer of exactly `len` bytes (len 0: any length, returned in *outLen).
static const unsigned char *bytes_arg(napi_env env, napi_value v, size_t len, size_t *outLen) {
  bool isTyped = false;
  if (napi_is_typedarray(env, v, &isTyped) != napi_ok || !isTyped) return NULL;
  napi_typedarray_type type; size_t length; void *data; napi_value ab; size_t off;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &off) != napi_ok) return NULL;
  if (type != napi_uint8_array) return NULL;
  if (len != 0 && length != len) return NULL;
  if (outLen) *outLen = length;
  return (const unsigned char *) data;
}

static napi_value new_bytes(napi_env env, size_t len, unsigned char **data) {
  napi_value ab, arr;
  if (napi_create_arraybuffer(env, len, (void **) data, &ab) != napi_ok) return NULL;
  if (napi_create_typedarray(env, napi_uint8_array, len, ab, 0, &arr) != napi_ok) return NULL;
  return arr;
}

static napi_value point_out(napi_env env, const ge25519_p3 *p) {
  unsigned char *out;
  napi_value v = new_bytes(env, 32, &out);
  if (!v) THROW(env, "veche-native: allocation failed");
  ristretto255_p3_tobytes(out, p);
  return v;
}

static int get_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  return argc == n;
}

#define POINT_ARG(env, v, p3) do { const unsigned char *b_ = bytes_arg(env, v, 32, NULL); \
  if (!b_) THROW(env, "veche-native: a point must be 32 bytes"); \
  if (decode(p3, b_) != 0) THROW(env, "veche-native: not a canonical ristretto255 point"); } while (0)
#define SCALAR_ARG(env, v, k) do { k = bytes_arg(env, v, 32, NULL); \
  if (!k || !scalar_ok(k)) THROW(env, "veche-native: a scalar must be 32 canonical bytes"); } while (0)

// ---- a radix-16 table of one point ----------------------------------------------------------------

// table[i][j] = (j+1)·16^i·P and table[i][8+j] = −(j+1)·16^i·P, i < 64, as cached points (160 KB).
typedef struct { ge25519_cached e[64][16]; } fixed_table;

static void table_build(fixed_table *t, const ge25519_p3 *P) {
  ge25519_p3 row = *P, m, id;
  p3_identity(&id);
  for (int i = 0; i < 64; i++) {
    m = row;
    for (int j = 0; j < 8; j++) {
      ge25519_p3 neg;
      ge25519_p3_to_cached(&t->e[i][j], &m);
      p3_sub(&neg, &id, &m);
      ge25519_p3_to_cached(&t->e[i][8 + j], &neg);
      if (j < 7) p3_add(&m, &m, &row);
    }
    // m = 8·row; the next row is 16·row.
    p3_add(&row, &m, &m);
  }
}

// Signed radix-16 digits e_i in [−8, 8] with k = Σ e_i 16^i (as in ref10's scalarmult_base).
static void radix16(signed char e[64], const unsigned char *k) {
  for (int i = 0; i < 32; i++) { e[2 * i] = k[i] & 15; e[2 * i + 1] = (k[i] >> 4) & 15; }
  signed char carry = 0;
  for (int i = 0; i < 63; i++) {
    e[i] += carry;
    carry = (signed char) ((e[i] + 8) >> 4);
    e[i] -= (signed char) (carry * 16);
  }
  e[63] += carry;
}

// r = k·P from the table; variable time (only public scalars reach it: proof responses).
static void table_mul(ge25519_p3 *r, const fixed_table *t, const unsigned char *k) {
  signed char e[64];
  ge25519_p1p1 s;
  radix16(e, k);
  p3_identity(r);
  for (int i = 0; i < 64; i++) {
    int d = e[i];
    if (d == 0) continue;
    const ge25519_cached *c = d > 0 ? &t->e[i][d - 1] : &t->e[i][8 + (-d) - 1];
    ge25519_add(&s, r, c);
    ge25519_p1p1_to_p3(r, &s);
  }
}

// Constant-time selection, as ref10's cmov does it limb by limb: t = u when b = 1, unchanged when b = 0,
// by masks over the whole structure (no branch and no index depends on b). The structures are arrays
// of uint64_t limbs (fe25519 above), so they are read and written as such.
static void cmov_limbs(uint64_t *t, const uint64_t *u, size_t limbs, unsigned char b) {
  uint64_t mask = (uint64_t) 0 - (uint64_t) b;
  for (size_t i = 0; i < limbs; i++) t[i] ^= mask & (t[i] ^ u[i]);
}
#define CMOV(t, u, b) cmov_limbs((uint64_t *) (t), (const uint64_t *) (u), sizeof *(t) / sizeof(uint64_t), (b))

// 1 when a == b (both < 256), else 0, without a branch.
static unsigned char ct_equal(unsigned char a, unsigned char b) {
  uint32_t x = (uint32_t) (a ^ b);
  return (unsigned char) (((x - 1) >> 31) & 1);
}

// r = k·P from the table in constant time (secret scalars: the shuffle's re-encryption). Each row reads
// its 8 multiples (j+1)·16^i·P, keeps the one of |digit| (the identity for 0), then both adds and
// subtracts it and keeps the sum or the difference by the digit's sign: the same work whatever k is.
static void table_mul_ct(ge25519_p3 *r, const fixed_table *t, const unsigned char *k) {
  signed char e[64];
  radix16(e, k);
  p3_identity(r);
  for (int i = 0; i < 64; i++) {
    unsigned char negative = (unsigned char) (((unsigned char) e[i]) >> 7);
    unsigned char babs = (unsigned char) (e[i] - (((-negative) & e[i]) * 2));
    ge25519_cached sel = ID_CACHED;
    for (int j = 0; j < 8; j++) CMOV(&sel, &t->e[i][j], ct_equal(babs, (unsigned char) (j + 1)));
    ge25519_p1p1 sum, difference;
    ge25519_add(&sum, r, &sel);
    ge25519_sub(&difference, r, &sel);
    CMOV(&sum, &difference, negative);
    ge25519_p1p1_to_p3(r, &sum);
  }
  sodium_memzero(e, sizeof e);
}

// ---- a radix-256 table of one point (variable time) ------------------------------------------------
// wide->e[i][j] = (j+1)·256^i·P, i < 32, j < 128, as cached points (640 KiB): a scalar < 2^253 in signed
// radix-256 digits is 32 additions or subtractions, against 64 with the radix-16 table. For the
// prover's ĉ and t̂ (public-or-vartime exponents, docs/spec.md §18.7.2), both for g and for h_0.
typedef struct { ge25519_cached e[32][128]; } wide_table;

static void wide_build(wide_table *t, const ge25519_p3 *P) {
  ge25519_p3 row = *P, m;
  for (int i = 0; i < 32; i++) {
    m = row;
    for (int j = 0; j < 128; j++) {
      ge25519_p3_to_cached(&t->e[i][j], &m);
      if (j < 127) p3_add(&m, &m, &row);
    }
    p3_add(&row, &m, &m); // m = 128·row; the next row is 256·row
  }
}

// r = k·P, k < 2^253 (scalar_ok), digits e_i in [−128, 128) and the last one <= 32: no carry out.
static void wide_mul(ge25519_p3 *r, const wide_table *t, const unsigned char *k) {
  int carry = 0;
  ge25519_p1p1 s;
  p3_identity(r);
  for (int i = 0; i < 32; i++) {
    int d = (int) k[i] + carry;
    carry = d >= 128;
    if (carry) d -= 256;
    if (d > 0) { ge25519_add(&s, r, &t->e[i][d - 1]); ge25519_p1p1_to_p3(r, &s); }
    else if (d < 0) { ge25519_sub(&s, r, &t->e[i][-d - 1]); ge25519_p1p1_to_p3(r, &s); }
  }
}

// g's radix-256 table, built on first use and shared by every thread (read only after).
static wide_table *G_WIDE;
static pthread_once_t G_WIDE_ONCE = PTHREAD_ONCE_INIT;
static void g_wide_init(void) {
  wide_table *t = malloc(sizeof *t);
  if (t) wide_build(t, &G_P3);
  G_WIDE = t;
}

static void table_finalize(napi_env env, void *data, void *hint) { (void) env; (void) hint; free(data); }

// ---- decoded points, remembered per thread ------------------------------------------------------
// The batch check decodes every point before it is hashed (isValid) and again when the msm needs it.
// Each Node environment (main thread, each worker) keeps the last decodings it made in a direct-mapped
// table keyed by the whole 32-byte encoding: a hit is the decoding of exactly those bytes (compared in
// full), so it returns what decode() would; a miss decodes. Only successful decodings are stored.
// Freed with the environment (napi_set_instance_data's finalizer).
#define DCACHE_BITS 14
typedef struct { unsigned char enc[32]; unsigned char used; ge25519_p3 p; } dentry;
typedef struct { dentry e[1 << DCACHE_BITS]; } dcache;

static size_t dslot(const unsigned char *s) {
  uint64_t a, b;
  memcpy(&a, s, 8); memcpy(&b, s + 8, 8);
  return (size_t) (((a ^ (b << 1)) * 0x9E3779B97F4A7C15ULL) >> (64 - DCACHE_BITS));
}

static dcache *cache_of(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok) return NULL;
  return (dcache *) data;
}

static void cache_free(napi_env env, void *data, void *hint) { (void) env; (void) hint; free(data); }

// decode() through the environment's table (c may be NULL: then it is decode()).
static int decode_cached(dcache *c, ge25519_p3 *p, const unsigned char *s) {
  if (!c) return decode(p, s);
  dentry *e = &c->e[dslot(s)];
  if (e->used && memcmp(e->enc, s, 32) == 0) { *p = e->p; return 0; }
  if (decode(p, s) != 0) return -1;
  memcpy(e->enc, s, 32);
  e->p = *p;
  e->used = 1;
  return 0;
}

// Tables carry these tags, so no other external object is ever read as one (nor one kind as the other).
static const napi_type_tag TABLE_TAG = { 0x7665636865746162ULL, 0x6c652d7631000000ULL };
static const napi_type_tag WIDE_TAG = { 0x7665636865746162ULL, 0x6c652d7769646531ULL };

// ---- exported functions ---------------------------------------------------------------------------

static napi_value js_is_valid(napi_env env, napi_callback_info info) {
  napi_value argv[1]; napi_value res; ge25519_p3 p;
  if (!get_args(env, info, 1, argv)) THROW(env, "veche-native: isValid(bytes)");
  const unsigned char *b = bytes_arg(env, argv[0], 32, NULL);
  CHECK(env, napi_get_boolean(env, b != NULL && decode_cached(cache_of(env), &p, b) == 0, &res));
  return res;
}

static napi_value js_base_mul(napi_env env, napi_callback_info info) {
  napi_value argv[1]; const unsigned char *k; ge25519_p3 r;
  if (!get_args(env, info, 1, argv)) THROW(env, "veche-native: baseMul(k)");
  SCALAR_ARG(env, argv[0], k);
  ge25519_scalarmult_base(&r, k);
  return point_out(env, &r);
}

static napi_value js_mul(napi_env env, napi_callback_info info) {
  napi_value argv[2]; const unsigned char *k; ge25519_p3 p, r;
  if (!get_args(env, info, 2, argv)) THROW(env, "veche-native: mul(p, k)");
  POINT_ARG(env, argv[0], &p);
  SCALAR_ARG(env, argv[1], k);
  ge25519_scalarmult(&r, k, &p);
  return point_out(env, &r);
}

static napi_value js_add_sub(napi_env env, napi_callback_info info, int subtract) {
  napi_value argv[2]; ge25519_p3 p, q, r;
  if (!get_args(env, info, 2, argv)) THROW(env, "veche-native: add(p, q) / sub(p, q)");
  POINT_ARG(env, argv[0], &p);
  POINT_ARG(env, argv[1], &q);
  if (subtract) p3_sub(&r, &p, &q); else p3_add(&r, &p, &q);
  return point_out(env, &r);
}
static napi_value js_add(napi_env env, napi_callback_info info) { return js_add_sub(env, info, 0); }
static napi_value js_sub(napi_env env, napi_callback_info info) { return js_add_sub(env, info, 1); }

// g^a · p^b (variable time: verification only)
static napi_value js_base_mul_add(napi_env env, napi_callback_info info) {
  napi_value argv[3]; const unsigned char *a, *b; ge25519_p3 p, r;
  if (!get_args(env, info, 3, argv)) THROW(env, "veche-native: baseMulAdd(a, p, b)");
  SCALAR_ARG(env, argv[0], a);
  POINT_ARG(env, argv[1], &p);
  SCALAR_ARG(env, argv[2], b);
  base_mul_add(&r, a, &p, b);
  return point_out(env, &r);
}

// precompute(p) -> an opaque table of p
static napi_value js_precompute(napi_env env, napi_callback_info info) {
  napi_value argv[1]; napi_value ext; ge25519_p3 p;
  if (!get_args(env, info, 1, argv)) THROW(env, "veche-native: precompute(p)");
  POINT_ARG(env, argv[0], &p);
  fixed_table *t = malloc(sizeof(fixed_table));
  if (!t) THROW(env, "veche-native: allocation failed");
  table_build(t, &p);
  if (napi_create_external(env, t, table_finalize, NULL, &ext) != napi_ok) { free(t); THROW(env, "veche-native: N-API call failed"); }
  CHECK(env, napi_type_tag_object(env, ext, &TABLE_TAG));
  return ext;
}

// precomputeWide(p) -> an opaque radix-256 table of p
static napi_value js_precompute_wide(napi_env env, napi_callback_info info) {
  napi_value argv[1]; napi_value ext; ge25519_p3 p;
  if (!get_args(env, info, 1, argv)) THROW(env, "veche-native: precomputeWide(p)");
  POINT_ARG(env, argv[0], &p);
  wide_table *t = malloc(sizeof(wide_table));
  if (!t) THROW(env, "veche-native: allocation failed");
  wide_build(t, &p);
  if (napi_create_external(env, t, table_finalize, NULL, &ext) != napi_ok) { free(t); THROW(env, "veche-native: N-API call failed"); }
  CHECK(env, napi_type_tag_object(env, ext, &WIDE_TAG));
  return ext;
}

static const void *tagged_arg(napi_env env, napi_value v, const napi_type_tag *tag) {
  void *t = NULL;
  napi_valuetype type;
  bool tagged = false;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_check_object_type_tag(env, v, tag, &tagged) != napi_ok || !tagged) return NULL;
  if (napi_get_value_external(env, v, &t) != napi_ok) return NULL;
  return t;
}

static const fixed_table *table_arg(napi_env env, napi_value v) { return (const fixed_table *) tagged_arg(env, v, &TABLE_TAG); }

// disjunctive(table of h, α, β, gv, c, z) -> the k commitments [A_0 B_0 … A_{k−1} B_{k−1}] (64k bytes):
//   A_i = g^{z_i} · α^{−c_i},   B_i = h^{z_i} · (β / g^{v_i})^{−c_i}
// gv holds the k points g^{v_i} (32k bytes), c and z the k scalars each (32k bytes).
static napi_value js_disjunctive(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) THROW(env, "veche-native: disjunctive(table, alpha, beta, gv, c, z)");
  const fixed_table *t = table_arg(env, argv[0]);
  if (!t) THROW(env, "veche-native: not a table");
  ge25519_p3 alpha, beta;
  POINT_ARG(env, argv[1], &alpha);
  POINT_ARG(env, argv[2], &beta);
  size_t gl = 0, cl = 0, zl = 0;
  const unsigned char *gv = bytes_arg(env, argv[3], 0, &gl);
  const unsigned char *cs = bytes_arg(env, argv[4], 0, &cl);
  const unsigned char *zs = bytes_arg(env, argv[5], 0, &zl);
  if (!gv || !cs || !zs || gl == 0 || gl % 32 != 0 || cl != gl || zl != gl) THROW(env, "veche-native: disjunctive: lengths differ");
  size_t k = gl / 32;
  unsigned char *out;
  napi_value res = new_bytes(env, 64 * k, &out);
  if (!res) THROW(env, "veche-native: allocation failed");
  for (size_t i = 0; i < k; i++) {
    const unsigned char *c = cs + 32 * i, *z = zs + 32 * i;
    if (!scalar_ok(c) || !scalar_ok(z)) THROW(env, "veche-native: a scalar must be 32 canonical bytes");
    unsigned char nc[32];
    crypto_core_ristretto255_scalar_negate(nc, c);
    ge25519_p3 g, x, y, r, shifted;
    const unsigned char *gi = gv + 32 * i;
    // β − g^{v_i}: β itself for v_i = 0, and no decoding for v_i = 1.
    if (memcmp(gi, ZERO32, 32) == 0) shifted = beta;
    else {
      if (memcmp(gi, G_ENC, 32) == 0) g = G_P3;
      else if (decode(&g, gi) != 0) THROW(env, "veche-native: not a canonical ristretto255 point");
      p3_sub(&shifted, &beta, &g);
    }
    base_mul_add(&r, z, &alpha, nc);
    ristretto255_p3_tobytes(out + 64 * i, &r);
    table_mul(&x, t, z);
    ge25519_scalarmult(&y, nc, &shifted);
    p3_add(&r, &x, &y);
    ristretto255_p3_tobytes(out + 64 * i + 32, &r);
  }
  return res;
}

// sum(points) -> Π points (the product of many ciphertext components in one call)
static napi_value js_sum(napi_env env, napi_callback_info info) {
  napi_value argv[1]; size_t len; ge25519_p3 acc, p;
  if (!get_args(env, info, 1, argv)) THROW(env, "veche-native: sum(points)");
  len = 1;
  const unsigned char *b = bytes_arg(env, argv[0], 0, &len);
  p3_identity(&acc);
  if (len == 0) return point_out(env, &acc);
  if (!b || len % 32 != 0) THROW(env, "veche-native: sum: 32-byte points expected");
  for (size_t i = 0; i < len / 32; i++) {
    if (decode(&p, b + 32 * i) != 0) THROW(env, "veche-native: not a canonical ristretto255 point");
    p3_add(&acc, &acc, &p);
  }
  return point_out(env, &acc);
}

// msm(points, scalars) -> Σ k_i·P_i (32n bytes each; variable time: public data only). Pippenger's
// bucket method over libsodium's additions, for batch verification (src/crypto/proofs/linear.ts):
// - a scalar above q/2 is replaced by q − k with the point negated (the same term: (q−k)·(−P) = k·P),
//   so the −w coefficients of the commitments (w a 128-bit weight) become 128-bit scalars;
// - signed digits in [−2^(c−1), 2^(c−1)): half the buckets, a negative digit subtracts;
// - the window c minimises the additions counted for these scalars' lengths (terms + buckets);
// - each point is decoded once (through the thread's table, so a point isValid just decoded is not
//   decoded again) and turned into libsodium's cached form once.
static unsigned msm_digit(const unsigned char *k, int bit, int c) {
  unsigned v = 0;
  for (int j = 0; j < c && bit + j < 256; j++) v |= ((k[(bit + j) >> 3] >> ((bit + j) & 7)) & 1u) << j;
  return v;
}

// The group order q = 2^252 + 27742317777372353535851937790883648493, little-endian.
static const unsigned char ORDER_LE[32] = {
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };

// out = q − k for 0 <= k <= q (little-endian, 32 bytes).
static void order_minus(unsigned char *out, const unsigned char *k) {
  int borrow = 0;
  for (int i = 0; i < 32; i++) {
    int d = (int) ORDER_LE[i] - (int) k[i] - borrow;
    borrow = d < 0;
    out[i] = (unsigned char) (d + (borrow ? 256 : 0));
  }
}

// a < b as little-endian 256-bit integers.
static int less_le(const unsigned char *a, const unsigned char *b) {
  for (int i = 31; i >= 0; i--) if (a[i] != b[i]) return a[i] < b[i];
  return 0;
}

static int bit_length(const unsigned char *k) {
  for (int i = 31; i >= 0; i--) if (k[i]) { int b = 8; while (!(k[i] >> (b - 1))) b--; return 8 * i + b; }
  return 0;
}

static napi_value js_msm(napi_env env, napi_callback_info info) {
  napi_value argv[2]; size_t pl = 1, kl = 1;
  if (!get_args(env, info, 2, argv)) THROW(env, "veche-native: msm(points, scalars)");
  const unsigned char *pb = bytes_arg(env, argv[0], 0, &pl);
  const unsigned char *kb = bytes_arg(env, argv[1], 0, &kl);
  if (pl % 32 != 0 || kl != pl || (pl > 0 && (!pb || !kb))) THROW(env, "veche-native: msm: 32-byte points and as many 32-byte scalars expected");
  size_t n = pl / 32;
  ge25519_p3 r, id;
  p3_identity(&id);
  r = id;
  if (n == 0) return point_out(env, &r);
  for (size_t i = 0; i < n; i++) if (!scalar_ok(kb + 32 * i)) THROW(env, "veche-native: a scalar must be 32 canonical bytes");
  dcache *dc = cache_of(env);
  unsigned char *K = malloc(32 * n);
  unsigned char *neg = malloc(n);
  ge25519_cached *P = malloc(n * sizeof *P);
  if (!K || !neg || !P) { free(K); free(neg); free(P); THROW(env, "veche-native: allocation failed"); }
  // Lengths of the (shortened) scalars: how many terms have each, for the choice of the window.
  size_t hist[257] = {0};
  int maxBits = 0;
  for (size_t i = 0; i < n; i++) {
    ge25519_p3 p;
    if (decode_cached(dc, &p, pb + 32 * i) != 0) { free(K); free(neg); free(P); THROW(env, "veche-native: not a canonical ristretto255 point"); }
    ge25519_p3_to_cached(&P[i], &p);
    const unsigned char *k = kb + 32 * i;
    unsigned char m[32];
    // Scalars >= q are refused by the JS side; here any k < 2^253 is reduced only if k <= q.
    neg[i] = 0;
    memcpy(K + 32 * i, k, 32);
    if (!less_le(ORDER_LE, k)) {
      order_minus(m, k);
      if (less_le(m, k)) { memcpy(K + 32 * i, m, 32); neg[i] = 1; }
    }
    int b = bit_length(K + 32 * i);
    hist[b]++;
    if (b > maxBits) maxBits = b;
  }
  // Additions for window c: every nonzero digit of every term, plus 2 per bucket per window.
  int c = 2; double best = 0;
  // c >= 2: with one bit per window every digit 1 would carry (digits in [-1, 1)), and no W would end it.
  for (int t = 2; t <= 15; t++) { // digits fit int16_t, negated too
    int W = (maxBits + 2 + t - 1) / t;
    double cost = (double) W * (double) (1u << t);
    for (int b = 0; b <= 256; b++) if (hist[b]) { int wb = (b + 2 + t - 1) / t; cost += (double) hist[b] * (wb < W ? wb : W); }
    if (t == 2 || cost < best) { best = cost; c = t; }
  }
  int W = (maxBits + 2 + c - 1) / c; // W·c >= bits + 2: the last digit takes the last carry
  size_t half = (size_t) 1 << (c - 1);
  int16_t *D = malloc(n * (size_t) W * sizeof *D);
  ge25519_p3 *bucket = malloc(half * sizeof *bucket);
  if (!D || !bucket) { free(K); free(neg); free(P); free(D); free(bucket); THROW(env, "veche-native: allocation failed"); }
  for (size_t i = 0; i < n; i++) {
    int carry = 0;
    for (int w = 0; w < W; w++) {
      int v = (int) msm_digit(K + 32 * i, w * c, c) + carry;
      carry = v >= (int) half;
      if (carry) v -= 1 << c;
      D[i * (size_t) W + w] = (int16_t) (neg[i] ? -v : v);
    }
    // Never with W as chosen above; were it ever, the digits would not sum to the scalar.
    if (carry) { free(K); free(neg); free(P); free(D); free(bucket); THROW(env, "veche-native: msm: scalar recoding left a carry"); }
  }
  for (int w = W - 1; w >= 0; w--) {
    for (int d = 0; d < c; d++) p3_add(&r, &r, &r);
    for (size_t b = 0; b < half; b++) bucket[b] = id;
    for (size_t i = 0; i < n; i++) {
      int d = D[i * (size_t) W + w];
      if (!d) continue;
      ge25519_p1p1 t;
      if (d > 0) { ge25519_add(&t, &bucket[d - 1], &P[i]); ge25519_p1p1_to_p3(&bucket[d - 1], &t); }
      else { ge25519_sub(&t, &bucket[-d - 1], &P[i]); ge25519_p1p1_to_p3(&bucket[-d - 1], &t); }
    }
    // Σ (b+1)·bucket[b], by running sums from the top.
    ge25519_p3 run = id, acc = id;
    for (size_t b = half; b-- > 0;) { p3_add(&run, &run, &bucket[b]); p3_add(&acc, &acc, &run); }
    p3_add(&r, &r, &acc);
  }
  free(K); free(neg); free(P); free(D); free(bucket);
  return point_out(env, &r);
}

// Argument v as an optional byte array of exactly `len` bytes: null or undefined gives *present = 0.
// Returns 0 when v is neither absent nor such an array.
static int optional_bytes(napi_env env, napi_value v, size_t len, const unsigned char **data, int *present) {
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok) return 0;
  if (type == napi_null || type == napi_undefined) { *data = NULL; *present = 0; return 1; }
  size_t got = 0;
  *data = bytes_arg(env, v, 0, &got);
  *present = 1;
  return got == len && (*data != NULL || len == 0);
}

// mulAddMany(n, a, table, b, q, vartime) -> the n points g^{a_i} · P^{b_i} · Q_i (32n bytes), P the
// table's point. a and b are 32n bytes of scalars, q 32n bytes of points; null leaves that factor out
// (b null: the table may be null too). Constant time (vartime false): g^a by libsodium's
// scalarmult_base, P^b by table_mul_ct over a radix-16 table (precompute). Variable time (vartime true:
// the table is a radix-256 one, precomputeWide): g^a and P^b by wide_mul. The mixnet's shuffle and
// prover (src/mixnet) make most points of a shuffle with it: the re-encryptions (constant time), the
// permutation commitment (g^r: constant time), the commitment chain and t̂ (variable time, as
// docs/spec.md §18.7.2 allows for the prover).
static napi_value js_mul_add_many(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) THROW(env, "veche-native: mulAddMany(n, a, table, b, q, vartime)");
  bool vartime = false;
  if (napi_get_value_bool(env, argv[5], &vartime) != napi_ok) THROW(env, "veche-native: mulAddMany: vartime must be a boolean");
  uint32_t n = 0;
  if (napi_get_value_uint32(env, argv[0], &n) != napi_ok) THROW(env, "veche-native: mulAddMany: n must be a count");
  const unsigned char *as, *bs, *qs; int ha, hb, hq;
  size_t len = 32 * (size_t) n;
  if (!optional_bytes(env, argv[1], len, &as, &ha) || !optional_bytes(env, argv[3], len, &bs, &hb) || !optional_bytes(env, argv[4], len, &qs, &hq))
    THROW(env, "veche-native: mulAddMany: a, b and q must each be null or n entries of 32 bytes");
  const fixed_table *t = NULL;
  const wide_table *w = NULL;
  if (hb) {
    if (vartime) w = (const wide_table *) tagged_arg(env, argv[2], &WIDE_TAG); else t = table_arg(env, argv[2]);
    if (!t && !w) THROW(env, "veche-native: mulAddMany: b needs the table of P (radix-256 with vartime, else radix-16)");
  }
  if (vartime && ha) {
    if (pthread_once(&G_WIDE_ONCE, g_wide_init) != 0 || !G_WIDE) THROW(env, "veche-native: allocation failed");
  }
  for (size_t i = 0; i < n; i++) {
    if ((ha && !scalar_ok(as + 32 * i)) || (hb && !scalar_ok(bs + 32 * i))) THROW(env, "veche-native: a scalar must be 32 canonical bytes");
  }
  unsigned char *out;
  napi_value res = new_bytes(env, len, &out);
  if (!res) THROW(env, "veche-native: allocation failed");
  for (size_t i = 0; i < n; i++) {
    ge25519_p3 r, x;
    if (hq) { if (decode(&r, qs + 32 * i) != 0) THROW(env, "veche-native: not a canonical ristretto255 point"); }
    else p3_identity(&r);
    if (ha) { if (vartime) wide_mul(&x, G_WIDE, as + 32 * i); else ge25519_scalarmult_base(&x, as + 32 * i); p3_add(&r, &r, &x); }
    if (hb) { if (vartime) wide_mul(&x, w, bs + 32 * i); else table_mul_ct(&x, t, bs + 32 * i); p3_add(&r, &r, &x); }
    ristretto255_p3_tobytes(out + 32 * i, &r);
  }
  return res;
}

// fromHashMany(uniform) -> libsodium's crypto_core_ristretto255_from_hash (RFC 9496 §4.3.4) of each 64
// bytes of uniform, 32 bytes each: the mixnet's generators h_0..h_N (src/mixnet/generators.ts).
static napi_value js_from_hash_many(napi_env env, napi_callback_info info) {
  napi_value argv[1]; size_t len = 1; // stays 1 (refused below) when the argument is not a byte array
  if (!get_args(env, info, 1, argv)) THROW(env, "veche-native: fromHashMany(uniform)");
  const unsigned char *u = bytes_arg(env, argv[0], 0, &len);
  if ((!u && len != 0) || len % 64 != 0) THROW(env, "veche-native: fromHashMany: 64-byte inputs expected");
  size_t n = len / 64;
  unsigned char *out;
  napi_value res = new_bytes(env, 32 * n, &out);
  if (!res) THROW(env, "veche-native: allocation failed");
  for (size_t i = 0; i < n; i++) crypto_core_ristretto255_from_hash(out + 32 * i, u + 64 * i);
  return res;
}

#define EXPORT(name, fn) do { napi_value f_; CHECK(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f_)); \
  CHECK(env, napi_set_named_property(env, exports, name, f_)); } while (0)

static napi_value init(napi_env env, napi_value exports) {
  if (sodium_init() < 0) THROW(env, "veche-native: sodium_init failed");
  if (pthread_once(&G_ONCE, g_init) != 0) THROW(env, "veche-native: initialisation failed");
  // The decoded-point table of this environment (zeroed: every entry unused).
  dcache *dc = calloc(1, sizeof *dc);
  if (!dc) THROW(env, "veche-native: allocation failed");
  if (napi_set_instance_data(env, dc, cache_free, NULL) != napi_ok) { free(dc); THROW(env, "veche-native: N-API call failed"); }
  EXPORT("isValid", js_is_valid);
  EXPORT("baseMul", js_base_mul);
  EXPORT("mul", js_mul);
  EXPORT("add", js_add);
  EXPORT("sub", js_sub);
  EXPORT("baseMulAdd", js_base_mul_add);
  EXPORT("precompute", js_precompute);
  EXPORT("disjunctive", js_disjunctive);
  EXPORT("sum", js_sum);
  EXPORT("msm", js_msm);
  EXPORT("precomputeWide", js_precompute_wide);
  EXPORT("mulAddMany", js_mul_add_many);
  EXPORT("fromHashMany", js_from_hash_many);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
