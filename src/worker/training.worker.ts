/**
 * The training worker: owns the tfjs backend and the run set (one run or a race's contestants,
 * src/engine/run-set.ts), executes the page's commands and posts events (protocol.ts), each
 * tagged with its run. Commands and training rounds run one at a time through a serial queue, so
 * a command always lands between two rounds ("takes effect at the next step").
 */
/// <reference lib="webworker" />
// First: zod without its JIT, so no `new Function` probe trips the page's CSP (pwa-csp.ts).
import '../pwa-csp';
import { parseRunConfig, type RunConfig, type RunConfigInput } from '../engine/config/run-config';
import { get } from 'idb-keyval';
import { createFetchCorpusLoader, type CorpusLoader } from '../engine/tasks/corpus';
import { ownTextSpec, unknownTextMessage } from '../engine/tasks/own-text';
import { RunSet, type RunEvent } from '../engine/run-set';
import { memoryProblem } from '../engine/config/memory';
import { TrainingDivergedError } from '../engine/trainer';
import { warmUpPipelines } from '../engine/warm-up';
import { deviceLost, memoryInUse, onHardwareWebGpu } from './backend';
import { chooseBackend, SetupError } from './choose-backend';
import { FaultInjector } from './faults';
import { MetricsThrottle } from './metrics-throttle';
import type {
  BackendInfo,
  BackendRequest,
  Command,
  FaultSpec,
  ErrorKind,
  TaskInfo,
  WorkerEvent,
} from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (e: WorkerEvent) => scope.postMessage(e);
/** The UDHR texts from the page's origin; the user's own texts from this browser's IndexedDB. */
const corpus: CorpusLoader = {
  ...createFetchCorpusLoader(
    new URL(`${import.meta.env.BASE_URL}udhr`, scope.location.origin).href,
  ),
  async text(hash: string) {
    const text = await get<unknown>(ownTextSpec(hash));
    if (typeof text !== 'string') throw new Error(unknownTextMessage(hash));
    return text;
  },
};

let backend: BackendInfo | null = null;
let runs: RunSet | null = null;
let config: RunConfigInput | null = null;
let running = false;
let stepsLeft = 0; // from step(n)
let dead = false; // after a lost device or a crash nothing more can run here
/** ?fault=KIND@STEP (faults.ts): given by the page's first configure only. */
let faults = new FaultInjector(null);
/** One throttle per run: a run's batches merge, runs never mix. */
const throttles = new Map<number, MetricsThrottle>();
function throttle(run: number): MetricsThrottle {
  let t = throttles.get(run);
  if (!t) {
    t = new MetricsThrottle((batch) => post({ type: 'metrics', run, batch }));
    throttles.set(run, t);
  }
  return t;
}
const flushThrottles = () => throttles.forEach((t) => t.flush());
/** The step counter needs no readback: post the step after each one, at most ~30 per second. */
const PROGRESS_MS = 33;
let lastProgress = -Infinity;
function postProgress(step: number): void {
  const now = performance.now();
  if (now - lastProgress < PROGRESS_MS) return;
  lastProgress = now;
  post({ type: 'progress', step });
}

/** The worker's tensor count and bytes, at most every MEMORY_MS (a long run stays flat). */
const MEMORY_MS = 2000;
let lastMemory = -Infinity;
function postMemory(force = false): void {
  const now = performance.now();
  if (!force && now - lastMemory < MEMORY_MS) return;
  lastMemory = now;
  post({ type: 'memory', ...memoryInUse() });
}

let queue: Promise<void> = Promise.resolve();
function enqueue(job: () => Promise<void> | void): void {
  queue = queue.then(job).catch(fail);
}

function fail(e: unknown): void {
  running = false;
  stepsLeft = 0;
  if (dead) return; // a lost device makes later GPU calls fail: it was reported already
  const err = e as Error;
  const kind: ErrorKind = e instanceof TrainingDivergedError ? 'diverged' : 'crash';
  flushThrottles();
  post({ type: 'error', kind, message: err?.message ?? String(e), recoverable: true });
  post({ type: 'status', running: false, step: runs?.step ?? 0 });
}

function taskInfos(t: RunSet): TaskInfo[] {
  return t.taskList.map((x) => ({
    id: x.id,
    label: x.label,
    kind: x.kind,
    knobs: x.knobs,
    difficultySpecs: x.difficultySpecs,
    metric: x.metric,
  }));
}

function postReady(): void {
  if (!runs || !backend) return;
  post({
    type: 'ready',
    backend,
    numParams: runs.numParams,
    tasks: taskInfos(runs),
    runs: runs.infos,
    step: runs.step,
  });
}

