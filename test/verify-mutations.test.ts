// The verifier against tampered records. One real election (the real board on SQLite, trustees,
// credentials, re-votes, a revocation, threshold decryption by trustees 1 and 3) is recorded once;
// fast-check then changes it in random ways and the verifier must refuse every change and name a
// check that failed. Two families:
//  - raw changes (a byte, a line dropped, repeated or moved): the hash chain catches them;
//  - "re-chained" changes: a payload is changed and every hash recomputed, as a board operator who
//    rewrites the record would do, so only the semantic checks can catch them, and the right one must.
// In protocol v2 every trustee event, the credential list and each revocation are signed by their author
// (a key named in the manifest): a board that changes any of them fails trustees.signatures or
// credentials.signature. To reach the check behind the signature, a test re-signs the changed payload
// with its author's key, as a trustee or the credential authority publishing a bad value itself would.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { runDemo } from '../src/demo/demo.js';
import { addCiphertexts, decodeCiphertext, encodeCiphertext, encrypt } from '../src/crypto/elgamal.js';
import { baseMul, decodePublicKey, decodeScalar, encodePoint, randomScalar } from '../src/crypto/group.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { eventsOf, readRecordFile } from '../src/record/read.js';
import { encodeEvent, eventHash, GENESIS_PREV, type BoardEvent, type PayloadByType } from '../src/record/events.js';
import { fileSource, linesSource, verifyRecord } from '../src/verify/verifier.js';
import type { CheckId } from '../src/verify/report.js';
import { signPayload } from '../src/record/signature.js';
import { keyCommitment } from '../src/keyceremony/trustee.js';
import { ballotOf, closeAndCount, compactChoices, compactManifest, createWithKeys, publishVoters, recordEvents, revoke, rolesOf } from './helpers/election.js';
import { veche } from './helpers/cli.js';

const CHAIN_CHECKS: CheckId[] = ['record.format', 'chain.sequence', 'chain.links', 'chain.hashes', 'chain.time'];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let dir: string;
let good: BoardEvent[];
let goodLines: string[];
let foreignBallots: PayloadByType['ballot'][];
/** Indices (in `good`) of: ballots, the counted ones, poll-opened, poll-closed. */
let ballotIdx: number[];
let countedIdx: number[];
let openIdx: number;
let closeIdx: number;
let revokedKey: string;
/** The signing secrets of the election's trustees (by id) and of its credential authority. */
let roles: ReturnType<typeof rolesOf>;

const idxOf = (type: BoardEvent['type']) => good.flatMap((e, i) => (e.type === type ? [i] : []));
const clone = (): BoardEvent[] => structuredClone(good);
const pick = <T>(xs: T[], n: number): T => xs[n % xs.length]!;
const credentialOf = (e: BoardEvent) => (e.payload as PayloadByType['ballot']).credential;

/** Recomputes seq, prev and hash of every event (and keeps times from going backwards), as a forger would. */
function rechain(events: BoardEvent[]): string[] {
  let prev = GENESIS_PREV;
  let time = '';
  return events.map((e, seq) => {
    time = e.time > time ? e.time : time;
    const body = { seq, prev, time, type: e.type, payload: e.payload };
    const line = encodeEvent({ ...body, hash: eventHash(body) });
    prev = eventHash(body);
    return line;
  });
}

async function verifyLines(lines: string[]) {
  return (await verifyRecord(linesSource(lines))).report;
}

/** The record must fail, on one of `expected`, and not on the chain (the forger re-chained it). */
async function assertCaughtBy(events: BoardEvent[], expected: CheckId[]): Promise<void> {
  const report = await verifyLines(rechain(events));
  assert.equal(report.ok, false, 'the verifier accepted a tampered record');
  const failed = report.failedChecks;
  assert.ok(failed.some((c) => expected.includes(c)), `expected a failure of ${expected.join(' or ')}, got ${failed.join(', ')}`);
  assert.deepEqual(failed.filter((c) => CHAIN_CHECKS.includes(c)), [], 'the re-chained record must pass the chain checks');
}

/** Changes the character at `pos` of a base64url string to another base64url character. */
function changeChar(text: string, pos: number, n: number): string {
  const p = pos % text.length;
  const alphabet = B64URL.replace(text[p]!, '');
  return text.slice(0, p) + alphabet[n % alphabet.length]! + text.slice(p + 1);
}
const freshPoint = () => encodePoint(baseMul(randomScalar()));

