/**
 * The app store's state and action types, and the context the action modules share. Three
 * slices: config (the setup and the tasks as the worker built them), run control (status,
 * backend, step, errors) and metrics (bounded history, saved runs). Actions live in one stable
 * `actions` object so components can take it without re-rendering.
 */
import type { HideName } from './view-param';
import type { PresetName } from '../core/config/presets';
import type { RunConfig, RunConfigInput, TaskSetup } from '../core/config/run-config';
import type { MixerName, TaskKnobs } from '../core/types';
import type {
  BackendInfo,
  BackendName,
  BackendRequest,
  ErrorKind,
  FaultSpec,
  MixerChange,
  RunInfo,
  Sample,
  TaskInfo,
  WorkerEvent,
} from '../core/protocol';
import type { BackendMemory } from './backend-choice';
import type { MetricsBuffers } from './metrics';
import type { Persistence, SavedRun } from './persist';

/**
 * What the store needs of TrainingClient (tests pass a fake): one method per command. A request
 * returns its id, which its one reply (`ready`, `applied` or `error`) carries back.
 */
export interface ClientLike {
  configure(config: RunConfigInput, request?: BackendRequest & { fault?: FaultSpec }): number;
  reset(): number;
  setSeed(seed: number): number;
  addTask(setup: TaskSetup): number;
  removeTask(index: number): number;
  updateTask(index: number, knobs: Partial<TaskKnobs>): number;
  setMixer(change: MixerChange): number;
  setOptimizer(patch: RunConfig['optimizer']): number;
  start(): void;
  pause(): void;
  step(n?: number): void;
  setSampling(run: number, temperature: number, now?: boolean): void;
  restart(): void;
  terminate(): void;
}

export interface StoreDeps {
  /** Creates the worker client (lazily, on boot). Absent: commands go nowhere (tests of state). */
  createClient?: (onEvent: (e: WorkerEvent) => void) => ClientLike;
  /** Deferred calls (metrics flush, debounced live edits). Default: setTimeout. */
  setTimer?: (fn: () => void, ms: number) => void;
  /** Where the measured backend is remembered. Default: localStorage where there is one. */
  backendMemory?: BackendMemory;
  /** Saved runs and own texts across reloads. Default: IndexedDB (idb-keyval). */
  persistence?: Persistence;
}

export type RunStatus = 'idle' | 'running' | 'paused' | 'error';

export interface PageError {
  /** One line: what happened. */
  title: string;
  message: string;
  kind: ErrorKind | 'link' | 'import';
  /** Offer Restart / Restart on a fallback backend. */
  recoverable: boolean;
}

export interface Notice {
  id: number;
  message: string;
  /** How many times it came in a row. */
  count: number;
}

export type { SavedRun };

/** One sampling round of the followed run, as the samples panel shows it. */
export interface SamplesRound {
  run: number;
  step: number;
  samples: Sample[];
  /** Wall time of the round in the worker (ms). */
  ms: number;
}

/** A run file being played back (replay.ts, replay-actions.ts). */
export interface ReplayState {
  /** What is replayed, for the page to say: "PiKE · multilingual · seed 0". */
  title: string;
  /** The file's whole history. */
  source: MetricsBuffers;
  /** The history up to `step`: what the charts draw. */
  view: MetricsBuffers;
  /** The samples panel's rounds at `step`. */
  samples: SamplesRound[];
  step: number;
  /** The file's last recorded step (the scrubber's end). */
  last: number;
  playing: boolean;
  /** Steps per second while playing. */
  speed: number;
}

/** Replay speeds offered, in steps per second. */
export const REPLAY_SPEEDS = [10, 25, 50, 100, 250] as const;

export const MAX_SAVED_RUNS = 8;
/** Longest interval between chart updates while data arrives. */
export const FLUSH_MS = 400;

