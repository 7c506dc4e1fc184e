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
 * The model stays the trainer's: probe losses come through `model.meanLosses`. The run (its
 * config, as the run set owns it, and the tasks as built) comes with each call that reads it.
 */
import type { ReferenceCurve, ValidRunConfig } from '../core/config/run-config';
import { isUpdateStep } from '../core/mixers/observation';
import { createMixer } from '../core/mixers/registry';
import { createRng, mixSeeds } from '../core/rng';
import type {
  GradientSurgery,
  GradStats,
  Mixer,
  MixerName,
  MixerNeeds,
  MixerUpdateReport,
  Task,
  TaskBatch,
} from '../core/types';

/** The run a mixer serves, as its trainer holds it now. */
export interface HostedRun {
  config: ValidRunConfig;
  tasks: readonly Task[];
  /** The stable task-token slot of each task (seeds its fixed probe). */
  slots: readonly number[];
}

/** The model's side the host uses: each batch's mean per-example loss, in one readback. */
export interface LossModel {
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

/** How the task list changed (the run's config and tasks already show the change). */
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
    private readonly model: LossModel,
    run: HostedRun,
  ) {
    this.seen = new Float64Array(run.tasks.length);
    this.mixer = this.build(run, run.config.mixer, run.config.mixer.weights);
  }

  get needs(): MixerNeeds {
    return this.mixer.needs;
  }

  /** The mixer's sampling weights at `step` (one per task, disabled ones included). */
  weights(step: number): Float64Array {
    return this.mixer.weights(step);
  }

  /** The mixer's gradient surgery (pcgrad, cagrad), when it changes the update. */
  get surgery(): GradientSurgery | undefined {
    return this.mixer.surgery;
  }

  lossWeights(): Float64Array | undefined {
    return this.mixer.lossWeights?.();
  }

  /** Before the step that ends at `step + 1`: the starting probe losses, when due. */
  async beforeStep(step: number, run: HostedRun): Promise<void> {
    const needs = this.mixer.needs;
    if (needs.probe && isUpdateStep(needs, step) && this.probeAt?.step !== step) {
      await this.measureProbe(step, run);
    }
  }

  /** Counts the examples a step draws of each task. */
  countStep(counts: ArrayLike<number>): void {
    for (let k = 0; k < counts.length; k++) this.seen[k] += counts[k];
  }

  /** The mixer's update at `step` (call when isDue): its observation, assembled. */
  async update(
    step: number,
    run: HostedRun,
    taskLosses: Float64Array,
    stats: GradStats | undefined,
    valLoss: Float64Array | undefined,
  ): Promise<MixerUpdateReport> {
    const needs = this.mixer.needs;
    let probeLoss: { before: Float64Array; after: Float64Array } | undefined;
    if (needs.probe) {
      const before = this.probeAt?.step === step - needs.every ? this.probeAt.loss : null;
      const after = await this.measureProbe(step, run);
      if (before) probeLoss = { before, after };
    }
    return this.mixer.update({
      step,
      batchSize: run.config.batchSize,
      taskLosses,
      stats: needs.stats ? stats : undefined,
      samplesSeen: this.seen.slice(),
      probeLoss,
      valLoss: needs.validation ? valLoss : undefined,
    });
  }

  /**
   * Switches to the run's mixer (its config's, now changed) at `step`: the config's weights are
   * static's weights or an adaptive mixer's start; without them an adaptive mixer starts from
   * the current weights.
   */
  replace(run: HostedRun, step: number): void {
    const setup = run.config.mixer;
    const current = ADAPTIVE.has(setup.name) ? Array.from(this.mixer.weights(step)) : undefined;
    this.mixer = this.build(run, setup, setup.weights ?? current);
    this.probeAt = null;
  }

  /**
   * Follows a change of the task list (the run's config already holds the user weights resized,
   * live-edit.ts): counts resized, probes dropped, an adaptive mixer rebuilt from its current
   * weights resized alike (a new task gets an even share 1/K, the others scaled by (K−1)/K; a
   * removed task's share is spread by renormalising), any other from the config's weights.
   */
  tasksChanged(change: TaskChange, run: HostedRun, step: number): void {
    let current = Array.from(this.mixer.weights(step));
    if (change.kind === 'add') {
      const K = current.length + 1;
      current = [...current.map((x) => (x * (K - 1)) / K), 1 / K];
      this.seen = Float64Array.from([...this.seen, 0]);
    } else if (change.kind === 'remove') {
      const kept = current.filter((_, k) => k !== change.index);
      const sum = kept.reduce((a, b) => a + b, 0);
      current = sum > 0 ? kept.map((x) => x / sum) : kept.map(() => 1 / kept.length);
      this.seen = this.seen.filter((_, k) => k !== change.index);
    }
    this.probes = null;
    this.probeAt = null;
    const setup = run.config.mixer;
    this.mixer = this.build(run, setup, ADAPTIVE.has(setup.name) ? current : setup.weights);
  }

  private build(run: HostedRun, setup: MixerSetup, initialWeights: number[] | undefined): Mixer {
    const { config, tasks } = run;
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
  private async measureProbe(step: number, run: HostedRun): Promise<Float64Array> {
    const { config, slots } = run;
    const n = 2 * config.schedule.probeHalf;
    // The same examples every time: drawn once per task from a stream of its own slot.
    this.probes ??= run.tasks.map((t, k) =>
      t.sample(createRng(mixSeeds(config.seed, 5000 + slots[k])), n),
    );
    const loss = await this.model.meanLosses(this.probes);
    this.probeAt = { step, loss };
    return loss;
  }
}
