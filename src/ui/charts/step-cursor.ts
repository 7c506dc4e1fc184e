/**
 * The step the reader is looking at, shared by every time-based chart (issue 20, part 4).
 *
 * Hovering a chart, or moving through one with the keyboard, sets it; every chart over steps then
 * draws a rule at that step with its exact values there, and the conflict matrix shows its frame
 * nearest to it. `null`: nobody is pointing, each chart shows its latest state.
 *
 * A store of its own rather than a field of the app store: it changes at the pointer's rate, and
 * only the hover layers (and the matrix) read it, so nothing else re-runs its selectors.
 */
import { create } from 'zustand';

interface StepCursor {
  step: number | null;
  set: (step: number | null) => void;
}

export const useStepCursor = create<StepCursor>((set) => ({
  step: null,
  set: (step) => set((s) => (s.step === step ? s : { step })),
}));

/**
 * The step a key press moves to among the sampled steps `xs` (ascending), from `at` (null: no
 * step yet). ←/→ one sample, with Shift ten, Home/End the ends. `undefined`: not a cursor key.
 */
export function stepForKey(
  xs: readonly number[],
  at: number | null,
  key: string,
  shift: boolean,
): number | undefined {
  if (xs.length === 0) return undefined;
  const last = xs.length - 1;
  if (key === 'Home') return xs[0];
  if (key === 'End') return xs[last];
  if (key !== 'ArrowLeft' && key !== 'ArrowRight') return undefined;
  if (at === null) return xs[last];
  const by = shift ? 10 : 1;
  if (key === 'ArrowLeft') {
    const before = xs.findLastIndex((x) => x < at); // the nearest sample left of `at`
    return xs[Math.max(0, before - (by - 1))];
  }
  const after = xs.findIndex((x) => x > at);
  return after < 0 ? xs[last] : xs[Math.min(last, after + by - 1)];
}
