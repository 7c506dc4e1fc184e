/**
 * What a training step does besides the update, decided once when the step starts
 * (Trainer.trainStep) and handed to the parts that act on it: the statistics window, the
 * readbacks, the statistics, the evaluation and the mixer's update. It depends only on the step
 * number, the run's schedule, the mixer's needs and the window's length, none of which change
 * during a step, so nothing asks another part mid-step whether something is due.
 *
 * When things fall due after step s (s = steps completed once this one is done):
 * - the mixer updates when its schedule says so (observation.ts's isUpdateStep);
 * - statistics are measured for the mixer when it updates with statistics, and for the display
 *   after step 1 and every `statsEvery` steps;
 * - the held-out evaluation runs every `evalEvery` steps, and for a mixer update that reads it;
 * - the per-task losses are read back for a mixer update that uses them (and routinely, which
 *   the trainer decides: it also follows the clock).
 * A step is in the statistics window (its update computed task by task, feeding the statistics)
 * when statistics fall due within the `windowSteps` steps that start with it.
 */
import type { RunConfig } from './config/run-config';
import { WINDOW_BYTES } from './config/memory';
import { isUpdateStep } from './mixers/observation';
import type { MixerNeeds } from './types';

export interface StepPlan {
  /** Steps completed once this step is done. */
  step: number;
  /** The statistics window's length in steps (`windowSteps`). */
  window: number;
  /** The update is computed task by task, its per-task gradients kept for the statistics. */
  taskwise: boolean;
  mixerDue: boolean;
  statsDue: boolean;
  /** The scheduled evaluation (shown on the page). */
  evalDue: boolean;
  /** A mixer update that reads the per-task losses. */
  lossesDue: boolean;
  /** A mixer update that reads the held-out losses (an evaluation, shown or not). */
  validationDue: boolean;
}

type Schedule = RunConfig['schedule'];

/** True when statistics are measured after step `step` (see the file's comment). */
export function statsDueAt(step: number, schedule: Schedule, needs: MixerNeeds): boolean {
  const { statsEvery } = schedule;
  return (
    (needs.stats && isUpdateStep(needs, step)) ||
    (statsEvery > 0 && (step % statsEvery === 0 || step === 1))
  );
}

/**
 * The window's length in steps: `statsWindow`, but no more than fits WINDOW_BYTES of kept
 * gradients (K·P floats per step), so a large model falls back to the probe alone; 0 with
 * dropout, whose masks the per-task passes would not reproduce.
 */
export function windowSteps(config: RunConfig, numParams: number, numTasks: number): number {
  if (config.model.dropout > 0) return 0;
  const perStep = 4 * numParams * Math.max(1, numTasks);
  return Math.min(config.schedule.statsWindow, Math.floor(WINDOW_BYTES / perStep));
}

/** The plan of the step that completes step `step`, for a window of `window` steps. */
export function planStep(
  step: number,
  schedule: Schedule,
  needs: MixerNeeds,
  window: number,
): StepPlan {
  let taskwise = false;
  for (let s = step; s < step + window && !taskwise; s++) {
    taskwise = statsDueAt(s, schedule, needs);
  }
  const mixerDue = isUpdateStep(needs, step);
  const { evalEvery } = schedule;
  return {
    step,
    window,
    taskwise,
    mixerDue,
    statsDue: statsDueAt(step, schedule, needs),
    evalDue: evalEvery > 0 && step % evalEvery === 0,
    lossesDue: mixerDue && needs.losses,
    validationDue: mixerDue && needs.validation === true,
  };
}
