/**
 * What the stats-driven mixers (pike, pike-kkt, balanced-pike) check before they use an
 * observation, and the one rule for when the trainer asks a mixer to update.
 *
 * Update schedule (the contract between `Mixer.needs.every` and the trainer): the trainer calls
 * `update(obs)` at every step t with t mod every = 0 (t = 0, every, 2·every, …; PiKE's
 * Algorithm 1, "every T₀ steps") before drawing that step's batch, with fresh statistics when
 * `needs.stats`. A mixer never second-guesses the schedule: when `update` is called with usable
 * data it applies its rule. `every = 0` means "never call update" (fixed or purely step-indexed
 * mixers). A mixer whose schedule is not a period (aioli's sweep boundaries) gives `needs.at`,
 * which then decides alone.
 */
import type { Mixer, MixerObservation } from '../types';

/** True when the trainer should call `mixer.update` before step `step`: `needs.at(step)` when given, else every > 0 and step mod every = 0. */
export function isUpdateStep(needs: Mixer['needs'], step: number): boolean {
  if (!Number.isInteger(step) || step < 0) return false;
  if (needs.at) return needs.at(step);
  return needs.every > 0 && step % needs.every === 0;
}

/** "task 3 (udhr:fr)" when names are known, else "task 3". */
export function taskLabel(k: number, names?: readonly string[]): string {
  const name = names?.[k];
  return name ? `task ${k} (${name})` : `task ${k}`;
}

/** The statistics a PiKE-type update uses: G_k = ‖∇L_k‖², S_k = σ_k² and the batch size b. */
export interface UsableStats {
  gradNormSq: Float64Array;
  variance: Float64Array;
  batchSize: number;
}

/**
 * Checks an observation for a stats-driven mixer. Returns the statistics when usable, or a
 * warning that names the offending tasks (non-finite G_k or S_k), or says what is missing
 * (no stats, wrong length, batch size not a positive number).
 */
export function checkStats(
  mixer: string,
  obs: MixerObservation,
  numTasks: number,
  names?: readonly string[],
): { stats: UsableStats } | { warning: string } {
  const kept = `${mixer}: kept the previous weights at step ${obs.step}`;
  const stats = obs.stats;
  if (!stats) return { warning: `${kept}: the observation has no gradient statistics.` };
  const { gradNormSq, variance } = stats;
  if (gradNormSq.length !== numTasks || variance.length !== numTasks) {
    return {
      warning:
        `${kept}: statistics for ${gradNormSq.length} / ${variance.length} tasks ` +
        `(‖∇L‖² / variance), expected ${numTasks}.`,
    };
  }
  if (!(obs.batchSize > 0) || !Number.isFinite(obs.batchSize)) {
    return { warning: `${kept}: batch size ${obs.batchSize} is not a positive number.` };
  }
  const bad: string[] = [];
  for (let k = 0; k < numTasks; k++) {
    const parts: string[] = [];
    if (!Number.isFinite(gradNormSq[k])) parts.push(`‖∇L‖² = ${gradNormSq[k]}`);
    if (!Number.isFinite(variance[k])) parts.push(`variance = ${variance[k]}`);
    if (parts.length > 0) bad.push(`${taskLabel(k, names)}: ${parts.join(', ')}`);
  }
  if (bad.length > 0) {
    return { warning: `${kept}: non-finite gradient statistics for ${bad.join('; ')}.` };
  }
  return { stats: { gradNormSq, variance, batchSize: obs.batchSize } };
}
