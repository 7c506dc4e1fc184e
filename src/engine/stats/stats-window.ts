/**
 * The statistics window (README, "Gradient statistics"): on the last L training steps before a statistics step
 * the trainer computes its gradient task by task — each task's sub-batch in two halves, 2K
 * backward passes instead of one for the mixed batch — and keeps each half's mean-loss gradient
 * here, tagged with its step. The statistics step then uses every step's halves as a group of
 * chunks of the U-statistic (grad-stats.ts: pairs only within a step, at one set of parameters),
 * topped up with a probe only where a task has too few examples. This is the paper's own source of
 * the two scalars per task — the training batch — at the cost of small backward passes on L steps.
 * Why halves within a step: across two steps the optimizer has moved the parameters, and pairs of
 * gradients from different steps came out near 0 or negative where a fresh probe measured
 * ‖∇L_k‖² ≈ 0.5–1.3 (multilingual, Mix, Adam 3e-3): they measure how the gradient persists from
 * step to step, not its size. The estimate is an average over the window's steps (a lag of about
 * L/2 steps).
 *
 * Ownership: the window owns the kept gradient tensors until `take` hands them over or `clear`
 * disposes them.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ChunkGrad } from './grad-stats';

interface Kept extends ChunkGrad {
  step: number;
}

export class StatsWindow {
  private chunks: Kept[][] = [];

  /** Keeps task k's mean-loss gradient `g` over `n` examples of step `step`. */
  add(k: number, g: tf.Tensor1D, n: number, step: number): void {
    while (this.chunks.length <= k) this.chunks.push([]);
    this.chunks[k].push({ g, n, step });
  }

  /** Drops (and disposes) chunks older than `oldest`. */
  prune(oldest: number): void {
    this.chunks = this.chunks.map((list) =>
      list.filter((c) => {
        if (c.step >= oldest) return true;
        c.g.dispose();
        return false;
      }),
    );
  }

  /** Hands over the chunks of tasks 0..K−1 (the caller disposes them) and empties the window. */
  take(K: number): ChunkGrad[][] {
    const out = Array.from({ length: K }, (_, k) =>
      (this.chunks[k] ?? []).map(({ g, n, step }) => ({ g, n, group: step })),
    );
    for (const list of this.chunks.slice(K)) for (const c of list) c.g.dispose();
    this.chunks = [];
    return out;
  }

  /** Number of chunks kept (all tasks). */
  get size(): number {
    return this.chunks.reduce((a, l) => a + l.length, 0);
  }

  clear(): void {
    for (const list of this.chunks) for (const c of list) c.g.dispose();
    this.chunks = [];
  }
}
