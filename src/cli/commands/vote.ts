// `veche vote`: the voter's device. Encrypts and signs a ballot from the credential and the choices;
// the credential and the plaintext stay here.
import { readFileSync } from 'node:fs';
import { encryptBallot } from '../../ballot/encrypt.js';
import { auditBallot } from '../../ballot/audit.js';
import { credentialKeys } from '../../credentials/credentials.js';
import { encodeChoices, selectionGroups, validateChoices } from '../../manifest/layout.js';
import type { Choices, Manifest } from '../../manifest/types.js';
import { checkElectionForVoter, ElectionCheckError, type CheckedElection } from '../../verify/voter-check.js';
import { parse, readJsonFile, required, UsageError, writeJsonFile } from '../args.js';
import { makeSubmission } from '../submission.js';
import { voteViaServer } from './vote-server.js';
import { checkAuditFile, parseAuditFile, type AuditFile } from '../../verify/audit-file.js';
import { trackingCode } from '../../ballot/tracking.js';
import { rankedChoicesOf } from '../../ballot/ranked.js'; // ranked
import type { BallotJson } from '../../ballot/types.js';

export const VOTE_HELP = `Usage: veche vote --record RECORD --credential CRED --choices FILE (--out BALLOT.json | --audit)
       veche vote --server URL --election ID --credential CRED --choices FILE [--receipt FILE | --audit]
       veche vote --check-audit AUDIT.json (--record RECORD | --server URL --election ID)

Encrypts and signs a ballot on this machine. RECORD is the board's record (it gives the manifest and
the election key; it is verified here first, up to where it stands, and the ballot is encrypted only
under the key its signed key ceremony made); CRED is your credential (or @FILE to read it from a file); FILE holds your
choices as JSON, one entry per question, for example:
  {"chair": "okafor", "projects": ["solar-roof", "garden"],
   "officers-review": {"treasurer": "encouragement", "secretary": "punishment", "maintenance": "no-consequences"},
   "fee-increase": "for"}
(a choice question takes a candidate id, or null for blank where allowed; an approval question a
list of option ids; a verdict question one verdict per office-holder; a motion for/against/abstain).

  --out FILE   write the ballot submission for the board; prints the tracking code
  --audit      do not cast: encrypt, reveal the randomness and check the encryption (Benaloh
               challenge), print what was checked, and throw the ballot away. Repeat as often as
               you like; then cast with --out.

With --server, the ballot goes straight to a veche server: the record up to the poll's opening is
fetched from URL and verified here with the verifier's modules (chain, manifest, signed key ceremony,
election key, signed credential list), the ballot is encrypted here under the checked key and posted,
and the board's signed receipt is checked against the board key of the record's first event; prints
the tracking code and the receipt.
  --receipt FILE   also write the receipt to FILE

--check-audit checks, on this (second) device, an audit file the booth saved: against the verified
record, that it is for this election and key, that the ballot and its proofs are valid, that the
ciphertexts are exactly the encryptions of the revealed choices (which it prints), and that this
spoiled ballot was never cast. Exit 0 when it holds, 1 when it does not.
`;

export function readLines(path: string): string[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Accepts the short form above as well as the full {type, ...} answers. */
export function choicesFromJson(manifest: Manifest, input: unknown): Choices {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError('choices: expected a JSON object with one entry per question');
  const out: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(input)) {
    const q = manifest.questions.find((x) => x.id === id);
    if (!q || (typeof v === 'object' && v !== null && !Array.isArray(v) && 'type' in v)) { out[id] = v; continue; }
    switch (q.type) {
      case 'choice': out[id] = { type: 'choice', candidate: v }; break;
      case 'approval': out[id] = { type: 'approval', options: v }; break;
      case 'verdict': out[id] = { type: 'verdict', verdicts: v }; break;
      case 'motion': out[id] = { type: 'motion', vote: v }; break;
      case 'ranked': out[id] = { type: 'ranked', ranking: v }; break; // ranked
    }
  }
  return validateChoices(manifest, out);
}