/** The payload of events[i] signed again by its own author (the trustee it names, or the credential
 *  authority) after a change: the author itself published the changed value, so its signature holds. */
function resign(events: BoardEvent[], i: number): void {
  const e = events[i]!;
  const election = good[0]!.hash;
  if (e.type === 'credentials' || e.type === 'credential-revoked') {
    e.payload = signPayload(election, { role: 'credential-authority', id: null }, e.type, e.payload, decodeScalar(roles.authority.signing.secret));
    return;
  }
  const id = (e.payload as { trustee: string }).trustee;
  const trustee = roles.trustees.find((t) => t.trustee === id)!;
  e.payload = signPayload(election, { role: 'trustee', id }, e.type, e.payload, decodeScalar(trustee.signing.secret));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veche-mutations-'));
  const store = new SqliteStore(join(dir, 'board.sqlite'));
  try {
    const { board, trustees } = await createWithKeys(store, compactManifest('mutations'));
    roles = rolesOf(board.current.manifest);
    const voters = await publishVoters(board, 8, [1, 2, 1, 1, 3, 1, 1, 1]);
    await board.openPoll();
    // Voter 8 abstains; voters 2 and 6 vote twice; voter 4 votes and is revoked later.
    const plan = [0, 1, 1, 2, 3, 4, 5, 5, 6];
    for (const [n, v] of plan.entries()) {
      await board.castBallot(ballotOf(board, voters[v]!, compactChoices(n)).ballot);
      if (n === 6) await revoke(board, voters[3]!.keys.key, 'credential reported stolen');
    }
    revokedKey = voters[3]!.keys.key;
    await closeAndCount(board, trustees, [1, 3]);
    good = await recordEvents(board);
  } finally {
    await store.close();
  }
  goodLines = good.map(encodeEvent);
  ballotIdx = idxOf('ballot');
  const last = new Map<string, number>();
  for (const i of ballotIdx) last.set(credentialOf(good[i]!), i);
  countedIdx = [...last].filter(([k]) => k !== revokedKey).map(([, i]) => i);
  [openIdx] = idxOf('poll-opened') as [number];
  [closeIdx] = idxOf('poll-closed') as [number];
  writeFileSync(join(dir, 'record.jsonl'), goodLines.join('\n') + '\n');

  // Another election with the same manifest (same id and questions): only its hash differs.
  const other = await runDemo({ voters: 3, seed: 5, outDir: join(dir, 'other'), manifest: compactManifest('mutations'), abstainPercent: 0, revotePercent: 0 });
  const otherReport = (await verifyRecord(fileSource(other.recordPath))).report;
  assert.ok(otherReport.ok, `the second election must verify: ${otherReport.failedChecks.join(', ')}`);
  foreignBallots = eventsOf(readRecordFile(other.recordPath), 'ballot');
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the untouched record verifies, and re-chaining it changes nothing', async () => {
  const report = await verifyLines(goodLines);
  assert.ok(report.ok, `failing: ${report.failedChecks.join(', ')}`);
  assert.deepEqual(rechain(clone()), goodLines);
  assert.equal(ballotIdx.length, 9);
  assert.equal(countedIdx.length, 6);
});

