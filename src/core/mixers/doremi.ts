/**
 * DoReMi, online: domain weights moved by each task's excess loss over a reference model.
 *
 * Rule (Xie, Pham, Dong, Du, Liu, Lu, Liang, Le, Ma, Yu, "DoReMi: Optimizing Data Mixtures
 * Speeds Up Language Model Pretraining", NeurIPS 2023, Algorithm 1; reference code
 * sangmichaelxie/doremi, doremi/trainer.py, the `reweight_eta` / `reweight_eps` update):
 *   λ_k = max(ℓ_k(θ) − ℓ_k^ref, 0)                      (clipped excess loss of task k)
 *   log α_k ← log α_k + η·λ_k,   α ← softmax(log α)      (exponentiated gradient ascent)
 *   α ← (1 − c)·α + c/K                                   (smoothing toward uniform)
 * with η = 1 and c = 1e-3 in the paper's runs; the next update starts from the smoothed α.
 *
 * Made a sampler for this trainer, online:
 * - DoReMi trains a small proxy model with α as *loss* weights on uniformly sampled data and
 *   then trains the real model on the average α. Here the run itself is the proxy and α is its
 *   *sampling* weight from the next step on (the online variant the issue asks for).
 * - ℓ_k(θ) is task k's held-out loss at the update step (the trainer evaluates when
 *   `needs.validation`), and ℓ_k^ref is the reference run's held-out loss at the same step:
 *   linearly interpolated between its evaluated steps, held at its last value after its last
 *   step (with one warning), and before its first evaluated step there is nothing to compare
 *   against, so the weights are kept. Held-out loss on both sides compares like with like
 *   (the reference run is a saved run whose training losses the page does not keep).
 * - The reference must be a run of the same tasks in the same order (checked by task spec);
 *   there is no silent fallback: creating doremi without a reference throws.
 * - Updates every T steps instead of every step, since each costs one evaluation pass.
 * What to expect: against a reference of the *same seed* trained with uniform mix (the command
 * line's `--reference mix`), the run and its reference share initial weights, data streams and
 * therefore their losses until the weights move, so the excess loss is ≈ 0 (only the
 * interpolation between the reference's evaluations leaves a little) and the weights stay near
 * uniform: over 3 seeds × 400 steps on the multilingual preset doremi ended within 0.001 of mix.
 * A reference that differs (another seed, a smaller or shorter run, another mixture) gives
 * excess losses to act on; on the page any saved run of the same tasks can be chosen.
 */
import type { ReferenceCurve } from '../config/reference';
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import type { MixerContext } from './context';
import { taskLabel } from './observation';
import { isFiniteVector, maxAbsDiff, normalize, softmax, uniform } from './simplex';

export interface DoremiOptions {
  /** T: steps between updates (each evaluates every task's held-out set). */
  T0: number;
  /** η, the step size on the excess loss. */
  eta: number;
  /** c ∈ [0, 1]: smoothing toward uniform. */
  smoothing: number;
}

/** The reference's held-out loss of every task at `step` (see the rule above), or null before its first step. */
export function referenceLossAt(ref: ReferenceCurve, step: number): Float64Array | null {
  const { steps, valLoss } = ref;
  if (step < steps[0]) return null;
  const last = steps.length - 1;
  if (step >= steps[last]) return Float64Array.from(valLoss[last]);
  let i = 0;
  while (steps[i + 1] < step) i++;
  const t = (step - steps[i]) / (steps[i + 1] - steps[i]);
  return Float64Array.from(valLoss[i], (a, k) => a + t * (valLoss[i + 1][k] - a));
}

/** One DoReMi update: α' = (1 − c)·softmax(log α + η·max(ℓ − ℓ_ref, 0)) + c/K. */
export function doremiStep(
  alpha: ArrayLike<number>,
  loss: ArrayLike<number>,
  refLoss: ArrayLike<number>,
  eta: number,
  smoothing: number,
): Float64Array {
  const K = alpha.length;
  const logits = Float64Array.from(alpha, (a, k) => {
    const excess = Math.max(loss[k] - refLoss[k], 0);
    return Math.log(Math.max(a, 1e-300)) + eta * excess;
  });
  const c = Math.min(Math.max(smoothing, 0), 1);
  return normalize(softmax(logits).map((a) => (1 - c) * a + c / K));
}

/** Throws a clear error unless `ref` is a reference run of exactly the run's tasks. */
function checkReference(ctx: MixerContext): ReferenceCurve {
  const ref = ctx.reference;
  if (!ref) {
    throw new Error(
      'doremi needs a reference run: keep a run under "Compare runs" and choose it as the reference ' +
        '(on the command line: --reference MIXER).',
    );
  }
  const names = ctx.taskNames;
  if (ref.tasks.length !== ctx.numTasks || (names && ref.tasks.some((t, k) => t !== names[k]))) {
    throw new Error(
      `doremi: the reference run "${ref.label}" trained ${ref.tasks.join(', ')}, ` +
        `not this run's tasks${names ? ` (${names.join(', ')})` : ` (K = ${ctx.numTasks})`}: choose a reference run of the same tasks.`,
    );
  }
  return ref;
}

export function createDoremiMixer(ctx: MixerContext, opts: DoremiOptions): Mixer {
  const ref = checkReference(ctx);
  const K = ctx.numTasks;
  let alpha = uniform(K);
  let warnedPastEnd = false;
  return {
    name: 'doremi',
    needs: { stats: false, losses: false, every: opts.T0, validation: true },
    weights: () => Float64Array.from(alpha),
    update(obs: MixerObservation): MixerUpdateReport {
      const kept = `doremi: kept the previous weights at step ${obs.step}`;
      const loss = obs.valLoss;
      if (!loss || loss.length !== K) {
        return { changed: false, warning: `${kept}: no held-out losses for the ${K} tasks.` };
      }
      const bad = Array.from(loss).flatMap((l, k) =>
        Number.isFinite(l) ? [] : [`${taskLabel(k, ctx.taskNames)}: ${l}`],
      );
      if (bad.length)
        return {
          changed: false,
          warning: `${kept}: non-finite held-out loss (${bad.join(', ')}).`,
        };
      const refLoss = referenceLossAt(ref, obs.step);
      if (!refLoss) return { changed: false };
      let warning: string | undefined;
      const end = ref.steps[ref.steps.length - 1];
      if (obs.step > end && !warnedPastEnd) {
        warnedPastEnd = true;
        warning = `doremi: the reference run "${ref.label}" ends at step ${end}; its last losses stand in from here on.`;
      }
      const next = doremiStep(alpha, loss, refLoss, opts.eta, opts.smoothing);
      if (!isFiniteVector(next))
        return { changed: false, warning: `${kept}: the update overflowed.` };
      const old = alpha;
      alpha = next;
      return { changed: maxAbsDiff(alpha, old) > 0, ...(warning ? { warning } : {}) };
    },
  };
}
