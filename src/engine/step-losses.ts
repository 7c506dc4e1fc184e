/**
 * Per-step training losses kept on the device until one readback reads many steps at once.
 *
 * Each step leaves its per-task loss sums [1, K] and its gradient norm on the device; `read()`
 * packs every unread step into one tensor and reads it back once (each readback forces a GPU
 * sync). The trainer reads every `metricsEvery` steps, and also when `overdue()`: after the first
 * step (first losses drawn at once) and once a second at the latest (`MAX_UNREAD_MS`), so a slow
 * backend still shows losses within a second.
 *
 * Ownership: the unread tensors belong to this object until `read()` or `discard()` frees them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatMany, stackMany } from './many';
import type { MetricsBatch } from '../core/trainer-types';

/** Unread per-step losses are read back after at most this long, whatever `metricsEvery` says. */
export const MAX_UNREAD_MS = 1000;

/** One optimizer step's device-side losses and the host-side facts that go with them. */
export interface UnreadStep {
  step: number;
  perTask: tf.Tensor; // [1, K] per-task loss sums, on device
  gradNorm: tf.Scalar;
  weights: Float64Array;
  counts: Int32Array;
  lr: number;
}

export class StepLosses {
  private unread: UnreadStep[] = [];
  private lastRead = performance.now();
  private reads = 0;
  /** Start of the first unread step: ms/step excludes idle time between readbacks and steps. */
  private since = performance.now();

  /** Call at the start of each step, before its work. */
  startStep(now: number): void {
    if (this.unread.length === 0) this.since = now;
  }

  add(step: UnreadStep): void {
    this.unread.push(step);
  }

  /** True after the first step and once MAX_UNREAD_MS has passed since the last readback. */
  overdue(): boolean {
    return this.reads === 0 || performance.now() - this.lastRead >= MAX_UNREAD_MS;
  }

  /**
   * Reads every unread step back (one readback) as a metrics batch: taskLoss is the per-task
   * mean (NaN where a task had no examples; possibly non-finite where the training diverged, for
   * the caller to judge). `onReadback` gets the readback's own wall time.
   */
  async read(
    tokensPerStep: number,
    onReadback?: (ms: number) => void,
  ): Promise<MetricsBatch | null> {
    const [out] = await readMany([{ losses: this, tokensPerStep }], onReadback);
    return out;
  }

  /** Hands the unread steps over with their losses packed into one flat tensor (readMany). */
  take(): { steps: UnreadStep[]; packed: tf.Tensor1D; since: number } | null {
    const steps = this.unread;
    if (steps.length === 0) return null;
    this.unread = [];
    const packed = tf.tidy(() =>
      tf.concat([
        tf.reshape(concatMany(steps.map((p) => p.perTask)), [-1]),
        stackMany(steps.map((p) => p.gradNorm)),
      ]),
    ) as tf.Tensor1D;
    disposeSteps(steps);
    return { steps, packed, since: this.since };
  }

  /** Records a readback of the steps `take()` handed over (for `overdue()`). */
  markRead(now: number): void {
    this.lastRead = now;
    this.reads += 1;
  }

  /** Drops the unread steps (e.g. their width K is about to change); read() first to keep them. */
  discard(): void {
    disposeSteps(this.unread);
    this.unread = [];
  }
}

/**
 * Reads the unread steps of several StepLosses back in ONE readback (a race's contestants share
 * it): their packed losses are concatenated on the device and read once. Returns one metrics
 * batch per entry (null where nothing was unread). taskLoss is the per-task mean (NaN where a
 * task had no examples; possibly non-finite where the training diverged, for the caller to
 * judge). `onReadback` gets the readback's own wall time.
 */
export async function readMany(
  sets: readonly { losses: StepLosses; tokensPerStep: number }[],
  onReadback?: (ms: number) => void,
): Promise<(MetricsBatch | null)[]> {
  const taken = sets.map((s) => s.losses.take());
  const live = taken.filter((t) => t !== null);
  if (live.length === 0) return taken.map(() => null);
  const all = live.length === 1 ? live[0].packed : tf.concat(live.map((t) => t.packed));
  const t0 = performance.now();
  let data: Float32Array;
  try {
    data = (await all.data()) as Float32Array; // forces a GPU sync: once per readback
  } finally {
    for (const t of live) t.packed.dispose();
    all.dispose();
  }
  const now = performance.now();
  onReadback?.(now - t0);
  let offset = 0;
  return taken.map((t, j) => {
    if (!t) return null;
    sets[j].losses.markRead(now);
    const size = t.packed.size;
    const out = unpack(t.steps, data.subarray(offset, offset + size), now - t.since);
    offset += size;
    const ms = out.msPerStep;
    out.tokensPerSec = (sets[j].tokensPerStep * 1000) / Math.max(ms, 1e-9);
    return out;
  });
}

/** One StepLosses' share of a readback as a metrics batch (`elapsed`: ms since its first step). */
function unpack(steps: UnreadStep[], data: Float32Array, elapsed: number): MetricsBatch {
  const K = steps[0].counts.length;
  const n = steps.length;
  const out: MetricsBatch = {
    type: 'metrics',
    steps: Int32Array.from(steps, (p) => p.step),
    numTasks: K,
    taskLoss: new Float32Array(n * K).fill(NaN),
    weights: new Float32Array(n * K),
    counts: new Int32Array(n * K),
    lr: Float32Array.from(steps, (p) => p.lr),
    gradNorm: Float32Array.from(data.subarray(n * K)),
    msPerStep: elapsed / n,
    tokensPerSec: 0,
  };
  steps.forEach((p, i) => {
    for (let k = 0; k < K; k++) {
      out.weights[i * K + k] = p.weights[k];
      out.counts[i * K + k] = p.counts[k];
      if (p.counts[k] > 0) out.taskLoss[i * K + k] = data[i * K + k] / p.counts[k];
    }
  });
  return out;
}

function disposeSteps(steps: UnreadStep[]): void {
  for (const p of steps) {
    p.perTask.dispose();
    p.gradNorm.dispose();
  }
}

/**
 * Per-task sums of per-example losses, [b] × membership [b, K] → [1, K]. A select, not a matmul:
 * in a matmul 0·NaN = NaN would let one task's NaN poison every task's sum.
 */
export function taskSums(ex: tf.Tensor1D, member: tf.Tensor2D): tf.Tensor {
  const [b, K] = member.shape;
  const rows = tf.tile(tf.reshape(ex, [b, 1]), [1, K]); // [b, K]
  return tf.sum(tf.where(tf.cast(member, 'bool'), rows, tf.zerosLike(rows)), 0, true);
}