describe('raw changes are caught by the record format and the hash chain', () => {
  const chainOrEnd: CheckId[] = [...CHAIN_CHECKS, 'record.complete'];

  test('any one byte changed anywhere in a line (the file read as `veche verify` reads it)', async () => {
    const record = Buffer.from(goodLines.join('\n') + '\n', 'utf8');
    const starts: number[] = [];
    let offset = 0;
    for (const l of goodLines) { starts.push(offset); offset += Buffer.byteLength(l) + 1; }
    const file = join(dir, 'mutated.jsonl');
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (lineN, posN, delta) => {
      const line = lineN % goodLines.length;
      const at = starts[line]! + (posN % Buffer.byteLength(goodLines[line]!));
      const bytes = Buffer.from(record);
      bytes[at] = (bytes[at]! + delta) % 256; // any other byte value, newlines and invalid UTF-8 included
      writeFileSync(file, bytes);
      const report = (await verifyRecord(fileSource(file))).report;
      assert.equal(report.ok, false);
      assert.ok(report.failedChecks.some((c) => CHAIN_CHECKS.includes(c)), `failed: ${report.failedChecks.join(', ')}`);
    }), { numRuns: 80 });
  });

  test('any one character changed in a line', async () => {
    const chars = fc.oneof(fc.constantFrom('"', '\\', '{', '}', ',', ':', '0', '9', ' ', 'A', 'a', '-', '_', '\u2019'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }));
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), chars, async (lineN, posN, ch) => {
      const line = lineN % goodLines.length;
      const text = goodLines[line]!;
      const pos = posN % text.length;
      fc.pre(text[pos] !== ch);
      const lines = [...goodLines];
      lines[line] = text.slice(0, pos) + ch + text.slice(pos + 1);
      const report = await verifyLines(lines);
      assert.equal(report.ok, false);
      assert.ok(report.failedChecks.some((c) => CHAIN_CHECKS.includes(c)), `failed: ${report.failedChecks.join(', ')}`);
    }), { numRuns: 40 });
  });

  test('any line dropped, repeated or moved', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
    );
    await fc.assert(fc.asyncProperty(op, async (o) => {
      const n = goodLines.length;
      const at = o.at % n;
      const lines = [...goodLines];
      if (o.kind === 'drop') lines.splice(at, 1);
      else if (o.kind === 'repeat') lines.splice(o.to % (n + 1), 0, goodLines[at]!);
      else {
        const to = o.to % n;
        fc.pre(to !== at);
        if (o.kind === 'move') lines.splice(to, 0, ...lines.splice(at, 1));
        else [lines[at], lines[to]] = [lines[to]!, lines[at]!];
      }
      const report = await verifyLines(lines);
      assert.equal(report.ok, false);
      assert.ok(report.failedChecks.some((c) => chainOrEnd.includes(c)), `failed: ${report.failedChecks.join(', ')}`);
    }), { numRuns: 40 });
  });
});

