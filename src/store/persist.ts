/**
 * What the page keeps across reloads in IndexedDB, through idb-keyval (a small, well-kept
 * promise wrapper over one object store: get/set/del): the saved runs (race results included)
 * under one key, and each of the user's own texts under `text:<hash>` (the worker reads those
 * itself, src/worker/texts.ts). The store gets a `Persistence` injected, so Node tests pass an
 * in-memory one and nothing here runs outside a browser.
 */
import { del, get, set } from 'idb-keyval';
import { ownTextSpec } from '../core/config/catalogue';

/** A run kept under "Compare runs": saved on the page, imported, or a results.json curve. */
export interface SavedRun {
  id: number;
  label: string;
  /**
   * The mixer: its name for a saved or imported run; for a results.json curve the file's mixer
   * label as written (a spec such as `pike{zeta2=0}`, not necessarily a MixerName).
   */
  mixer: string;
  /** The seed (the first seed of a results.json curve). */
  seed: number;
  /** Average validation loss over tasks at each evaluation (the mean over seeds for a band). */
  x: number[];
  y: number[];
  /** Lowest and highest average validation loss over seeds at each x (results.json). */
  band?: { lo: number[]; hi: number[] };
  /** How many seeds y is the mean of (results.json). */
  seeds?: number;
  /** The run's task specs (ids), in order: the columns of perTask. */
  tasks: string[];
  /** perTask[k][i]: validation loss of task k at x[i] (mean over seeds); NaN where unknown. */
  perTask: number[][];
  /**
   * The run file of a saved or imported single run (run-file.ts), so it can be replayed
   * (replay-actions.ts); checked again when replayed. Race contestants and results.json curves
   * have none.
   */
  file?: unknown;
}

/** The key of the saved runs; bump the version if SavedRun changes shape. */
export const SAVED_RUNS_KEY = 'pike-playground.saved-runs.v1';
/** The key of one of the user's texts: its task spec, `text:<hash>` (the worker reads it so). */
export const textKey = (hash: string) => ownTextSpec(hash);

export interface Persistence {
  loadRuns(): Promise<SavedRun[]>;
  saveRuns(runs: SavedRun[]): Promise<void>;
  /** Stores a validated text under its hash (the worker reads it back by the task's spec). */
  putText(hash: string, text: string): Promise<void>;
}

/** IndexedDB through idb-keyval; the no-op store where the browser has no IndexedDB. */
export function browserPersistence(): Persistence {
  if (typeof indexedDB === 'undefined') return memoryPersistence();
  return {
    async loadRuns() {
      const runs = await get<unknown>(SAVED_RUNS_KEY);
      return Array.isArray(runs) ? (runs.filter(isSavedRun) as SavedRun[]) : [];
    },
    saveRuns: (runs) => (runs.length ? set(SAVED_RUNS_KEY, runs) : del(SAVED_RUNS_KEY)),
    putText: (hash, text) => set(textKey(hash), text),
  };
}

/** Keeps everything in memory (tests; a browser without IndexedDB). */
export function memoryPersistence(): Persistence & {
  runs: SavedRun[];
  texts: Map<string, string>;
} {
  const texts = new Map<string, string>();
  const p = {
    runs: [] as SavedRun[],
    texts,
    loadRuns: async () => structuredClone(p.runs),
    saveRuns: async (runs: SavedRun[]) => void (p.runs = structuredClone(runs)),
    putText: async (hash: string, text: string) => void texts.set(hash, text),
  };
  return p;
}

/** A stored value that still looks like a saved run (a stored file from an older page is dropped). */
function isSavedRun(r: unknown): boolean {
  const o = r as Partial<SavedRun> | null;
  return (
    !!o &&
    typeof o.label === 'string' &&
    typeof o.mixer === 'string' &&
    Array.isArray(o.x) &&
    Array.isArray(o.y) &&
    o.x.length === o.y.length &&
    Array.isArray(o.tasks) &&
    Array.isArray(o.perTask)
  );
}
