/**
 * The run's history as the charts need it, kept outside React state (the store bumps a version
 * number when it changed): bounded SeriesTables per quantity, one column per task, plus the
 * history of conflict matrices. Pure functions over plain data, so they run in unit tests.
 *
 * Steps on the charts are "session steps": after a crash and restart the worker counts from 0
 * again with fresh weights, so the new steps are shifted by `stepOffset` (the last step seen
 * before the restart) and the restart is marked; the history before it stays on the charts.
 */
import type { GradStats, PikeUpdateDetail, Sample } from '../core/types';
import type { WorkerEvent } from '../core/protocol';
import { SeriesTable } from './series';

type MetricsBatch = Extract<WorkerEvent, { type: 'metrics' }>['batch'];
type EvalResult = Extract<WorkerEvent, { type: 'eval' }>['result'];

/** Rows kept per table. 2000 rows x 16 tasks x 8 tables is well under 1 MB of numbers. */
export const SERIES_CAPACITY = 2000;
/** Conflict matrices kept for the step slider (thinned evenly when full). */
export const CONFLICT_CAPACITY = 400;
/** PiKE updates and sampling rounds kept for a replay (thinned like the conflict frames). */
export const UPDATES_CAPACITY = 400;
export const SAMPLES_CAPACITY = 100;
/** Smoothing of the displayed training loss: an EMA over steps, bias-corrected (like Adam). */
export const TRAIN_EMA = 0.9;

export interface ConflictFrame {
  step: number;
  k: number;
  /** Row-major k x k cosine similarities. */
  cosine: Float64Array;
}

export interface MetricsBuffers {
  numTasks: number;
  /** Mean training loss of each task's examples per step (NaN: none that step); min/max fold. */
  train: SeriesTable;
  /** The same, EMA-smoothed per task (what the loss chart draws). */
  trainSmooth: SeriesTable;
  /** Sampling weights per step (mean fold: rows stay on the simplex). */
  weights: SeriesTable;
  /** Held-out loss and exact-match accuracy per evaluation. */
  val: SeriesTable;
  accuracy: SeriesTable;
  /** Gradient statistics per stats step: ‖∇L_k‖² and σ_k², and their standard errors. */
  gradNormSq: SeriesTable;
  variance: SeriesTable;
  gradNormSqSE: SeriesTable;
  varianceSE: SeriesTable;
  /** PiKE's last weight update, per task (pike, balanced-pike); null before the first. */
  lastUpdate: PikeUpdateDetail | null;
  /** Per step, not per task: [learning rate, gradient norm]. */
  optim: SeriesTable;
  conflict: ConflictFrame[];
  /** Every PiKE update (thinned when full), for a replay; lastUpdate is the newest. */
  updates: PikeUpdateDetail[];
  /** The run's sampling rounds (thinned when full), for a replay. */
  samples: { step: number; samples: Sample[]; ms?: number }[];
  /** Running EMA state of trainSmooth: sum and bias-correction weight per task. */
  ema: { value: number[]; weight: number[] };
  stepOffset: number;
  /** Smoothed ms per step of this run (NaN before its first readback): the race leaderboard. */
  msPerStep: number;
  /**
   * Last session step of a metrics row. Eval and stats events do not move it: the worker posts
   * them at once while it may still hold the metrics of the steps before them.
   */
  lastStep: number;
  /** Session steps at which the worker restarted with fresh weights. */
  restarts: number[];
  /**
   * Revisions, bumped when that part changed: a chart redraws only when its own data did
   * (statistics come every 50 steps, metrics every few).
   */
  rev: { steps: number; eval: number; stats: number };
}

