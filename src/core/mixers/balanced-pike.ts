/**
 * Balanced-PiKE: PiKE on the tilted loss (1/τ)·log Σ_k exp(τ·L_k), which favours the tasks that
 * lag behind (τ → 0: the average loss; τ → ∞: the worst task).
 *
 * Every T₀ steps, from the smoothed per-task losses L_k (obs.taskLosses):
 *   y_k = K·exp(τL_k) / Σ_j exp(τL_j)                      (dual weights; Σ_k y_k = K)
 *   PiKE update (pike.ts) with G_k ← y_k²·G_k and S_k ← y_k²·S_k
 * and between updates the trainer multiplies task k's per-sample loss by y_k (`lossWeights()`),
 * so the model follows Σ_k y_k L_k, whose task-k gradient norm² and variance are y_k²·G_k and
 * y_k²·S_k — the statistics used above. This alternates "fix y, run PiKE on Σ_k y_k L_k" with
 * "fix θ, reset y".
 *
 * Source: Li, Deng, Zhong, Razaviyayn, Mirrokni, "PiKE: Adaptive Data Mixing for Large-Scale
 * Multi-Task Learning Under Low Gradient Conflicts", arXiv 2502.06244, NeurIPS 2025, the
 * Balanced-PiKE extension (they tried τ ∈ {1, 3, 5}). The paper's exact pseudo-code (in an
 * appendix) was not available to us, so this reading is the specification.
 * The dual weights are y_k = τ·exp(τL_k)/Σ_j exp(τL_j); we rescale by K/τ. That constant factor
 * c = K/τ multiplies G and S by c², which is absorbed into ζ₁, ζ₂ (and exactly cancelled in
 * scale-aware mode, where the exponent is divided by the mean y²·G), and it makes τ → 0 give
 * y = 1, so Balanced-PiKE reduces to PiKE.
 * Unknown losses: a NaN/±Infinity L_k is replaced by the mean of the finite ones; if none is
 * finite, y = 1. y is recomputed only together with a successful weight update.
 */
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import { initialWeightsOf, type MixerContext } from './context';
import { pikeSmoothing, pikeUpdate, type PikeOptions } from './pike';
import { applyFloor } from './simplex';

export interface BalancedPikeOptions extends PikeOptions {
  /** τ ≥ 0, the tilt: 0 is plain PiKE. */
  tau: number;
}

/**
 * Dual weights of the tilted loss, y_k = K·softmax(τ·L)_k = K·exp(τL_k)/Σ_j exp(τL_j), computed
 * with the max subtracted so large τ·L cannot overflow. Non-finite L_k are replaced by the mean
 * of the finite ones; all non-finite (or τ = 0, or K = 0) → y = 1. Σ_k y_k = K; y is ordered like L.
 */
export function tiltedLossWeights(losses: ArrayLike<number>, tau: number): Float64Array {
  const k = losses.length;
  const y = new Float64Array(k).fill(1);
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < k; i++) {
    if (Number.isFinite(losses[i])) {
      sum += losses[i];
      finite++;
    }
  }
  const mean = sum / finite;
  if (finite === 0 || !Number.isFinite(mean) || !(tau > 0) || !Number.isFinite(tau)) return y;
  const z = Float64Array.from(losses, (l) => tau * (Number.isFinite(l) ? l : mean));
  const zMax = Math.max(...z);
  let total = 0;
  for (let i = 0; i < k; i++) {
    y[i] = Math.exp(z[i] - zMax);
    total += y[i];
  }
  for (let i = 0; i < k; i++) y[i] = (k * y[i]) / total;
  return y;
}

export function createBalancedPikeMixer(ctx: MixerContext, opts: BalancedPikeOptions): Mixer {
  const k = ctx.numTasks;
  let w = applyFloor(initialWeightsOf(ctx), opts.floor);
  let y: Float64Array = new Float64Array(k).fill(1);
  const smoothing = pikeSmoothing(opts.smooth);
  return {
    name: 'balanced-pike',
    needs: { stats: true, losses: true, every: opts.T0 },
    weights: () => Float64Array.from(w),
    lossWeights: () => Float64Array.from(y),
    update(obs: MixerObservation): MixerUpdateReport {
      const losses: ArrayLike<number> =
        obs.taskLosses.length === k ? obs.taskLosses : Array<number>(k).fill(NaN);
      const yNext = tiltedLossWeights(losses, opts.tau);
      const scale = (v: Float64Array) => v.map((x, i) => x * yNext[i] * yNext[i]);
      const result = pikeUpdate('balanced-pike', w, obs, opts, smoothing, ctx.taskNames, (g, s) => [
        scale(g),
        scale(s),
      ]);
      if (result.report.warning === undefined) y = yNext;
      w = result.weights;
      return result.report;
    },
  };
}
