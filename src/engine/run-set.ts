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
 * The run set owns the build's config: a live edit computes the next config once
 * (core/config/live-edit.ts), and every trainer follows it, reading its own config (the shared
 * one, or in a race the shared one with its contestant's mixer) from here.
 *
 * Ownership: the RunSet owns its trainers; `dispose()` frees them all.
 */
import { applyLiveEdit, type LiveEdit } from '../core/config/live-edit';
import {
  contestantConfig,
  validRunConfig,
  type Contestant,
  type ValidRunConfig,
} from '../core/config/run-config';
import { formatBraceSpec } from '../core/config/spec';
import { MIXERS } from '../core/mixers/registry';
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
  private current: ValidRunConfig;
  /** What each run trains: `current`, or in a race each contestant's config derived from it. */
  private perRun: ValidRunConfig[];
  private readonly runs: Run[] = [];

  private constructor(config: ValidRunConfig) {
    this.current = config;
    this.perRun = contestantConfigs(config);
  }

  /** The build's config, with every live edit applied (the one copy; trainers read theirs here). */
  get config(): ValidRunConfig {
    return this.current;
  }

  /** Builds one trainer per contestant (or the one run); `input` is parsed unless it was. */
  static async create(input: unknown, corpus: CorpusLoader): Promise<RunSet> {
    const config = validRunConfig(input);
    const set = new RunSet(config);
    const runs = set.runs;
    try {
      for (const [id, setup] of set.perRun.entries()) {
        // A single run is named by its mixer; a contestant by its mixer and its own knobs.
        const c: Contestant = {
          name: setup.mixer.name,
          knobs: config.race ? setup.mixer.knobs : {},
        };
        const label = contestantLabel(c);
        let trainer: Trainer;
        try {
          trainer = await Trainer.reading(() => set.perRun[id], corpus);
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
      set.dispose();
      throw e;
    }
    return set;
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

  /**
   * A live edit: the next config (checked, live-edit.ts; a race refuses a mixer change), then
   * every run follows it in order. A run fails before it changes anything (a task's or a mixer's
   * knobs), and the runs share tasks and optimizer, so a refused edit leaves the set as it was.
   */
  async apply(edit: LiveEdit): Promise<void> {
    const before = { current: this.current, perRun: this.perRun };
    this.current = applyLiveEdit(this.current, edit);
    this.perRun = contestantConfigs(this.current);
    try {
      for (const r of this.runs) await r.trainer.follow(edit);
    } catch (e) {
      ({ current: this.current, perRun: this.perRun } = before);
      throw e;
    }
  }

  dispose(): void {
    for (const r of this.runs) r.trainer.dispose();
  }
}