export function createMetrics(numTasks: number, capacity = SERIES_CAPACITY): MetricsBuffers {
  const t = (fold: 'minmax' | 'mean', width = numTasks) => new SeriesTable(width, fold, capacity);
  return {
    numTasks,
    train: t('minmax'),
    trainSmooth: t('mean'),
    weights: t('mean'),
    val: t('minmax'),
    accuracy: t('minmax'),
    gradNormSq: t('minmax'),
    variance: t('minmax'),
    gradNormSqSE: t('mean'),
    varianceSE: t('mean'),
    lastUpdate: null,
    optim: t('minmax', 2),
    conflict: [],
    updates: [],
    samples: [],
    ema: { value: Array(numTasks).fill(0), weight: Array(numTasks).fill(0) },
    stepOffset: 0,
    msPerStep: NaN,
    lastStep: 0,
    restarts: [],
    rev: { steps: 0, eval: 0, stats: 0 },
  };
}

/** Marks every part as changed (the task set or the run changed). */
function touchAll(m: MetricsBuffers): void {
  m.rev.steps++;
  m.rev.eval++;
  m.rev.stats++;
}

const perTask = (m: MetricsBuffers) => [
  m.train,
  m.trainSmooth,
  m.weights,
  m.val,
  m.accuracy,
  m.gradNormSq,
  m.variance,
  m.gradNormSqSE,
  m.varianceSE,
];

/** Forgets everything (a reset: new model, step 0). */
export function clearMetrics(m: MetricsBuffers, numTasks: number): void {
  m.numTasks = numTasks;
  for (const t of perTask(m)) t.clear(numTasks);
  m.optim.clear(2);
  m.conflict = [];
  m.updates = [];
  m.samples = [];
  m.lastUpdate = null;
  m.ema = { value: Array(numTasks).fill(0), weight: Array(numTasks).fill(0) };
  m.stepOffset = 0;
  m.msPerStep = NaN;
  m.lastStep = 0;
  m.restarts = [];
  touchAll(m);
}

/** A task was appended (its columns start empty) or removed (its columns go). */
export function addTaskColumn(m: MetricsBuffers): void {
  for (const t of perTask(m)) t.addColumn();
  m.ema.value.push(0);
  m.ema.weight.push(0);
  m.numTasks += 1;
  m.conflict = [];
  m.updates = [];
  m.lastUpdate = null;
  touchAll(m);
}

export function removeTaskColumn(m: MetricsBuffers, index: number): void {
  for (const t of perTask(m)) t.removeColumn(index);
  m.ema.value.splice(index, 1);
  m.ema.weight.splice(index, 1);
  m.numTasks -= 1;
  m.conflict = [];
  m.updates = [];
  m.lastUpdate = null;
  touchAll(m);
}

/** The worker restarted from step 0: later steps continue after the history. */
export function markRestart(m: MetricsBuffers): void {
  const last = Math.max(m.lastStep, m.val.lastX || 0, m.gradNormSq.lastX || 0);
  m.stepOffset = last;
  m.lastStep = last;
  if (last > 0) m.restarts.push(last);
  touchAll(m);
}

/**
 * Appends a metrics batch. Returns false (and changes nothing) when its task count does not match
 * (a batch from before a task-set change that the store already applied).
 */
export function ingestMetrics(m: MetricsBuffers, b: MetricsBatch): boolean {
  const K = b.numTasks;
  if (K !== m.numTasks) return false;
  const smooth = new Float64Array(K);
  for (let i = 0; i < b.steps.length; i++) {
    const step = b.steps[i] + m.stepOffset;
    if (step <= m.lastStep && m.train.length > 0) continue; // stale or repeated
    for (let k = 0; k < K; k++) {
      const loss = b.taskLoss[i * K + k];
      if (Number.isFinite(loss)) {
        m.ema.value[k] = TRAIN_EMA * m.ema.value[k] + (1 - TRAIN_EMA) * loss;
        m.ema.weight[k] = TRAIN_EMA * m.ema.weight[k] + (1 - TRAIN_EMA);
        smooth[k] = m.ema.value[k] / m.ema.weight[k];
      } else smooth[k] = NaN;
    }
    m.train.push(step, b.taskLoss, i * K);
    m.trainSmooth.push(step, smooth);
    m.weights.push(step, b.weights, i * K);
    m.optim.push(step, [b.lr[i], b.gradNorm[i]]);
    m.lastStep = step;
  }
  if (Number.isFinite(b.msPerStep) && b.msPerStep > 0) {
    m.msPerStep = Number.isNaN(m.msPerStep) ? b.msPerStep : 0.7 * m.msPerStep + 0.3 * b.msPerStep;
  }
  m.rev.steps++;
  return true;
}

