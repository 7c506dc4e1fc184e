/**
 * Metrics slice actions: saved runs for the comparison chart, and importing a run file.
 */
import { MIXERS } from '../engine/mixers/registry';
import type { MixerName } from '../engine/types';
import { avgValCurve, parseRunFile } from './run-file';
import { MAX_SAVED_RUNS, type Actions, type SavedRun, type StoreContext } from './state';

type MetricsActions = Pick<
  Actions,
  'saveRun' | 'removeSavedRun' | 'clearSavedRuns' | 'importRunFile'
>;

/** "PiKE · seed 0", made unique among `runs` with " (2)", " (3)", … */
export function runLabel(
  mixer: MixerName,
  seed: number,
  runs: readonly SavedRun[],
  suffix = '',
): string {
  const base = `${MIXERS[mixer].label} · seed ${seed}${suffix}`;
  let label = base;
  for (let i = 2; runs.some((r) => r.label === label); i++) label = `${base} (${i})`;
  return label;
}

export function createMetricsActions(ctx: StoreContext): MetricsActions {
  const { get, set } = ctx;
  let nextId = 1;

  /** Adds a run, dropping the oldest when there are already MAX_SAVED_RUNS. */
  const keep = (run: Omit<SavedRun, 'id'>) => {
    const runs = get().savedRuns;
    const dropped = runs.length >= MAX_SAVED_RUNS ? runs[0] : null;
    set({ savedRuns: [...runs.slice(dropped ? 1 : 0), { ...run, id: nextId++ }] });
    if (dropped) {
      set((s) => ({
        warnings: [
          ...s.warnings,
          {
            id: -nextId,
            message: `Comparison keeps ${MAX_SAVED_RUNS} runs: removed the oldest, "${dropped.label}".`,
            count: 1,
          },
        ].slice(-5),
      }));
    }
  };

  return {
    saveRun() {
      const s = get();
      const curve = avgValCurve(s.metrics);
      const points = curve.y.filter(Number.isFinite).length;
      if (points === 0) {
        const every = s.config.schedule.evalEvery;
        set({
          error: {
            title: 'Nothing to save yet',
            message:
              every > 0
                ? `A run is saved by its validation loss, first measured at step ${every}. Train a little longer, then save.`
                : 'Validation is switched off (eval every 0 steps): set "eval every" above 0 to compare runs.',
            kind: 'config',
            recoverable: false,
          },
        });
        return;
      }
      const mixer = s.config.mixer.name as MixerName;
      keep({
        label: runLabel(mixer, s.config.seed, s.savedRuns),
        mixer,
        seed: s.config.seed,
        ...curve,
      });
    },
    removeSavedRun: (id) => set({ savedRuns: get().savedRuns.filter((r) => r.id !== id) }),
    clearSavedRuns: () => set({ savedRuns: [] }),
    importRunFile(text: string) {
      const r = parseRunFile(text);
      if (!r.ok) {
        set({
          error: {
            title: 'That file could not be imported',
            message: r.message,
            kind: 'import',
            recoverable: false,
          },
        });
        return false;
      }
      const mixer = r.config.mixer.name as MixerName;
      if (r.avgVal.y.some(Number.isFinite)) {
        keep({
          label: runLabel(mixer, r.config.seed, get().savedRuns, ' (imported)'),
          mixer,
          seed: r.config.seed,
          ...r.avgVal,
        });
      }
      get().actions.loadConfig(r.config, r.file.preset ?? get().preset);
      return true;
    },
  };
}
