/**
 * Actions that start a fresh worker: Restart (same backend), Restart on the fallback backend,
 * and re-measure (forget the remembered backend and measure every candidate again).
 */
import type { BackendRequest } from '../core/protocol';
import { fallbackBackend } from './backend-choice';
import { expectReply } from './pending';
import type { Actions, StoreContext } from './state';

/** Which backend the fresh worker should take. */
export type RestartHow = 'same' | 'fallback' | 'measure';

/**
 * What the fresh worker's configure carries: the fallback forced; the same backend forced when
 * it was forced before, else passed as remembered (no measuring, and the badge keeps the
 * figures); nothing when measuring again.
 */
function restartRequest(ctx: StoreContext, how: RestartHow): BackendRequest {
  const s = ctx.get();
  const current = s.backend;
  if (how === 'measure') return ctx.includeSoftware ? { includeSoftware: true } : {};
  if (how === 'fallback') return { backend: fallbackBackend(current?.name ?? s.requestedBackend) };
  if (s.requestedBackend) return { backend: s.requestedBackend };
  if (!current) return { remembered: ctx.backendMemory.load() ?? undefined };
  if (current.choice === 'forced') return { backend: current.name };
  return {
    remembered: {
      name: current.name,
      candidates: current.candidates,
      measuredAt: current.measuredAt ?? new Date().toISOString(),
    },
  };
}

/**
 * Ends the worker and starts a fresh one with `config` (default: the current setup); `clear`
 * drops the history.
 */
export function restartWorker(
  ctx: StoreContext,
  how: RestartHow,
  clear: boolean,
  config = ctx.get().config,
): void {
  const request = restartRequest(ctx, how);
  // The old worker's requests die with it: only the fresh worker's configure is awaited.
  ctx.pending.clear();
  ctx.set({
    error: null,
    status: 'idle',
    building: true,
    backend: null,
    measuring: null,
    resetNote: null,
  });
  ctx.client?.restart();
  expectReply(ctx, ctx.client?.configure(config, request), { kind: clear ? 'reset' : 'restart' });
}

export function createBackendActions(
  ctx: StoreContext,
): Pick<Actions, 'restart' | 'remeasureBackend'> {
  return {
    restart: (onFallback) => restartWorker(ctx, onFallback ? 'fallback' : 'same', false),
    remeasureBackend() {
      ctx.backendMemory.clear();
      // A forced backend (?backend=NAME) is never measured: nothing else to do.
      if (ctx.get().requestedBackend) return;
      restartWorker(ctx, 'measure', true);
    },
  };
}
