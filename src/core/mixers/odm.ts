/**
 * ODM, Online Data Mixing: a multi-armed bandit over tasks whose reward is the training loss.
 *
 * Rule (Albalak, Pan, Raffel, Wang, "Efficient Online Data Mixing For Language Model
 * Pre-Training", 2023; reference code alon-albalak/online-data-mixing,
 * megatron/data/data_sampling_utils.py, Exp3WeightUpdater / SmoothedMeanWeightUpdater):
 *   ε_t = min(1/K, √(ln K / (K·t)))                       (exploration, t = training step)
 *   R̂_k ← α·R̂_k + (1 − α)·R_k/π_k   for the sampled task (EXP3's importance-weighted reward)
 *   π_k = (1 − K·ε_t)·exp(ε_{t−1}·R̂_k) / Σ_j exp(ε_{t−1}·R̂_j) + ε_t
 * with R_k the training loss of task k's batch (high loss = much left to learn = reward) and
 * α = 0.9 (the code's default smoothing).
 *
 * Made a sampler for this trainer: every task is in every mixed batch (down to ε_t's share),
 * so the learner sees every task's reward at every step: full information. The full-information
 * form of EXP3 is Hedge, which drops the importance weight 1/π_k (it only exists to make a
 * one-arm observation unbiased for all arms) and updates every task:
 *   R̂_k ← α·R̂_k + (1 − α)·L_k    for every task present in the step's batch,
 * exactly the trainer's smoothed per-task training loss (an exponential average with α = 0.9,
 * taken over every step; a task absent from a step keeps its value, as the reference's
 * group_update does). So R̂ = obs.taskLosses, and π is recomputed every T steps (a readback
 * each time), with ε at the current step. During the first `uniformSteps` steps π stays uniform, as
 * the reference keeps its initial weights during its warmup. Byte-level losses of 1–5 nats
 * and ε_t of a few hundredths give exp(ε·R̂) ratios close to 1: ODM stays near uniform here,
 * which is its faithful behaviour at this scale (the rewards are not rescaled to help it).
 */
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import type { MixerContext } from './context';
import { maxAbsDiff, normalize, softmax, uniform } from './simplex';

export interface OdmOptions {
  /** T: steps between recomputations of π. */
  T0: number;
  /** Steps of uniform sampling before the bandit starts. */
  uniformSteps: number;
}

/** ε_t = min(1/K, √(ln K / (K·t))); 1/K for t ≤ 0 and for K = 1. */
export function odmEpsilon(K: number, t: number): number {
  if (K <= 1 || t <= 0) return 1 / K;
  return Math.min(1 / K, Math.sqrt(Math.log(K) / (K * t)));
}

/** π_k = (1 − K·ε_t)·softmax(ε_{t−1}·R̂)_k + ε_t at step t. */
export function odmWeights(rewards: ArrayLike<number>, t: number): Float64Array {
  const K = rewards.length;
  const eps = odmEpsilon(K, t);
  const lr = odmEpsilon(K, t - 1);
  const s = softmax(Float64Array.from(rewards, (r) => lr * r));
  return normalize(s.map((p) => (1 - K * eps) * p + eps));
}

export function createOdmMixer(ctx: MixerContext, opts: OdmOptions): Mixer {
  const K = ctx.numTasks;
  let pi = uniform(K);
  return {
    name: 'odm',
    needs: { stats: false, losses: true, every: opts.T0 },
    weights: () => Float64Array.from(pi),
    update(obs: MixerObservation): MixerUpdateReport {
      if (obs.step < opts.uniformSteps) return { changed: false };
      const R = obs.taskLosses;
      if (R.length !== K) {
        return {
          changed: false,
          warning: `odm: kept the previous weights at step ${obs.step}: losses for ${R.length} tasks, expected ${K}.`,
        };
      }
      // A task not yet seen (NaN) or a diverged loss: nothing to rank by yet, keep π.
      if (!R.every(Number.isFinite)) return { changed: false };
      const old = pi;
      pi = odmWeights(R, obs.step);
      return { changed: maxAbsDiff(pi, old) > 0 };
    },
  };
}