export async function voteCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { record: { type: 'string' }, credential: { type: 'string' }, choices: { type: 'string' }, out: { type: 'string' }, audit: { type: 'boolean' }, server: { type: 'string' }, election: { type: 'string' }, receipt: { type: 'string' }, 'check-audit': { type: 'string' } });
  if (values.help) { process.stdout.write(VOTE_HELP); return 0; }
  if (values['check-audit'] !== undefined) return checkAudit(values['check-audit'] as string, values);
  if (values.server !== undefined) {
    if (values.record !== undefined || values.out !== undefined) throw new UsageError('--server casts through the server: leave out --record and --out');
    return voteViaServer(values);
  }
  if (values.election !== undefined || values.receipt !== undefined) throw new UsageError('--election and --receipt go with --server');
  // The record is verified here first: the key ceremony, the joint key and the credential list must hold.
  let el: CheckedElection;
  try {
    el = await checkElectionForVoter(readLines(required(values, 'record')));
  } catch (e) {
    if (e instanceof ElectionCheckError) throw new UsageError(`refused: ${e.message}`);
    throw e;
  }
  const { electionHash: election, manifest, jointKey: publicKey } = el;
  let credential = required(values, 'credential');
  if (credential.startsWith('@')) credential = readFileSync(credential.slice(1), 'utf8').trim();
  const voter = credentialKeys(election, credential);
  if (!el.listed(voter.key)) throw new UsageError('this credential is not on the list of voters of this election');
  if (el.revoked(voter.key)) throw new UsageError('this credential was revoked');
  console.error(`election ${manifest.id}, fingerprint ${el.fingerprint} (compare it with the one in your invitation)`);
  const choices = choicesFromJson(manifest, readJsonFile(required(values, 'choices')));
  const groups = selectionGroups(manifest);
  const encrypted = encryptBallot(election, publicKey, groups, encodeChoices(manifest, choices), voter, rankedChoicesOf(manifest, choices)); // ranked: rankedChoicesOf
  if (values.audit) {
    const ok = auditBallot(encrypted.ballot, publicKey, encrypted.secrets);
    console.log(JSON.stringify({ audited: encrypted.trackingCode, choices, randomness: encrypted.secrets.randomness, encryptionMatches: ok }, null, 2));
    console.log(ok ? 'audit passed: the ballot encrypted exactly these choices. It has been discarded; vote again to cast.' : 'AUDIT FAILED: the ballot does not encrypt these choices. Do not use this device.');
    return ok ? 0 : 1;
  }
  const out = required(values, 'out');
  writeJsonFile(out, makeSubmission('ballot', election, encrypted.ballot));
  console.log(`ballot written to ${out}`);
  console.log(`tracking code: ${encrypted.trackingCode}`);
  return 0;
}

/** --check-audit: an audit file checked against a record that verifies (spec §8.6). */
async function checkAudit(path: string, values: Record<string, unknown>): Promise<number> {
  let file: AuditFile;
  try { file = parseAuditFile(readFileSync(path, 'utf8')); } catch (e) { throw new UsageError(`${path}: ${(e as Error).message}`); }
  let lines: string[];
  if (values.server !== undefined) {
    if (values.election === undefined) throw new UsageError('--server needs --election');
    const url = `${String(values.server).replace(/\/+$/, '')}/api/elections/${encodeURIComponent(String(values.election))}/record`;
    const res = await fetch(url);
    if (!res.ok) throw new UsageError(`could not fetch the record: ${res.status} ${res.statusText}`);
    lines = (await res.text()).split('\n');
    if (lines.at(-1) === '') lines.pop();
  } else {
    lines = readLines(required(values as Record<string, string | undefined>, 'record'));
  }
  let el: CheckedElection;
  try {
    el = await checkElectionForVoter(lines);
  } catch (e) {
    if (e instanceof ElectionCheckError) throw new UsageError(`refused: ${e.message}`);
    throw e;
  }
  // The tracking codes of every ballot on the record: a spoiled ballot must not be among them.
  const cast = new Set<string>();
  for (const line of lines) {
    try {
      const e = JSON.parse(line) as { type?: string; payload?: BallotJson };
      if (e.type === 'ballot' && e.payload) cast.add(trackingCode(e.payload));
    } catch { /* the record was verified above */ }
  }
  const r = checkAuditFile(file, el, (code) => cast.has(code));
  console.log(`election ${el.manifest.id}, fingerprint ${el.fingerprint}`);
  if (!r.ok) {
    console.log(`AUDIT FAILED: ${r.reason}`);
    return 1;
  }
  console.log(`audit holds: ballot ${r.trackingCode} encrypts exactly these choices, and was not cast:`);
  // In the form of a --choices file: {"chair": "b", "projects": ["q"], …}.
  const plain = Object.fromEntries(Object.entries(r.choices).map(([q, a]) => [q,
    a.type === 'choice' ? a.candidate : a.type === 'approval' ? a.options : a.type === 'verdict' ? a.verdicts : a.type === 'motion' ? a.vote : a.ranking /* ranked */]));
  console.log(JSON.stringify(plain, null, 2));
  return 0;
}
