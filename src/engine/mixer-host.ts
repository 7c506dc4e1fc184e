/**
 * The trainer's side of a mixer: builds it from the run's tasks, keeps what it observes between
 * updates, and hands it its observation at update steps (the contract in mixers/observation.ts).
 *
 * What it keeps: the examples each task has been trained on (`samplesSeen`, ado), and for
 * mixers with `needs.probe` (famo) a fixed probe per task with the losses last measured on it,
 * so an update sees each task's loss on the same examples before and after the steps since the
 * previous update. "After" of one update is "before" of the next: one probe pass per update.
 * When the mixer or the task list changes, the probes and counts follow, and adaptive mixers
 * continue from the current weights.
 *
 * The model stays the trainer's: probe losses come through `env.meanLosses`.
 */
import type { ReferenceCurve, RunConfig } from '../core/config/run-config';
import { isUpdateStep } from '../core/mixers/observation';
import { createMixer } from '../core/mixers/registry';
import { createRng, mixSeeds } from '../core/rng';
import type {
  GradStats,
  Mixer,
  MixerName,
  MixerNeeds,
  MixerUpdateReport,
  Task,
  TaskBatch,
} from '../core/types';

/** What the host reads from its trainer. */
export interface MixerHostEnv {
  config(): RunConfig;
  tasks(): readonly Task[];
  /** The stable task-token slot of each task (seeds its fixed probe). */
  slots(): readonly number[];
  /** Each batch's mean per-example loss at the current parameters, in one readback. */
  meanLosses(batches: TaskBatch[]): Promise<Float64Array>;
}

/** A mixer as the run config names it. */
export interface MixerSetup {
  name: MixerName;
  knobs: unknown;
  /** Static's weights, or an adaptive mixer's starting point. */
  weights?: number[];
  reference?: ReferenceCurve;
}

/** How the task list changed (the env's task list already shows the change). */
export type TaskChange = { kind: 'update' } | { kind: 'add' } | { kind: 'remove'; index: number };

/** Mixers that continue from the current weights when the task list or the mixer changes. */
const ADAPTIVE = new Set<MixerName>(['pike', 'pike-kkt', 'balanced-pike']);

export class MixerHost {
  private mixer: Mixer;
  /** Examples of each task trained on so far. */
  private seen: Float64Array;
  /** The fixed probe of each task, built on first use. */
  private probes: TaskBatch[] | null = null;
  /** The probe losses last measured and the step they were measured at. */
  private probeAt: { step: number; loss: Float64Array } | null = null;

  constructor(
    private readonly env: MixerHostEnv,
    setup: MixerSetup,
  ) {
    this.seen = new Float64Array(env.tasks().length);
    this.mixer = this.build(setup, setup.weights);
  }

  get needs(): MixerNeeds {
    return this.mixer.needs;
  }

  /** The mixer's sampling weights at `step` (one per task, disabled ones included). */
  weights(step: number): Float64Array {
    return this.mixer.weights(step);
  }

  lossWeights(): Float64Array | undefined {
    return this.mixer.lossWeights?.();
  }

  /** Whether the mixer updates after step `step`. */
  isDue(step: number): boolean {
    return isUpdateStep(this.mixer.needs, step);
  }

  /** Before the step that ends at `step + 1`: the starting probe losses, when due. */
  async beforeStep(step: number): Promise<void> {
    const needs = this.mixer.needs;
    if (needs.probe && isUpdateStep(needs, step) && this.probeAt?.step !== step) {
      await this.measureProbe(step);
    }
  }

  /** Counts the examples a step draws of each task. */
  countStep(counts: ArrayLike<number>): void {
    for (let k = 0; k < counts.length; k++) this.seen[k] += counts[k];
  }

  /** The mixer's update at `step` (call when isDue): its observation, assembled. */
  async update(
    step: number,
    taskLosses: Float64Array,
    stats: GradStats | undefined,
    valLoss: Float64Array | undefined,
  ): Promise<MixerUpdateReport> {
    const needs = this.mixer.needs;
    let probeLoss: { before: Float64Array; after: Float64Array } | undefined;
    if (needs.probe) {
      const before = this.probeAt?.step === step - needs.every ? this.probeAt.loss : null;
      const after = await this.measureProbe(step);
      if (before) probeLoss = { before, after };
    }
    return this.mixer.update({
      step,
      batchSize: this.env.config().batchSize,
      taskLosses,
      stats: needs.stats ? stats : undefined,
      samplesSeen: this.seen.slice(),
      probeLoss,
      valLoss: needs.validation ? valLoss : undefined,
    });
  }

  /**
   * Switches to another mixer at `step`: `setup.weights` are static's weights or an adaptive
   * mixer's start; without them an adaptive mixer starts from the current weights.
   */
  replace(setup: MixerSetup, step: number): void {
    const current = ADAPTIVE.has(setup.name) ? Array.from(this.mixer.weights(step)) : undefined;
    this.mixer = this.build(setup, setup.weights ?? current);
    this.probeAt = null;
  }

  /**
   * Follows a change of the task list: counts resized, probes dropped, the mixer rebuilt with
   * the weights resized the same way (a new task gets an even share 1/K, the others scaled by
   * (K−1)/K; a removed task's share is spread by renormalising). Returns `setup.weights`
   * resized alike, for the config (a new task gets their mean).
   */
  tasksChanged(change: TaskChange, setup: MixerSetup, step: number): number[] | undefined {
    let current = Array.from(this.mixer.weights(step));
    let user = setup.weights;
    if (change.kind === 'add') {
      const K = current.length + 1;
      current = [...current.map((x) => (x * (K - 1)) / K), 1 / K];
      user = user && [...user, user.reduce((a, b) => a + b, 0) / user.length];
      this.seen = Float64Array.from([...this.seen, 0]);
    } else if (change.kind === 'remove') {
      const kept = current.filter((_, k) => k !== change.index);
      const sum = kept.reduce((a, b) => a + b, 0);
      current = sum > 0 ? kept.map((x) => x / sum) : kept.map(() => 1 / kept.length);
      user = user?.filter((_, k) => k !== change.index);
      this.seen = this.seen.filter((_, k) => k !== change.index);
    }
    this.probes = null;
    this.probeAt = null;
    const adaptive = ADAPTIVE.has(setup.name);
    this.mixer = this.build({ ...setup, weights: user }, adaptive ? current : user);
    return user;
  }

  private build(setup: MixerSetup, initialWeights: number[] | undefined): Mixer {
    const config = this.env.config();
    const tasks = this.env.tasks();
    return createMixer(
      setup.name,
      {
        numTasks: tasks.length,
        batchSize: config.batchSize,
        poolSizes: tasks.map((t) => t.knobs.poolSize),
        seed: mixSeeds(config.seed, 7),
        initialWeights,
        taskNames: tasks.map((t) => t.id),
        reference: setup.reference,
      },
      setup.knobs,
    );
  }

  /** Each task's mean loss on its fixed probe at the current parameters (one readback). */
  private async measureProbe(step: number): Promise<Float64Array> {
    const config = this.env.config();
    const n = 2 * config.schedule.probeHalf;
    const slots = this.env.slots();
    // The same examples every time: drawn once per task from a stream of its own slot.
    this.probes ??= this.env
      .tasks()
      .map((t, k) => t.sample(createRng(mixSeeds(config.seed, 5000 + slots[k])), n));
    const loss = await this.env.meanLosses(this.probes);
    this.probeAt = { step, loss };
    return loss;
  }
}
