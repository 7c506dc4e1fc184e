/**
 * Importing a `results.json` written by `npm run experiment` (schema: core/config/results-schema)
 * into Compare runs. Pure: text in, one curve per mixer label out, or one readable message.
 *
 * A results.json holds several mixers and seeds, so it adds curves and never changes the setup.
 * Runs are grouped by their `mixer` string, an opaque label (`pike`, `pike{zeta2=0}`, …). Per
 * label, at the steps that every seed of that label evaluated: the mean over seeds of the average
 * validation loss, its band (lowest and highest over seeds), and each task's mean validation loss.
 */
import { resultsSchema, type Results } from '../core/config/results-schema';
import { briefZodError, readJson } from './run-file';

export interface ResultsCurve {
  /** The run's `mixer` string, as written (an opaque label). */
  mixer: string;
  /** How many seeds (runs) the label has. */
  seeds: number;
  /** Steps every seed evaluated, ascending. */
  x: number[];
  /** Mean over seeds of the average validation loss over tasks, at each x. */
  y: number[];
  /** Lowest and highest average validation loss over seeds, at each x. */
  band: { lo: number[]; hi: number[] };
  /** `config.tasks`, in order. */
  tasks: string[];
  /** perTask[k][i]: mean over seeds of task k's validation loss at x[i] (NaN if a seed lacks it). */
  perTask: number[][];
}

export type ParsedResultsFile =
  { ok: true; results: Results; curves: ResultsCurve[] } | { ok: false; message: string };

/**
 * Whether parsed JSON has the shape of a results.json (rather than a run file): an object with no
 * `format` field that has `runs`, or a `config` with a `mixers` list. Decides which parser
 * reports the problems of a bad file.
 */
export function looksLikeResults(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const o = raw as Record<string, unknown>;
  if ('format' in o) return false;
  const config = o.config as Record<string, unknown> | undefined;
  return 'runs' in o || (typeof config === 'object' && config !== null && 'mixers' in config);
}

/** A failure; every message names the offending path inside the file. */
const fail = (message: string): ParsedResultsFile => ({
  ok: false,
  message: `results.json: ${message}`,
});

/** Parses already-decoded JSON. Never throws. */
export function parseResults(raw: unknown): ParsedResultsFile {
  const r = resultsSchema.safeParse(raw);
  if (!r.success) return fail(briefZodError(r.error));
  const results = r.data;
  const tasks = results.config.tasks;
  const taskSet = new Set(tasks);

  // Group the runs by label, in order of first appearance; check each run's curve on the way.
  const groups = new Map<string, { index: number; seed: number; byStep: Map<number, number> }[]>();
  // Where each label's seeds were first seen (a map, not a search: a file may hold many runs).
  const seen = new Map<string, Map<number, number>>();
  for (let j = 0; j < results.runs.length; j++) {
    const run = results.runs[j];
    const group = groups.get(run.mixer) ?? [];
    groups.set(run.mixer, group);
    const seeds = seen.get(run.mixer) ?? new Map<number, number>();
    seen.set(run.mixer, seeds);
    const twin = seeds.get(run.seed);
    if (twin !== undefined) {
      return fail(
        `runs.${j}: mixer "${run.mixer}" seed ${run.seed} appears twice (also runs.${twin})`,
      );
    }
    seeds.set(run.seed, j);
    const byStep = new Map<number, number>();
    for (let i = 0; i < run.curve.length; i++) {
      const p = run.curve[i];
      if (byStep.has(p.step)) {
        return fail(`runs.${j}.curve.${i}.step: step ${p.step} appears twice`);
      }
      const stray = Object.keys(p.valLoss).find((t) => !taskSet.has(t));
      if (stray !== undefined) {
        return fail(`runs.${j}.curve.${i}.valLoss: task "${stray}" is not in config.tasks`);
      }
      byStep.set(p.step, i);
    }
    group.push({ index: j, seed: run.seed, byStep });
  }

  const curves: ResultsCurve[] = [];
  for (const [mixer, group] of groups) {
    const x = [...group[0].byStep.keys()]
      .filter((s) => group.every((g) => g.byStep.has(s)))
      .sort((a, b) => a - b);
    if (x.length === 0) {
      const where = group.map((g) => `runs.${g.index}`).join(', ');
      return fail(`${where} (mixer "${mixer}"): the seeds share no evaluated step`);
    }
    const points = (step: number) =>
      group.map((g) => results.runs[g.index].curve[g.byStep.get(step)!]);
    const y: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    const perTask: number[][] = tasks.map(() => []);
    for (const step of x) {
      const ps = points(step);
      const avg = ps.map((p) => p.avgValLoss);
      y.push(mean(avg));
      // Not Math.min(...avg): spreading one argument per seed overflows the stack (~130k).
      lo.push(avg.reduce((a, b) => Math.min(a, b)));
      hi.push(avg.reduce((a, b) => Math.max(a, b)));
      tasks.forEach((t, k) => {
        const vs = ps.map((p) => p.valLoss[t]);
        perTask[k].push(vs.every((v) => v !== undefined) ? mean(vs) : NaN);
      });
    }
    curves.push({ mixer, seeds: group.length, x, y, band: { lo, hi }, tasks: [...tasks], perTask });
  }
  return { ok: true, results, curves };
}

/** Parses the text of an imported results.json. Every problem comes back as one message. */
export function parseResultsFile(text: string): ParsedResultsFile {
  const j = readJson(text);
  return j.ok ? parseResults(j.raw) : j;
}

function mean(vs: readonly number[]): number {
  let s = 0;
  for (const v of vs) s += v;
  return s / vs.length;
}
