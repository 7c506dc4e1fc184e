/**
 * The runs a worker trains: one run, or a race of 2 to 4 contestants (RunConfig.race) that train
 * side by side on the same tasks, model and seed (so the same initial weights and the same data
 * streams), each with its own mixer. Every event carries the id of the run it came from.
 *
 * A round steps every live run once, so the contestants advance together. In a race the
 * routine loss readbacks of all contestants are one readback (Trainer.flushMany); the readbacks
 * a contestant needs for itself (its mixer's losses, statistics, evaluation) stay its own. A
 * contestant whose loss turns non-finite stops with a warning while the others race on; the
 * race fails only when every contestant has stopped.
 *
 * ms/step of a contestant is its own share of the time: the wall time of its steps (which include
 * its own statistics and evaluation) plus an equal share of each combined readback. On webgpu,
 * where kernels run later than they are queued, a step's GPU time lands at the next sync point,
 * which is that contestant's own readback or the shared one.
 *
 * Ownership: the RunSet owns its trainers; `dispose()` frees them all.
 */
import {
  contestantConfig,
  validRunConfig,
  type Contestant,
  type RunConfig,
  type TaskSetup,
  type ValidRunConfig,
} from '../core/config/run-config';
import { formatBraceSpec } from '../core/config/spec';
import { MIXERS } from '../core/mixers/registry';
import type { OptimizerConfig } from './optim';
import type { CorpusLoader } from '../core/tasks/corpus';
import { Trainer, TrainingDivergedError, type MetricsBatch, type TrainerEvent } from './trainer';
import type { RunInfo, Task } from '../core/types';

export interface RunEvent {
  run: number;
  event: TrainerEvent;
}

interface Run {
  info: RunInfo;
  trainer: Trainer;
  /** Why it stopped (a diverged contestant); it takes no more steps. */
  stopped: string | null;
  /** Wall time of its steps since its last metrics batch (ms). */
  busy: number;
}

/** The contestants' names: the mixer's label, plus its knobs where it has any. */
export function contestantLabel(c: Contestant): string {
  const label = MIXERS[c.name].label;
  const knobs = Object.entries(c.knobs).map(([k, v]) => `${k}=${String(v)}`);
  return knobs.length ? `${label} {${knobs.join(';')}}` : label;
}

/** The config each contestant trains: the shared setup with the contestant's mixer. */
export function contestantConfigs(config: ValidRunConfig): ValidRunConfig[] {
  if (!config.race) return [config];
  return config.race.map((c) => contestantConfig(config, c));
}

export class RunSet {
  private constructor(
    public config: RunConfig,
    private readonly runs: Run[],
  ) {}

  /** Builds one trainer per contestant (or the one run); `input` is parsed unless it was. */
  static async create(input: unknown, corpus: CorpusLoader): Promise<RunSet> {
    const config = validRunConfig(input);
    const setups = contestantConfigs(config);
    const runs: Run[] = [];
    try {
      for (const [id, setup] of setups.entries()) {
        // A single run is named by its mixer; a contestant by its mixer and its own knobs.
        const c: Contestant = {
          name: setup.mixer.name,
          knobs: config.race ? setup.mixer.knobs : {},
        };
        const label = contestantLabel(c);
        let trainer: Trainer;
        try {
          trainer = await Trainer.create(setup, corpus);
        } catch (e) {
          throw config.race ? new Error(`${label}: ${(e as Error).message}`) : e;
        }
        trainer.deferMetrics = config.race !== undefined;
        const spec = formatBraceSpec(c.name, c.knobs);
        runs.push({
          info: { id, label, spec, mixer: c.name },
          trainer,
          stopped: null,
          busy: 0,
        });
      }
    } catch (e) {
      for (const r of runs) r.trainer.dispose();
      throw e;
    }
    return new RunSet(config, runs);
  }

  get isRace(): boolean {
    return this.runs.length > 1;
  }

  get infos(): RunInfo[] {
    return this.runs.map((r) => r.info);
  }

  /** The tasks as built (the same for every run). */
  get taskList(): readonly Task[] {
    return this.runs[0].trainer.taskList;
  }

  get numParams(): number {
    return this.runs[0].trainer.numParams;
  }

  /** Steps every live run has completed (stopped runs left behind do not hold it back). */
  get step(): number {
    const live = this.live();
    const from = live.length ? live : this.runs;
    return Math.min(...from.map((r) => r.trainer.step));
  }

