/**
 * Helpers of the config actions: debounced sends, validation with a message, the reset command,
 * and how mixer weights and knobs follow a change of the task set or of the mixer.
 */
import type { RunConfig } from '../engine/config/run-config';
import { MIXERS, parseKnobs } from '../engine/mixers/registry';
import type { MixerName } from '../engine/types';
import type { StoreContext } from './state';
import { validateConfig, type Validated } from './validate';

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

export function validOrError(ctx: StoreContext, input: unknown): Validated {
  const v = validateConfig(input);
  if (!v.ok) {
    ctx.set({
      error: {
        title: 'That change was not applied',
        message: v.message,
        kind: 'config',
        recoverable: false,
      },
    });
  }
  return v;
}

/** Sends `configure` for a new model and remembers why training restarts. */
export function sendReset(ctx: StoreContext, config: RunConfig, why: string | null): void {
  ctx.pending.push({ kind: 'reset' });
  ctx.set({ building: true, resetNote: why });
  // The first configure picks the backend: forced by ?backend, else the remembered choice
  // (neither with ?measure=all), else the worker measures.
  if (ctx.confirmed !== null) return ctx.client?.configure(config);
  const backend = ctx.get().requestedBackend;
  const { includeSoftware } = ctx;
  const remembered = backend || includeSoftware ? null : ctx.backendMemory.load();
  ctx.client?.configure(config, {
    ...(backend ? { backend } : {}),
    ...(remembered ? { remembered } : {}),
    ...(includeSoftware ? { includeSoftware } : {}),
  });
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
