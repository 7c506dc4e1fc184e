/**
 * Static mixing: fixed user weights, normalised onto the simplex,
 *   w_k = v_k / Σ_j v_j  for all steps (v = ctx.initialWeights; uniform when none are given).
 * Source: the static-weight baselines (e.g. GLaM's hand-set domain weights) compared against in
 * Li, Deng, Zhong, Razaviyayn, Mirrokni, "PiKE: Adaptive Data Mixing for Large-Scale Multi-Task
 * Learning Under Low Gradient Conflicts", arXiv 2502.06244, NeurIPS 2025 (experiments).
 */
import type { Mixer } from '../types';
import { initialWeightsOf, type MixerContext } from './context';

export function createStaticMixer(ctx: MixerContext): Mixer {
  const w = initialWeightsOf(ctx);
  return {
    name: 'static',
    needs: { stats: false, losses: false, every: 0 },
    weights: () => Float64Array.from(w),
    update: () => ({ changed: false }),
  };
}
