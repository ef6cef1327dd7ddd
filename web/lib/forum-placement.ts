// The admin page's card that puts a body's qualified forum proposal on this draft ballot (spec §21.4):
// POST /api/bodies/:body/forum/proposals/:post/ballot, which adds the motion forum-<id> with the
// proposal's title to the draft's manifest. It is on the draft election's page because that is where
// the organiser builds the ballot (and holds the admin token the route needs); the forum page is the
// members' and signs with their keys. The organiser names the body; the card lists its proposals as
// they stood when loaded: a qualified one not yet placed gets "Put on this ballot", the others say why
// not (endorsements short, hidden, placed already). The server decides; its refusal (a proposal hidden
// meanwhile, an election past its draft, placed elsewhere meanwhile) is said in the form's words.
import type { Body } from '../../src/meeting/types.js';
import type { Placement } from '../../src/forum/types.js';
import { ApiError, errorText, type ElectionInfo } from './api.js';
import { h, type Child } from './dom.js';
import { adminCall } from './election-manage.js';
import { forumApi } from './forum-api.js';
import { forumQueue } from './meeting-api.js';
import { t } from './i18n.js';

const BODY_KEY = 'veche-admin-forum-body';

type Rule = 'body' | 'simple' | 'two-thirds';
/** The motion's rule: the body's own (the server reads it), or one of the two a ballot's motion can count. */
const RULES: Record<Exclude<Rule, 'body'>, { threshold: { num: number; den: number }; strict: boolean }> = {
  'simple': { threshold: { num: 1, den: 2 }, strict: true },
  'two-thirds': { threshold: { num: 2, den: 3 }, strict: false },
};

interface Row { id: string; title: string; hidden: boolean; endorsements: number; qualified: boolean; queued: boolean; placement: Placement | null }
interface Loaded { election: string; body: Body; threshold: number; rows: Row[] }

const card = {
  body: ((): string => { try { return sessionStorage.getItem(BODY_KEY) ?? ''; } catch { return ''; } })(),
  rule: 'body' as Rule,
  loaded: null as Loaded | null,
};

export interface ForumPlacementView {
  info: ElectionInfo;
  token: string;
  busy: boolean;
  act(run: () => Promise<string>): void;
}

const forumPath = (body: string) => `/api/bodies/${encodeURIComponent(body)}/forum`;

/** The body's proposals now, with where each qualified one went (a placed one is no longer in the queue). */
async function readForum(election: string, bodyId: string): Promise<Loaded> {
  const [body, proposals, queue] = await Promise.all([forumApi.body(bodyId), forumApi.proposals(bodyId), forumQueue(bodyId)]);
  const queued = new Set(queue.map((q) => q.proposal));
  const rows = await Promise.all(proposals.map(async (p): Promise<Row> => {
    const qualified = p.qualified !== null;
    const placement = qualified && !p.hidden && !queued.has(p.id)
      ? (await forumApi.proposal(bodyId, p.id)).placement : null;
    return { id: p.id, title: p.title ?? '', hidden: p.hidden, endorsements: p.endorsements, qualified, queued: queued.has(p.id), placement };
  }));
  return { election, body, threshold: body.rules.forum?.endorsements ?? 0, rows };
}

/** A refusal of the body or its forum in the organiser's words. */
function forumProblem(e: unknown, body: string): string {
  if (e instanceof ApiError && e.code === 'unknown-body') return t('fp.noBody', { body });
  if (e instanceof ApiError && e.code === 'no-forum') return t('fp.noForum', { body });
  return errorText(e);
}

function showProposals(v: ForumPlacementView): void {
  const body = card.body.trim();
  try { sessionStorage.setItem(BODY_KEY, body); } catch { /* kept for this page only */ }
  v.act(async () => {
    card.loaded = null;
    if (!body) throw new Error(t('fp.needBody'));
    try { card.loaded = await readForum(v.info.id, body); } catch (e) { throw new Error(forumProblem(e, body)); }
    const placeable = card.loaded.rows.filter((r) => r.queued).length;
    return t('fp.listed', { body: card.loaded.body.name, placeable, all: card.loaded.rows.length });
  });
}

/** The server's refusal of a placement in the organiser's words (the server's own words in brackets). */
function placementProblem(e: unknown, row: Row, loaded: Loaded): string {
  if (!(e instanceof ApiError)) return errorText(e);
  const words: Record<string, string> = {
    'not-qualified': t('fp.refused.notQualified', { title: row.title, threshold: loaded.threshold }),
    'hidden': t('fp.refused.hidden', { title: row.title }),
    'unknown-post': t('fp.refused.otherBody', { body: loaded.body.name }),
    'not-a-draft': t('fp.refused.notDraft'),
    'duplicate': t('fp.refused.duplicate', { title: row.title }),
  };
  const said = words[e.code];
  if (said === undefined) return errorText(e);
  return `${said} (${e.message})`;
}

