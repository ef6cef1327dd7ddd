// readEvent reads a canonical line with JSON.parse and anything else with the strict reader: the lines it
// accepts and the messages it gives are those of the strict reader (spec §9.1), at the edges where
// JSON.parse alone would differ: duplicate keys, nesting past 64 levels, non-canonical forms, escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../src/crypto/encoding.js';
import { readEvent } from '../src/verify/events.js';
import { Report } from '../src/verify/report.js';
import { makeEvent, encodeEvent, GENESIS_PREV } from '../src/record/events.js';

const read = (line: string) => {
  const report = new Report();
  const e = readEvent(line, 0, null, report);
  return { e, failures: report.checks.flatMap((c) => c.failures.map((f) => `${c.id}: ${f.message}`)) };
};

test('a canonical event line is read; its value is the strict reader\'s', () => {
  const line = encodeEvent(makeEvent(0, GENESIS_PREV, 'poll-opened', {}));
  const { e, failures } = read(line);
  assert.deepEqual(failures, []);
  assert.equal(canonicalJson(e), line);
});

test('lines JSON.parse would accept are refused as the strict reader refuses them', () => {
  const good = encodeEvent(makeEvent(0, GENESIS_PREV, 'ballot', { election: 'e', credential: 'c', answers: [{ ct: [['a', 'b']], proof: 'p' }], signature: 's' }));
  // A duplicate key: JSON.parse keeps the last one.
  const dup = good.replace('"type":"ballot"', '"type":"ballot","type":"ballot"');
  assert.match(read(dup).failures.join('\n'), /record\.format: line 1 is not valid JSON: .*duplicate key "type"/);
  // 65 nested containers (event, payload, 63 arrays), the innermost empty: JSON.parse reads it and
  // canonicalJson writes it back unchanged, but the strict reader allows 64 levels.
  const deep = good.replace('"credential":"c"', `"credential":${'['.repeat(63)}${']'.repeat(63)}`);
  assert.equal(canonicalJson(JSON.parse(deep)), deep);
  assert.match(read(deep).failures.join('\n'), /record\.format: line 1 is not valid JSON: .*nesting deeper than 64/);
  // One level less is read (and then refused for what it is: not a chained, hashed event).
  const deepOk = good.replace('"credential":"c"', `"credential":${'['.repeat(62)}${']'.repeat(62)}`);
  assert.doesNotMatch(read(deepOk).failures.join('\n'), /not valid JSON/);
  // Whitespace, an escaped slash, a float: valid JSON, not canonical.
  for (const bad of [good.replace('"type":', '"type": '), good.replace('"e"', '"\\/e"'), good.replace('"seq":0', '"seq":0.0')]) {
    assert.match(read(bad).failures.join('\n'), /record\.format: line 1 is not a canonical event/, bad);
  }
  // A lone surrogate, escaped as canonicalJson writes it: read the same way by both readers.
  const lone = good.replace('"e"', '"\\ud800"');
  assert.doesNotMatch(read(lone).failures.join('\n'), /record\.format/);
});
