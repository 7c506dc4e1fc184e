/**
 * The training loop: mixer weights → batch counts → per-task samples → one optimizer step, with
 * per-task losses computed on the device in the same step and read back in batches
 * (step-losses.ts: every `metricsEvery` steps, after the first step, and at least once a
 * second). Gradient statistics run every T₀ steps for mixers that need them and every
 * `statsEvery` steps for the display; evaluation on each task's held-out set every `evalEvery`
 * steps.
 *
 * Ownership: the Trainer owns the parameters, the optimizer state and the unread per-step loss
 * tensors (through StepLosses); `dispose()` frees them all. Everything else lives inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assembleBatch, sampleParts } from './batch';
import type { ReferenceCurve, RunConfig, TaskSetup } from './config/run-config';
import { formatZodError, parseRunConfig } from './config/run-config';
import { batchCounts } from './mixers/batch-counts';
import { forward } from './model/gpt';
import { exactMatch, perExampleLoss } from './model/loss';
import { disposeParams, initParams, isDecayed, paramList, type GptParams } from './model/params';
import { flatten, Optimizer, optimizerConfigSchema, type OptimizerConfig } from './optim';
import { createRng, mixSeeds } from './rng';
import { chunkGrads, chunkSizes, estimateFromChunks, type ChunkGrad } from './stats/grad-stats';
import { StatsWindow } from './stats/stats-window';
import type { CorpusLoader } from './tasks/corpus';
import { createTask } from './tasks/catalogue';
import { MAX_TASKS } from './tokenizer';
import { MixerHost, type TaskChange } from './mixer-host';
import type { GradStats, MixerName, Rng, Task, TaskBatch } from './types';
import { stackMany } from './many';
import { StepLosses, taskSums } from './step-losses';
import {
  enabledWeights,
  TrainingDivergedError,
  type EvalResult,
  type MetricsBatch,
  type TrainerEvent,
} from './trainer-types';

export * from './trainer-types';

/** A task's sub-batch as two halves (one when it has a single example). */
function halves(p: TaskBatch): TaskBatch[] {
  if (p.n < 2) return [p];
  const T = p.contextLength;
  const cut = Math.ceil(p.n / 2);
  const part = (from: number, to: number): TaskBatch => ({
    n: to - from,
    contextLength: T,
    inputs: p.inputs.subarray(from * T, to * T),
    targets: p.targets.subarray(from * T, to * T),
    mask: p.mask.subarray(from * T, to * T),
  });
  return [part(0, cut), part(cut, p.n)];
}

/** Most bytes the statistics window may keep (per-task gradients of its steps). */
export const WINDOW_BYTES = 128 * 2 ** 20;

/** Phases of a training step that `Trainer.onPhase` reports (bench --profile). */
export type StepPhase = 'batch' | 'forward+backward' | 'optimizer' | 'readback';

export class Trainer {
  /**
   * Optional timing hook: called with each phase's wall time. Meaningful on synchronous backends
   * (wasm, cpu); on webgpu the kernels run later than they are queued.
   */
  onPhase?: (phase: StepPhase, ms: number) => void;
  private tasks: Task[] = [];
  /** Stable task-token slot of each task (adding/removing a task never renumbers the others). */
  private slots: number[] = [];
  /** The mixer and what it observes between updates (counts, fixed probes). */
  private mixer!: MixerHost;
  private readonly params: GptParams;
  private readonly vars: tf.Variable[];
  private optimizer: Optimizer;
  private readonly trainRng: Rng;
  private readonly statsRng: Rng;
  private readonly unread = new StepLosses();
  private smoothedLoss: Float64Array = new Float64Array(0);
  /** Per-task gradients of the last training steps before a statistics step (owned). */
  private readonly window = new StatsWindow();
  private diverged: TrainingDivergedError | null = null;
  /** Completed optimizer steps. */
  step = 0;

  private constructor(
    public config: RunConfig,
    private readonly corpus: CorpusLoader,
  ) {
    this.params = initParams(config.model, config.seed);
    this.vars = paramList(this.params);
    this.optimizer = new Optimizer(config.optimizer, this.vars, isDecayed);
    const root = createRng(config.seed);
    this.trainRng = root.fork(1);
    this.statsRng = root.fork(2);
  }

