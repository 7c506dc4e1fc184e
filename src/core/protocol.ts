/**
 * The typed message protocol between the page and the training worker. One command enum and one
 * event enum, shared by both threads. Plain data only (typed arrays travel by structured clone),
 * so the UI and store may import this file; it imports engine *types* only.
 */
import type { ReferenceCurve, RunConfigInput, TaskSetup } from './config/run-config';
import type { OptimizerConfig } from './optim-config';
import type { EvalResult, MetricsBatch } from './trainer-types';
import type {
  GradStats,
  KnobSpec,
  MixerName,
  PikeUpdateDetail,
  RunInfo,
  Sample,
  TaskKnobs,
  TaskKind,
} from './types';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_CHAIN: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * Page → worker: the commands the worker answers. Each carries an `id` (the page's client
 * numbers them) and gets exactly one reply that carries it back: `ready` (a rebuild or a task
 * change), `applied` (a live change), or an `error` (the command changed nothing).
 */
export type Request =
  /**
   * (Re)build the model, tasks and mixer from a config: a reset. Answered by `ready` or `error`.
   * The first configure picks the backend: `backend` forces one (the page's ?backend=NAME, or a
   * restart on a fallback); else `remembered` (the page's stored choice) is used without
   * measuring; else the worker measures every candidate on this config's model.
   */
  | ({ type: 'configure'; config: RunConfigInput; fault?: FaultSpec } & BackendRequest)
  /** Rebuild from the current config (fresh weights, step 0). */
  | { type: 'reset' }
  /** A new seed changes the initial weights: the worker resets. */
  | { type: 'setSeed'; seed: number }
  | { type: 'updateTask'; index: number; knobs: Partial<TaskKnobs> }
  | { type: 'addTask'; setup: TaskSetup }
  | { type: 'removeTask'; index: number }
  /** Live: the mixer from the next step on (weights: static's, or an adaptive mixer's start). */
  | {
      type: 'setMixer';
      name: MixerName;
      knobs: Record<string, unknown>;
      weights?: number[];
      /** DoReMi's reference run. */
      reference?: ReferenceCurve;
    }
  /** Live: the optimizer's settings from the next step on. */
  | { type: 'setOptimizer'; patch: Partial<OptimizerConfig> };

/** Page → worker: commands whose effect shows in `status`, `progress` or `samples` events. */
export type Control =
  | { type: 'start' }
  | { type: 'pause' }
  /** Take n steps, then pause. */
  | { type: 'step'; n: number }
  /**
   * Which run the samples panel follows and how it samples; `now`: sample at once (a changed
   * temperature or contestant) rather than at the next evaluation.
   */
  | { type: 'setSampling'; run: number; temperature: number; now?: boolean };

/** A setMixer request's body: what `mixerChange` (store/config-helpers.ts) builds. */
export type MixerChange = Omit<Extract<Request, { type: 'setMixer' }>, 'type'>;

/** Every message the page sends: a request with its id, or a control. */
export type Command = (Request & { id: number }) | Control;

/** What the page needs to know about a task (labels, knobs) after the worker built it. */
export interface TaskInfo {
  id: string;
  label: string;
  kind: TaskKind;
  knobs: TaskKnobs;
  difficultySpecs: readonly KnobSpec[];
  metric: 'accuracy' | 'none';
}

/** How the backend in use was chosen. */
export type BackendChoice = 'measured' | 'remembered' | 'forced';

/** One backend's part in the choice: its measured speed, or why it was skipped or dropped. */
export interface CandidateReport {
  name: BackendName;
  /** Training throughput measured on the page's model (tokens/s). */
  tokensPerSec?: number;
  /** Why it has no figure or was dropped: a software adapter, a failure, stopped early… */
  note?: string;
}

/** How the worker's first `configure` chooses the backend; nothing given: it measures. */
export interface BackendRequest {
  /** Use this backend, no measuring: ?backend=NAME, or a restart on the fallback. */
  backend?: BackendName;
  /** The page's stored choice for this browser: used without measuring. */
  remembered?: RememberedBackend;
  /** Measure software adapters (SwiftShader…) too instead of skipping them: ?measure=all. */
  includeSoftware?: boolean;
  /**
   * Backends an earlier worker started and never finished starting (the page's start guard,
   * client.ts, ended that worker): not tried again, each listed with its reason.
   */
  abandoned?: CandidateReport[];
}

/** A choice measured earlier in this browser (the page keeps it in localStorage). */
export interface RememberedBackend {
  name: BackendName;
  candidates: CandidateReport[];
  /** ISO date of the measurement. */
  measuredAt: string;
}

