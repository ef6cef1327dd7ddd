/* Native libsodium cost of one ristretto255 operation of each kind the verifier uses (microseconds).
   Built by bench/peers.ts: cc -O2 opcost.c -lsodium. Prints JSON. */
#include <sodium.h>
#include <stdio.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }

int main(void) {
  if (sodium_init() < 0) return 1;
  unsigned char k[32], p[32], q[32], out[32];
  int n = 4000, i, sink = 0;
  crypto_core_ristretto255_scalar_random(k);
  crypto_scalarmult_ristretto255_base(p, k);
  crypto_core_ristretto255_scalar_random(k);
  crypto_scalarmult_ristretto255_base(q, k);
  double t0 = now();
  for (i = 0; i < n; i++) { k[0] = (unsigned char) i; sink += crypto_scalarmult_ristretto255(out, k, p); }
  double mul = (now() - t0) / n;
  t0 = now();
  for (i = 0; i < n; i++) { k[0] = (unsigned char) i; sink += crypto_scalarmult_ristretto255_base(out, k); }
  double base = (now() - t0) / n;
  t0 = now();
  for (i = 0; i < n * 10; i++) { sink += crypto_core_ristretto255_add(out, p, q); p[0] ^= 0; }
  double add = (now() - t0) / (n * 10);
  t0 = now();
  for (i = 0; i < n * 10; i++) { sink += crypto_core_ristretto255_is_valid_point(p); }
  double valid = (now() - t0) / (n * 10);
  printf("{\"mul\":%.3f,\"baseMul\":%.3f,\"add\":%.3f,\"isValid\":%.3f,\"sink\":%d}\n", mul, base, add, valid, sink & 1);
  return 0;
}
