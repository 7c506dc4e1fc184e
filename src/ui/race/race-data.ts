/**
 * What the race charts and the leaderboard read from each contestant's history: the average
 * over tasks of the validation and smoothed training losses, the worst task's validation loss,
 * and the leaderboard's order. Pure functions over the store's buffers.
 */
import { latestValues, rowMeans, type MetricsBuffers } from '../../store/metrics';

export interface Standing {
  run: number;
  /** Average validation loss over tasks at the latest evaluation (NaN before one). */
  avgVal: number;
  /** The highest task validation loss at the latest evaluation. */
  worstVal: number;
  /** Average smoothed training loss over tasks at the latest step. */
  avgTrain: number;
  steps: number;
  msPerStep: number;
}

const finite = (xs: number[]) => xs.filter(Number.isFinite);

export function standing(run: number, m: MetricsBuffers): Standing {
  const val = finite(latestRow(m.val));
  const train = finite(latestValues(m.trainSmooth));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return {
    run,
    avgVal: mean(val),
    worstVal: val.length ? Math.max(...val) : NaN,
    avgTrain: mean(train),
    steps: m.lastStep,
    msPerStep: m.msPerStep,
  };
}

/** The last row of a table (one evaluation), NaN where a task has no value. */
function latestRow(t: MetricsBuffers['val']): number[] {
  const n = t.length;
  return Array.from({ length: t.width }, (_, k) => (n ? t.col(k)[n - 1] : NaN));
}

/**
 * Leaderboard order: lowest average validation loss first; contestants not yet evaluated (or
 * stopped without a value) after them, by average training loss; ties by run order.
 */
export function rank(rows: readonly Standing[]): Standing[] {
  const key = (s: Standing): [number, number] =>
    Number.isFinite(s.avgVal)
      ? [0, s.avgVal]
      : Number.isFinite(s.avgTrain)
        ? [1, s.avgTrain]
        : [2, 0];
  return [...rows].sort((a, b) => {
    const [ga, va] = key(a);
    const [gb, vb] = key(b);
    return ga - gb || va - vb || a.run - b.run;
  });
}

/**
 * Average over tasks per row: validation per evaluation, smoothed training per step. A task
 * without examples at a step (a mixer gave it no weight) keeps its last smoothed loss, so the
 * average does not drop just because a hard task left the batch.
 */
export function averageCurves(m: MetricsBuffers, trainPoints: number) {
  const val = rowMeans(m.val);
  const d = m.trainSmooth.display(trainPoints);
  const last = d.cols.map(() => NaN);
  const train = d.x.map((_, i) => {
    d.cols.forEach((c, k) => {
      if (Number.isFinite(c[i])) last[k] = c[i];
    });
    const xs = finite(last);
    return xs.length === last.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  });
  return { val, train: { x: d.x, y: train } };
}
