/**
 * Gradient surgery's device side (pcgrad, cagrad; the rules are in core/mixers/pcgrad.ts and
 * cagrad.ts): from the per-task gradient shares g_k of one mixed batch (each [P], Σ_k g_k the
 * plain gradient; stats/task-stats.ts computes them task by task) it forms their Gram matrix
 * A = S·Sᵀ with S = [g_k] stacked [K', P] (K' = tasks with examples this step), reads A back
 * (K'² floats, one readback a step), asks the mixer for β on the host, and returns Σ_k β_k g_k
 * = βᵀS as one flat [P] gradient for the optimizer. It replaces the sum Σ_k g_k the trainer
 * would otherwise apply.
 *
 * Ownership: the caller owns `shares` and the returned gradient; everything else is freed here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientSurgery, TaskBatch } from '../core/types';
import { stackMany } from './many';
import type { Optimizer } from './optim';
import type { TaskStatistics } from './stats/task-stats';

/**
 * One training step of gradient surgery: each task's share of the gradient, task by task (in
 * halves inside the statistics window, `at.window` > 0, which they also feed), combined by the
 * mixer's β, then one optimizer step. Returns the per-task loss sums [1, K] (the caller's) and
 * the gradient norm. Per-task passes run without dropout, as the statistics window's do.
 */
export async function surgeryStep(
  stats: TaskStatistics,
  optimizer: Optimizer,
  parts: readonly (TaskBatch | null)[],
  at: { step: number; batchSize: number; window: number },
  surgery: GradientSurgery,
): Promise<{ perTask: tf.Tensor; gradNorm: tf.Scalar }> {
  const tw = tf.tidy(() => {
    const r = stats.taskwiseGradients(parts, undefined, at.step, at.batchSize, at.window, true);
    return { perTask: r.perTask, shares: r.shares, present: r.present };
  });
  try {
    const grad = await surgeryGradient(tw.shares, tw.present, parts.length, surgery, at.step);
    const gradNorm = tf.tidy(() => optimizer.apply(grad));
    grad.dispose();
    return { perTask: tw.perTask, gradNorm };
  } catch (e) {
    tw.perTask.dispose();
    throw e;
  } finally {
    tf.dispose(tw.shares);
  }
}

/**
 * The surgery's gradient for step `step`: `shares` are the tasks `present` (indices into the K
 * tasks); the mixer sees the full K×K Gram, with zero rows for tasks without examples.
 */
export async function surgeryGradient(
  shares: tf.Tensor1D[],
  present: readonly number[],
  K: number,
  surgery: GradientSurgery,
  step: number,
): Promise<tf.Tensor1D> {
  const S = tf.tidy(() => stackMany(shares));
  try {
    const small = tf.tidy(() => tf.matMul(S, S, false, true));
    const values = await small.data();
    small.dispose();
    const n = present.length;
    const gram = new Float64Array(K * K);
    for (let a = 0; a < n; a++)
      for (let c = 0; c < n; c++) gram[present[a] * K + present[c]] = values[a * n + c];
    const beta = surgery.coefficients(gram, step);
    const row = Float32Array.from(present, (k) => beta[k]);
    return tf.tidy(() => tf.reshape(tf.matMul(tf.tensor2d(row, [1, n]), S), [-1]) as tf.Tensor1D);
  } finally {
    S.dispose();
  }
}
