/**
 * A run played back from its file (issue 20, part 3): the file's history becomes a
 * MetricsBuffers (`source`), and the charts draw `metricsUpTo(source, step)`, the history as it
 * stood at that step. Pure functions over plain data; the store's replay actions (replay-actions.ts)
 * own the state, the page's ReplayBar the clock.
 */
import type { PikeUpdateDetail } from '../core/types';
import { createMetrics, type MetricsBuffers } from './metrics';
import type { RunFile } from './run-file';
import { SeriesTable } from './series';
import type { SamplesRound } from './state';

const nan = (v: readonly (number | null)[]) => v.map((x) => x ?? NaN);

/** A table with the file's rows, unfolded (its capacity fits them). */
function tableOf(
  t: { x: number[]; cols: (number | null)[][] } | undefined,
  width: number,
  fold: 'minmax' | 'mean',
): SeriesTable {
  const rows = t?.x.length ?? 0;
  const table = new SeriesTable(width, fold, Math.max(8, 4 * Math.ceil((rows + 1) / 4)));
  const row = new Float64Array(width);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < width; k++) row[k] = t!.cols[k][i] ?? NaN;
    table.push(t!.x[i], row);
  }
  return table;
}

/**
 * The file's whole history as the charts read it. A version 1 file has no smoothed loss (the
 * raw one stands in), no bands, matrices, updates or samples: those charts stay empty.
 */
export function metricsFromRunFile(file: RunFile): MetricsBuffers {
  const K = file.taskLabels.length;
  const c = file.curves;
  const m = createMetrics(K);
  m.train = tableOf(c.trainLoss, K, 'minmax');
  m.trainSmooth = tableOf(c.trainSmooth ?? c.trainLoss, K, 'mean');
  m.weights = tableOf(c.weights, K, 'mean');
  m.val = tableOf(c.valLoss, K, 'minmax');
  m.accuracy = tableOf(c.accuracy, K, 'minmax');
  m.gradNormSq = tableOf(c.gradNormSq, K, 'minmax');
  m.variance = tableOf(c.variance, K, 'minmax');
  m.gradNormSqSE = tableOf(c.gradNormSqSE, K, 'mean');
  m.varianceSE = tableOf(c.varianceSE, K, 'mean');
  m.conflict = (file.conflict ?? []).map((f) => ({
    step: f.step,
    k: K,
    cosine: Float64Array.from(nan(f.cosine)),
  }));
  m.updates = (file.updates ?? []).map((u): PikeUpdateDetail => ({
    step: u.step,
    gradNormSq: nan(u.gradNormSq),
    variance: nan(u.variance),
    gradTerm: nan(u.gradTerm),
    varianceTerm: nan(u.varianceTerm),
    exponent: nan(u.exponent),
    before: nan(u.before),
    after: nan(u.after),
  }));
  m.lastUpdate = m.updates.at(-1) ?? null;
  m.samples = file.samples ?? [];
  m.lastStep = lastStepOf(m);
  return m;
}

/** The last step anything in the history was recorded at (0 when empty). */
export function lastStepOf(m: MetricsBuffers): number {
  const xs = [m.train, m.val, m.gradNormSq].map((t) => t.lastX).filter(Number.isFinite);
  return Math.max(0, ...xs, ...m.conflict.map((f) => f.step));
}

/** How many of the ascending `xs` are ≤ step. */
function countUpTo(xs: readonly number[], step: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The history as it stood at `step`: every row, matrix, update and sampling round recorded at or
 * before it. `rev` becomes every part's revision, so the charts redraw on each new step.
 */
export function metricsUpTo(source: MetricsBuffers, step: number, rev: number): MetricsBuffers {
  const head = (t: SeriesTable) => t.head(countUpTo(t.x, step));
  const updates = source.updates.filter((u) => u.step <= step);
  return {
    ...source,
    train: head(source.train),
    trainSmooth: head(source.trainSmooth),
    weights: head(source.weights),
    val: head(source.val),
    accuracy: head(source.accuracy),
    gradNormSq: head(source.gradNormSq),
    variance: head(source.variance),
    gradNormSqSE: head(source.gradNormSqSE),
    varianceSE: head(source.varianceSE),
    optim: head(source.optim),
    conflict: source.conflict.filter((f) => f.step <= step),
    updates,
    lastUpdate: updates.at(-1) ?? null,
    samples: source.samples.filter((r) => r.step <= step),
    lastStep: step,
    restarts: source.restarts.filter((r) => r <= step),
    rev: { steps: rev, eval: rev, stats: rev },
  };
}

/** The samples panel's two rounds (previous first) as they stood at `step`. */
export function samplesUpTo(source: MetricsBuffers, step: number): SamplesRound[] {
  return source.samples
    .filter((r) => r.step <= step)
    .slice(-2)
    .map((r) => ({ run: 0, step: r.step, samples: r.samples, ms: r.ms ?? NaN }));
}
