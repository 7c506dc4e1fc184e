/**
 * Helpers of the config actions: debounced sends, validation with a message, the reset command,
 * and how mixer weights and knobs follow a change of the task set or of the mixer.
 */
import type { ReferenceCurve, RunConfig } from '../core/config/run-config';
import { memoryProblem } from '../core/config/memory';
import { restartWorker } from './backend-actions';
import { MIXERS, parseKnobs } from '../core/mixers/registry';
import type { MixerChange } from '../core/protocol';
import type { MixerName } from '../core/types';
import { expectReply } from './pending';
import type { PendingOp, SavedRun, StoreContext } from './state';
import { validateConfig, type Validated } from '../core/config/validate';

/**
 * Runs the latest `fn` given for `key` at most once per `ms` (trailing): dragging a slider sends
 * a few commands with the newest value, not fifty.
 */
export function debounce(ctx: StoreContext, key: string, ms: number, fn: () => void): void {
  const entry = ctx.debounced.get(key);
  if (entry?.scheduled) {
    entry.fn = fn;
    return;
  }
  const next = { fn, scheduled: true };
  ctx.debounced.set(key, next);
  ctx.setTimer(() => {
    next.scheduled = false;
    next.fn();
  }, ms);
}

/** Validates a changed setup, its memory included; a refusal is shown and changes nothing. */
export function validOrError(ctx: StoreContext, input: unknown): Validated {
  const v = validateConfig(input);
  if (!v.ok) {
    rejectChange(ctx, v.message);
    return v;
  }
  const tooBig = budgetProblem(ctx, v.config);
  if (tooBig) {
    rejectChange(ctx, tooBig);
    return { ok: false, message: tooBig };
  }
  return v;
}

/**
 * Why a setup does not fit the memory budget of the backend in use (before the worker has
 * chosen one: the forced one, else the strictest budget); null when it fits.
 */
export function budgetProblem(ctx: StoreContext, config: RunConfig): string | null {
  const s = ctx.get();
  return memoryProblem(config, s.backend?.name ?? s.requestedBackend);
}

/** Shows why a change was refused (it changed nothing); returns false for the caller to pass on. */
export function rejectChange(ctx: StoreContext, message: string): false {
  ctx.set({
    error: { title: 'That change was not applied', message, kind: 'config', recoverable: false },
  });
  return false;
}

/**
 * Whether the worker can no longer build: it crashed, lost its GPU device, or never built a
 * model (status `error` for any reason but a divergence, which a rebuild in place cures).
 */
export function workerGone(ctx: StoreContext): boolean {
  const s = ctx.get();
  return s.status === 'error' && s.error?.kind !== 'diverged';
}

/**
 * Sends `configure` for a new model and remembers why training restarts. A worker that is gone
 * is replaced by a fresh one that builds `config` (a reset, whoever asked for it).
 */
export function sendReset(ctx: StoreContext, config: RunConfig, why: string | null): void {
  if (workerGone(ctx)) {
    restartWorker(ctx, 'same', true, config);
    ctx.set({ resetNote: why });
    return;
  }
  ctx.set({ building: true, resetNote: why });
  // The first configure picks the backend: forced by ?backend, else the remembered choice
  // (neither with ?measure=all), else the worker measures.
  if (ctx.confirmed !== null) return expectReply(ctx, ctx.client?.configure(config), RESET);
  const backend = ctx.get().requestedBackend;
  const { includeSoftware, fault } = ctx;
  const remembered = backend || includeSoftware ? null : ctx.backendMemory.load();
  ctx.fault = null;
  expectReply(
    ctx,
    ctx.client?.configure(config, {
      ...(backend ? { backend } : {}),
      ...(remembered ? { remembered } : {}),
      ...(includeSoftware ? { includeSoftware } : {}),
      ...(fault ? { fault } : {}),
    }),
    RESET,
  );
}

/** Mixer weights resized to K tasks as the worker resizes them (new task: the mean). */
export function resizeWeights(w: number[] | undefined, change: { add: true } | { remove: number }) {
  if (!w) return undefined;
  if ('add' in change) return [...w, w.reduce((a, b) => a + b, 0) / w.length];
  return w.filter((_, k) => k !== change.remove);
}

/** Keeps the knobs the new mixer shares with the old one (pike → balanced-pike keeps T₀, ζ). */
export function carriedKnobs(name: MixerName, old: Record<string, unknown>, K: number) {
  const own = new Set(MIXERS[name].knobs.map((k) => k.name));
  const keep = Object.fromEntries(Object.entries(old).filter(([k]) => own.has(k)));
  try {
    return parseKnobs(name, keep, K);
  } catch {
    return parseKnobs(name, {}, K);
  }
}

/**
 * A saved run as doremi's reference: its per-task validation loss at the evaluations where every
 * task has a finite positive value. Null when it has none.
 */
export function referenceFromSavedRun(run: SavedRun): ReferenceCurve | null {
  const steps: number[] = [];
  const valLoss: number[][] = [];
  run.x.forEach((x, i) => {
    const row = run.perTask.map((col) => col[i]);
    const fine = row.length > 0 && row.every((v) => Number.isFinite(v) && v > 0);
    if (fine && Number.isInteger(x) && x >= 0 && (steps.length === 0 || x > steps.at(-1)!)) {
      steps.push(x);
      valLoss.push(row);
    }
  });
  if (steps.length === 0) return null;
  return { label: run.label, tasks: run.tasks.slice(), steps, valLoss };
}

/** The most recent saved run of exactly these tasks that can serve as a reference. */
export function latestReference(runs: readonly SavedRun[], specs: string[]): ReferenceCurve | null {
  for (const run of [...runs].reverse()) {
    if (run.tasks.length !== specs.length || run.tasks.some((t, k) => t !== specs[k])) continue;
    const ref = referenceFromSavedRun(run);
    if (ref) return ref;
  }
  return null;
}

const RESET: PendingOp = { kind: 'reset' };

/**
 * The one builder of setMixer: the mixer as the config has it, with the weights the caller's
 * rule gives (static's own, an adaptive mixer's start, or none: continue from the current ones).
 */
export function mixerChange(mixer: RunConfig['mixer'], weights?: number[]): MixerChange {
  return {
    name: mixer.name,
    knobs: mixer.knobs,
    ...(weights ? { weights } : {}),
    ...(mixer.reference ? { reference: mixer.reference } : {}),
  };
}
