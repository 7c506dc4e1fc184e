/**
 * Assembles one training batch from per-task samples: the flat arrays the model consumes plus the
 * task-membership one-hot used to compute per-task losses on the device in the same step.
 */
import type { Rng, Task, TaskBatch } from './types';

export interface MixedBatch {
  b: number;
  T: number;
  K: number;
  inputs: Int32Array; // [b, T]
  targets: Int32Array; // [b·T]
  mask: Float32Array; // [b·T]
  /** membership[i, k] = 1 when example i belongs to task k. [b, K] */
  membership: Float32Array;
  /** Per-example multiplier on the training loss (balanced-pike's y_k; else 1). [b] */
  exampleWeights: Float32Array;
}

/** Concatenates task batches; `parts[k]` may be null when task k has no examples this step. */
export function assembleBatch(
  parts: (TaskBatch | null)[],
  T: number,
  lossWeights: ArrayLike<number> | undefined,
): MixedBatch {
  const K = parts.length;
  const b = parts.reduce((s, p) => s + (p ? p.n : 0), 0);
  const out: MixedBatch = {
    b,
    T,
    K,
    inputs: new Int32Array(b * T),
    targets: new Int32Array(b * T),
    mask: new Float32Array(b * T),
    membership: new Float32Array(b * K),
    exampleWeights: new Float32Array(b),
  };
  let row = 0;
  parts.forEach((p, k) => {
    if (!p || p.n === 0) return;
    if (p.contextLength !== T) {
      throw new Error(`task ${k} produced context ${p.contextLength}, model expects ${T}`);
    }
    out.inputs.set(p.inputs, row * T);
    out.targets.set(p.targets, row * T);
    out.mask.set(p.mask, row * T);
    const w = lossWeights ? lossWeights[k] : 1;
    for (let i = 0; i < p.n; i++) {
      out.membership[(row + i) * K + k] = 1;
      out.exampleWeights[row + i] = w;
    }
    row += p.n;
  });
  return out;
}

/** Draws counts[k] examples of each task with the given rng (in task order: reproducible). */
export function sampleParts(
  tasks: Task[],
  counts: ArrayLike<number>,
  rng: Rng,
): (TaskBatch | null)[] {
  return tasks.map((t, k) => (counts[k] > 0 ? t.sample(rng, counts[k]) : null));
}
