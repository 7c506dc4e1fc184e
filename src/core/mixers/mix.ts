/**
 * Uniform Mix: every batch holds every task in equal shares,
 *   w_k = 1/K  for all steps,  b_k = round(b/K) (largest remainder).
 * Source: the "Mix" baseline of Li, Deng, Zhong, Razaviyayn, Mirrokni, "PiKE: Adaptive Data
 * Mixing for Large-Scale Multi-Task Learning Under Low Gradient Conflicts", arXiv 2502.06244,
 * NeurIPS 2025: the paper's Mix vs Random vs Round-Robin comparison and its "Uniform Mix"
 * baseline.
 */
import type { Mixer } from '../types';
import type { MixerContext } from './context';
import { uniform } from './simplex';

export function createMixMixer(ctx: MixerContext): Mixer {
  const k = ctx.numTasks;
  return {
    name: 'mix',
    needs: { stats: false, losses: false, every: 0 },
    weights: () => uniform(k),
    update: () => ({ changed: false }),
  };
}