describe('re-chained changes are caught by the check they break', () => {
  // Each run verifies a whole record (about 1 s): a few runs per kind of change, every kind always run.
  const RUNS = { numRuns: 2 };

  test('a ballot with one ciphertext character changed: ballots.valid', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.nat(), async (b, g, o, pos, ch) => {
      const events = clone();
      const ballot = events[pick(ballotIdx, b)]!.payload as PayloadByType['ballot'];
      const group = pick(ballot.answers, g);
      const ct = pick(group.ct, o);
      ct[pos % 2] = changeChar(ct[pos % 2]!, pos >> 1, ch);
      await assertCaughtBy(events, ['ballots.valid']);
    }), RUNS);
  });

  test('a ballot copied from another voter with the credential swapped: ballots.valid', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), fc.boolean(), async (b, other, at, replace) => {
      const events = clone();
      const source = events[pick(ballotIdx, b)]!;
      const keys = [...new Set(ballotIdx.map((i) => credentialOf(good[i]!)))].filter((k) => k !== credentialOf(source));
      const copy: BoardEvent = { ...structuredClone(source), payload: { ...(structuredClone(source.payload) as PayloadByType['ballot']), credential: pick(keys, other) } };
      if (replace) events[pick(ballotIdx, b)] = copy;
      else events.splice(openIdx + 1 + (at % (closeIdx - openIdx)), 0, copy);
      await assertCaughtBy(events, ['ballots.valid']);
    }), RUNS);
  });

  test('a ballot from another election of the same manifest, as it was or re-addressed: ballots.valid', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.boolean(), async (b, at, readdress) => {
      const events = clone();
      const payload = structuredClone(pick(foreignBallots, b));
      if (readdress) payload.election = good[0]!.hash;
      events.splice(openIdx + 1 + (at % (closeIdx - openIdx)), 0, { ...events[openIdx]!, type: 'ballot', payload });
      await assertCaughtBy(events, ['ballots.valid']);
    }), RUNS);
  });

  test('a ballot repeated later while the poll is open (a replay): ballots.unique', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), async (b, at) => {
      const events = clone();
      const from = pick(ballotIdx, b);
      const to = from + 1 + (at % (closeIdx - from));
      events.splice(to, 0, structuredClone(events[from]!));
      // A replay after the voter's revocation is refused as ineligible before it is seen as a repeat.
      const revokedBefore = events.slice(0, to).some((e) => e.type === 'credential-revoked' && (e.payload as { key: string }).key === credentialOf(events[from]!));
      await assertCaughtBy(events, revokedBefore ? ['ballots.eligible'] : ['ballots.unique']);
    }), RUNS);
  });

  test('a counted ballot dropped: tally.sums or tally.counts', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), async (b) => {
      const events = clone();
      events.splice(pick(countedIdx, b), 1);
      await assertCaughtBy(events, ['tally.sums', 'tally.counts']);
    }), RUNS);
  });

  test('a ballot moved after the poll closed: phase.order', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), async (b) => {
      const events = clone();
      const [moved] = events.splice(pick(ballotIdx, b), 1);
      events.splice(closeIdx, 0, moved!); // closeIdx is now the index just after poll-closed
      await assertCaughtBy(events, ['phase.order']);
    }), RUNS);
  });

  test('an encrypted tally sum changed (a vote added, two options swapped, or a character changed): tally.sums', async () => {
    const [tallyIdx] = idxOf('tally') as [number];
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.constantFrom('add-vote', 'swap', 'char'), fc.nat(), async (g, o, how, n) => {
      const events = clone();
      const sums = (events[tallyIdx]!.payload as PayloadByType['tally']).sums;
      const row = pick(sums, g);
      const i = o % row.length;
      if (how === 'add-vote') row[i] = encodeCiphertext(addCiphertexts(decodeCiphertext(row[i]), encrypt(decodePublicKey((good[idxOf('joint-key')[0]!]!.payload as PayloadByType['joint-key']).publicKey), 1).ct));
      else if (how === 'swap') [row[i], row[(i + 1) % row.length]] = [row[(i + 1) % row.length]!, row[i]!];
      else row[i] = [changeChar(row[i]![0], n, n >> 5), row[i]![1]];
      await assertCaughtBy(events, ['tally.sums']);
    }), RUNS);
  });

  test('the tally\'s stated number of ballots or weights changed: tally.counts', async () => {
    const [tallyIdx] = idxOf('tally') as [number];
    await fc.assert(fc.asyncProperty(fc.constantFrom('ballots', 'castWeight', 'eligibleWeight') as fc.Arbitrary<'ballots' | 'castWeight' | 'eligibleWeight'>, fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0), async (field, d) => {
      const events = clone();
      (events[tallyIdx]!.payload as PayloadByType['tally'])[field] += d;
      await assertCaughtBy(events, ['tally.counts']);
    }), { numRuns: 2 });
  });

  for (const by of ['the board', 'its trustee'] as const) {
    test(`a decryption share with a changed D, by ${by}: ${by === 'the board' ? 'trustees.signatures' : 'decryption.shares (re-signed)'}`, async () => {
      const shareIdx = idxOf('decryption-share');
      await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), fc.boolean(), async (s, g, o, fresh) => {
        const events = clone();
        const i = pick(shareIdx, s);
        const part = pick(pick((events[i]!.payload as PayloadByType['decryption-share']).shares, g), o);
        part.D = fresh ? freshPoint() : changeChar(part.D, g, o);
        if (by === 'its trustee') resign(events, i);
        await assertCaughtBy(events, [by === 'the board' ? 'trustees.signatures' : 'decryption.shares']);
      }), RUNS);
    });
  }

  test('a count, a total or the trustees in the result changed: result.counts', async () => {
    const [resultIdx] = idxOf('result') as [number];
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: -2, max: 2 }).filter((d) => d !== 0), fc.constantFrom('count', 'ballots', 'castWeight', 'trustees'), async (g, o, d, what) => {
      const events = clone();
      const r = events[resultIdx]!.payload as PayloadByType['result'];
      if (what === 'count') { const row = pick(r.counts, g); row[o % row.length]! += d; }
      else if (what === 'trustees') r.trustees = ['t1', 't2'];
      else r[what] += d;
      await assertCaughtBy(events, ['result.counts']);
    }), RUNS);
  });

  test('an outcome in the result changed: result.outcomes', async () => {
    const [resultIdx] = idxOf('result') as [number];
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), async (q, n) => {
      const events = clone();
      const r = events[resultIdx]!.payload as PayloadByType['result'];
      // Change one leaf (number, string or boolean) of one question's result.
      const leaves: { obj: Record<string, unknown>; key: string }[] = [];
      const walk = (x: unknown) => {
        if (x === null || typeof x !== 'object') return;
        for (const [k, v] of Object.entries(x)) (v !== null && typeof v === 'object' ? walk(v) : leaves.push({ obj: x as Record<string, unknown>, key: k }));
      };
      walk(pick(r.results, q));
      const { obj, key } = pick(leaves, n);
      const v = obj[key];
      obj[key] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : v === null ? 'okafor' : `${String(v)}-changed`;
      await assertCaughtBy(events, ['result.outcomes']);
    }), { numRuns: 3 });
  });

  test('the joint election key changed: keys.joint', async () => {
    const [jointIdx] = idxOf('joint-key') as [number];
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.nat(), async (fresh, n) => {
      const events = clone();
      const p = events[jointIdx]!.payload as PayloadByType['joint-key'];
      p.publicKey = fresh ? freshPoint() : changeChar(p.publicKey, n, n >> 6);
      await assertCaughtBy(events, ['keys.joint']);
    }), { numRuns: 2 });
  });

  // Who changes a coefficient commitment of a trustee's key: the board (the signature fails); the trustee,
  // re-signing the key but not its round-0 commitment (it revealed another key than it committed to); or
  // the trustee from the start, committing to the bad key and revealing it (the proofs fail).
  const keyChecks = { board: 'trustees.signatures', 'trustee-reveal': 'trustees.commitments', 'trustee-commit': 'trustees.keys' } as const;
  const keyCases = {
    board: 'by the board',
    'trustee-reveal': 'by its trustee after committing to its real key (re-signed)',
    'trustee-commit': 'by its trustee, committed to and revealed (re-signed)',
  } as const;
  for (const by of Object.keys(keyChecks) as (keyof typeof keyChecks)[]) {
    test(`a trustee key with a changed commitment, ${keyCases[by]}: ${keyChecks[by]}`, async () => {
      const keyIdx = idxOf('trustee-key');
      const commitIdx = idxOf('trustee-commitment');
      await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.boolean(), async (t, j, fresh) => {
        const events = clone();
        const i = pick(keyIdx, t);
        const p = events[i]!.payload as PayloadByType['trustee-key'];
        const k = j % p.commitments.length;
        p.commitments[k] = fresh ? freshPoint() : changeChar(p.commitments[k]!, j, j >> 3);
        if (by !== 'board') resign(events, i);
        if (by === 'trustee-commit') {
          const c = commitIdx.find((x) => (events[x]!.payload as PayloadByType['trustee-commitment']).trustee === p.trustee)!;
          (events[c]!.payload as PayloadByType['trustee-commitment']).commitment = keyCommitment(good[0]!.hash, events[i]!.payload as PayloadByType['trustee-key']);
          resign(events, c);
        }
        await assertCaughtBy(events, [keyChecks[by]]);
      }), RUNS);
    });
  }

  for (const by of ['the board', 'its trustee'] as const) {
    test(`a trustee's verification key changed, by ${by}: ${by === 'the board' ? 'trustees.signatures' : 'trustees.ready (re-signed)'}`, async () => {
      const readyIdx = idxOf('trustee-ready');
      await fc.assert(fc.asyncProperty(fc.nat(), async (t) => {
        const events = clone();
        const i = pick(readyIdx, t);
        (events[i]!.payload as PayloadByType['trustee-ready']).verificationKey = freshPoint();
        if (by === 'its trustee') resign(events, i);
        await assertCaughtBy(events, [by === 'the board' ? 'trustees.signatures' : 'trustees.ready']);
      }), { numRuns: 1 });
    });
  }

  for (const by of ['the board', 'the credential authority'] as const) {
    test(`the credential list changed (weight, total, order, a key replaced or removed), by ${by}: credentials.list, or ${by === 'the board' ? 'credentials.signature' : 'ballots.eligible (re-signed)'}`, async () => {
      const [listIdx] = idxOf('credentials') as [number];
      const voted = [...new Set(ballotIdx.map((i) => credentialOf(good[i]!)))];
      const how = fc.constantFrom('weight', 'total', 'swap', 'repeat', 'replace-voter', 'remove-voter');
      await fc.assert(fc.asyncProperty(how, fc.nat(), async (change, n) => {
        const events = clone();
        const p = events[listIdx]!.payload as PayloadByType['credentials'];
        const list = p.credentials;
        const i = n % list.length;
        switch (change) {
          case 'weight': list[i]!.weight += 1; break;
          case 'total': p.totalWeight += 1; break;
          case 'swap': [list[i], list[(i + 1) % list.length]] = [list[(i + 1) % list.length]!, list[i]!]; break;
          case 'repeat': list.splice(i, 0, { ...list[i]! }); p.totalWeight += list[i]!.weight; break;
          case 'replace-voter':
          case 'remove-voter': {
            // A voter who voted loses their place (replaced by a key nobody voted with, kept sorted, same weight).
            const at = list.findIndex((c) => c.key === pick(voted, n));
            const [removed] = list.splice(at, 1);
            if (change === 'remove-voter') p.totalWeight -= removed!.weight;
            else {
              list.push({ key: credentialKeys(good[0]!.hash, newCredential()).key, weight: removed!.weight });
              list.sort((a, b) => (a.key < b.key ? -1 : 1));
            }
            break;
          }
        }
        if (by === 'the credential authority') resign(events, listIdx);
        // A list that breaks its own rules (order, total) is refused before its signature is checked.
        const wellFormed = change === 'replace-voter' || change === 'remove-voter';
        await assertCaughtBy(events, !wellFormed ? ['credentials.list'] : by === 'the board' ? ['credentials.signature'] : ['ballots.eligible']);
      }), { numRuns: 5 });
    });
  }

  for (const by of ['the board', 'its trustee'] as const) {
    test(`an extra field in a part of a decryption share, by ${by}: ${by === 'the board' ? 'trustees.signatures' : 'decryption.shares (re-signed; was accepted before)'}`, async () => {
      const events = clone();
      const i = idxOf('decryption-share')[1]!;
      const part = (events[i]!.payload as PayloadByType['decryption-share']).shares[0]![0]!;
      (part as unknown as Record<string, unknown>).note = 'extra';
      if (by === 'its trustee') resign(events, i);
      await assertCaughtBy(events, [by === 'the board' ? 'trustees.signatures' : 'decryption.shares']);
    });
  }

  test('an extra field in any object of any event: refused (nothing on the record carries unchecked data)', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), async (ev, o) => {
      const events = clone();
      const objects: Record<string, unknown>[] = [];
      const walk = (x: unknown) => {
        if (x === null || typeof x !== 'object') return;
        if (!Array.isArray(x)) objects.push(x as Record<string, unknown>);
        for (const v of Object.values(x)) walk(v);
      };
      walk(pick(events, ev).payload);
      const target = objects.length > 0 ? pick(objects, o) : pick(events, ev).payload as unknown as Record<string, unknown>;
      target.extra = 1;
      const report = await verifyLines(rechain(events));
      assert.equal(report.ok, false);
      assert.deepEqual(report.failedChecks.filter((c) => CHAIN_CHECKS.includes(c)), []);
    }), { numRuns: 4 });
  });

  test('a revocation of a credential not on the list: credentials.revocations', async () => {
    const [revIdx] = idxOf('credential-revoked') as [number];
    const events = clone();
    (events[revIdx]!.payload as PayloadByType['credential-revoked']).key = credentialKeys(good[0]!.hash, newCredential()).key;
    await assertCaughtBy(events, ['credentials.revocations']);
  });
});

