/**
 * Temperature sampling over the tasks' pool sizes n_k:
 *   p_k = n_k / Σ_j n_j,   q_k = p_k^{1/T} / Σ_j p_j^{1/T},   T ≥ 1.
 * T = 1 samples in proportion to the data (q = p); T → ∞ tends to uniform over the tasks with
 * n_k > 0 (empty pools keep weight 0; if every pool is empty, q is uniform).
 * Sources: Arivazhagan et al. 2019, "Massively Multilingual Neural Machine Translation in the
 * Wild" (data sampling with T = 5); Conneau et al. 2020, "Unsupervised Cross-lingual
 * Representation Learning at Scale" (XLM-R), q_i ∝ p_i^α with α = 1/T = 0.3.
 */
import type { Mixer } from '../types';
import type { MixerContext } from './context';
import { normalize } from './simplex';

export interface TemperatureOptions {
  /** Temperature T ≥ 1. */
  T: number;
}

/**
 * q_k ∝ (n_k / Σ_j n_j)^{1/T}. Negative or non-finite pool sizes count as 0; T < 1 is
 * clamped to 1 (sharpening beyond proportional is not temperature sampling).
 */
export function temperatureWeights(poolSizes: ArrayLike<number>, T: number): Float64Array {
  const p = normalize(Array.from(poolSizes, (n) => (Number.isFinite(n) && n > 0 ? n : 0)));
  const alpha = 1 / Math.max(1, T);
  return normalize(p.map((x) => (x > 0 ? Math.pow(x, alpha) : 0)));
}

export function createTemperatureMixer(ctx: MixerContext, opts: TemperatureOptions): Mixer {
  const q = temperatureWeights(ctx.poolSizes, opts.T);
  return {
    name: 'temperature',
    needs: { stats: false, losses: false, every: 0 },
    weights: () => Float64Array.from(q),
    update: () => ({ changed: false }),
  };
}
