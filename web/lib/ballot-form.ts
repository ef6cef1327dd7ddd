// The ballot form: each question as the voter answers it (options in the voter's order where the
// manifest shuffles them, descriptions, approval limits said as the voter picks, verdicts, motions),
// what is still missing, and the answers as choices. Rendering and answering only: nothing here
// encrypts or sends anything, so the booth (web/pages/vote.ts) and the organiser's preview
// (web/pages/preview.ts) show the same ballot from the same code.
import { MOTION_OPTIONS, VERDICTS, type Answer, type Choices, type MotionOption, type Question, type Verdict } from '../../src/manifest/types.js';
import { byId, focus, h, type Child } from './dom.js';
import { t, tn } from './i18n.js';
import { motionLabel, rulesText, verdictLabel } from './questions.js';
import { freshRankedDraft, rankedDraftFits, rankingProblem, renderRanking, type RankedDraft } from './ranking-input.js'; // ranked

/** What the voter has picked so far, per question id (absent: nothing picked yet). */
export type Draft =
  | { type: 'choice'; candidate?: string | null }
  | { type: 'approval'; options: string[] }
  | { type: 'verdict'; verdicts: Record<string, Verdict> }
  | { type: 'motion'; vote?: MotionOption }
  | RankedDraft; // ranked: web/lib/ranking-input.ts

const BLANK = '__blank__';

/** What one ballot form holds: the answers so far, what is missing, and the order of each shuffled question (fixed for the visit). */
export interface BallotForm { drafts: Record<string, Draft>; problems: Record<string, string>; orders: Record<string, string[]> }

/** The order a voter sees a question's options in: random per voter (once per visit) where the manifest says so. */
function inVoterOrder<T extends { id: string }>(form: BallotForm, q: Question, list: T[]): T[] {
  if (!('shuffle' in q) || !q.shuffle) return list;
  let order = form.orders[q.id];
  if (!order) {
    // Fisher–Yates with the browser's CSPRNG; the order changes nothing counted (selections go by id).
    const ids = list.map((x) => x.id);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = uniformBelow(i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    order = form.orders[q.id] = ids;
  }
  return order.map((id) => list.find((x) => x.id === id)!).filter(Boolean);
}

/** A uniform integer in [0, n) from crypto.getRandomValues, by rejection (no modulo bias). */
function uniformBelow(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % n;
  }
}


export function freshDrafts(questions: readonly Question[]): Record<string, Draft> {
  const drafts: Record<string, Draft> = {};
  for (const q of questions) {
    if (q.type === 'choice') drafts[q.id] = { type: 'choice' };
    if (q.type === 'approval') drafts[q.id] = { type: 'approval', options: [] };
    if (q.type === 'verdict') drafts[q.id] = { type: 'verdict', verdicts: {} };
    if (q.type === 'motion') drafts[q.id] = { type: 'motion' };
    if (q.type === 'ranked') drafts[q.id] = freshRankedDraft(); // ranked
  }
  return drafts;
}


/** Whether a draft read back is one this question can take (ids that exist, answers of its type). */
export function draftFits(q: Question, d: unknown): d is Draft {
  const o = d as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || o.type !== q.type) return false;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((v) => typeof v === 'string');
  if (q.type === 'choice') return o.candidate === undefined || (o.candidate === null && !!q.allowBlank) || q.candidates.some((c) => c.id === o.candidate);
  if (q.type === 'approval') return strings(o.options) && new Set(o.options).size === o.options.length && o.options.length <= q.max && o.options.every((id) => q.options.some((x) => x.id === id));
  if (q.type === 'verdict') {
    const v = o.verdicts as Record<string, unknown> | null;
    return typeof v === 'object' && v !== null && Object.entries(v).every(([holder, verdict]) => q.officeHolders.some((x) => x.id === holder) && (VERDICTS as readonly unknown[]).includes(verdict));
  }
  if (q.type === 'motion') return o.vote === undefined || (MOTION_OPTIONS as readonly unknown[]).includes(o.vote);
  if (q.type === 'ranked') return rankedDraftFits(q, o); // ranked
  return false; // a question kind the booth's drafts do not know is never restored
}


