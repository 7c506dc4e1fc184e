/**
 * Random: the whole batch comes from one task drawn uniformly at random at each step,
 *   k_t ~ Uniform{0, …, K−1},   w(t) = e_{k_t} (one-hot).
 * k_t is a pure function of (seed, t): k_t = createRng(mixSeeds(seed', t)).int(K), so asking
 * twice for one step gives the same task and a run is reproducible from its seed.
 * Source: the "Random" baseline of Li, Deng, Zhong, Razaviyayn, Mirrokni, "PiKE: Adaptive Data
 * Mixing for Large-Scale Multi-Task Learning Under Low Gradient Conflicts", arXiv 2502.06244,
 * NeurIPS 2025 (the paper finds Mix beats Random and Round-Robin under low gradient conflict).
 */
import { createRng, mixSeeds } from '../rng';
import type { Mixer } from '../types';
import type { MixerContext } from './context';
import { oneTaskPerStepMixer } from './one-task';

/** Salt that separates this mixer's stream from other users of the run seed. */
const RANDOM_MIXER_SALT = 0x6d697872; // "mixr"

/** The task the Random mixer trains on at `step`: uniform on {0..K−1}, fixed by (seed, step). */
export function randomTaskAt(seed: number, step: number, numTasks: number): number {
  if (numTasks <= 1) return 0;
  return createRng(mixSeeds(mixSeeds(seed, RANDOM_MIXER_SALT), step)).int(numTasks);
}

export function createRandomMixer(ctx: MixerContext): Mixer {
  return oneTaskPerStepMixer('random', ctx.numTasks, (step) =>
    randomTaskAt(ctx.seed, Math.floor(step), ctx.numTasks),
  );
}