function postEvents(events: RunEvent[]): void {
  for (const { run, event: e } of events) {
    if (e.type === 'metrics') throttle(run).push(e);
    else if (e.type === 'stats') post({ type: 'stats', run, stats: e.stats });
    else if (e.type === 'mixer-update') post({ type: 'mixer-update', run, detail: e.detail });
    else if (e.type === 'eval') post({ type: 'eval', run, result: e });
    else post({ type: 'warning', run, message: `step ${e.step}: ${e.message}` });
  }
}

/** Nothing more can run in this worker (a lost device, a crash): stop, post what is pending. */
function stop(): void {
  dead = true;
  running = false;
  stepsLeft = 0;
  flushThrottles();
}

function onDeviceLost(reason: string): void {
  if (dead) return;
  stop();
  post({
    type: 'error',
    kind: 'device-lost',
    message: `The GPU device was lost (${reason}). Restart to continue on the same or another backend.`,
    recoverable: true,
  });
}

/** A build that failed: out of memory (recoverable: restart, or shrink) or a refused setup. */
function buildFailed(e: unknown): void {
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof RangeError || /alloc|out of memory|\boom\b/i.test(message)) {
    const what = runs ? 'The previous model is kept. ' : '';
    post({
      type: 'error',
      kind: 'build',
      message:
        `${message}. ${what}Shrink the model (width, layers, ` +
        'context) or the batch, or restart on another backend.',
      recoverable: true,
    });
  } else post({ type: 'error', kind: 'config', message, recoverable: false });
}

/**
 * Builds a trainer for `next`; the old one keeps running if this fails (bad input changes
 * nothing). The first build also chooses the backend (measuring candidates on `next`'s model).
 */
async function build(
  next: RunConfigInput,
  request: BackendRequest & { fault?: FaultSpec } = {},
): Promise<void> {
  if (request.fault) {
    faults = new FaultInjector(request.fault, { onDeviceLost, lost: deviceLost, onCrash: stop });
  }
  let parsed: RunConfig;
  try {
    parsed = parseRunConfig(next);
  } catch (e) {
    post({ type: 'error', kind: 'config', message: (e as Error).message, recoverable: false });
    return;
  }
  if (!backend) {
    try {
      backend = await chooseBackend(request, next, corpus, {
        measuring: (message) => post({ type: 'measuring', message }),
        starting: (name) => post({ type: 'starting', backend: name }),
        started: (name) => post({ type: 'started', backend: name }),
      });
    } catch (e) {
      if (!(e instanceof SetupError)) throw e;
      post({ type: 'error', kind: 'config', message: e.message, recoverable: false });
      return;
    }
    void deviceLost().then(onDeviceLost);
  }
  // The page checks the budget too; here the backend is certain (the first build included).
  const tooBig = memoryProblem(parsed, backend.name);
  if (tooBig) {
    post({ type: 'error', kind: 'config', message: `Not built: ${tooBig}`, recoverable: false });
    return;
  }
  await warmUp(next);
  let fresh: RunSet;
  try {
    faults.beforeBuild(runs?.step ?? 0);
    fresh = await RunSet.create(next, corpus);
  } catch (e) {
    buildFailed(e);
    return;
  }
  runs?.dispose();
  runs = fresh;
  throttles.clear();
  config = next;
  running = false;
  stepsLeft = 0;
  lastProgress = -Infinity;
  postReady();
  post({ type: 'status', running: false, step: 0 });
  postMemory(true);
}

/** Model shapes whose WebGPU pipelines are compiled already (warm-up once per shape). */
const warmed = new Set<string>();

/**
 * Compiles the WebGPU pipelines of a step, a statistics step and an evaluation of `next` in
 * parallel before the real trainer is built (src/engine/warm-up.ts). Measured with
 * `npm run bench:gpu` on an H100 (Node, Dawn, no driver shader cache): the first step's losses
 * after 1.4-1.7 s instead of 2.6 s. Skipped on software adapters: SwiftShader compiles on the
 * CPU, where the warm-up measured slower than compiling on first use.
 */
async function warmUp(next: RunConfigInput): Promise<void> {
  if (!onHardwareWebGpu()) return;
  const key = JSON.stringify([next.model, next.batchSize, next.schedule, next.tasks?.length]);
  if (warmed.has(key)) return;
  warmed.add(key);
  try {
    await warmUpPipelines(next, corpus);
  } catch {
    // Best effort: pipelines not compiled here compile on first use, as without a warm-up.
  }
}

/** The samples panel: which run it follows, at what temperature, and the prompt rotation. */
const sampling = { run: 0, temperature: 0.8, pick: 0 };

