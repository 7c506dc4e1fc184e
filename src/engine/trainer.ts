/**
 * The training loop: mixer weights → batch counts → per-task samples → one optimizer step, with
 * per-task losses computed on the device in the same step and read back in batches
 * (step-losses.ts: every `metricsEvery` steps, after the first step, and at least once a
 * second). Gradient statistics (stats/task-stats.ts) run every T₀ steps for mixers that need
 * them and after step 1 and every `statsEvery` steps for the display; the steps just before them
 * compute their update task by task, feeding the statistics window. Evaluation on each task's
 * held-out set (batch-losses.ts) every `evalEvery` steps.
 *
 * Ownership: the Trainer owns the parameters, the optimizer state, the unread per-step loss
 * tensors (through StepLosses) and the statistics window (through TaskStatistics); `dispose()`
 * frees them all. Everything else lives inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assembleBatch, sampleParts } from '../core/batch';
import type { LiveEdit } from '../core/config/live-edit';
import type { TaskSetup, ValidRunConfig } from '../core/config/run-config';
import { validRunConfig } from '../core/config/run-config';
import { batchCounts } from '../core/mixers/batch-counts';
import { ModelStep, type StepPhase } from './model-step';
import { evaluateTasks, exampleLosses } from './batch-losses';
import { disposeParams, initParams, isDecayed, paramList, type GptParams } from './model/params';
import { fusedStepFits, stepLayout, type Layout } from './model/webgpu-step';
import { Optimizer } from './optim';
import { createRng, mixSeeds } from '../core/rng';
import type { Sample } from '../core/types';
import { generateSamples, samplePrompts } from './samples';
import { TaskStatistics } from './stats/task-stats';
import type { CorpusLoader } from '../core/tasks/corpus';
import { createTask } from '../core/tasks/catalogue';
import { MAX_TASKS } from '../core/tokenizer';
import { MixerHost, type HostedRun, type TaskChange } from './mixer-host';
import { planStep, windowSteps, type StepPlan } from '../core/step-plan';
import type { GradStats, Rng, Task } from '../core/types';
import { readMany, StepLosses } from './step-losses';
import { surgeryStep } from './surgery';
import {
  enabledWeights,
  smoothLosses,
  TrainingDivergedError,
  type EvalResult,
  type MetricsBatch,
  type TrainerEvent,
} from '../core/trainer-types';

export * from '../core/trainer-types';

export type { StepPhase };

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
  /** θ's layout when the fused webgpu step (webgpu-step.ts) trains this model; else undefined. */
  private readonly layout?: Layout;
  private readonly vars: tf.Variable[];
  private optimizer: Optimizer;
  /** The step's forward, backward and update by the path the model fits (model-step.ts). */
  private readonly model: ModelStep;
  private readonly trainRng: Rng;
  private readonly statsRng: Rng;
  private readonly unread = new StepLosses();
  private smoothedLoss: Float64Array = new Float64Array(0);
  /** When statistics fall due, the window of per-task gradients before them, the estimates. */
  private stats!: TaskStatistics;
  private diverged: TrainingDivergedError | null = null;
  /** Completed optimizer steps. */
  step = 0;
  /** Routine loss readbacks left to the owner (run-set.ts reads all contestants at once). */
  deferMetrics = false;

  private constructor(
    /** The run's config as its owner holds it now (the run set's; a lone trainer's own). */
    private readonly read: () => ValidRunConfig,
    private readonly corpus: CorpusLoader,
  ) {
    const config = read();
    this.params = initParams(config.model, config.seed);
    this.vars = paramList(this.params);
    if (fusedStepFits(config.model))
      this.layout = stepLayout(config.model, this.params.wte.shape[0]);
    this.optimizer = new Optimizer(
      config.optimizer,
      this.vars,
      isDecayed,
      this.layout !== undefined,
    );
    this.model = new ModelStep(
      config.model,
      this.params,
      this.vars,
      this.layout,
      () => this.optimizer,
    );
    const root = createRng(config.seed);
    this.trainRng = root.fork(1);
    this.statsRng = root.fork(2);
  }

  /** A trainer of a fixed config (the CLI, benches, tests); `input` is parsed unless it was. */
  static async create(input: unknown, corpus: CorpusLoader): Promise<Trainer> {
    const config = validRunConfig(input);
    return await Trainer.reading(() => config, corpus);
  }

  /**
   * A trainer that reads its config from its owner (the run set, which applies live edits and
   * then calls `follow`). Builds tasks (loading corpora), the mixer and the statistics.
   */
  static async reading(config: () => ValidRunConfig, corpus: CorpusLoader): Promise<Trainer> {
    const t = new Trainer(config, corpus);
    try {
      const setups = config().tasks;
      t.slots = setups.map((_, i) => i);
      t.tasks = await Promise.all(setups.map((s, i) => t.buildTask(s, i)));
      t.smoothedLoss = new Float64Array(t.tasks.length).fill(NaN);
      t.mixer = new MixerHost(t.model, t.run());
      t.stats = new TaskStatistics(t.model, t.statsRng);
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  /** The config this trainer trains, as its owner holds it now. */
  get config(): ValidRunConfig {
    return this.read();
  }

  /** The run as the mixer sees it: the config, the tasks as built and their slots. */
  private run(): HostedRun {
    return { config: this.config, tasks: this.tasks, slots: this.slots };
  }

  get taskList(): readonly Task[] {
    return this.tasks;
  }

  /** Gradient tensors the statistics window holds now (owned by the trainer). */
  get statsWindowChunks(): number {
    return this.stats.held;
  }

  /** Whether a routine loss readback is due (every `metricsEvery` steps, or once a second). */
  get metricsDue(): boolean {
    return this.step % this.config.schedule.metricsEvery === 0 || this.unread.overdue();
  }

  /** Scalars in the model (fixed for its life: the step plan reads it every step). */
  get numParams(): number {
    return (this.paramCount ??= this.vars.reduce((s, v) => s + v.size, 0));
  }
  private paramCount?: number;

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

  /** What the step that completes step `step` does (core/step-plan.ts). */
  private plan(step: number): StepPlan {
    const { config } = this;
    const window = windowSteps(config, this.numParams, this.tasks.length);
    return planStep(step, config.schedule, this.mixer.needs, window);
  }

  /** Runs one optimizer step; returns the events (metrics, stats, eval) it produced. */
  async trainStep(): Promise<TrainerEvent[]> {
    if (this.diverged) throw this.diverged;
    const { config } = this;
    const { batchSize: b } = config;
    const T = config.model.context;
    let mark = performance.now();
    this.unread.startStep(mark);
    const lap = (phase: StepPhase) => {
      const now = performance.now();
      this.onPhase?.(phase, now - mark);
      mark = now;
    };
    await this.mixer.beforeStep(this.step, this.run());
    const plan = this.plan(this.step + 1);
    const weights = this.currentWeights();
    const counts = batchCounts(weights, b);
    this.mixer.countStep(counts);
    const lossWeights = this.mixer.lossWeights();
    const parts = sampleParts(this.tasks, counts, this.trainRng);
    let perTask: tf.Tensor | null = null;
    let gradNorm: tf.Scalar;
    const surgery = this.mixer.surgery;
    if (surgery) {
      lap('batch');
      const at = { step: plan.step, batchSize: b, window: plan.taskwise ? plan.window : 0 };
      ({ perTask, gradNorm } = await surgeryStep(this.stats, this.optimizer, parts, at, surgery));
      lap('forward+backward');
    } else if (plan.taskwise) {
      lap('batch');
      gradNorm = tf.tidy(() => {
        const step = this.stats.taskwiseGradients(parts, lossWeights, plan.step, b, plan.window);
        perTask = tf.keep(step.perTask);
        return this.optimizer.apply(step.grad!);
      });
      lap('forward+backward');
    } else {
      const batch = assembleBatch(parts, T, lossWeights);
      const dropoutSeed =
        config.model.dropout > 0 ? mixSeeds(config.seed, this.step + 1e6) : undefined;
      ({ perTask, gradNorm } = this.model.update(batch, dropoutSeed, lap));
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
    return this.afterStep(plan);
  }

  /**
   * The forward pass and loss of one training-sized batch, without gradients or an update
   * (bench --profile splits forward from backward with it). Draws from its own rng stream.
   */
  forwardOnly(): void {
    const counts = batchCounts(this.currentWeights(), this.config.batchSize);
    const parts = sampleParts(this.tasks, counts, this.statsRng.fork(3));
    const batch = assembleBatch(parts, this.config.model.context, undefined);
    tf.tidy(
      () => void exampleLosses(this.model.weights, this.config.model, { ...batch, n: batch.b }),
    );
  }

  /** Readbacks, statistics and evaluation that fall due after a step, as `plan` says. */
  private async afterStep(plan: StepPlan): Promise<TrainerEvent[]> {
    const events: TrainerEvent[] = [];
    const { step: s, mixerDue, statsDue, evalDue } = plan;
    const routine = !this.deferMetrics && this.metricsDue;
    if (routine || plan.lossesDue || statsDue || evalDue) {
      const m = await this.flush();
      if (m) events.push(m);
    }
    let stats: GradStats | undefined;
    if (statsDue) {
      stats = await this.gradStats();
      events.push({ type: 'stats', stats });
    }
    const evaluation = evalDue || plan.validationDue ? await this.evaluate() : undefined;
    if (mixerDue) {
      const report = await this.mixer.update(
        s,
        this.run(),
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
    const [out] = await Trainer.flushMany([this]);
    return out;
  }

  /**
   * Flushes several trainers in ONE readback (a race's contestants, run-set.ts). Every trainer
   * takes its own batch in; then the first divergence, if any, is thrown.
   */
  static async flushMany(trainers: readonly Trainer[]): Promise<(MetricsBatch | null)[]> {
    const outs = await readMany(
      trainers.map((t) => ({
        losses: t.unread,
        tokensPerStep: t.config.batchSize * t.config.model.context,
      })),
      (ms) => trainers.forEach((t) => t.onPhase?.('readback', ms / trainers.length)),
    );
    trainers.forEach((t, j) => {
      const out = outs[j];
      if (out) t.diverged ??= smoothLosses(out, t.smoothedLoss, t.tasks);
    });
    const bad = trainers.find((t) => t.diverged);
    if (bad) throw bad.diverged;
    return outs;
  }

  /** What stopped the run (a non-finite loss; a reset is needed), or null. */
  get divergence(): TrainingDivergedError | null {
    return this.diverged;
  }

  /** Gradient statistics now (task-stats.ts); `emulateWindow`: a fresh window (bench --stats). */
  gradStats(opts: { emulateWindow?: boolean } = {}): Promise<GradStats> {
    const { config } = this;
    const emulate = opts.emulateWindow
      ? {
          weights: this.currentWeights(),
          batchSize: config.batchSize,
          steps: windowSteps(config, this.numParams, this.tasks.length),
        }
      : undefined;
    return this.stats.measure(this.step, this.tasks, config.schedule, emulate);
  }

  /** One sampling round (samples.ts); `pick` rotates the prompts, the seed follows the step. */
  sample(temperature: number, pick: number): Promise<Sample[]> {
    const prompts = samplePrompts(this.tasks, this.config.model.context, pick);
    const seed = mixSeeds(this.config.seed, this.step + 7e6);
    return generateSamples(this.model.weights, this.config.model, prompts, { temperature, seed });
  }

  /** Held-out loss (and exact-match accuracy where the task defines it) of every task. */
  evaluate(): Promise<EvalResult> {
    return evaluateTasks(this.model.weights, this.config.model, this.tasks, this.step);
  }

  /**
   * Follows a live edit its owner has applied to the config it reads (live-edit.ts; the run set
   * does): the mixer switches from the next step on; a task's pool is rebuilt, a new task built in
   * the lowest free slot (the others keep theirs), a removed one dropped; a new optimizer kind
   * resets the moment estimates. What can fail (a task's or a mixer's knobs) fails before anything
   * changes here.
   */
  async follow(edit: LiveEdit): Promise<void> {
    const { config } = this;
    switch (edit.kind) {
      case 'mixer':
        return this.mixer.replace(this.run(), this.step);
      case 'task': {
        const task = await this.buildTask(config.tasks[edit.index], this.slots[edit.index]);
        this.tasks[edit.index] = task;
        return this.followTasks({ kind: 'update' });
      }
      case 'add-task': {
        const slot = [...Array(MAX_TASKS).keys()].find((s) => !this.slots.includes(s))!;
        const task = await this.buildTask(config.tasks[config.tasks.length - 1], slot);
        this.unread.discard();
        this.tasks.push(task);
        this.slots.push(slot);
        this.smoothedLoss = Float64Array.from([...this.smoothedLoss, NaN]);
        return this.followTasks({ kind: 'add' });
      }
      case 'remove-task':
        this.unread.discard();
        this.tasks.splice(edit.index, 1);
        this.slots.splice(edit.index, 1);
        this.smoothedLoss = this.smoothedLoss.filter((_, k) => k !== edit.index);
        return this.followTasks({ kind: 'remove', index: edit.index });
      case 'optimizer': {
        const next = config.optimizer;
        if (next.name !== this.optimizer.config.name) {
          this.optimizer.sync(); // the new optimizer starts from the variables
          this.optimizer.dispose();
          this.optimizer = new Optimizer(next, this.vars, isDecayed, this.layout !== undefined);
        } else {
          this.optimizer.config = next;
        }
      }
    }
  }

  /** The statistics window and the mixer follow a change of the task list. */
  private followTasks(change: TaskChange): void {
    this.stats.clear();
    this.mixer.tasksChanged(change, this.run(), this.step);
  }

  dispose(): void {
    this.unread.discard();
    this.stats?.clear();
    this.optimizer.dispose();
    disposeParams(this.params);
  }
}
