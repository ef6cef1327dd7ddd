// The booth's step in the browser's history (issue 11, point 9): each step is its own history entry,
// so Back goes to the previous step instead of off the booth, and a reload knows where the voter was.
// The entry holds the step's name only (history.state survives a reload and may be kept for session
// restore, so nothing secret goes in it); the address stays the same.
const KEY = 'vecheBoothStep';

/** The step of the current history entry, or null. */
export function currentStep(): string | null {
  const s = history.state as Record<string, unknown> | null;
  return s && typeof s[KEY] === 'string' ? s[KEY] : null;
}

/** Adds a history entry for `step` (none when the current entry is that step already). */
export function pushStep(step: string): void {
  if (currentStep() !== step) history.pushState({ [KEY]: step }, '', location.pathname + location.search);
}

/** Says, for the current entry, which step it shows (after a load, or when an entry's step is gone). */
export function replaceStep(step: string | null): void {
  history.replaceState(step === null ? null : { [KEY]: step }, '', location.pathname + location.search);
}

/** Calls `onStep` with the step of the entry that Back or Forward lands on. */
export function onStepPopped(onStep: (step: string | null) => void): void {
  window.addEventListener('popstate', () => onStep(currentStep()));
}
