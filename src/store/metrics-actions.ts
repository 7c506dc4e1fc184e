/**
 * Metrics slice actions: saved runs for the comparison chart, and importing a run file or a
 * results.json from `npm run experiment`.
 */
import { MIXERS } from '../core/mixers/registry';
import type { MixerName } from '../core/types';
import type { MetricsBuffers } from './metrics';
import { looksLikeResults, parseResults, type ResultsCurve } from './results-file';
import { replayRunFile } from './replay-actions';
import { avgValCurve, buildRunFile, parseRunFileJson, readJson } from './run-file';
import { MAX_SAVED_RUNS, type Actions, type SavedRun, type StoreContext } from './state';

type MetricsActions = Pick<
  Actions,
  'saveRun' | 'removeSavedRun' | 'clearSavedRuns' | 'restoreSavedRuns' | 'importRunFile'
>;

/** `base`, made unique among `runs` with " (2)", " (3)", … */
function uniqueLabel(base: string, runs: readonly SavedRun[]): string {
  let label = base;
  for (let i = 2; runs.some((r) => r.label === label); i++) label = `${base} (${i})`;
  return label;
}

/** "PiKE · seed 0", made unique among `runs` with " (2)", " (3)", … */
export function runLabel(
  mixer: MixerName,
  seed: number,
  runs: readonly SavedRun[],
  suffix = '',
): string {
  return uniqueLabel(`${MIXERS[mixer].label} · seed ${seed}${suffix}`, runs);
}

/** "pike{zeta2=0} · 3 seeds (results.json)", made unique among `runs`. */
export function resultsLabel(c: ResultsCurve, runs: readonly SavedRun[]): string {
  return uniqueLabel(
    `${c.mixer} · ${c.seeds} seed${c.seeds === 1 ? '' : 's'} (results.json)`,
    runs,
  );
}

/** The live run's validation loss per task (columns of m.val), NaN where unknown. */
export function livePerTask(m: MetricsBuffers, numTasks: number): number[][] {
  return Array.from({ length: numTasks }, (_, k) =>
    k < m.val.width ? Array.from(m.val.col(k)) : m.val.x.map(() => NaN),
  );
}

const quoted = (labels: readonly string[]) => labels.map((l) => `"${l}"`).join(', ');