// What a board rewriting the record could change without any check noticing in protocol v1, and that
// v2 catches because the author signed it: the credential authority signs each revocation (its reason
// too) and the list, each trustee signs the shares it sends.
describe('changes once bound only by the hash chain are caught by a signature in v2', () => {
  test('a revocation reason changed by the board: credentials.signature', async () => {
    const events = clone();
    (events[idxOf('credential-revoked')[0]!]!.payload as PayloadByType['credential-revoked']).reason = 'another reason';
    await assertCaughtBy(events, ['credentials.signature']);
  });

  test('an encrypted key-ceremony share changed by the board: trustees.signatures', async () => {
    const events = clone();
    const shares = (events[idxOf('trustee-shares')[0]!]!.payload as PayloadByType['trustee-shares']).shares;
    const first = Object.values(shares)[0]!;
    first.mac = changeChar(first.mac, 0, 1);
    await assertCaughtBy(events, ['trustees.signatures']);
  });

  test('the key of a credential that never voted replaced by the board: credentials.signature', async () => {
    const events = clone();
    const voted = new Set(ballotIdx.map((i) => credentialOf(good[i]!)));
    const list = (events[idxOf('credentials')[0]!]!.payload as PayloadByType['credentials']).credentials;
    const i = list.findIndex((c) => !voted.has(c.key));
    list[i] = { key: credentialKeys(good[0]!.hash, newCredential()).key, weight: list[i]!.weight };
    list.sort((a, b) => (a.key < b.key ? -1 : 1));
    await assertCaughtBy(events, ['credentials.signature']);
  });
});

