/** Events and results the trainer produces (plain data: the worker posts them to the page). */
import type { GradStats, PikeUpdateDetail, Task } from './types';

/** Per-step metrics of the steps since the last readback, row-major [n, K] where 2-D. */
export interface MetricsBatch {
  type: 'metrics';
  steps: Int32Array;
  numTasks: number;
  /** Mean training loss of task k's examples at that step; NaN when it had none. */
  taskLoss: Float32Array;
  /** Sampling weights used at that step. */
  weights: Float32Array;
  /** Examples of each task in that step's batch. */
  counts: Int32Array;
  lr: Float32Array;
  /** Global gradient norm before clipping. */
  gradNorm: Float32Array;
  msPerStep: number;
  tokensPerSec: number;
}

export interface EvalResult {
  type: 'eval';
  step: number;
  valLoss: Float64Array;
  /** Exact-match accuracy; NaN for tasks without that metric. */
  accuracy: Float64Array;
}

export type TrainerEvent =
  | MetricsBatch
  | EvalResult
  | { type: 'stats'; stats: GradStats }
  /** What a PiKE-type update did, per task (MixerUpdateReport.detail). */
  | { type: 'mixer-update'; detail: PikeUpdateDetail }
  | { type: 'warning'; step: number; message: string };

/** Thrown when a loss turns NaN or infinite; training cannot continue without a reset. */
export class TrainingDivergedError extends Error {
  constructor(
    readonly step: number,
    readonly taskId: string,
    readonly value: number,
  ) {
    super(
      `Training diverged at step ${step}: the loss of task "${taskId}" is ${value}. ` +
        'Lower the learning rate or enable gradient clipping, then reset.',
    );
    this.name = 'TrainingDivergedError';
  }
}

/** Mixer weights with disabled tasks zeroed and the rest renormalised. */
export function enabledWeights(w: Float64Array, tasks: readonly Task[]): Float64Array {
  const out = Float64Array.from(w, (x, k) => (tasks[k].knobs.enabled ? x : 0));
  let sum = out.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) {
    // The mixer put all its weight on disabled tasks (e.g. round-robin's turn): share it evenly.
    tasks.forEach((t, k) => (out[k] = t.knobs.enabled ? 1 : 0));
    sum = out.reduce((a, b) => a + b, 0);
    if (sum === 0) throw new Error('every task is disabled: enable at least one to train');
  }
  return out.map((x) => x / sum);
}

/**
 * Folds a readback's per-task losses into `smoothed` (an EMA with factor 0.9, per task, over the
 * steps where the task had examples). Returns the error naming the first non-finite loss (step
 * and task), having smoothed the steps before it; null when every loss is finite.
 */
export function smoothLosses(
  out: MetricsBatch,
  smoothed: Float64Array,
  tasks: readonly Pick<Task, 'id'>[],
): TrainingDivergedError | null {
  const K = out.numTasks;
  for (let i = 0; i < out.steps.length; i++) {
    for (let k = 0; k < K; k++) {
      if (out.counts[i * K + k] === 0) continue;
      const loss = out.taskLoss[i * K + k];
      if (!Number.isFinite(loss)) return new TrainingDivergedError(out.steps[i], tasks[k].id, loss);
      const prev = smoothed[k];
      smoothed[k] = Number.isNaN(prev) ? loss : 0.9 * prev + 0.1 * loss;
    }
  }
  return null;
}
