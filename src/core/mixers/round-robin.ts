/**
 * Round-Robin: the whole batch comes from task t mod K at step t,
 *   w(t) = e_{t mod K} (one-hot), cycling 0, 1, …, K−1, 0, 1, ….
 * Source: the "Round-Robin" baseline of Li, Deng, Zhong, Razaviyayn, Mirrokni, "PiKE: Adaptive
 * Data Mixing for Large-Scale Multi-Task Learning Under Low Gradient Conflicts", arXiv
 * 2502.06244, NeurIPS 2025 (compared with Mix and Random).
 */
import type { Mixer } from '../types';
import type { MixerContext } from './context';
import { oneTaskPerStepMixer } from './one-task';

/** t mod K in {0..K−1}, also for negative or fractional t (floored). */
export function roundRobinTaskAt(step: number, numTasks: number): number {
  const t = Number.isFinite(step) ? Math.floor(step) : 0;
  return ((t % numTasks) + numTasks) % numTasks;
}

export function createRoundRobinMixer(ctx: MixerContext): Mixer {
  return oneTaskPerStepMixer('round-robin', ctx.numTasks, (step) =>
    roundRobinTaskAt(step, ctx.numTasks),
  );
}
