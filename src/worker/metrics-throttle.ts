/**
 * Merges consecutive metrics batches so the worker posts at most one every `intervalMs`
 * (≈10 messages per second), whatever the step rate.
 */
import type { MetricsBatch } from '../core/trainer-types';

function concat<T extends Float32Array | Int32Array>(a: T, b: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Appends b's steps to a's (same task count); throughput fields are averaged over the steps. */
export function mergeMetrics(a: MetricsBatch, b: MetricsBatch): MetricsBatch {
  if (a.numTasks !== b.numTasks) throw new Error('cannot merge metrics of different task counts');
  const na = a.steps.length;
  const nb = b.steps.length;
  const msPerStep = (a.msPerStep * na + b.msPerStep * nb) / (na + nb);
  return {
    type: 'metrics',
    numTasks: a.numTasks,
    steps: concat(a.steps, b.steps),
    taskLoss: concat(a.taskLoss, b.taskLoss),
    weights: concat(a.weights, b.weights),
    counts: concat(a.counts, b.counts),
    lr: concat(a.lr, b.lr),
    gradNorm: concat(a.gradNorm, b.gradNorm),
    msPerStep,
    tokensPerSec: (a.tokensPerSec * na + b.tokensPerSec * nb) / (na + nb),
  };
}

export class MetricsThrottle {
  private pending: MetricsBatch | null = null;
  private lastPost = -Infinity;

  constructor(
    private readonly post: (m: MetricsBatch) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Queues a batch; posts the merged queue when the interval has passed. */
  push(m: MetricsBatch): void {
    if (this.pending && this.pending.numTasks !== m.numTasks) this.flush();
    this.pending = this.pending ? mergeMetrics(this.pending, m) : m;
    if (this.now() - this.lastPost >= this.intervalMs) this.flush();
  }

  /** Posts whatever is queued (on pause, before a task-set change, at the end of step(n)). */
  flush(): void {
    if (!this.pending) return;
    this.post(this.pending);
    this.pending = null;
    this.lastPost = this.now();
  }
}