// What the record itself does not pin down beyond the hash chain. A forger who rewrites the record
// can change these and re-chain it; only someone holding an earlier hash of the board catches it
// (a voter's receipt names the hash of their ballot's event, which chains every event before it).
// Each is listed and shown to pass, so a change of the verifier's rules shows up here.
describe('changes bound only by the hash chain pass once re-chained (listed on purpose)', () => {
  test('event time: informative; the verifier checks only that times are valid and never go backwards', async () => {
    const events = clone();
    const i = ballotIdx[3]!;
    events[i]!.time = events[i - 1]!.time;
    assert.ok((await verifyLines(rechain(events))).ok);
  });

  test('a superseded ballot (a re-voter\'s earlier one) dropped: it counts for nothing; its receipt proves it was there', async () => {
    const events = clone();
    const superseded = ballotIdx.find((i) => !countedIdx.includes(i) && credentialOf(good[i]!) !== revokedKey)!;
    events.splice(superseded, 1);
    assert.ok((await verifyLines(rechain(events))).ok);
  });

  test('two ballots of different voters swapped: the order between voters decides nothing', async () => {
    const events = clone();
    const i = ballotIdx.findIndex((b, k) => k + 1 < ballotIdx.length && ballotIdx[k + 1] === b + 1 && credentialOf(good[b]!) !== credentialOf(good[b + 1]!));
    const a = ballotIdx[i]!;
    [events[a], events[a + 1]] = [events[a + 1]!, events[a]!];
    assert.ok((await verifyLines(rechain(events))).ok);
  });
});

