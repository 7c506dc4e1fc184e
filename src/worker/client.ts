/**
 * The page's one handle on the training worker (the facade): owns `new Worker(...)`, registers
 * one listener, and exposes typed methods. A crash of the worker is reported as an `error` event;
 * `restart()` starts a fresh worker (the caller then sends `configure` again).
 *
 * The start guard: no backend can block the page. A backend's start (tfjs's `setBackend` and
 * `ready`) cannot be cancelled, and in Firefox the threaded wasm binary's start was seen to hang
 * for good with the worker's own thread blocked (README, "Browser support"), so the guard lives
 * here, on the page, and watches the worker's signals:
 * - a fresh worker must say `alive` within ALIVE_LIMIT_MS, else it is ended and started again
 *   (at most MAX_SILENT_SPAWNS workers, then an error the page shows with Restart);
 * - a backend whose `starting` is not followed by `started` within START_LIMIT_MS is abandoned:
 *   the worker is ended, a fresh one gets the same commands with that backend listed in the
 *   configure's `abandoned` (with the reason, shown in the badge's tooltip), and chooses among
 *   the others. A backend abandoned once stays abandoned for this page's life.
 */
import type {
  BackendName,
  BackendRequest,
  CandidateReport,
  Command,
  Control,
  FaultSpec,
  MixerChange,
  Request,
  WorkerEvent,
} from '../core/protocol';

/** How long one backend may take to start before it is abandoned (ms). */
export const START_LIMIT_MS = 10_000;
/**
 * How long a fresh worker may take to load and run its script (ms): a 2.7 MB bundle, or under
 * `npm run dev` a first load that Vite transforms module by module (slower: a minute).
 */
export const ALIVE_LIMIT_MS = import.meta.env?.DEV ? 60_000 : 20_000;
/** Workers started in a row that never said `alive` before the page gives up with an error. */
export const MAX_SILENT_SPAWNS = 3;