export interface Actions {
  /** Reads the setup from the URL, starts the worker and sends `configure`. */
  boot(location: { hash: string; search: string }): void;
  setPreset(name: PresetName): void;
  addTask(setup: TaskSetup): boolean;
  removeTask(index: number): void;
  updateTask(index: number, patch: Partial<TaskKnobs>): boolean;
  setMixer(name: MixerName): void;
  setMixerKnob(name: string, value: number | boolean): boolean;
  /** doremi's reference: the saved run with this id (its per-task validation curve). */
  setMixerReference(runId: number): boolean;
  /** Static weights / initial weights (one per task); undefined = uniform. */
  setMixerWeights(weights: number[] | undefined): boolean;
  setModel(patch: Partial<RunConfig['model']>): boolean;
  setBatchSize(n: number): boolean;
  setSeed(seed: number): boolean;
  setSchedule(patch: Partial<RunConfig['schedule']>): boolean;
  setOptimizer(patch: Partial<RunConfig['optimizer']>): boolean;
  /** Replaces the whole setup (an imported file): a reset. */
  loadConfig(config: RunConfig, preset: PresetName): void;
  train(): void;
  pause(): void;
  toggleTrain(): void;
  stepOnce(): void;
  reset(): void;
  /** A fresh worker with the current setup, on the same backend or the fallback one. */
  restart(onFallback: boolean): void;
  /** Forgets the remembered backend and measures again in a fresh worker (a reset). */
  remeasureBackend(): void;
  showError(error: PageError): void;
  dismissError(): void;
  dismissWarnings(): void;
  saveRun(): void;
  removeSavedRun(id: number): void;
  clearSavedRuns(): void;
  /** Brings back the runs saved in this browser (IndexedDB); called by boot. */
  restoreSavedRuns(): Promise<void>;
  /**
   * Adds the user's own text (pasted, or a dropped file's bytes) as a task: validated, stored in
   * this browser, added as `text:<hash>`. False, with a message, when refused. `size`: a file's
   * size, checked before its bytes are read (pass empty bytes with it).
   */
  addOwnText(bytes: Uint8Array, name?: string, size?: number): Promise<boolean>;
  /** Validates an imported run file; a good one loads its setup and adds its curve. */
  importRunFile(text: string): boolean;
  /**
   * Starts a race from the current setup (a reset): the current mixer against a rival (Uniform
   * mix, or PiKE when the current mixer is Uniform mix).
   */
  startRace(): void;
  /** Adds a contestant (at most MAX_CONTESTANTS): the first mixer not racing yet. */
  addContestant(): boolean;
  /** Removes contestant i; a race of one ends (that contestant's mixer stays). */
  removeContestant(index: number): void;
  /** Replaces contestant i by a mixer spec such as `pike{zeta2=0}` (validated; a reset). */
  setContestant(index: number, spec: string): boolean;
  /** Replaces the race by these contestants (a lesson's next experiment; a reset). */
  setRace(specs: string[]): boolean;
  /** Back to one run with the selected contestant's mixer (a reset). */
  endRace(): void;
  /** The run whose task cards, conflict matrix and statistics the page shows. */
  selectRun(index: number): void;
  /** Classroom mode on or off. */
  setPresent(on: boolean): void;
  /** Replay: show the history at `step` (clamped to the file's steps). */
  replaySeek(step: number): void;
  /** Replay: play from the current step (from the start when at the end), or pause. */
  replayPlay(on: boolean): void;
  replaySpeed(stepsPerSecond: number): void;
  /** Back to the live run (the file's setup stays loaded, at step 0). */
  exitReplay(): void;
  /** Replays a saved run's stored file (Compare runs' ▶). */
  replaySavedRun(id: number): void;
  /** Temperature of the samples (0 = greedy, at most 2); samples again at once. */
  setTemperature(t: number): void;
  /**
   * The URL's hash changed while the page is open (paste, Back, Forward): validated as on a
   * first load; see link-actions.ts. `confirm` asks the user before a trained model is
   * replaced. The caller restores the URL unless it was applied.
   */
  followLink(hash: string, confirm: (question: string) => boolean): LinkOutcome;
  /** The page became visible or hidden: hidden, the charts stop redrawing (data still lands). */
  setVisible(visible: boolean): void;
  /** Handles one worker event (the client's onEvent). */
  receive(event: WorkerEvent): void;
  /** Publishes buffered metrics to subscribers now. */
  flushMetrics(): void;
}