  /** Validates `input`, builds tasks (loading corpora) and the mixer. */
  static async create(input: unknown, corpus: CorpusLoader): Promise<Trainer> {
    const config = parseRunConfig(input);
    const t = new Trainer(config, corpus);
    try {
      t.slots = config.tasks.map((_, i) => i);
      t.tasks = await Promise.all(config.tasks.map((s, i) => t.buildTask(s, i)));
      t.smoothedLoss = new Float64Array(t.tasks.length).fill(NaN);
      t.mixer = new MixerHost(
        {
          config: () => t.config,
          tasks: () => t.tasks,
          slots: () => t.slots,
          meanLosses: (batches) => t.meanLosses(batches),
        },
        config.mixer,
      );
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  get taskList(): readonly Task[] {
    return this.tasks;
  }

  /** Gradient tensors the statistics window holds now (owned by the trainer). */
  get statsWindowChunks(): number {
    return this.window.size;
  }

  get numParams(): number {
    return this.vars.reduce((s, v) => s + v.size, 0);
  }

  /** Current sampling weights (disabled tasks excluded). */
  currentWeights(): Float64Array {
    return enabledWeights(this.mixer.weights(this.step), this.tasks);
  }

  private buildTask(setup: TaskSetup, slot: number): Promise<Task> {
    return createTask(setup.spec, {
      slot,
      contextLength: this.config.model.context,
      seed: mixSeeds(this.config.seed, slot + 101),
      knobs: setup.knobs,
      corpus: this.corpus,
    });
  }

  /** Runs one optimizer step; returns the events (metrics, stats, eval) it produced. */
  async trainStep(): Promise<TrainerEvent[]> {
    if (this.diverged) throw this.diverged;
    const { batchSize: b } = this.config;
    const T = this.config.model.context;
    let mark = performance.now();
    this.unread.startStep(mark);
    const lap = (phase: StepPhase) => {
      const now = performance.now();
      this.onPhase?.(phase, now - mark);
      mark = now;
    };
    await this.mixer.beforeStep(this.step);
    const weights = this.currentWeights();
    const counts = batchCounts(weights, b);
    this.mixer.countStep(counts);
    const lossWeights = this.mixer.lossWeights();
    const parts = sampleParts(this.tasks, counts, this.trainRng);
    let perTask: tf.Tensor | null = null;
    let gradNorm: tf.Scalar;
    if (this.inStatsWindow(this.step + 1)) {
      lap('batch');
      gradNorm = this.taskwiseStep(parts, lossWeights, (t) => (perTask = t));
      lap('forward+backward');
    } else {
      const batch = assembleBatch(parts, T, lossWeights);
      const dropoutSeed =
        this.config.model.dropout > 0 ? mixSeeds(this.config.seed, this.step + 1e6) : undefined;
      gradNorm = tf.tidy(() => {
        const inputs = tf.tensor2d(batch.inputs, [b, T], 'int32');
        const targets = tf.tensor1d(batch.targets, 'int32');
        const mask = tf.tensor1d(batch.mask, 'float32');
        const member = tf.tensor2d(batch.membership, [b, batch.K]);
        const exW = tf.tensor1d(batch.exampleWeights, 'float32');
        lap('batch');
        const { value, grads } = tf.variableGrads(() => {
          const logits = forward(this.params, this.config.model, inputs, { dropoutSeed });
          const ex = perExampleLoss(logits, targets, mask, b); // [b]
          perTask = tf.keep(taskSums(ex, member)); // [1, K] per-task loss sums
          return tf.div(tf.sum(tf.mul(ex, exW)), b) as tf.Scalar;
        }, this.vars);
        value.dispose();
        lap('forward+backward');
        const norm = this.optimizer.apply(this.vars.map((v) => grads[v.name]));
        lap('optimizer');
        return norm;
      });
    }
    this.step += 1;
    this.unread.add({
      step: this.step,
      perTask: perTask!,
      gradNorm,
      weights,
      counts,
      lr: this.optimizer.lastLr,
    });
    return this.afterStep();
  }

  /**
   * True when a statistics step is due after `step`: PiKE's T₀, or the display's statsEvery —
   * after the first step too, so the conflict matrix and PiKE's inputs show at once instead of
   * after statsEvery steps.
   */
  private statsDueAt(step: number): boolean {
    const { statsEvery } = this.config.schedule;
    return (
      (this.mixer.needs.stats && this.mixer.isDue(step)) ||
      (statsEvery > 0 && (step % statsEvery === 0 || step === 1))
    );
  }

  /**
   * The window's length in steps: `statsWindow`, but no more than fits WINDOW_BYTES of kept
   * gradients (K·P floats per step), so a large model falls back to the probe alone.
   */
  statsWindowSteps(): number {
    const perStep = 4 * this.numParams * Math.max(1, this.tasks.length);
    return Math.min(this.config.schedule.statsWindow, Math.floor(WINDOW_BYTES / perStep));
  }

  /**
   * True when step `step` falls in the statistics window: a statistics step is due within the
   * next `statsWindow` steps (this one included). Off with dropout, whose masks the per-task
   * passes would not reproduce.
   */
  private inStatsWindow(step: number): boolean {
    const L = this.statsWindowSteps();
    if (L <= 0 || this.config.model.dropout > 0) return false;
    for (let s = step; s < step + L; s++) if (this.statsDueAt(s)) return true;
    return false;
  }

  /**
   * One optimizer step computed task by task (stats-window.ts): each task's sub-batch in two
   * halves; for each half the mean-loss gradient ĝ (kept for the statistics, grouped by step) and
   * its share of the training gradient, n·y_k/b·ĝ — together the mixed batch's gradient, summed in
   * another order. Hands the per-task loss sums [1, K] to `keepPerTask`. No dropout
   * (inStatsWindow).
   */
  private taskwiseStep(
    parts: (TaskBatch | null)[],
    lossWeights: ArrayLike<number> | undefined,
    keepPerTask: (t: tf.Tensor) => void,
  ): tf.Scalar {
    const b = this.config.batchSize;
    const step = this.step + 1;
    this.window.prune(step - this.statsWindowSteps() + 1);
    return tf.tidy(() => {
      let acc: tf.Tensor[] | null = null;
      const sums: tf.Tensor[] = [];
      parts.forEach((p, k) => {
        let sum: tf.Tensor = tf.scalar(0);
        for (const half of p ? halves(p) : []) {
          const { value, grads } = tf.variableGrads(
            () => tf.mean(this.exampleLosses(half).loss) as tf.Scalar,
            this.vars,
          );
          const gs = this.vars.map((v) => grads[v.name]);
          this.window.add(k, tf.keep(flatten(gs)), half.n, step);
          const scale = (half.n * (lossWeights ? lossWeights[k] : 1)) / b;
          const prev: tf.Tensor[] | null = acc;
          acc = gs.map((g, i) => (prev ? tf.add(prev[i], tf.mul(g, scale)) : tf.mul(g, scale)));
          sum = tf.add(sum, tf.mul(value, half.n));
        }
        sums.push(sum);
      });
      keepPerTask(tf.keep(tf.reshape(stackMany(sums), [1, parts.length])));
      return this.optimizer.apply(acc!);
    });
  }

  /**
   * The forward pass and loss of one training-sized batch, without gradients or an update
   * (bench --profile splits forward from backward with it). Draws from its own rng stream.
   */
  forwardOnly(): void {
    const counts = batchCounts(this.currentWeights(), this.config.batchSize);
    const batch = this.sampleBatch(counts, this.statsRng.fork(3), undefined);
    tf.tidy(() => void this.exampleLosses({ ...batch, n: batch.b }));
  }

  /** A mixed batch of `counts[k]` examples of each task, drawn with `rng`. */
  private sampleBatch(counts: Int32Array, rng: Rng, lossWeights: ArrayLike<number> | undefined) {
    const T = this.config.model.context;
    return assembleBatch(sampleParts(this.tasks, counts, rng), T, lossWeights);
  }

  /**
   * The model's logits and per-example losses on a batch (no dropout); call inside a tidy.
   * logits [n·T, V], loss [n].
   */
  private exampleLosses(batch: Pick<TaskBatch, 'n' | 'inputs' | 'targets' | 'mask'>) {
    const T = this.config.model.context;
    const targets = tf.tensor1d(batch.targets, 'int32');
    const mask = tf.tensor1d(batch.mask);
    const logits = forward(
      this.params,
      this.config.model,
      tf.tensor2d(batch.inputs, [batch.n, T], 'int32'),
    );
    return { logits, targets, mask, loss: perExampleLoss(logits, targets, mask, batch.n) };
  }

  /** Each batch's mean per-example loss at the current parameters (one readback). */
  private async meanLosses(batches: TaskBatch[]): Promise<Float64Array> {
    const packed = tf.tidy(() =>
      stackMany(batches.map((p) => tf.mean(this.exampleLosses(p).loss) as tf.Scalar)),
    );
    const loss = Float64Array.from(await packed.data());
    packed.dispose();
    return loss;
  }

  /** Readbacks, statistics and evaluation that fall due after a step. */
  private async afterStep(): Promise<TrainerEvent[]> {
    const events: TrainerEvent[] = [];
    const { metricsEvery, evalEvery } = this.config.schedule;
    const s = this.step;
    const needs = this.mixer.needs;
    const mixerDue = this.mixer.isDue(s);
    const statsDue = this.statsDueAt(s);
    const evalDue = evalEvery > 0 && s % evalEvery === 0;
    // A mixer update reads the losses only when it uses them (needs.losses).
    const lossesDue = mixerDue && needs.losses;
    if (s % metricsEvery === 0 || this.unread.overdue() || lossesDue || statsDue || evalDue) {
      const m = await this.flush();
      if (m) events.push(m);
    }
    let stats: GradStats | undefined;
    if (statsDue) {
      stats = await this.gradStats();
      events.push({ type: 'stats', stats });
    }
    const evaluation =
      evalDue || (mixerDue && needs.validation) ? await this.evaluate() : undefined;
    if (mixerDue) {
      const report = await this.mixer.update(
        s,
        this.smoothedLoss.slice(),
        stats,
        evaluation?.valLoss.slice(),
      );
      if (report.warning) events.push({ type: 'warning', step: s, message: report.warning });
      if (report.detail) events.push({ type: 'mixer-update', detail: report.detail });
    }
    if (evalDue) events.push(evaluation!);
    return events;
  }

  /**
   * Reads back the unread per-step losses (one readback), checks them for NaN/Inf and returns
   * them as a metrics batch. Throws TrainingDivergedError naming the first bad step and task.
   */
  async flush(): Promise<MetricsBatch | null> {
    const { batchSize, model } = this.config;
    const out = await this.unread.read(batchSize * model.context, (ms) =>
      this.onPhase?.('readback', ms),
    );
    if (!out) return null;
    const K = out.numTasks;
    out.steps.forEach((step, i) => {
      for (let k = 0; k < K; k++) {
        if (out.counts[i * K + k] === 0) continue;
        const loss = out.taskLoss[i * K + k];
        if (!Number.isFinite(loss)) {
          this.diverged = new TrainingDivergedError(step, this.tasks[k].id, loss);
          throw this.diverged;
        }
        const prev = this.smoothedLoss[k];
        this.smoothedLoss[k] = Number.isNaN(prev) ? loss : 0.9 * prev + 0.1 * loss;
      }
    });
    return out;
  }

  /**
   * Gradient statistics of every task (one readback): the per-task sub-batches of the statistics
   * window, topped up with a probe so every task has at least 2·probeHalf examples in at least 2
   * chunks (a task the mixer starves is still measured). With `emulateWindow`, the window is
   * drawn afresh at the current parameters (min(statsWindow, step) steps' worth of per-task
   * sub-batches at the current weights, from the statistics rng) instead of taken from training:
   * bench --stats
   * uses it to repeat the same estimator at fixed parameters.
   */
  async gradStats(opts: { emulateWindow?: boolean } = {}): Promise<GradStats> {
    const { probeHalf, probeChunks } = this.config.schedule;
    const statsWindow = this.statsWindowSteps();
    const K = this.tasks.length;
    const lossOf = (batch: TaskBatch) => () =>
      tf.tidy(() => tf.mean(this.exampleLosses(batch).loss) as tf.Scalar);
    let window: ChunkGrad[][];
    if (opts.emulateWindow) {
      const counts = batchCounts(this.currentWeights(), this.config.batchSize);
      window = this.tasks.map((t, k) => {
        const chunks: ChunkGrad[] = [];
        if (this.config.model.dropout === 0 && counts[k] > 0) {
          // Only as many steps as training would have had (none at step 0).
          for (let i = 0; i < Math.min(statsWindow, this.step); i++) {
            const probe = halves(t.sample(this.statsRng, counts[k])).map((h) => ({
              loss: lossOf(h),
              n: h.n,
            }));
            for (const c of chunkGrads(probe, this.vars)) chunks.push({ ...c, group: i });
          }
        }
        return chunks;
      });
    } else {
      window = this.window.take(K);
    }
    try {
      window = window.map((chunks, k) => {
        // Examples in steps with two halves (a step with one example of a task cannot pair).
        const perStep = new Map<number, number[]>();
        for (const c of chunks)
          perStep.set(c.group ?? -1, [...(perStep.get(c.group ?? -1) ?? []), c.n]);
        let usable = 0;
        for (const ns of perStep.values())
          if (ns.length >= 2) usable += ns.reduce((a, x) => a + x, 0);
        const need = usable >= 2 * probeHalf ? 0 : Math.max(2, 2 * probeHalf - usable);
        const sizes = need > 0 ? chunkSizes(need, probeChunks) : [];
        const probe = sizes.map((n) => ({
          loss: lossOf(this.tasks[k].sample(this.statsRng, n)),
          n,
        }));
        return [...chunks, ...chunkGrads(probe, this.vars).map((c) => ({ ...c, group: -1 }))];
      });
      return await estimateFromChunks(window, this.step);
    } finally {
      for (const chunks of window) for (const c of chunks) c.g.dispose();
    }
  }

  /** Held-out loss (and exact-match accuracy where the task defines it) of every task. */
  async evaluate(): Promise<EvalResult> {
    const packed = tf.tidy(() =>
      stackMany(
        this.tasks.map((t) => {
          const v = t.validation();
          const { logits, targets, mask, loss } = this.exampleLosses(v);
          return tf.stack([tf.mean(loss), tf.mean(exactMatch(logits, targets, mask, v.n))]);
        }),
      ),
    );
    const data = await packed.data();
    packed.dispose();
    const K = this.tasks.length;
    return {
      type: 'eval',
      step: this.step,
      valLoss: Float64Array.from({ length: K }, (_, k) => data[2 * k]),
      accuracy: Float64Array.from({ length: K }, (_, k) =>
        this.tasks[k].metric === 'accuracy' ? data[2 * k + 1] : NaN,
      ),
    };
  }

  /**
   * Switches the mixer; takes effect at the next step. `weights` are static's user weights or an
   * adaptive mixer's starting point; adaptive mixers otherwise start from the current weights.
   */
  setMixer(
    name: MixerName,
    knobs: Record<string, unknown> = {},
    weights?: number[],
    reference?: ReferenceCurve,
  ): void {
    const mixer = {
      name,
      knobs,
      ...(weights ? { weights } : {}),
      ...(reference ? { reference } : {}),
    };
    this.mixer.replace(mixer, this.step);
    this.config = { ...this.config, mixer };
  }

  /** Changes a task's knobs (rebuilds its pool; the model is untouched). */
  async updateTask(index: number, knobs: TaskSetup['knobs']): Promise<void> {
    const setups = this.config.tasks.slice();
    setups[index] = { ...setups[index], knobs: { ...setups[index].knobs, ...knobs } };
    this.tasks[index] = await this.buildTask(setups[index], this.slots[index]);
    this.config = { ...this.config, tasks: setups };
    this.followTasks({ kind: 'update' });
  }

  /** Adds a task in the lowest free slot; it starts with an even share of the weights. */
  async addTask(setup: TaskSetup): Promise<void> {
    if (this.tasks.length >= MAX_TASKS) throw new Error(`at most ${MAX_TASKS} tasks`);
    const slot = [...Array(MAX_TASKS).keys()].find((s) => !this.slots.includes(s))!;
    const task = await this.buildTask(setup, slot);
    this.unread.discard();
    this.tasks.push(task);
    this.slots.push(slot);
    this.smoothedLoss = Float64Array.from([...this.smoothedLoss, NaN]);
    this.config = { ...this.config, tasks: [...this.config.tasks, setup] };
    this.followTasks({ kind: 'add' });
  }

  /** Removes task `index`; the remaining weights are renormalised. */
  removeTask(index: number): void {
    if (this.tasks.length <= 1) throw new Error('cannot remove the last task');
    if (!(index >= 0 && index < this.tasks.length)) throw new RangeError(`no task ${index}`);
    this.unread.discard();
    this.tasks.splice(index, 1);
    this.slots.splice(index, 1);
    this.smoothedLoss = this.smoothedLoss.filter((_, k) => k !== index);
    this.config = { ...this.config, tasks: this.config.tasks.filter((_, k) => k !== index) };
    this.followTasks({ kind: 'remove', index });
  }

  /** The mixer follows a change of the task list; the config keeps its resized user weights. */
  private followTasks(change: TaskChange): void {
    this.window.clear();
    const weights = this.mixer.tasksChanged(change, this.config.mixer, this.step);
    this.config = { ...this.config, mixer: { ...this.config.mixer, weights } };
  }

  /** Changes optimizer settings; a new optimizer kind resets the moment estimates. */
  setOptimizer(patch: Partial<OptimizerConfig>): void {
    const parsed = optimizerConfigSchema.safeParse({ ...this.config.optimizer, ...patch });
    if (!parsed.success)
      throw new Error(`invalid optimizer settings: ${formatZodError(parsed.error)}`);
    const next = parsed.data;
    if (next.name !== this.optimizer.config.name) {
      this.optimizer.dispose();
      this.optimizer = new Optimizer(next, this.vars, isDecayed);
    } else {
      this.optimizer.config = next;
    }
    this.config = { ...this.config, optimizer: next };
  }

  dispose(): void {
    this.unread.discard();
    this.window.clear();
    this.optimizer.dispose();
    disposeParams(this.params);
  }
}