export function firstInput(qid: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`#q-${CSS.escape(qid)} input, #q-${CSS.escape(qid)} button`); // ranked: a ranked question has buttons only
}

export function renderQuestion(form: BallotForm, q: Question, index: number, total: number): HTMLElement {
  const qid = `q-${q.id}`;
  const problem = form.problems[q.id];
  const describedBy = [`${qid}-rules`, problem ? `${qid}-error` : ''].filter(Boolean).join(' ');
  const body: Child[] = [];
  const draft = form.drafts[q.id]!;
  switch (q.type) {
    case 'choice': {
      const d = draft as Extract<Draft, { type: 'choice' }>;
      const set = (value: string) => { d.candidate = value === BLANK ? null : value; clearProblem(form, q.id); };
      body.push(h('div', { class: 'options' }, inVoterOrder(form, q, q.candidates).map((c) => radio(qid, c.id, c.label, d.candidate === c.id, set, c.description))));
      if (q.allowBlank) body.push(h('div', { class: 'options blank' }, radio(qid, BLANK, t('booth.blank'), d.candidate === null, set)));
      break;
    }
    case 'approval': {
      const d = draft as Extract<Draft, { type: 'approval' }>;
      const counter = () => byId(`${qid}-count`);
      body.push(h('div', { class: 'options' }, inVoterOrder(form, q, q.options).map((o) => {
        const id = `${qid}-${o.id}`;
        const input = h('input', { type: 'checkbox', id, name: qid, value: o.id, checked: d.options.includes(o.id), onChange: () => {
          if (input.checked && d.options.length >= q.max) {
            // The rule is enforced here, and said, rather than failing later on the review screen.
            input.checked = false;
            counter().textContent = t('booth.approvalTooMany', { max: q.max });
            return;
          }
          d.options = input.checked ? [...d.options, o.id] : d.options.filter((x) => x !== o.id);
          counter().textContent = approvalCount(d.options.length, q.min, q.max);
          clearProblem(form, q.id);
        } });
        if (o.description) input.setAttribute('aria-describedby', `${id}-about`);
        return h('div', { class: 'option' }, input, h('label', { for: id }, o.label), optionDescription(`${id}-about`, o.description));
      })));
      body.push(h('p', { class: 'counter', id: `${qid}-count`, 'aria-live': 'polite' }, approvalCount(d.options.length, q.min, q.max)));
      break;
    }
    case 'verdict': {
      const d = draft as Extract<Draft, { type: 'verdict' }>;
      body.push(h('div', { class: 'verdicts' }, q.officeHolders.map((holder) => {
        const name = `${qid}-${holder.id}`;
        return h('fieldset', { class: 'verdict-row' },
          h('legend', null, holder.label),
          h('div', { class: 'options inline' }, VERDICTS.map((v) => radio(name, v, verdictLabel(v), d.verdicts[holder.id] === v, (value) => {
            d.verdicts[holder.id] = value as Verdict;
            clearProblem(form, q.id);
          }))));
      })));
      break;
    }
    case 'motion': {
      const d = draft as Extract<Draft, { type: 'motion' }>;
      body.push(h('div', { class: 'options inline' }, MOTION_OPTIONS.map((v) => radio(qid, v, motionLabel(v), d.vote === v, (value) => {
        d.vote = value as MotionOption;
        clearProblem(form, q.id);
      }))));
      break;
    }
    case 'ranked': // ranked
      body.push(renderRanking(q, draft as RankedDraft, qid, () => clearProblem(form, q.id)));
      break;
  }
  return h('fieldset', { class: `question card${problem ? ' invalid' : ''}`, id: qid, 'aria-describedby': describedBy },
    h('legend', null, h('span', { class: 'qnum' }, t('booth.questionNumber', { n: index + 1, total })), h('h2', { class: 'qtitle' }, q.title)),
    h('p', { class: 'rules', id: `${qid}-rules` }, rulesText(q)),
    problem ? h('p', { class: 'field-error', id: `${qid}-error` }, problem) : null,
    body);
}