export function ingestEval(m: MetricsBuffers, r: EvalResult): boolean {
  if (r.valLoss.length !== m.numTasks) return false;
  const step = r.step + m.stepOffset;
  m.val.push(step, r.valLoss);
  m.accuracy.push(step, r.accuracy);
  m.rev.eval++;
  return true;
}

export function ingestStats(m: MetricsBuffers, s: GradStats): boolean {
  const K = s.gradNormSq.length;
  if (K !== m.numTasks || s.cosine.length !== K * K) return false;
  const step = s.step + m.stepOffset;
  m.gradNormSq.push(step, s.gradNormSq);
  m.variance.push(step, s.variance);
  m.gradNormSqSE.push(step, s.gradNormSqSE);
  m.varianceSE.push(step, s.varianceSE);
  m.conflict = pushThinned(
    m.conflict,
    { step, k: K, cosine: Float64Array.from(s.cosine) },
    CONFLICT_CAPACITY,
  );
  m.rev.stats++;
  return true;
}

/**
 * Appends `item`; past `capacity`, thins the older half (every other item) so the recent half
 * keeps full resolution.
 */
function pushThinned<T>(list: T[], item: T, capacity: number): T[] {
  list.push(item);
  if (list.length <= capacity) return list;
  const half = Math.floor(list.length / 2);
  return [...list.slice(0, half).filter((_, i) => i % 2 === 0), ...list.slice(half)];
}

/** Mean over tasks of each row's finite values (NaN where a row has none). */
export function rowMeans(t: SeriesTable): { x: number[]; y: number[] } {
  const cols = Array.from({ length: t.width }, (_, j) => t.col(j));
  const y = t.x.map((_, i) => {
    let s = 0;
    let c = 0;
    for (const col of cols) {
      const v = col[i];
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    }
    return c ? s / c : NaN;
  });
  return { x: t.x.slice(), y };
}

/** Latest finite value of each column (NaN where none). */
export function latestValues(t: SeriesTable): number[] {
  return Array.from({ length: t.width }, (_, j) => {
    const c = t.col(j);
    for (let i = c.length - 1; i >= 0; i--) if (Number.isFinite(c[i])) return c[i];
    return NaN;
  });
}

/** Keeps PiKE's last update for the mixer panel (false when its task count does not match). */
export function ingestMixerUpdate(m: MetricsBuffers, d: PikeUpdateDetail): boolean {
  if (d.before.length !== m.numTasks) return false;
  m.lastUpdate = { ...d, step: d.step + m.stepOffset };
  m.updates = pushThinned(m.updates, m.lastUpdate, UPDATES_CAPACITY);
  m.rev.stats++;
  return true;
}

/** Keeps a sampling round of this run. */
export function ingestSamples(
  m: MetricsBuffers,
  step: number,
  samples: Sample[],
  ms?: number,
): void {
  const at = step + m.stepOffset;
  m.samples = pushThinned(
    m.samples.filter((r) => r.step !== at),
    { step: at, samples, ...(ms !== undefined && Number.isFinite(ms) ? { ms } : {}) },
    SAMPLES_CAPACITY,
  );
}

/**
 * Values the history holds now (every table's rows × columns, x included, and the conflict
 * frames' cells): bounded by SERIES_CAPACITY and CONFLICT_CAPACITY however long the run.
 */
export function storedPoints(m: MetricsBuffers): number {
  let n = 0;
  for (const t of [...perTask(m), m.optim]) n += t.length * (t.width + 1);
  for (const f of m.conflict) n += f.cosine.length;
  return n;
}
