// The demo election: one question of each kind, small enough to tally in a second, used by the CLI demo,
// the tests and the documentation.

import type { Manifest } from './types.js';
import { completeManifest, type ManifestDraft, type SignerKeys } from './signers.js';

/** The demo election with the given signers' keys. */
export function demoManifest(keys: SignerKeys): Manifest {
  return completeManifest(demoManifestDraft(), keys);
}

/** A fresh copy on every call, so that a caller that edits it cannot change anyone else's. */
export function demoManifestDraft(): ManifestDraft {
  return {
    id: 'demo',
    title: 'Riverside Housing Co-operative: Annual General Assembly 2025',
    description:
      'Members elect the chair of the board, choose which projects to fund next year, review the work of ' +
      'the officers, and decide on the maintenance fee. Each member household has one vote.',
    languages: ['en', 'ru'],
    questions: [
      {
        type: 'choice',
        id: 'chair',
        title: 'Who should chair the board for the next two years?',
        candidates: [
          { id: 'okafor', label: 'Amara Okafor' },
          { id: 'lindqvist', label: 'Erik Lindqvist' },
          { id: 'petrova', label: 'Daria Petrova' },
        ],
        allowBlank: false,
        absoluteMajority: false,
      },
      {
        type: 'approval',
        id: 'projects',
        title: 'Which projects should be funded in 2026? Approve up to two; the two with most approvals are funded.',
        options: [
          { id: 'solar-roof', label: 'Solar panels on the roof of building B' },
          { id: 'bike-shed', label: 'A covered, lockable bicycle shed' },
          { id: 'playground', label: 'Renovation of the courtyard playground' },
          { id: 'laundry', label: 'New machines for the shared laundry' },
          { id: 'garden', label: 'Community vegetable garden' },
        ],
        min: 0,
        max: 2,
        winners: 2,
      },
      {
        type: 'verdict',
        id: 'officers-review',
        title: 'Review of the officers for the past year',
        officeHolders: [
          { id: 'treasurer', label: 'Miguel Santos, treasurer' },
          { id: 'secretary', label: 'Ingrid Halvorsen, secretary' },
          { id: 'maintenance', label: 'Tomasz Nowak, maintenance coordinator' },
        ],
        default: 'no-consequences',
      },
      {
        type: 'motion',
        id: 'fee-increase',
        title: 'Raise the monthly maintenance fee by 4% from January 2026 to build up the repair reserve.',
        quorum: { num: 1, den: 2 },
        threshold: { num: 1, den: 2 },
        strict: true,
      },
    ],
    trustees: [
      { id: 't1', name: 'Hannah Weber (audit committee)' },
      { id: 't2', name: 'Kwame Mensah (audit committee)' },
      { id: 't3', name: 'Yuki Tanaka (members\u2019 representative)' },
    ],
    credentialAuthority: { name: 'Election office of the co-operative' },
    threshold: 2,
  };
}
