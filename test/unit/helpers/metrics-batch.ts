import type { MetricsBatch } from '../../../src/core/trainer-types';

/**
 * A worker's metrics batch for store tests: `steps`, K tasks in equal shares, and each task's
 * loss (a constant, or a function of step and task).
 */
export function metricsBatch(
  steps: number[],
  K = 3,
  loss: number | ((step: number, k: number) => number) = 2,
): MetricsBatch {
  const n = steps.length;
  const taskLoss = new Float32Array(n * K);
  steps.forEach((s, i) => {
    for (let k = 0; k < K; k++) taskLoss[i * K + k] = typeof loss === 'number' ? loss : loss(s, k);
  });
  return {
    type: 'metrics',
    steps: Int32Array.from(steps),
    numTasks: K,
    taskLoss,
    weights: new Float32Array(n * K).fill(1 / K),
    counts: new Int32Array(n * K).fill(1),
    lr: new Float32Array(n).fill(1e-3),
    gradNorm: new Float32Array(n).fill(1),
    msPerStep: 10,
    tokensPerSec: 1000,
  };
}