function place(v: ForumPlacementView, row: Row): void {
  const loaded = card.loaded!;
  const rule = card.rule === 'body' ? {} : RULES[card.rule];
  v.act(async () => {
    let placed: { question: string };
    try {
      placed = await adminCall<{ question: string }>('POST', `${forumPath(loaded.body.id)}/proposals/${encodeURIComponent(row.id)}/ballot`, v.token, { election: v.info.id, ...rule });
    } catch (e) {
      card.loaded = await readForum(v.info.id, loaded.body.id).catch(() => loaded); // the list as it stands now
      throw new Error(placementProblem(e, row, loaded));
    }
    card.loaded = await readForum(v.info.id, loaded.body.id).catch(() => loaded);
    return t('fp.placed', { title: row.title, question: placed.question });
  });
}

/** Why a proposal offers no button, or the button. */
function rowAction(v: ForumPlacementView, r: Row, i: number, loaded: Loaded): Child {
  if (r.hidden) return h('p', { class: 'hint' }, t('error.code.hidden'));
  if (!r.qualified) return h('p', { class: 'hint' }, t('forum.endorsementCount', { n: r.endorsements, threshold: loaded.threshold }), ' · ', t('fp.notQualified'));
  if (r.placement) {
    if ('election' in r.placement && r.placement.election === v.info.id) return h('p', { class: 'yes' }, t('fp.onThisBallot', { question: r.placement.question }));
    return h('p', { class: 'hint' }, 'meeting' in r.placement ? t('forum.placedMeeting', { ...r.placement }) : t('forum.placedBallot', { ...r.placement }));
  }
  return h('button', { type: 'button', class: 'primary small', id: `fp-place-${i}`, disabled: v.busy, onClick: () => place(v, r) },
    t('fp.place'), h('span', { class: 'visually-hidden' }, `: ${r.title}`));
}

export function forumPlacementCard(v: ForumPlacementView): Child {
  const { info } = v;
  if (info.phase !== 'setup') return null;
  const draft = info.headSeq === 0;
  const loaded = card.loaded?.election === info.id ? card.loaded : null;
  const majority = loaded ? t(`meeting.majority.${loaded.body.rules.majority}`) : t('fp.bodyRulesUnknown');
  return h('section', { class: 'card', 'aria-labelledby': 'fp-heading', id: 'forum-placement-card' },
    h('h2', { id: 'fp-heading' }, t('fp.heading')),
    h('p', null, t('fp.help')),
    !draft ? h('p', { class: 'notice info', id: 'fp-not-draft' }, t('fp.notDraft')) : [
      h('form', { id: 'fp-form', class: 'row', novalidate: true, onSubmit: (e: Event) => { e.preventDefault(); showProposals(v); } },
        h('div', { class: 'field' },
          h('label', { for: 'fp-body' }, t('fp.body')),
          h('p', { class: 'hint', id: 'fp-body-hint' }, t('fp.bodyHint')),
          h('input', { id: 'fp-body', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'fp-body-hint', value: card.body, onInput: (e: Event) => { card.body = (e.target as HTMLInputElement).value; } })),
        h('div', { class: 'field' }, h('button', { type: 'submit', id: 'fp-load', disabled: v.busy }, t('fp.show')))),
      loaded ? [
        h('div', { class: 'field' },
          h('label', { for: 'fp-rule' }, t('fp.rule')),
          h('select', { id: 'fp-rule', onChange: (e: Event) => { card.rule = (e.target as HTMLSelectElement).value as Rule; } },
            ([['body', t('fp.ruleBody', { majority })], ['simple', t('meeting.majority.simple')], ['two-thirds', t('meeting.majority.two-thirds')]] as const)
              .map(([value, label]) => h('option', { value, ...(value === card.rule ? { selected: true } : {}) }, label)))),
        h('h3', { id: 'fp-list-heading' }, t('fp.listHeading', { body: loaded.body.name })),
        loaded.rows.length === 0 ? h('p', { id: 'fp-none' }, t('fp.none'))
          : h('ul', { id: 'fp-proposals', 'aria-labelledby': 'fp-list-heading' }, loaded.rows.map((r, i) => h('li', { 'data-proposal': r.id },
              h('p', null, h('strong', null, r.hidden ? t('fp.hiddenTitle') : r.title)),
              rowAction(v, r, i, loaded)))),
      ] : null,
    ]);
}