// What a signer can put in its own signed event that no public check can judge: the change is re-signed
// by its author and passes. Only the person concerned can tell (a voter looking for their key on the
// list, the trustee who receives a share). Listed so that a change of the rules shows up here.
describe('changes only their signer can make, re-signed, pass (listed on purpose)', () => {
  test('revocation reason, as the credential authority writes it: free text for people, no rule depends on it', async () => {
    const events = clone();
    const i = idxOf('credential-revoked')[0]!;
    (events[i]!.payload as PayloadByType['credential-revoked']).reason = 'another reason';
    resign(events, i);
    assert.ok((await verifyLines(rechain(events))).ok);
  });

  test('an encrypted key-ceremony share its trustee sent garbled: only the receiving trustee can decrypt it, and complain', async () => {
    const events = clone();
    const i = idxOf('trustee-shares')[0]!;
    const shares = (events[i]!.payload as PayloadByType['trustee-shares']).shares;
    const first = Object.values(shares)[0]!;
    first.mac = changeChar(first.mac, 0, 1);
    resign(events, i);
    assert.ok((await verifyLines(rechain(events))).ok);
  });

  test('the key of a credential that never voted replaced by the credential authority: only its voter, checking the list, can tell', async () => {
    const events = clone();
    const voted = new Set(ballotIdx.map((i) => credentialOf(good[i]!)));
    const listIdx = idxOf('credentials')[0]!;
    const list = (events[listIdx]!.payload as PayloadByType['credentials']).credentials;
    const i = list.findIndex((c) => !voted.has(c.key));
    list[i] = { key: credentialKeys(good[0]!.hash, newCredential()).key, weight: list[i]!.weight };
    list.sort((a, b) => (a.key < b.key ? -1 : 1));
    resign(events, listIdx);
    assert.ok((await verifyLines(rechain(events))).ok);
  });
});

describe('veche verify on the command line', () => {
  const verify = (file: string) => veche(['verify', file]);

  test('exits 0 on the good record and 1 naming the failing check on a tampered one', async () => {
    const ok = await verify(join(dir, 'record.jsonl'));
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /VERIFIED: every check holds/);

    const events = clone();
    (events[idxOf('result')[0]!]!.payload as PayloadByType['result']).counts[0]![0]! += 1;
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, rechain(events).join('\n') + '\n');
    const bad = await verify(tampered);
    assert.equal(bad.code, 1, bad.stdout);
    assert.match(bad.stdout, /\[FAIL\] result\.counts/);
    assert.match(bad.stdout, /NOT VERIFIED: failing checks: result\.counts/);
  });
});
