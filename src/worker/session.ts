/**
 * The training session: the worker's state and its command loop, with no `self` in it. It owns
 * the run set (one run or a race's contestants, src/engine/run-set.ts), executes the page's
 * commands and posts events (src/core/protocol.ts), each tagged with its run. Commands and
 * training rounds run one at a time through a serial queue, so a command always lands between
 * two rounds ("takes effect at the next step"). training.worker.ts wires one session to the
 * worker's global scope; the unit tests drive one in Node (test/unit/session.test.ts).
 */
import { memoryProblem } from '../core/config/memory';
import { mixerSetup, type LiveEdit } from '../core/config/live-edit';
import type { RunConfigInput } from '../core/config/run-config';
import type { CorpusLoader } from '../core/tasks/corpus';
import { RunSet } from '../engine/run-set';
import { TrainingDivergedError } from '../engine/trainer';
import { warmUpPipelines } from '../engine/warm-up';
import type { ChoiceProgress } from './choose-backend';
import { SetupError } from './setup-error';
import { FaultInjector } from './faults';
import { SessionEvents } from './session-events';
import type {
  BackendInfo,
  BackendRequest,
  Command,
  ErrorKind,
  FaultSpec,
  TaskInfo,
  WorkerEvent,
} from '../core/protocol';
import { parseRunConfig, type ValidRunConfig } from '../core/config/run-config';

/** What a session needs from its host (the worker, or a test). */
export interface SessionHost {
  post(event: WorkerEvent): void;
  corpus: CorpusLoader;
  /** Picks and starts the backend on the first build (the worker: choose-backend.ts). */
  chooseBackend(
    request: BackendRequest,
    config: RunConfigInput,
    corpus: CorpusLoader,
    progress: ChoiceProgress,
  ): Promise<BackendInfo>;
  /** Resolves with a reason when the GPU device is lost (never, off webgpu). */
  deviceLost(): Promise<string>;
  memoryInUse(): { tensors: number; bytes: number };
  /** Whether the backend is WebGPU on a hardware adapter (pipelines are then warmed up). */
  onHardwareWebGpu(): boolean;
  /** Runs `f` after the current task, so commands can land between rounds. Default: setTimeout. */
  defer?(f: () => void): void;
}

export class TrainingSession {
  private backend: BackendInfo | null = null;
  private runs: RunSet | null = null;
  private running = false;
  /** From step(n). */
  private stepsLeft = 0;
  /** After a lost device or a crash nothing more can run in this session. */
  private dead = false;
  /** ?fault=KIND@STEP (faults.ts): given by the page's first configure only. */
  private faults = new FaultInjector(null);
  private readonly events: SessionEvents;
  private queue: Promise<void> = Promise.resolve();
  /** Model shapes whose WebGPU pipelines are compiled already (warm-up once per shape). */
  private readonly warmed = new Set<string>();
  /** The samples panel: which run it follows, at what temperature, and the prompt rotation. */
  private readonly sampling = { run: 0, temperature: 0.8, pick: 0 };
  private readonly post: (e: WorkerEvent) => void;
  private readonly defer: (f: () => void) => void;
  /** Rounds scheduled with `defer` that have not been queued yet. */
  private deferred = 0;

  constructor(private readonly host: SessionHost) {
    this.post = (e) => host.post(e);
    this.events = new SessionEvents(this.post, () => host.memoryInUse());
    const defer = host.defer ?? ((f: () => void) => void setTimeout(f, 0));
    this.defer = (f) => {
      this.deferred += 1;
      defer(() => {
        this.deferred -= 1;
        f();
      });
    };
  }

  /** Takes one command from the page; it runs after every command and round before it. */
  handle(cmd: Command): void {
    switch (cmd.type) {
      case 'configure':
        return this.enqueue(() => this.build(cmd.id, cmd.config, cmd));
      case 'reset':
        return this.enqueue(() => this.rebuild(cmd.id, {}));
      case 'setSeed':
        return this.enqueue(() => this.rebuild(cmd.id, { seed: cmd.seed }));
      case 'start':
        return this.enqueue(() => {
          if (!this.runs || this.dead || this.running) return;
          this.running = true;
          this.post({ type: 'status', running: true, step: this.runs.step });
          this.defer(() => this.enqueue(() => this.tick()));
        });
      case 'pause':
        return this.enqueue(() => this.pause());
      case 'step':
        return this.enqueue(() => {
          if (!this.runs || this.dead || this.running) return;
          this.stepsLeft = Math.max(1, Math.floor(cmd.n));
          return this.tick();
        });
      case 'setMixer':
        return this.enqueue(() =>
          this.live(cmd.id, (r) => r.apply({ kind: 'mixer', mixer: mixerSetup(cmd) })),
        );
      case 'updateTask':
        return this.enqueue(() =>
          this.withTaskChange(cmd.id, { kind: 'task', index: cmd.index, knobs: cmd.knobs }),
        );
      case 'addTask':
        return this.enqueue(() =>
          this.withTaskChange(cmd.id, { kind: 'add-task', setup: cmd.setup }),
        );
      case 'removeTask':
        return this.enqueue(() =>
          this.withTaskChange(cmd.id, { kind: 'remove-task', index: cmd.index }),
        );
      case 'setSampling':
        return this.enqueue(async () => {
          this.sampling.run = cmd.run;
          this.sampling.temperature = cmd.temperature;
          if (cmd.now && this.runs && this.runs.step > 0) await this.postSamples();
        });
      case 'setOptimizer':
        return this.enqueue(() =>
          this.live(cmd.id, (r) => r.apply({ kind: 'optimizer', patch: cmd.patch })),
        );
    }
  }