  /** The trainer of run `id` (statistics, evaluation and samples of one contestant). */
  trainer(id: number): Trainer {
    const r = this.runs[id];
    if (!r) throw new RangeError(`no run ${id}`);
    return r.trainer;
  }

  private live(): Run[] {
    return this.runs.filter((r) => r.stopped === null);
  }

  /**
   * One step of every live run, then (in a race) the shared readback when one is due. Throws a
   * TrainingDivergedError when the single run, or the last live contestant, diverges.
   */
  async round(): Promise<RunEvent[]> {
    const out: RunEvent[] = [];
    for (const run of this.live()) {
      const t0 = performance.now();
      let events: TrainerEvent[];
      try {
        events = await run.trainer.trainStep();
      } catch (e) {
        this.stop(run, e, out);
        continue;
      }
      run.busy += performance.now() - t0;
      for (const event of events) out.push({ run: run.info.id, event: this.timed(run, event) });
    }
    if (this.isRace && this.live().some((r) => r.trainer.metricsDue))
      out.push(...(await this.flush()));
    return out;
  }

  /** Reads every live run's unread losses back (one readback for all of them). */
  async flush(): Promise<RunEvent[]> {
    const live = this.live();
    if (live.length === 0) return [];
    const t0 = performance.now();
    let outs: (MetricsBatch | null)[];
    const out: RunEvent[] = [];
    try {
      outs = await Trainer.flushMany(live.map((r) => r.trainer));
    } catch (e) {
      if (!(e instanceof TrainingDivergedError)) throw e;
      // Each trainer took its own batch in; the diverged ones now refuse to step.
      for (const r of live) if (r.trainer.divergence) this.stop(r, r.trainer.divergence, out);
      return out;
    }
    const share = (performance.now() - t0) / live.length;
    live.forEach((r, j) => {
      const m = outs[j];
      if (!m) return;
      r.busy += share;
      out.push({ run: r.info.id, event: this.timed(r, m) });
    });
    return out;
  }

  /** In a race, a metrics batch's ms/step is the run's own time since its last batch. */
  private timed(run: Run, event: TrainerEvent): TrainerEvent {
    if (!this.isRace || event.type !== 'metrics') return event;
    const n = Math.max(1, event.steps.length);
    const msPerStep = run.busy / n;
    run.busy = 0;
    const tokens = run.trainer.config.batchSize * run.trainer.config.model.context;
    return { ...event, msPerStep, tokensPerSec: (tokens * 1000) / Math.max(msPerStep, 1e-9) };
  }

  /** A contestant that diverged stops; a single run (or the last contestant) fails the set. */
  private stop(run: Run, e: unknown, out: RunEvent[]): void {
    if (!(e instanceof TrainingDivergedError) || !this.isRace) throw e;
    if (run.stopped !== null) return;
    run.stopped = e.message;
    if (this.live().length === 0) throw e;
    out.push({
      run: run.info.id,
      event: {
        type: 'warning',
        step: e.step,
        message: `${run.info.label} stopped racing: ${e.message}`,
      },
    });
  }

  /** Applies a live change to every run, in order (they share tasks and optimizer). */
  private async each(change: (t: Trainer) => Promise<void> | void): Promise<void> {
    for (const r of this.runs) await change(r.trainer);
    this.config = {
      ...this.runs[0].trainer.config,
      mixer: this.config.mixer,
      race: this.config.race,
    };
  }

  /** Switches the mixer of the single run (a race's contestants keep theirs). */
  setMixer(...args: Parameters<Trainer['setMixer']>): void {
    if (this.isRace) {
      throw new Error(
        'In a race every contestant keeps its mixer: change the contestants instead.',
      );
    }
    this.runs[0].trainer.setMixer(...args);
    this.config = this.runs[0].trainer.config;
  }

  updateTask(index: number, knobs: TaskSetup['knobs']): Promise<void> {
    return this.each((t) => t.updateTask(index, knobs));
  }

  addTask(setup: TaskSetup): Promise<void> {
    return this.each((t) => t.addTask(setup));
  }

  removeTask(index: number): Promise<void> {
    return this.each((t) => t.removeTask(index));
  }

  /** Optimizer settings for every run (checked once before any run changes). */
  setOptimizer(patch: Partial<OptimizerConfig>): Promise<void> {
    return this.each((t) => t.setOptimizer(patch));
  }

  dispose(): void {
    for (const r of this.runs) r.trainer.dispose();
  }
}
