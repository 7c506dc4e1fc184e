/**
 * UniMax: a static mix that is as uniform as the data allows, capped at N epochs per task.
 *
 * Rule (Chung, Constant, García, Roberts, Tay, Narang, Firat, "UniMax: Fairer and More
 * Effective Language Sampling for Large-Scale Multilingual Pretraining", ICLR 2023,
 * Algorithm 1): with a total budget B, tasks sorted by pool size n_k ascending, and at most N
 * epochs of any task:
 *   for each task k, smallest first:  U_k = min(B_left / (tasks left), N·n_k);  B_left −= U_k
 *   w_k = U_k / Σ_j U_j
 * Small tasks get all N epochs of their data; the rest of the budget is spread uniformly over
 * the larger ones. When every task is capped the weights are proportional to the pool sizes.
 *
 * Made a sampler for this trainer: the budget is counted in examples, B = steps·b, with the
 * run's planned length `steps` a knob (the page trains without an end, so the planned length
 * cannot be read from the run) and b the batch size; pools are counted in examples (text
 * windows for a language). Ties in pool size keep task order. A task with an empty pool gets 0.
 */
import type { Mixer } from '../types';
import type { MixerContext } from './context';
import { normalize, uniform } from './simplex';

export interface UnimaxOptions {
  /** N: most epochs of any task's pool within the budget. */
  epochs: number;
  /** Planned training steps; the budget is steps × batch size examples. */
  steps: number;
}

/** UniMax's allocation U_k (in examples) for budget B; see the rule above. */
export function unimaxAllocation(
  poolSizes: ArrayLike<number>,
  budget: number,
  epochs: number,
): Float64Array {
  const K = poolSizes.length;
  const n = Float64Array.from(poolSizes, (x) => (Number.isFinite(x) && x > 0 ? x : 0));
  const order = [...n.keys()].sort((a, b) => n[a] - n[b] || a - b);
  const U = new Float64Array(K);
  let left = Math.max(0, budget);
  order.forEach((k, i) => {
    U[k] = Math.min(left / (K - i), epochs * n[k]);
    left -= U[k];
  });
  return U;
}

/** The UniMax sampling weights w_k = U_k / Σ_j U_j (uniform when nothing is allocated). */
export function unimaxWeights(
  poolSizes: ArrayLike<number>,
  budget: number,
  epochs: number,
): Float64Array {
  const U = unimaxAllocation(poolSizes, budget, epochs);
  return U.some((u) => u > 0) ? normalize(U) : uniform(poolSizes.length);
}

export function createUnimaxMixer(ctx: MixerContext, opts: UnimaxOptions): Mixer {
  const w = unimaxWeights(ctx.poolSizes, opts.steps * ctx.batchSize, opts.epochs);
  return {
    name: 'unimax',
    needs: { stats: false, losses: false, every: 0 },
    weights: () => Float64Array.from(w),
    update: () => ({ changed: false }),
  };
}