/** What the client needs of a Worker (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: Command): void;
  terminate(): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<WorkerEvent>) => void): void;
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
  addEventListener(type: 'messageerror', fn: () => void): void;
}

export interface TrainingClientOptions {
  onEvent: (event: WorkerEvent) => void;
  /** Starts a worker. Default: the training worker as a module Worker. */
  spawn?: () => WorkerLike;
  /** Runs `fn` after `ms`; returns a cancel function. Default: setTimeout. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  startLimitMs?: number;
  aliveLimitMs?: number;
}

const defaultSpawn = (): WorkerLike =>
  new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });

const defaultTimer = (fn: () => void, ms: number) => {
  const id = setTimeout(fn, ms);
  return () => clearTimeout(id);
};

export class TrainingClient {
  private worker: WorkerLike | null = null;
  private readonly spawnWorker: () => WorkerLike;
  private readonly setTimer: (fn: () => void, ms: number) => () => void;
  private readonly startLimit: number;
  private readonly aliveLimit: number;
  /** Cancels the guard's pending deadline, if one is armed. */
  private disarm: (() => void) | null = null;
  /** Until the first build of a worker answers: its commands, to replay to a fresh worker. */
  private booting = true;
  private replay: Command[] = [];
  private readonly abandoned: CandidateReport[] = [];
  private silentSpawns = 0;

  constructor(private readonly opts: TrainingClientOptions) {
    this.spawnWorker = opts.spawn ?? defaultSpawn;
    this.setTimer = opts.setTimer ?? defaultTimer;
    this.startLimit = opts.startLimitMs ?? START_LIMIT_MS;
    this.aliveLimit = opts.aliveLimitMs ?? ALIVE_LIMIT_MS;
    this.spawn();
  }

  private arm(ms: number, onTimeout: () => void): void {
    this.disarm?.();
    this.disarm = this.setTimer(() => {
      this.disarm = null;
      onTimeout();
    }, ms);
  }

  private unarm(): void {
    this.disarm?.();
    this.disarm = null;
  }

  private spawn(): void {
    const w = this.spawnWorker();
    w.addEventListener('message', (e: MessageEvent<WorkerEvent>) => {
      if (this.worker === w) this.receive(e.data);
    });
    w.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      if (this.worker !== w) return;
      // An uncaught exception leaves the worker in an unknown state: end it (Restart or Reset
      // starts a fresh one), so nothing it might still post mixes with the page's recovery.
      this.terminate();
      this.opts.onEvent({
        type: 'error',
        kind: 'crash',
        message: `The training worker crashed: ${e.message || 'unknown error'}.`,
        recoverable: true,
      });
    });
    w.addEventListener('messageerror', () => {
      if (this.worker !== w) return;
      this.opts.onEvent({
        type: 'error',
        kind: 'crash',
        message: 'A message from the training worker could not be read.',
        recoverable: true,
      });
    });
    this.worker = w;
    this.arm(this.aliveLimit, () => this.silent());
  }

  /** The guard's signals stay here; everything else goes to the page. */
  private receive(e: WorkerEvent): void {
    switch (e.type) {
      case 'alive':
        this.silentSpawns = 0;
        this.unarm();
        return;
      case 'starting':
        this.arm(this.startLimit, () => this.hung(e.backend));
        return;
      case 'started':
        this.unarm();
        return;
      case 'ready':
      case 'error':
        this.booting = false;
        this.replay = [];
        this.unarm();
    }
    this.opts.onEvent(e);
  }

  /** A backend that never finished starting: abandon it and go on in a fresh worker. */
  private hung(name: BackendName): void {
    const secs = Math.round(this.startLimit / 1000);
    if (!this.abandoned.some((c) => c.name === name)) {
      this.abandoned.push({ name, note: `did not start within ${secs} s; abandoned` });
    }
    this.opts.onEvent({
      type: 'measuring',
      message: `${name} did not start within ${secs} s: trying the next backend`,
    });
    this.respawn();
  }

  /** A worker that never ran its script: start another, a few times, then say so. */
  private silent(): void {
    this.silentSpawns += 1;
    if (this.silentSpawns < MAX_SILENT_SPAWNS) {
      this.respawn();
      return;
    }
    const secs = Math.round(this.aliveLimit / 1000);
    this.terminate();
    this.opts.onEvent({
      type: 'error',
      kind: 'crash',
      message: `The training worker did not start within ${secs} s (${MAX_SILENT_SPAWNS} tries). Restart to try again, or reload the page.`,
      recoverable: true,
    });
  }

  /** Ends the worker and gives a fresh one the commands the old one had not answered. */
  private respawn(): void {
    const pending = this.booting ? this.replay : [];
    this.worker?.terminate();
    this.spawn();
    this.replay = [];
    for (const cmd of pending) this.post(cmd);
  }

  /** Adds the abandoned backends to a configure (a backend started after one was abandoned). */
  private withAbandoned(cmd: Command): Command {
    if (cmd.type !== 'configure' || this.abandoned.length === 0) return cmd;
    return { ...cmd, abandoned: [...this.abandoned] };
  }

  /** Posts a command; one sent to a crashed (ended) worker is dropped: the page shows why. */
  private post(cmd: Command): void {
    if (!this.worker) return;
    const out = this.withAbandoned(cmd);
    if (this.booting) this.replay.push(out);
    this.worker.postMessage(out);
  }

  private nextId = 0;
  /** Sends a request under a fresh id and returns it: its one reply carries it back. */
  private request(body: Request): number {
    const id = ++this.nextId;
    this.post({ ...body, id });
    return id;
  }

  private control(cmd: Control): void {
    this.post(cmd);
  }

  /**
   * Builds the model; the first call picks the backend (forced, else remembered, else measured).
   * `fault`: the ?fault= hook, armed in this worker (src/worker/faults.ts).
   */
  configure(
    config: Extract<Request, { type: 'configure' }>['config'],
    request: BackendRequest & { fault?: FaultSpec } = {},
  ): number {
    const { backend, remembered, includeSoftware, fault } = request;
    return this.request({
      type: 'configure',
      config,
      ...(fault ? { fault } : {}),
      ...(backend ? { backend } : {}),
      ...(remembered ? { remembered } : {}),
      ...(includeSoftware ? { includeSoftware } : {}),
    });
  }
  reset(): number {
    return this.request({ type: 'reset' });
  }
  setSeed(seed: number): number {
    return this.request({ type: 'setSeed', seed });
  }
  addTask(setup: Extract<Request, { type: 'addTask' }>['setup']): number {
    return this.request({ type: 'addTask', setup });
  }
  removeTask(index: number): number {
    return this.request({ type: 'removeTask', index });
  }
  updateTask(index: number, knobs: Extract<Request, { type: 'updateTask' }>['knobs']): number {
    return this.request({ type: 'updateTask', index, knobs });
  }
  setMixer(change: MixerChange): number {
    return this.request({ type: 'setMixer', ...change });
  }
  setOptimizer(patch: Extract<Request, { type: 'setOptimizer' }>['patch']): number {
    return this.request({ type: 'setOptimizer', patch });
  }
  start(): void {
    this.control({ type: 'start' });
  }
  pause(): void {
    this.control({ type: 'pause' });
  }
  step(n = 1): void {
    this.control({ type: 'step', n });
  }
  setSampling(run: number, temperature: number, now = false): void {
    this.control({ type: 'setSampling', run, temperature, ...(now ? { now } : {}) });
  }

  /** Ends the current worker (if any) and starts a fresh one; send `configure` next. */
  restart(): void {
    this.worker?.terminate();
    this.booting = true;
    this.replay = [];
    this.silentSpawns = 0;
    this.spawn();
  }

  terminate(): void {
    this.unarm();
    this.worker?.terminate();
    this.worker = null;
  }
}