  /**
   * Resolves once the queue is empty and no round is scheduled: every command sent so far has
   * run, with the steps it asked for (tests wait on it; never resolves while training runs).
   */
  async idle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      if (q === this.queue && this.deferred === 0) return;
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  /** Whether training is running (tests). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Something failed outside a command (an unhandled rejection): stop and say so. */
  fail(e: unknown): void {
    this.running = false;
    this.stepsLeft = 0;
    if (this.dead) return; // a lost device makes later GPU calls fail: it was reported already
    const err = e as Error;
    const kind: ErrorKind = e instanceof TrainingDivergedError ? 'diverged' : 'crash';
    this.events.flush();
    this.post({ type: 'error', kind, message: err?.message ?? String(e), recoverable: true });
    this.post({ type: 'status', running: false, step: this.runs?.step ?? 0 });
  }

  /** Frees the run set's tensors (tests; a worker ends with its thread). */
  dispose(): void {
    this.running = false;
    this.stepsLeft = 0;
    this.runs?.dispose();
    this.runs = null;
  }

  private enqueue(job: () => Promise<void> | void): void {
    this.queue = this.queue.then(job).catch((e) => this.fail(e));
  }

  private postReady(id: number): void {
    const { runs, backend } = this;
    if (!runs || !backend) return;
    const tasks: TaskInfo[] = runs.taskList.map((x) => ({
      id: x.id,
      label: x.label,
      kind: x.kind,
      knobs: x.knobs,
      difficultySpecs: x.difficultySpecs,
      metric: x.metric,
    }));
    this.post({
      type: 'ready',
      id,
      backend,
      numParams: runs.numParams,
      tasks,
      runs: runs.infos,
      step: runs.step,
    });
  }

  /** Nothing more can run in this session (a lost device, a crash): stop, post what is pending. */
  private stop(): void {
    this.dead = true;
    this.running = false;
    this.stepsLeft = 0;
    this.events.flush();
  }

  private onDeviceLost(reason: string): void {
    if (this.dead) return;
    this.stop();
    this.post({
      type: 'error',
      kind: 'device-lost',
      message: `The GPU device was lost (${reason}). Restart to continue on the same or another backend.`,
      recoverable: true,
    });
  }

  /** A build that failed: out of memory (recoverable: restart, or shrink) or a refused setup. */
  private buildFailed(id: number, e: unknown): void {
    const message = (e as Error)?.message ?? String(e);
    if (e instanceof RangeError || /alloc|out of memory|\boom\b/i.test(message)) {
      const what = this.runs ? 'The previous model is kept. ' : '';
      this.post({
        type: 'error',
        kind: 'build',
        message:
          `${message}. ${what}Shrink the model (width, layers, ` +
          'context) or the batch, or restart on another backend.',
        recoverable: true,
        id,
      });
    } else this.configError(id, message);
  }

  /** A request refused: it changed nothing. */
  private configError(id: number, message: string): void {
    this.post({ type: 'error', kind: 'config', message, recoverable: false, id });
  }

  /** reset and setSeed: a build from the current config (with `patch`). */
  private async rebuild(id: number, patch: { seed?: number }): Promise<void> {
    if (!this.runs) return this.configError(id, 'Nothing to rebuild: no model was built yet.');
    return this.build(id, { ...this.runs.config, ...patch });
  }

