/**
 * DoGE, online: sampling weights moved toward tasks whose gradient aligns with the sum of all
 * tasks' gradients ("generalization estimation").
 *
 * Rule (Fan, Pagliardini, Jaggi, "DoGE: Domain Reweighting with Generalization Estimation",
 * ICML 2024; reference code Olivia-fsm/DoGE, src/trainer.py, `update_domain_weights_distributed`,
 * read before writing, lines 746-770 at 88400e9). With g_i task i's mean-loss gradient:
 *   x_i = ⟨g_i, Σ_j g_j⟩ / (mean_i ‖g_i‖ + 1e-6)
 *   s_i = clip(x_i, dw_min, dw_max)                     (dw_min = 0, dw_max = 5)
 *   log w_i ← log w_i + (lr_t/μ)·s_i,   w ← softmax(log w)
 * run every step with the proxy model's learning rate lr_t (5e-4 peak) and μ = 0.01.
 *
 * What the reference code does that its description does not:
 * - The score includes the task itself. The line meant to drop the self term (l.753-754,
 *   `if set(self.train_ids) == set(self.tgt_ids)`) compares sets of 0-d torch tensors, which
 *   hash by identity, so it is never true. Without the self term, two tasks get the same score
 *   ⟨g_1, g_2⟩ and the weights never move; with it, the task with the larger ‖g_i‖² gains.
 *   The self term is on by default, as the reference runs; `selfTerm=false` drops it.
 * - The weights reweight the proxy model's gradient (Σ_i w_i g_i), not its sampling: the
 *   sampler holds the initial tensor, which the trainer replaces rather than updates (l.401).
 * - Negative scores are clipped to 0: a conflicting task is never pushed down directly.
 *
 * Made a sampler for this trainer, online:
 * - w is the run's sampling weight from the next step on (as online DoReMi here).
 * - The gradients are the statistics step's (every T steps, not every step): ⟨g_i, g_j⟩ for
 *   i ≠ j is the inner product of the tasks' probe means (unbiased, the tasks' examples being
 *   independent; GradStats.meanGram) and ‖g_i‖² is the unbiased G_i (the probe mean's own norm²
 *   carries the noise σ²/N). ‖g_i‖ = √max(G_i, 0).
 * - The step size η replaces lr_t/μ: an update every T steps stands for T of the reference's
 *   steps of lr_t/μ = 5e-4/0.01 = 0.05 (its shipped config), so η = 0.05·T (defaults.ts).
 * - A floor f keeps every task ≥ f (multiplicative updates cannot revive a zero), as PiKE's.
 */
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import type { MixerContext } from './context';
import { checkStats } from './observation';
import { applyFloor, isFiniteVector, maxAbsDiff, softmax, uniform } from './simplex';

export interface DogeOptions {
  /** T: steps between updates (each measures gradient statistics). */
  T0: number;
  /** η: log-weight change per unit of clipped score. */
  eta: number;
  /** dw_max: the score's upper clip (the lower is 0). */
  dwMax: number;
  /** Include ⟨g_i, g_i⟩ in task i's score (the reference code as it runs). */
  selfTerm: boolean;
  floor: number;
}

/**
 * DoGE's clipped scores s_i from the Gram estimate A (row-major K×K, A_ij ≈ ⟨g_i, g_j⟩ with the
 * diagonal ‖g_i‖²): x_i = (Σ_j A_ij − [no self term] A_ii) / (mean_i √max(A_ii, 0) + 1e-6),
 * clipped to [0, dwMax].
 */
export function dogeScores(
  A: ArrayLike<number>,
  K: number,
  dwMax: number,
  selfTerm: boolean,
): Float64Array {
  let avgNorm = 0;
  for (let i = 0; i < K; i++) avgNorm += Math.sqrt(Math.max(A[i * K + i], 0)) / K;
  return Float64Array.from({ length: K }, (_, i) => {
    let x = 0;
    for (let j = 0; j < K; j++) if (selfTerm || j !== i) x += A[i * K + j];
    return Math.min(Math.max(x / (avgNorm + 1e-6), 0), dwMax);
  });
}

/** One DoGE update: w' = floor(softmax(log w + η·s)). */
export function dogeStep(
  w: ArrayLike<number>,
  scores: ArrayLike<number>,
  eta: number,
  floor: number,
): Float64Array {
  const logits = Float64Array.from(w, (x, k) => Math.log(Math.max(x, 1e-300)) + eta * scores[k]);
  return applyFloor(softmax(logits), floor);
}

export function createDogeMixer(ctx: MixerContext, opts: DogeOptions): Mixer {
  const K = ctx.numTasks;
  let w = applyFloor(uniform(K), opts.floor);
  return {
    name: 'doge',
    needs: { stats: true, losses: false, every: opts.T0 },
    weights: () => Float64Array.from(w),
    update(obs: MixerObservation): MixerUpdateReport {
      const checked = checkStats('doge', obs, K, ctx.taskNames);
      if ('warning' in checked) return { changed: false, warning: checked.warning };
      const kept = `doge: kept the previous weights at step ${obs.step}`;
      const G = checked.stats.gradNormSq;
      const inner = obs.stats!.meanGram;
      if (!inner || inner.length !== K * K) {
        return { changed: false, warning: `${kept}: the statistics have no inner products.` };
      }
      const A = Float64Array.from(inner);
      for (let k = 0; k < K; k++) A[k * K + k] = G[k];
      if (!isFiniteVector(A)) {
        return { changed: false, warning: `${kept}: non-finite inner products of the gradients.` };
      }
      const next = dogeStep(w, dogeScores(A, K, opts.dwMax, opts.selfTerm), opts.eta, opts.floor);
      if (!isFiniteVector(next))
        return { changed: false, warning: `${kept}: the update overflowed.` };
      const old = w;
      w = next;
      return { changed: maxAbsDiff(w, old) > 0 };
    },
  };
}
