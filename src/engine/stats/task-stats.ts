/**
 * The trainer's gradient statistics (README, "Gradient statistics"): the statistics window
 * (stats-window.ts) that the last steps before a statistics step fill with per-task gradients,
 * and the statistics step itself (window + probe top-up → grad-stats.ts's estimator). When they
 * fall due and which steps are in the window is the step plan's (core/step-plan.ts).
 *
 * On a step inside the window the trainer asks `taskwiseGradients` for its update: each task's
 * sub-batch in two halves; for each half the mean-loss gradient ĝ (kept in the window, grouped by
 * step) and its share of the training gradient, n·y_k/b·ĝ — together the mixed batch's gradient,
 * summed in another order. Off with dropout, whose masks the per-task passes would not reproduce.
 *
 * Ownership: the window's kept gradients belong to this object until a statistics step uses them
 * or `clear` (task-list changes, dispose) frees them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../core/config/run-config';
import { stackMany } from '../many';
import { batchCounts } from '../../core/mixers/batch-counts';
import type { GradStats, Rng, Task, TaskBatch } from '../../core/types';
import { chunkSizes, estimateFromChunks, pairedGroups, type ChunkGrad } from './grad-stats';
import { StatsWindow } from './stats-window';

/** The model's side the statistics use. */
export interface GradModel {
  /**
   * Mean per-example loss of `batch` at the current parameters (no dropout) and its gradient,
   * flat [P] in paramList order; tensors belong to the caller's tidy. (tfjs's autodiff, or the
   * fused webgpu step.)
   */
  meanLossGrad(batch: TaskBatch): { value: tf.Scalar; grad: tf.Tensor1D };
}

/**
 * bench --stats: the window drawn afresh at the current parameters instead of taken from
 * training, `steps` steps of per-task sub-batches at these weights.
 */
export interface EmulatedWindow {
  weights: Float64Array;
  batchSize: number;
  steps: number;
}

/** A task's sub-batch as two halves (one when it has a single example). */
export function halves(p: TaskBatch): TaskBatch[] {
  if (p.n < 2) return [p];
  const T = p.contextLength;
  const cut = Math.ceil(p.n / 2);
  const part = (from: number, to: number): TaskBatch => ({
    n: to - from,
    contextLength: T,
    inputs: p.inputs.subarray(from * T, to * T),
    targets: p.targets.subarray(from * T, to * T),
    mask: p.mask.subarray(from * T, to * T),
  });
  return [part(0, cut), part(cut, p.n)];
}

export class TaskStatistics {
  private readonly window = new StatsWindow();

  constructor(
    private readonly model: GradModel,
    /** The statistics' own random stream (probes, and the bench's emulated window). */
    private readonly rng: Rng,
  ) {}

  /** Gradient tensors the window holds now. */
  get held(): number {
    return this.window.size;
  }

  /**
   * The training gradient of step `step` computed task by task (call inside a tidy): returns the
   * flat gradient Σ_k (n_k·y_k/b)·ĝ_k and the per-task loss sums [1, K]. Inside the statistics
   * window (`windowSteps` > 0, core/step-plan.ts) each task's sub-batch goes in two halves whose
   * ĝ the window keeps; outside it (gradient surgery's steps) in one pass. With `shares` it
   * returns instead of the sum each task's share of the gradient, (n_k·y_k/b)·ĝ_k, for the
   * tasks with examples (`present`, in task order), and grad null: surgery combines them.
   */
  taskwiseGradients(
    parts: readonly (TaskBatch | null)[],
    lossWeights: ArrayLike<number> | undefined,
    step: number,
    b: number,
    windowSteps: number,
    shares = false,
  ): { grad: tf.Tensor1D | null; perTask: tf.Tensor; shares: tf.Tensor1D[]; present: number[] } {
    if (windowSteps > 0) this.window.prune(step - windowSteps + 1);
    // The training gradient is summed over the flat halves the window keeps anyway: two kernels
    // per half instead of two per parameter tensor (each a dispatch on webgpu).
    let acc: tf.Tensor1D | null = null;
    const sums: tf.Tensor[] = [];
    const out: tf.Tensor1D[] = [];
    const present: number[] = [];
    parts.forEach((p, k) => {
      let sum: tf.Tensor = tf.scalar(0);
      let share: tf.Tensor1D | null = null;
      for (const half of p ? (windowSteps > 0 ? halves(p) : [p]) : []) {
        const { value, grad } = this.model.meanLossGrad(half);
        let flat = grad;
        if (windowSteps > 0) this.window.add(k, (flat = tf.keep(grad)), half.n, step);
        const scaled = tf.mul(flat, (half.n * (lossWeights ? lossWeights[k] : 1)) / b);
        if (shares) share = (share ? tf.add(share, scaled) : scaled) as tf.Tensor1D;
        else acc = (acc ? tf.add(acc, scaled) : scaled) as tf.Tensor1D;
        sum = tf.add(sum, tf.mul(value, half.n));
      }
      if (share) {
        out.push(share);
        present.push(k);
      }
      sums.push(sum);
    });
    return {
      grad: acc,
      perTask: tf.reshape(stackMany(sums), [1, parts.length]),
      shares: out,
      present,
    };
  }

  /**
   * Gradient statistics of every task at `step` (one readback): the window's per-task halves,
   * topped up with a probe so every task has at least 2·probeHalf pairable examples (a task the
   * mixer starves is still measured). With `emulate` the window is drawn afresh at the current
   * parameters (min(L, step) steps of per-task sub-batches at the given weights, from the
   * statistics rng) instead of taken from training: bench --stats repeats the estimator so.
   */
  async measure(
    step: number,
    tasks: readonly Task[],
    schedule: RunConfig['schedule'],
    emulate?: EmulatedWindow,
  ): Promise<GradStats> {
    const { probeHalf, probeChunks } = schedule;
    const { rng } = this;
    const chunk = (batch: TaskBatch): ChunkGrad => ({
      g: tf.tidy(() => this.model.meanLossGrad(batch).grad),
      n: batch.n,
    });
    let window: ChunkGrad[][];
    if (emulate) {
      const counts = batchCounts(emulate.weights, emulate.batchSize);
      const L = Math.min(emulate.steps, step); // none at step 0, as in training
      window = tasks.map((t, k) =>
        Array.from({ length: counts[k] > 0 ? L : 0 }, (_, i) =>
          halves(t.sample(rng, counts[k])).map((h) => ({ ...chunk(h), group: i })),
        ).flat(),
      );
    } else {
      window = this.window.take(tasks.length);
    }
    try {
      window = window.map((chunks, k) => {
        const usable = pairedGroups(chunks.map((c) => c.group ?? -1))
          .flat()
          .reduce((a, i) => a + chunks[i].n, 0);
        const need = usable >= 2 * probeHalf ? 0 : Math.max(2, 2 * probeHalf - usable);
        const probe = (need > 0 ? chunkSizes(need, probeChunks) : []).map((n) => ({
          ...chunk(tasks[k].sample(rng, n)),
          group: -1,
        }));
        return [...chunks, ...probe];
      });
      return await estimateFromChunks(window, step);
    } finally {
      for (const chunks of window) for (const c of chunks) c.g.dispose();
    }
  }

  /** Frees the window (the task list changed, or the trainer is disposed). */
  clear(): void {
    this.window.clear();
  }
}
