/**
 * The typed message protocol between the page and the training worker. One command enum and one
 * event enum, shared by both threads. Plain data only (typed arrays travel by structured clone),
 * so the UI and store may import this file; it imports engine *types* only.
 */
import type { RunConfigInput, TaskSetup } from '../engine/config/run-config';
import type { OptimizerConfig } from '../engine/optim-config';
import type { EvalResult, MetricsBatch } from '../engine/trainer-types';
import type { GradStats, KnobSpec, MixerName, TaskKnobs, TaskKind } from '../engine/types';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_CHAIN: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Page → worker. */
export type Command =
  /**
   * (Re)build the model, tasks and mixer from a config: a reset. Answered by `ready` or `error`.
   * `backend` forces one backend (the page's ?backend=NAME); the first configure picks it.
   */
  | { type: 'configure'; config: RunConfigInput; backend?: BackendName }
  | { type: 'start' }
  | { type: 'pause' }
  /** Take n steps, then pause. */
  | { type: 'step'; n: number }
  /** Rebuild from the current config (fresh weights, step 0). */
  | { type: 'reset' }
  | { type: 'setMixer'; name: MixerName; knobs: Record<string, unknown>; weights?: number[] }
  | { type: 'updateTask'; index: number; knobs: Partial<TaskKnobs> }
  | { type: 'addTask'; setup: TaskSetup }
  | { type: 'removeTask'; index: number }
  | { type: 'setOptimizer'; patch: Partial<OptimizerConfig> }
  /** A new seed changes the initial weights: the worker resets. */
  | { type: 'setSeed'; seed: number };

/** What the page needs to know about a task (labels, knobs) after the worker built it. */
export interface TaskInfo {
  id: string;
  label: string;
  kind: TaskKind;
  knobs: TaskKnobs;
  difficultySpecs: readonly KnobSpec[];
  metric: 'accuracy' | 'none';
}

export interface BackendInfo {
  name: BackendName;
  /** WebGPU adapter description (vendor, architecture, device) where the browser gives one. */
  adapter?: string;
  /** Why earlier backends of the chain were skipped, e.g. "webgpu: no adapter". */
  fallbackReason?: string;
}

export type ErrorKind = 'diverged' | 'device-lost' | 'config' | 'crash';

/** Worker → page. */
export type WorkerEvent =
  /** The backend is up and a trainer is built (after configure/reset/setSeed/task-set changes). */
  | { type: 'ready'; backend: BackendInfo; numParams: number; tasks: TaskInfo[]; step: number }
  /** Per-step metrics since the last message (at most ~10 messages per second). */
  | { type: 'metrics'; batch: MetricsBatch }
  | { type: 'stats'; stats: GradStats }
  | { type: 'eval'; result: EvalResult }
  /** A non-fatal message, e.g. a mixer kept its weights because statistics were NaN. */
  | { type: 'warning'; message: string }
  /**
   * Training stopped. `recoverable`: the page may restart (same or a fallback backend).
   * `config` errors change nothing: the previous setup keeps running.
   */
  | { type: 'error'; kind: ErrorKind; message: string; recoverable: boolean }
  | { type: 'status'; running: boolean; step: number };
