/**
 * What a training session tells the page about its runs, at the rate the page can take: each
 * run's metrics merged by a throttle (a run's batches merge, runs never mix), the step counter
 * at most ~30 times a second (it needs no readback), the worker's tensors every few seconds.
 */
import type { WorkerEvent } from '../core/protocol';
import type { RunEvent } from '../engine/run-set';
import { MetricsThrottle } from './metrics-throttle';

/** The step counter's rate: at most one `progress` per PROGRESS_MS. */
const PROGRESS_MS = 33;
/** The worker's tensor count and bytes, at most every MEMORY_MS (a long run stays flat). */
const MEMORY_MS = 2000;

export class SessionEvents {
  private readonly throttles = new Map<number, MetricsThrottle>();
  private lastProgress = -Infinity;
  private lastMemory = -Infinity;

  constructor(
    private readonly post: (e: WorkerEvent) => void,
    private readonly memoryInUse: () => { tensors: number; bytes: number },
  ) {}

  /** A new run set: its runs start with fresh throttles and the counter posts at once. */
  restart(): void {
    this.throttles.clear();
    this.lastProgress = -Infinity;
  }

  /** Posts what the throttles hold (before a pause, a task change or an error). */
  flush(): void {
    this.throttles.forEach((t) => t.flush());
  }

  progress(step: number): void {
    const now = performance.now();
    if (now - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = now;
    this.post({ type: 'progress', step });
  }

  memory(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastMemory < MEMORY_MS) return;
    this.lastMemory = now;
    this.post({ type: 'memory', ...this.memoryInUse() });
  }

  /** A round's events, each tagged with its run; metrics through that run's throttle. */
  runs(events: RunEvent[]): void {
    for (const { run, event: e } of events) {
      if (e.type === 'metrics') this.throttle(run).push(e);
      else if (e.type === 'stats') this.post({ type: 'stats', run, stats: e.stats });
      else if (e.type === 'mixer-update')
        this.post({ type: 'mixer-update', run, detail: e.detail });
      else if (e.type === 'eval') this.post({ type: 'eval', run, result: e });
      else this.post({ type: 'warning', run, message: `step ${e.step}: ${e.message}` });
    }
  }

  private throttle(run: number): MetricsThrottle {
    let t = this.throttles.get(run);
    if (!t) {
      t = new MetricsThrottle((batch) => this.post({ type: 'metrics', run, batch }));
      this.throttles.set(run, t);
    }
    return t;
  }
}