  /**
   * Builds a run set for `next`; the old one keeps running if this fails (bad input changes
   * nothing). The first build also chooses the backend (measuring candidates on `next`'s model).
   */
  private async build(
    id: number,
    next: RunConfigInput,
    request: BackendRequest & { fault?: FaultSpec } = {},
  ): Promise<void> {
    if (request.fault) {
      this.faults = new FaultInjector(request.fault, {
        onDeviceLost: (reason) => this.onDeviceLost(reason),
        lost: () => this.host.deviceLost(),
        onCrash: () => this.stop(),
      });
    }
    // The one parse of this build: the backend choice, the warm-up, the run set and its
    // trainers take the valid config as it is.
    let parsed: ValidRunConfig;
    try {
      parsed = parseRunConfig(next);
    } catch (e) {
      return this.configError(id, (e as Error).message);
    }
    if (!this.backend) {
      try {
        this.backend = await this.host.chooseBackend(request, parsed, this.host.corpus, {
          measuring: (message) => this.post({ type: 'measuring', message }),
          starting: (name) => this.post({ type: 'starting', backend: name }),
          started: (name) => this.post({ type: 'started', backend: name }),
        });
      } catch (e) {
        if (!(e instanceof SetupError)) throw e;
        return this.configError(id, e.message);
      }
      void this.host.deviceLost().then((reason) => this.onDeviceLost(reason));
    }
    // The page checks the budget too; here the backend is certain (the first build included).
    const tooBig = memoryProblem(parsed, this.backend.name);
    if (tooBig) return this.configError(id, `Not built: ${tooBig}`);
    await this.warmUp(parsed);
    let fresh: RunSet;
    try {
      this.faults.beforeBuild(this.runs?.step ?? 0);
      fresh = await RunSet.create(parsed, this.host.corpus);
    } catch (e) {
      return this.buildFailed(id, e);
    }
    this.runs?.dispose();
    this.runs = fresh;
    this.events.restart();
    this.running = false;
    this.stepsLeft = 0;
    this.postReady(id);
    this.post({ type: 'status', running: false, step: 0 });
    this.events.memory(true);
  }

  /**
   * Compiles the WebGPU pipelines of a step, a statistics step and an evaluation of `next` in
   * parallel before the real trainer is built (src/engine/warm-up.ts). Measured with
   * `npm run bench:gpu` on an H100 (Node, Dawn, no driver shader cache): the first step's losses
   * after 1.4-1.7 s instead of 2.6 s. Skipped on software adapters: SwiftShader compiles on the
   * CPU, where the warm-up measured slower than compiling on first use.
   */
  private async warmUp(next: ValidRunConfig): Promise<void> {
    if (!this.host.onHardwareWebGpu()) return;
    const key = JSON.stringify([next.model, next.batchSize, next.schedule, next.tasks?.length]);
    if (this.warmed.has(key)) return;
    this.warmed.add(key);
    try {
      await warmUpPipelines(next, this.host.corpus);
    } catch {
      // Best effort: pipelines not compiled here compile on first use, as without a warm-up.
    }
  }

  /**
   * One sampling round of the followed run (samples.ts: one batched pass, one readback), posted
   * with its wall time. Runs after the round whose evaluation it follows, so it costs at most one
   * pass per evaluation on the training path.
   */
  private async postSamples(): Promise<void> {
    if (!this.runs || this.dead) return;
    const id = Math.min(this.sampling.run, this.runs.infos.length - 1);
    const t = this.runs.trainer(id);
    const t0 = performance.now();
    const samples = await t.sample(this.sampling.temperature, this.sampling.pick++);
    this.post({ type: 'samples', run: id, step: t.step, samples, ms: performance.now() - t0 });
  }

  /** One round (a step of every run), then schedule the next while running (via the queue). */
  private async tick(): Promise<void> {
    const runs = this.runs;
    if (!runs || this.dead || (!this.running && this.stepsLeft === 0)) return;
    const events = await runs.round();
    this.events.progress(runs.step);
    this.events.memory();
    this.events.runs(events);
    if ((await this.faults.afterStep(runs.step)) === 'stop') return;
    if (events.some((e) => e.event.type === 'eval' && e.run === this.sampling.run)) {
      await this.postSamples();
    }
    if (this.stepsLeft > 0 && --this.stepsLeft === 0) await this.pause();
    if (this.running || this.stepsLeft > 0) this.defer(() => this.enqueue(() => this.tick()));
  }

  private async pause(): Promise<void> {
    this.running = false;
    this.stepsLeft = 0;
    if (this.runs) this.events.runs(await this.runs.flush());
    this.events.flush();
    this.post({ type: 'status', running: false, step: this.runs?.step ?? 0 });
  }

  /** Task-set changes alter K: post the old-K metrics first, then the new task list. */
  private async withTaskChange(id: number, edit: LiveEdit): Promise<void> {
    if (!this.runs) return this.configError(id, 'No model is built yet.');
    this.events.runs(await this.runs.flush());
    this.events.flush();
    try {
      await this.runs.apply(edit);
    } catch (e) {
      return this.buildFailed(id, e);
    }
    this.postReady(id);
  }

  /** A live change between steps; a rejected one is reported and changes nothing. */
  private async live(id: number, change: (t: RunSet) => Promise<void> | void): Promise<void> {
    if (!this.runs) return this.configError(id, 'No model is built yet.');
    try {
      await change(this.runs);
    } catch (e) {
      return this.configError(id, (e as Error).message);
    }
    this.post({ type: 'applied', id });
  }
}
