// A teller's steps in a secret vote (spec §19 M7 points 2 and 5), from the teller's own page: the key
// ceremony of the vote's election (commit, reveal, shares, ready) and later the decryption share, each
// payload signed with the teller's body key. The key material is kept in this browser exactly as the
// trustee page keeps a trustee's (web/lib/trustee-store.ts), and before every step the election's
// record is checked by the trustee's own board check (src/keyceremony/board-check.ts: the record
// verifies, extends what this teller saw, holds what it sent) and must be the election the meeting gives.
import { canonicalJson } from '../../src/crypto/encoding.js';
import { checkBoardForTrustee, noteSubmitted } from '../../src/keyceremony/board-check.js';
import { commitTrusteeKey, finishKeyCeremony, makeShares, revealTrusteeKey, type TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { secretManifest } from '../../src/meeting/secret.js';
import { makeDecryptionShare } from '../../src/tally/decrypt.js';
import { fetchRecordLines, loadTrustee, saveTrustee } from './trustee-store.js';
import { postToMeeting, publicKeyOf, type MeetingState, type MotionState, type Signer } from './meeting-api.js';
import type { SecretStatus } from './meeting-secret.js';
import { t } from './i18n.js';

export type TellerStep = 'commitment' | 'key' | 'shares' | 'ready' | 'decryption';

/** The step this teller may take now, by the checked status; null while waiting for the others (or done). */
export function tellerStepDue(status: SecretStatus, teller: string): TellerStep | null {
  if (status.error) return null;
  const all = status.tellers;
  const me = all.find((x) => x.id === teller);
  if (!me) return null;
  if (!me.committed) return status.phase === 'setup' ? 'commitment' : null;
  if (!me.key) return all.every((x) => x.committed) ? 'key' : null;
  if (!me.shares) return all.every((x) => x.key) ? 'shares' : null;
  if (!me.ready) return all.every((x) => x.shares) ? 'ready' : null;
  if (status.phase === 'tallied' && !me.decrypted) return 'decryption';
  return null;
}

/** This teller's key material for the election: the one kept here, or a fresh one on the teller's body key. */
function tellerSecret(electionId: string, signer: Signer): TrusteeSecret {
  const key = publicKeyOf(signer.secret);
  if (!key) throw new Error(t('meetingSecret.badKey'));
  const kept = loadTrustee(electionId, signer.id);
  if (kept && kept.signing.key !== key) throw new Error(t('meetingSecret.otherTellerKept'));
  return kept ?? { version: 'veche/trustee-secret/v2', trustee: signer.id, signing: { secret: signer.secret, key } };
}

/** Takes `step` for the teller `signer` in the election of `m`, after checking its record; returns what was done. */
export async function takeTellerStep(st: MeetingState, m: MotionState, electionId: string, signer: Signer, step: TellerStep): Promise<string> {
  let secret = tellerSecret(electionId, signer);
  const lines = await fetchRecordLines(electionId);
  const checked = await checkBoardForTrustee(secret, lines);
  const s = checked.verification.state;
  if (!s.manifest || canonicalJson(s.manifest) !== canonicalJson(secretManifest(st, m))) throw new Error(t('meetingSecret.otherElection'));
  const mine = s.manifest.trustees.find((x) => x.id === signer.id);
  if (!mine || mine.signingKey !== secret.signing.key) throw new Error(t('meetingSecret.notTeller'));
  secret = checked.secret;
  const keep = (x: TrusteeSecret) => { secret = x; if (!saveTrustee(electionId, x)) throw new Error(t('meetingSecret.storageFailed')); };
  keep(secret);
  const send = async (type: string, payload: unknown) => {
    await postToMeeting(st.meeting.id, `motions/${encodeURIComponent(m.id)}/tellers/${encodeURIComponent(signer.id)}/${step}`, payload);
    keep(noteSubmitted(secret, type, payload));
  };
  const trustees = s.manifest.trustees;
  switch (step) {
    case 'commitment': {
      if (s.phase !== 'setup') throw new Error(t('meetingSecret.tooLate'));
      if (s.ceremony.commitments.has(signer.id)) return t('meetingSecret.stepDone.commitment');
      // A commitment made here before whose answer was lost is sent again, never a new key.
      if (secret.key && secret.election === s.electionHash) throw new Error(t('meetingSecret.commitLost'));
      const done = commitTrusteeKey(secret, s.electionHash, s.manifest);
      keep(done.secret); // kept before it is sent: it is what the commitment binds
      await send('trustee-commitment', done.commitment);
      break;
    }
    case 'key':
      if (s.ceremony.commitments.size !== trustees.length) throw new Error(t('meetingSecret.waitOthers'));
      await send('trustee-key', revealTrusteeKey(secret));
      break;
    case 'shares':
      if (s.ceremony.keys.size !== trustees.length) throw new Error(t('meetingSecret.waitOthers'));
      await send('trustee-shares', makeShares(secret, trustees.map((x) => s.ceremony.keys.get(x.id)!)));
      break;
    case 'ready': {
      if (s.ceremony.shares.size !== trustees.length) throw new Error(t('meetingSecret.waitOthers'));
      const done = finishKeyCeremony(secret, trustees.map((x) => s.ceremony.keys.get(x.id)!), trustees.map((x) => s.ceremony.shares.get(x.id)!));
      // The meeting's routes take no complaint: a share that does not check stops this teller, and the vote cannot open.
      if (done.kind !== 'ready') throw new Error(t('meetingSecret.badShares', { names: done.complaints.map((c) => c.against).join(', ') }));
      keep(done.secret); // s_l is kept before the readiness is sent: it is what decrypts later
      await send('trustee-ready', done.ready);
      break;
    }
    case 'decryption': {
      if (!secret.share) throw new Error(t('meetingSecret.noShare'));
      if (s.phase !== 'tallied' || !s.tally) throw new Error(t('meetingSecret.noTally'));
      // The tally must be the sum of the counted ballots, recounted here from the record.
      const sums = checked.verification.report.checks.find((c) => c.id === 'tally.sums');
      if (!sums || sums.failed > 0 || sums.passed === 0) throw new Error(t('meetingSecret.forgedTally'));
      if (s.decryptionShares.some((x) => x.trustee === signer.id)) return t('meetingSecret.stepDone.decryption');
      await send('decryption-share', makeDecryptionShare(secret, s.tally.sums));
      break;
    }
  }
  return t(`meetingSecret.stepDone.${step}`);
}