/** The tfjs wasm binary in use: threaded SIMD on a cross-origin-isolated page. */
export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';

export interface BackendInfo {
  name: BackendName;
  choice: BackendChoice;
  /** Every backend considered, in the order they were looked at (empty when forced). */
  candidates: CandidateReport[];
  /** WebGPU adapter or WebGL renderer description where the browser gives one. */
  adapter?: string;
  /** wasm: threads XNNPACK uses (more than 1 only on a cross-origin-isolated page). */
  threads?: number;
  /** wasm: which binary loaded. */
  wasmBinary?: WasmBinary;
  /** wasm: why threads are off although the page could have them (e.g. Firefox: backend.ts). */
  wasmNote?: string;
  /** Why the requested (forced or remembered) backend is not the one in use. */
  fallbackReason?: string;
  /** Wall time of the measurement (ms), when measured now. */
  measureMs?: number;
  /** ISO date of the measurement (now or when remembered). */
  measuredAt?: string;
  /** Software adapters were measured rather than skipped (?measure=all). */
  includedSoftware?: boolean;
}

/**
 * Why training stopped: a diverged model, a lost GPU device, a refused setup (nothing changed),
 * a crashed worker, or a model that could not be built (an allocation error: too large for the
 * backend's memory; the previous model, if any, is kept).
 */
export type ErrorKind = 'diverged' | 'device-lost' | 'config' | 'crash' | 'build';

/** The faults `?fault=KIND@STEP` injects (the fault hook: README, "Reliability"). */
export const FAULT_KINDS = ['device-lost', 'crash', 'nan', 'build-fail'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * A fault to inject once, for tests and demos: at the first step ≥ `step` (build-fail: the
 * first build once the run has reached `step`; 0 is the very first build).
 */
export interface FaultSpec {
  kind: FaultKind;
  step: number;
}

export type { RunInfo, Sample };

/**
 * Worker → page. The worker trains a run set (src/engine/run-set.ts): one run, or a race of
 * contestants. Every event about one run's training carries its id, `run` (0 for a single run).
 */
export type WorkerEvent =
  /** The backend is up and the runs are built (after configure/reset/setSeed/task-set changes). */
  | {
      type: 'ready';
      /** The request it answers; absent for none (never sent by this worker). */
      id?: number;
      backend: BackendInfo;
      numParams: number;
      tasks: TaskInfo[];
      /** One per run: the single run, or the race's contestants in order. */
      runs: RunInfo[];
      step: number;
    }
  /** Per-step metrics since the last message (at most ~10 messages per second per run). */
  | { type: 'metrics'; run: number; batch: MetricsBatch }
  | { type: 'stats'; run: number; stats: GradStats }
  /** PiKE's last weight update: each task's two terms and its weight before and after. */
  | { type: 'mixer-update'; run: number; detail: PikeUpdateDetail }
  | { type: 'eval'; run: number; result: EvalResult }
  /** One sampling round of a run: a held-out prompt per task and the model's continuation. */
  | { type: 'samples'; run: number; step: number; samples: Sample[]; ms: number }
  /** A non-fatal message, e.g. a mixer kept its weights because statistics were NaN. */
  | { type: 'warning'; message: string; run?: number }
  /**
   * Training stopped. `recoverable`: the page may restart (same or a fallback backend).
   * `config` errors change nothing: the previous setup keeps running.
   */
  | {
      type: 'error';
      kind: ErrorKind;
      message: string;
      recoverable: boolean;
      /** The request that failed (it changed nothing); absent for an error while training. */
      id?: number;
    }
  /** A live change (setMixer, setOptimizer) took effect. */
  | { type: 'applied'; id: number }
  | { type: 'status'; running: boolean; step: number }
  /**
   * The step just completed (no readback needed): after every step, at most ~30 per second,
   * so the page's counter moves at once even when losses come back once a second.
   */
  | { type: 'progress'; step: number }
  /** The worker's live tensors and their bytes (tf.memory()), every few seconds while training. */
  | { type: 'memory'; tensors: number; bytes: number }
  /** Backend measurement under way, e.g. "measuring wasm (1 of 2)". */
  | { type: 'measuring'; message: string }
  /**
   * The start guard's signals (consumed by TrainingClient, never reach the store): the worker's
   * script has run (`alive`), and a backend's start began or ended. A start that does not end
   * within START_LIMIT_MS, or a worker that never says `alive`, is abandoned (client.ts).
   */
  | { type: 'alive' }
  | { type: 'starting'; backend: BackendName }
  | { type: 'started'; backend: BackendName };