function approvalCount(n: number, min: number, max: number): string {
  return `${tn('booth.approvalCount', n)} ${min === max ? tn('rules.approvalExactly', max) : tn('rules.approvalRange', max, { min, max })}`;
}

function radio(name: string, value: string, label: string, checked: boolean, onPick: (value: string) => void, description?: string): HTMLElement {
  const id = `${name}-${value}`;
  return h('div', { class: 'option' },
    h('input', { type: 'radio', id, name, value, checked, onChange: () => onPick(value), 'aria-describedby': description ? `${id}-about` : null }),
    h('label', { for: id }, label),
    optionDescription(`${id}-about`, description));
}

/** A candidate's or option's description, under its label (text only). */
function optionDescription(id: string, text: string | undefined): Child {
  return text ? h('p', { class: 'option-description hint', id }, text) : null;
}

function clearProblem(form: BallotForm, qid: string): void {
  if (!form.problems[qid]) return;
  delete form.problems[qid];
  const box = document.getElementById(`q-${qid}`);
  box?.classList.remove('invalid');
  box?.setAttribute('aria-describedby', `q-${qid}-rules`);
  document.getElementById(`q-${qid}-error`)?.remove();
}

/** Per question: what is still missing (in words for the voter), or nothing. */
export function findProblems(form: BallotForm, questions: readonly Question[]): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const q of questions) {
    const d = form.drafts[q.id]!;
    if (d.type === 'choice' && d.candidate === undefined) problems[q.id] = t(q.type === 'choice' && q.allowBlank ? 'booth.missingChoiceBlank' : 'booth.missingChoice', { title: q.title });
    if (d.type === 'approval' && q.type === 'approval' && (d.options.length < q.min || d.options.length > q.max)) {
      problems[q.id] = tn('booth.missingApproval', q.max, { title: q.title, min: q.min, max: q.max });
    }
    if (d.type === 'verdict' && q.type === 'verdict') {
      const missing = q.officeHolders.filter((o) => !d.verdicts[o.id]).map((o) => o.label);
      if (missing.length > 0) problems[q.id] = t('booth.missingVerdict', { title: q.title, names: missing.join(', ') });
    }
    if (d.type === 'motion' && d.vote === undefined) problems[q.id] = t('booth.missingMotion', { title: q.title });
    if (d.type === 'ranked' && q.type === 'ranked') { const p = rankingProblem(q, d); if (p) problems[q.id] = p; } // ranked
  }
  return problems;
}


export function toChoices(form: BallotForm, questions: readonly Question[]): Choices {
  const choices: Choices = {};
  for (const q of questions) {
    const d = form.drafts[q.id]!;
    let a: Answer;
    if (d.type === 'choice') a = { type: 'choice', candidate: d.candidate ?? null };
    else if (d.type === 'approval') a = { type: 'approval', options: [...d.options] };
    else if (d.type === 'verdict') a = { type: 'verdict', verdicts: { ...d.verdicts } };
    else if (d.type === 'ranked') a = { type: 'ranked', ranking: [...d.ranking] }; // ranked
    else a = { type: 'motion', vote: d.vote! };
    choices[q.id] = a;
  }
  return choices;
}


/** The list of what is still missing, each a link to its question (null when nothing is). */
export function problemsSummary(form: BallotForm): Child {
  const problemIds = Object.keys(form.problems);
  return problemIds.length > 0
    ? h('div', { class: 'notice error', role: 'alert', id: 'problems', tabindex: '-1' },
        h('h2', { id: 'problems-heading' }, tn('booth.problems', problemIds.length)),
        h('ul', null, problemIds.map((qid) => h('li', null, h('a', { href: `#q-${qid}`, onClick: (e: Event) => { e.preventDefault(); focus(firstInput(qid)); } }, form.problems[qid]!)))))
    : null;
}