export interface AppState {
  config: RunConfig;
  preset: PresetName;
  /** One per config task: labels and knobs from the worker's last `ready` (or the catalogue). */
  tasks: TaskInfo[];
  status: RunStatus;
  /** Set while the worker builds a model (boot, reset, restart). */
  building: boolean;
  backend: BackendInfo | null;
  /** ?backend=NAME from the URL, if valid. */
  requestedBackend: BackendName | undefined;
  /** What the worker is measuring while it chooses a backend, e.g. "measuring wasm". */
  measuring: string | null;
  numParams: number | null;
  /** The worker's step (of the current model). */
  step: number;
  /** Smoothed training throughput. */
  tokensPerSec: number;
  error: PageError | null;
  warnings: Notice[];
  /** Why training was last reset by a settings change, e.g. "width changed". */
  resetNote: string | null;
  /** The runs the worker trains (one, or a race's contestants), from its last `ready`. */
  runs: RunInfo[];
  /** The run the task cards and charts follow (a race's contestant chosen in the leaderboard). */
  selectedRun: number;
  /** The followed run's last two sampling rounds (previous first), for the samples panel. */
  samples: SamplesRound[];
  /** Sampling temperature of language tasks (algorithmic answers are greedy). */
  temperature: number;
  /** Classroom mode: large type, only the lesson's charts (?present in the URL). */
  present: boolean;
  /** In another page's iframe (?embed): no page chrome (view-param.ts). */
  embed: boolean;
  /** Panels and controls left out (?hide=, view-param.ts). */
  hide: readonly HideName[];
  /** A run file played back instead of the live run (replay.ts); null: the live run. */
  replay: ReplayState | null;
  /** Whether the page is visible (a background tab is not: its charts wait). */
  visible: boolean;
  /** The worker's live tensors and bytes (its last `memory` event). */
  workerMemory: { tensors: number; bytes: number } | null;
  /** Mutable history of each run, by run id. */
  runMetrics: MetricsBuffers[];
  /** runMetrics[selectedRun]: what the per-run charts draw. `metricsVersion` bumps on change. */
  metrics: MetricsBuffers;
  metricsVersion: number;
  savedRuns: SavedRun[];
  actions: Actions;
}

/** What a link change did: applied, the same setup, refused (invalid), or kept (declined). */
export type LinkOutcome = 'applied' | 'same' | 'refused' | 'kept';

/**
 * A request the worker has not answered yet, by what it changes: a rebuild or a task change
 * (answered by `ready`), or a live change of the mixer or the optimizer (answered by `applied`),
 * with the value it replaced, to go back to if the worker refuses it.
 */
export type PendingOp =
  | { kind: 'reset' }
  | { kind: 'restart' }
  | { kind: 'add' }
  | { kind: 'remove'; index: number }
  | { kind: 'update' }
  | { kind: 'mixer'; before: RunConfig['mixer']; after: RunConfig['mixer'] }
  | { kind: 'optimizer'; before: RunConfig['optimizer']; after: RunConfig['optimizer'] };

type SetState = (partial: Partial<AppState> | ((s: AppState) => Partial<AppState>)) => void;

/** What the action modules share: the store, the client, and the bookkeeping of pending replies. */
export interface StoreContext {
  get: () => AppState;
  set: SetState;
  deps: StoreDeps;
  client: ClientLike | null;
  /** The requests sent and not yet answered, by id (replies carry the id back). */
  pending: Map<number, PendingOp>;
  /** The setup the worker last confirmed (reverted to on a config error). */
  confirmed: RunConfig | null;
  /** Whether the fallback to the default preset after a failed first build was tried. */
  triedDefault: boolean;
  /** Debounced sends by key: the latest function and whether its timer is pending. */
  debounced: Map<string, { fn: () => void; scheduled: boolean }>;
  setTimer: (fn: () => void, ms: number) => void;
  backendMemory: BackendMemory;
  persistence: Persistence;
  /** Shows a dismissible notice (kept with the worker's warnings). */
  notify(message: string): void;
  /** ?measure=all: measure software adapters too (a diagnostic; never remembered). */
  includeSoftware: boolean;
  /** ?fault=KIND@STEP: sent with the first configure only, so a restart is clean. */
  fault: FaultSpec | null;
}
