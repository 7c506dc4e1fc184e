/**
 * FAMO, Fast Adaptive Multitask Optimization, made a sampler.
 *
 * Rule (Liu, Liu, Stone, Liu, "FAMO: Fast Adaptive Multitask Optimization", NeurIPS 2023;
 * reference code Cranial-XIX/FAMO, methods/weight_methods.py, class FAMO): logits ξ ∈ R^K,
 * z = softmax(ξ), task losses ℓ_k, lower bounds b_k (0 here, as in the reference's default).
 *   Model step: minimise Σ_k z_k·log(ℓ_k − b_k + ε) / c,  c = Σ_k z_k/(ℓ_k − b_k + ε),
 *     whose gradient is Σ_k p_k ∇ℓ_k with p_k = (z_k/(ℓ_k − b_k + ε)) / Σ_j z_j/(ℓ_j − b_j + ε).
 *   Logit step: δ_k = log(ℓ_k^before − b_k + ε) − log(ℓ_k^after − b_k + ε),
 *     d = ∂z/∂ξ ᵀ δ = z ⊙ (δ − ⟨z, δ⟩),   ξ ← Adam(ξ, d; lr, weight decay γ),
 *   so a task whose log-loss fell faster than the z-weighted average loses weight and a task
 *   that lags gains it (FAMO balances the rates of improvement).
 *
 * Made a sampler for this trainer (the trainer has one mixed batch, not K weighted losses):
 * - The weighting p_k FAMO's loss induces is used as the sampling weight of task k: a mixed
 *   batch with b_k = b·p_k examples of task k has, in expectation, the gradient Σ_k p_k ∇ℓ_k.
 * - ℓ^before and ℓ^after are each task's mean loss on a small *fixed* probe (2m examples per
 *   task, the same examples every time), so the change is measured on the same data and a task
 *   absent from the batch is still measured (the trainer's `needs.probe`). With T > 1 the change
 *   is taken across the T steps since the previous update (one probe pass per update, since
 *   "after" of one update is "before" of the next); T = 1 is the reference's every-step rule.
 * - Logs are guarded: ℓ − b is clamped at 0 before adding ε = 1e-8, so a loss at or below its
 *   bound gives a large finite log rather than NaN; a non-finite probe loss keeps the weights
 *   and returns a warning naming the task.
 * - p_k between updates uses the latest probe losses ("after"); before the first probe the
 *   weights are z (uniform).
 * Adam is PyTorch's (β = (0.9, 0.999), ε = 1e-8, weight decay added to the gradient), as in the
 * reference, which calls torch.optim.Adam([ξ], lr=w_lr, weight_decay=γ).
 */
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import type { MixerContext } from './context';
import { taskLabel } from './observation';
import { isFiniteVector, maxAbsDiff, normalize, softmax, uniform } from './simplex';

/** ε of the reference: added to ℓ − b inside the logs and the weights. */
export const FAMO_EPS = 1e-8;

export interface FamoOptions {
  /** T: steps between logit updates (1 = the reference's every step). */
  T0: number;
  /** Adam learning rate of the logits ξ (the reference's w_lr). */
  wlr: number;
  /** Weight decay γ of the logits (pulls ξ toward 0, i.e. z toward uniform). */
  wdecay: number;
}

/** p_k ∝ z_k / (max(ℓ_k − b_k, 0) + ε): the per-task weight of FAMO's model gradient. */
export function famoTaskWeights(
  z: ArrayLike<number>,
  losses: ArrayLike<number>,
  minLosses?: ArrayLike<number>,
): Float64Array {
  return normalize(
    Float64Array.from(
      z,
      (zk, k) => zk / (Math.max(losses[k] - (minLosses?.[k] ?? 0), 0) + FAMO_EPS),
    ),
  );
}

/** δ_k = log(ℓ_k^before − b_k + ε) − log(ℓ_k^after − b_k + ε), with ℓ − b clamped at 0. */
export function famoDelta(before: ArrayLike<number>, after: ArrayLike<number>): Float64Array {
  const log = (l: number) => Math.log(Math.max(l, 0) + FAMO_EPS);
  return Float64Array.from(before, (b, k) => log(b) - log(after[k]));
}

/** d = z ⊙ (δ − ⟨z, δ⟩): the gradient of ⟨softmax(ξ), δ⟩ with respect to ξ. */
export function famoLogitGradient(z: ArrayLike<number>, delta: ArrayLike<number>): Float64Array {
  let dot = 0;
  for (let i = 0; i < z.length; i++) dot += z[i] * delta[i];
  return Float64Array.from(z, (zk, k) => zk * (delta[k] - dot));
}

/** PyTorch's Adam with L2 weight decay on a small vector (state kept by the caller). */
export class SmallAdam {
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  constructor(
    size: number,
    private readonly lr: number,
    private readonly weightDecay: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** x ← x − lr·m̂/(√v̂ + ε) with g ← g + γx; returns the new x. */
  step(x: Float64Array, grad: ArrayLike<number>): Float64Array {
    this.t += 1;
    const { beta1: b1, beta2: b2 } = this;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const g = grad[i] + this.weightDecay * x[i];
      this.m[i] = b1 * this.m[i] + (1 - b1) * g;
      this.v[i] = b2 * this.v[i] + (1 - b2) * g * g;
      const mHat = this.m[i] / (1 - b1 ** this.t);
      const vHat = this.v[i] / (1 - b2 ** this.t);
      out[i] = x[i] - (this.lr * mHat) / (Math.sqrt(vHat) + this.eps);
    }
    return out;
  }
}

export function createFamoMixer(ctx: MixerContext, opts: FamoOptions): Mixer {
  const K = ctx.numTasks;
  let xi: Float64Array = new Float64Array(K);
  let p = uniform(K);
  const adam = new SmallAdam(K, opts.wlr, opts.wdecay);
  return {
    name: 'famo',
    needs: { stats: false, losses: false, every: opts.T0, probe: true },
    weights: () => Float64Array.from(p),
    update(obs: MixerObservation): MixerUpdateReport {
      // The trainer has no "before" on the first update after the mixer started.
      if (!obs.probeLoss) return { changed: false };
      const { before, after } = obs.probeLoss;
      const bad = [...before, ...after].flatMap((l, i) =>
        Number.isFinite(l) ? [] : [`${taskLabel(i % K, ctx.taskNames)} loss ${l}`],
      );
      if (before.length !== K || after.length !== K || bad.length > 0) {
        return {
          changed: false,
          warning:
            `famo: kept the previous weights at step ${obs.step}: ` +
            (bad.length
              ? `non-finite probe losses (${bad.join(', ')}).`
              : `probe losses for ${before.length} tasks, expected ${K}.`),
        };
      }
      const z = softmax(xi);
      const next = adam.step(xi, famoLogitGradient(z, famoDelta(before, after)));
      if (!isFiniteVector(next)) {
        return {
          changed: false,
          warning: `famo: kept the previous weights at step ${obs.step}: the logit step overflowed.`,
        };
      }
      xi = next;
      const old = p;
      p = famoTaskWeights(softmax(xi), after);
      return { changed: maxAbsDiff(p, old) > 0 };
    },
  };
}
