/**
 * React access to the app store: a context holding the store, `useApp(selector)` for state and
 * `useActions()` for the (stable) action object. Components select the smallest slice they need
 * so a metrics update re-renders the charts, not the whole page.
 */
import { createContext, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { MetricsBuffers } from '../store/metrics';
import type { AppState } from '../store/state';
import type { AppStore } from '../store/store';
import type { HideName } from '../store/view-param';
import { shortLabel } from './format';

export const StoreContext = createContext<AppStore | null>(null);

/** The store itself, for reading its state at the moment of an action (not re-rendering on it). */
export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp must be used inside <StoreContext.Provider>');
  return store;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

export function useActions(): AppState['actions'] {
  return useApp((s) => s.actions);
}

/** Whether `?hide=` leaves out this panel or control (view-param.ts). */
export function useHidden(name: HideName): boolean {
  return useApp((s) => s.hide.includes(name));
}

/** Short labels of the current tasks (a stable array while the labels do not change). */
export function useTaskLabels(): string[] {
  return useApp(useShallow((s) => s.tasks.map((t) => shortLabel(t.label))));
}

/** Delay between the updates of two charts (see useStaggeredMetricsVersion). */
export const STAGGER_MS = 60;

/**
 * The metrics revision as chart `slot` should see it: each chart takes a new version `slot ×
 * STAGGER_MS` after the store published it, so the charts redraw one after another, each in its
 * own task, instead of all in one long task that would block input.
 */
export function useStaggeredMetricsVersion(
  slot: number,
  part?: (m: MetricsBuffers) => number,
  /** A race's contestant (its own history) instead of the selected run. */
  run?: number,
): number {
  useApp((s) => s.metricsVersion); // re-render on every publish…
  const visible = useApp((s) => s.visible);
  const metrics = useRunMetrics(run);
  // …but pass on a new version only when this chart's part of the history changed. The history
  // is mutable and a hidden page keeps ingesting, so a render for any other reason would read a
  // newer version: while hidden, nothing is passed on, and a redraw still pending when the page
  // was hidden is dropped (under load it landed a second later, drawing steps taken since).
  const version = part ? part(metrics) : metrics.rev.steps + metrics.rev.eval + metrics.rev.stats;
  const [shown, setShown] = useState(version);
  useEffect(() => {
    if (!visible || version === shown) return;
    const id = setTimeout(() => setShown(version), slot * STAGGER_MS);
    return () => clearTimeout(id);
  }, [version, shown, slot, visible]);
  return shown;
}

/**
 * The history of run `run` (a race's contestant), or of the selected run when undefined: during
 * a replay, the replayed file's history up to the replay's step (store/replay.ts).
 */
export function useRunMetrics(run?: number): MetricsBuffers {
  return useApp((s) =>
    run === undefined ? (s.replay?.view ?? s.metrics) : (s.runMetrics[run] ?? s.metrics),
  );
}