/**
 * One sampling round of the followed run (samples.ts: one batched pass, one readback), posted
 * with its wall time. Runs after the round whose evaluation it follows, so it costs at most one
 * pass per evaluation on the training path.
 */
async function postSamples(): Promise<void> {
  if (!runs || dead) return;
  const id = Math.min(sampling.run, runs.infos.length - 1);
  const t = runs.trainer(id);
  const t0 = performance.now();
  const samples = await t.sample(sampling.temperature, sampling.pick++);
  post({ type: 'samples', run: id, step: t.step, samples, ms: performance.now() - t0 });
}

/** One round (a step of every run), then schedule the next while running (via the queue). */
async function tick(): Promise<void> {
  if (!runs || dead || (!running && stepsLeft === 0)) return;
  const events = await runs.round();
  postProgress(runs.step);
  postMemory();
  postEvents(events);
  if ((await faults.afterStep(runs.step)) === 'stop') return;
  if (events.some((e) => e.event.type === 'eval' && e.run === sampling.run)) await postSamples();
  if (stepsLeft > 0 && --stepsLeft === 0) await pause();
  if (running || stepsLeft > 0) setTimeout(() => enqueue(tick), 0);
}

async function pause(): Promise<void> {
  running = false;
  stepsLeft = 0;
  if (runs) postEvents(await runs.flush());
  flushThrottles();
  post({ type: 'status', running: false, step: runs?.step ?? 0 });
}

/** Task-set changes alter K: post the old-K metrics first, then the new task list. */
async function withTaskChange(change: (t: RunSet) => Promise<void> | void): Promise<void> {
  if (!runs) return;
  postEvents(await runs.flush());
  flushThrottles();
  try {
    await change(runs);
  } catch (e) {
    buildFailed(e);
    return;
  }
  config = runs.config;
  postReady();
}

/** A live change between steps; a rejected one is reported and changes nothing. */
async function live(change: (t: RunSet) => Promise<void> | void): Promise<void> {
  if (!runs) return;
  try {
    await change(runs);
    config = runs.config;
  } catch (e) {
    post({ type: 'error', kind: 'config', message: (e as Error).message, recoverable: false });
  }
}

function handle(cmd: Command): void {
  switch (cmd.type) {
    case 'configure':
      return enqueue(() => build(cmd.config, cmd));
    case 'reset':
      return enqueue(() => (config ? build(config) : undefined));
    case 'setSeed':
      return enqueue(() => (config ? build({ ...config, seed: cmd.seed }) : undefined));
    case 'start':
      return enqueue(() => {
        if (!runs || dead || running) return;
        running = true;
        post({ type: 'status', running: true, step: runs.step });
        setTimeout(() => enqueue(tick), 0);
      });
    case 'pause':
      return enqueue(pause);
    case 'step':
      return enqueue(() => {
        if (!runs || dead || running) return;
        stepsLeft = Math.max(1, Math.floor(cmd.n));
        return tick();
      });
    case 'setMixer':
      return enqueue(() =>
        live((t) => t.setMixer(cmd.name, cmd.knobs, cmd.weights, cmd.reference)),
      );
    case 'updateTask':
      return enqueue(() => withTaskChange((t) => t.updateTask(cmd.index, cmd.knobs)));
    case 'addTask':
      return enqueue(() => withTaskChange((t) => t.addTask(cmd.setup)));
    case 'removeTask':
      return enqueue(() => withTaskChange((t) => t.removeTask(cmd.index)));
    case 'setSampling':
      return enqueue(async () => {
        sampling.run = cmd.run;
        sampling.temperature = cmd.temperature;
        if (cmd.now && runs && runs.step > 0) await postSamples();
      });
    case 'setOptimizer':
      return enqueue(() => live((t) => t.setOptimizer(cmd.patch)));
  }
}

scope.addEventListener('message', (e: MessageEvent<Command>) => handle(e.data));
/** The page's start guard (client.ts) waits for this: the script has loaded and runs. */
post({ type: 'alive' });
/** A promise rejected outside the command queue is a bug: stop and say so, never hang silently. */
scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  e.preventDefault();
  fail(e.reason);
});
/** Anything the page's Content-Security-Policy blocks in the worker is shown, never silent. */
scope.addEventListener('securitypolicyviolation', (ev: Event) => {
  const e = ev as SecurityPolicyViolationEvent;
  const what = e.blockedURI || 'a script';
  post({
    type: 'warning',
    message: `The page's security policy blocked ${what} (${e.effectiveDirective}).`,
  });
});
