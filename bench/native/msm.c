/* What batch verification would cost natively: one multi-scalar multiplication (Pippenger's bucket
   method) over n points, on libsodium's own point arithmetic (its internal ge25519 functions, as in
   native/veche_native.c). It measures the design veche does NOT use yet (commitment-form proofs; see
   docs/performance.md, "Batch verification"), so the team can weigh it with figures. Checked against
   the sum of n separate libsodium multiplications. Build: cc -O2 msm.c libsodium.a. Prints JSON:
   microseconds per point for the decode and for the MSM, with 2/3 of the scalars 128-bit (the random
   weights of the commitments) and 1/3 full-size, as a batch of ballots would have. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint64_t fe25519[5];
typedef struct { fe25519 X, Y, Z, T; } ge25519_p3;
typedef struct { fe25519 X, Y, Z, T; } ge25519_p1p1;
typedef struct { fe25519 YplusX, YminusX, Z, T2d; } ge25519_cached;
void ge25519_scalarmult(ge25519_p3 *h, const unsigned char *a, const ge25519_p3 *p);
void ge25519_add(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void ge25519_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p);
void ge25519_p3_to_cached(ge25519_cached *r, const ge25519_p3 *p);
int ristretto255_frombytes(ge25519_p3 *h, const unsigned char *s);
void ristretto255_p3_tobytes(unsigned char *s, const ge25519_p3 *h);

static double now(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }
static const unsigned char ZERO[32];
static void add(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q) {
  ge25519_cached c; ge25519_p1p1 t; ge25519_p3_to_cached(&c, q); ge25519_add(&t, p, &c); ge25519_p1p1_to_p3(r, &t);
}
static unsigned window_digit(const unsigned char *k, int bit, int c) {
  unsigned v = 0;
  for (int j = 0; j < c && bit + j < 256; j++) v |= ((k[(bit + j) >> 3] >> ((bit + j) & 7)) & 1u) << j;
  return v;
}
static void msm(ge25519_p3 *r, const ge25519_p3 *P, const unsigned char *k, size_t n, int c) {
  size_t nb = (size_t) 1 << c;
  ge25519_p3 *bucket = malloc(nb * sizeof *bucket), id, run, acc;
  ristretto255_frombytes(&id, ZERO);
  *r = id;
  for (int w = (253 + c - 1) / c - 1; w >= 0; w--) {
    for (int d = 0; d < c; d++) add(r, r, r);
    for (size_t b = 0; b < nb; b++) bucket[b] = id;
    for (size_t i = 0; i < n; i++) { unsigned d = window_digit(k + 32 * i, w * c, c); if (d) add(&bucket[d], &bucket[d], &P[i]); }
    run = id; acc = id;
    for (size_t b = nb - 1; b > 0; b--) { add(&run, &run, &bucket[b]); add(&acc, &acc, &run); }
    add(r, r, &acc);
  }
  free(bucket);
}
int main(int argc, char **argv) {
  if (sodium_init() < 0) return 1;
  size_t n = argc > 1 ? (size_t) atol(argv[1]) : 15000;
  int c = argc > 2 ? atoi(argv[2]) : 11;
  unsigned char *enc = malloc(32 * n), *k = calloc(n, 32);
  ge25519_p3 *P = malloc(n * sizeof *P);
  for (size_t i = 0; i < n; i++) {
    crypto_core_ristretto255_random(enc + 32 * i);
    crypto_core_ristretto255_scalar_random(k + 32 * i);
    if (i % 3 != 0) memset(k + 32 * i + 16, 0, 16);
  }
  double t0 = now();
  for (size_t i = 0; i < n; i++) if (ristretto255_frombytes(&P[i], enc + 32 * i) != 0) return 2;
  double decode = (now() - t0) / n;
  ge25519_p3 r;
  t0 = now();
  msm(&r, P, k, n, c);
  double per = (now() - t0) / n;
  /* Check on a prefix against separate multiplications. */
  size_t m = n < 200 ? n : 200;
  ge25519_p3 s, x, want;
  ristretto255_frombytes(&want, ZERO);
  for (size_t i = 0; i < m; i++) { ge25519_scalarmult(&x, k + 32 * i, &P[i]); add(&want, &want, &x); }
  msm(&s, P, k, m, 6);
  unsigned char a[32], b[32];
  ristretto255_p3_tobytes(a, &s); ristretto255_p3_tobytes(b, &want);
  printf("{\"points\":%zu,\"window\":%d,\"decodeUs\":%.3f,\"msmUsPerPoint\":%.3f,\"checked\":%s}\n", n, c, decode, per, memcmp(a, b, 32) == 0 ? "true" : "false");
  return memcmp(a, b, 32) == 0 ? 0 : 3;
}