export function createMetricsActions(ctx: StoreContext): MetricsActions {
  const { get, set } = ctx;
  let nextId = 1;
  const { notify } = ctx;
  /** Saved runs go to IndexedDB once the stored ones are back (never overwrite them before). */
  let restored = false;
  const persist = () => {
    if (restored) void ctx.persistence.saveRuns(get().savedRuns).catch(() => {});
  };

  /** Adds runs (in order), dropping the oldest so that at most MAX_SAVED_RUNS stay. */
  const keep = (added: Omit<SavedRun, 'id'>[]) => {
    if (added.length === 0) return;
    const runs = get().savedRuns;
    const fresh = added.slice(-MAX_SAVED_RUNS).map((r) => ({ ...r, id: nextId++ }));
    const excess = Math.max(0, runs.length + fresh.length - MAX_SAVED_RUNS);
    const dropped = runs.slice(0, excess);
    set({ savedRuns: [...runs.slice(excess), ...fresh] });
    persist();
    if (dropped.length === 1) {
      notify(`Comparison keeps ${MAX_SAVED_RUNS} runs: removed the oldest, "${dropped[0].label}".`);
    } else if (dropped.length > 1) {
      notify(
        `Comparison keeps ${MAX_SAVED_RUNS} runs: removed the ${dropped.length} oldest, ${quoted(dropped.map((r) => r.label))}.`,
      );
    }
  };

  const importError = (message: string) => {
    set({
      error: {
        title: 'That file could not be imported',
        message,
        kind: 'import',
        recoverable: false,
      },
    });
    return false;
  };

  const clearImportError = () => {
    if (get().error?.kind === 'import') set({ error: null });
  };

  /** A results.json: one curve per mixer label; the setup stays as it is. */
  const importResults = (raw: unknown): boolean => {
    const r = parseResults(raw);
    if (!r.ok) return importError(r.message);
    clearImportError();
    const taken = r.curves.slice(0, MAX_SAVED_RUNS);
    const left = r.curves.slice(MAX_SAVED_RUNS);
    const added: Omit<SavedRun, 'id'>[] = [];
    for (const c of taken) {
      const seeds = r.results.runs.filter((run) => run.mixer === c.mixer).map((run) => run.seed);
      added.push({
        label: resultsLabel(c, [...get().savedRuns, ...(added as SavedRun[])]),
        mixer: c.mixer,
        seed: seeds.reduce((a, b) => Math.min(a, b)), // no spread: a file may hold ~140k seeds
        x: c.x,
        y: c.y,
        band: c.band,
        seeds: c.seeds,
        tasks: c.tasks,
        perTask: c.perTask,
      });
    }
    keep(added);
    if (left.length > 0) {
      notify(
        `The results.json has ${r.curves.length} mixers and Compare runs keeps ${MAX_SAVED_RUNS}: ` +
          `left out ${left.length} (${quoted(left.map((c) => c.mixer))}).`,
      );
    }
    return true;
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
      const tasks = s.config.tasks.map((t) => t.spec);
      if (s.config.race && s.runs.length === s.runMetrics.length) {
        // A race: every contestant's curve, labelled by the contestant.
        const added: Omit<SavedRun, 'id'>[] = [];
        s.runs.forEach((run, i) => {
          const m = s.runMetrics[i];
          added.push({
            label: uniqueLabel(`${run.label} · seed ${s.config.seed} (race)`, [
              ...s.savedRuns,
              ...(added as SavedRun[]),
            ]),
            mixer: run.spec,
            seed: s.config.seed,
            ...avgValCurve(m),
            tasks,
            perTask: livePerTask(m, tasks.length),
          });
        });
        keep(added);
        return;
      }
      const mixer = s.config.mixer.name;
      keep([
        {
          label: runLabel(mixer, s.config.seed, s.savedRuns),
          mixer,
          seed: s.config.seed,
          ...curve,
          tasks,
          perTask: livePerTask(s.metrics, tasks.length),
          file: buildRunFile(
            s.config,
            s.preset,
            s.tasks.map((t) => t.label),
            s.step,
            s.metrics,
          ),
        },
      ]);
    },
    removeSavedRun(id) {
      set({ savedRuns: get().savedRuns.filter((r) => r.id !== id) });
      persist();
    },
    clearSavedRuns() {
      set({ savedRuns: [] });
      persist();
    },
    async restoreSavedRuns() {
      let stored: SavedRun[] = [];
      try {
        stored = await ctx.persistence.loadRuns();
      } catch {
        // Storage unavailable (private mode, blocked): the page works without it.
      }
      restored = true;
      if (stored.length === 0) return;
      // Stored runs first (they are older), then any saved in this session already.
      const current = get().savedRuns;
      const back = stored.map((r) => ({ ...r, id: nextId++ }));
      set({ savedRuns: [...back, ...current].slice(-MAX_SAVED_RUNS) });
      if (current.length) persist();
    },
    importRunFile(text: string) {
      const j = readJson(text);
      if (!j.ok) return importError(j.message);
      if (looksLikeResults(j.raw)) return importResults(j.raw);
      const r = parseRunFileJson(j.raw);
      if (!r.ok) return importError(r.message);
      clearImportError();
      const mixer = r.config.mixer.name;
      if (r.avgVal.y.some(Number.isFinite)) {
        keep([
          {
            label: runLabel(mixer, r.config.seed, get().savedRuns, ' (imported)'),
            mixer,
            seed: r.config.seed,
            ...r.avgVal,
            tasks: r.config.tasks.map((t) => t.spec),
            perTask: r.file.curves.valLoss.cols.map((c) => c.map((v) => v ?? NaN)),
            file: r.file,
          },
        ]);
      }
      replayRunFile(ctx, r);
      return true;
    },
  };
}
