/**
 * Export and import of runs. CSV: one row per step that has any value, columns per quantity and
 * task. JSON: the setup (a RunConfig) plus the curves; importing validates the file with zod and
 * the config with the same checks as the URL, and never half-applies a bad file.
 */
import { z } from 'zod';
import { formatBytes } from '../core/config/catalogue';
import { PRESET_NAMES, type PresetName } from '../core/config/presets';
import { formatZodError, type RunConfig } from '../core/config/run-config';
import { rowMeans, type MetricsBuffers } from './metrics';
import type { SeriesTable } from './series';
import { validateConfig } from '../core/config/validate';

export const RUN_FILE_FORMAT = 'pike-playground-run';

/** A table as plain JSON: x and one column per task; NaN is written as null. */
const tableSchema = z.object({
  x: z.array(z.number()),
  cols: z.array(z.array(z.number().nullable())),
});
type TableJson = z.infer<typeof tableSchema>;

const numbers = z.array(z.number().nullable());

/** PiKE's update terms (PikeUpdateDetail), NaN as null. */
const updateSchema = z.object({
  step: z.number(),
  gradNormSq: numbers,
  variance: numbers,
  gradTerm: numbers,
  varianceTerm: numbers,
  exponent: numbers,
  before: numbers,
  after: numbers,
});

const sampleSchema = z.object({
  task: z.string(),
  kind: z.enum(['language', 'markov', 'algorithmic', 'anti']),
  prompt: z.string(),
  output: z.string(),
  expected: z.string().optional(),
  correct: z.boolean().optional(),
});

/**
 * Version 2 adds what a replay draws besides the curves (replay.ts): the smoothed training loss,
 * the statistics' standard errors (the bands), the conflict matrices, every PiKE update's terms
 * and the sampling rounds. Version 1 files (curves only) still import and replay what they hold.
 */
export const runFileSchema = z.object({
  format: z.literal(RUN_FILE_FORMAT, { error: `not a ${RUN_FILE_FORMAT} file` }),
  version: z.union([z.literal(1), z.literal(2)]),
  exportedAt: z.string().optional(),
  preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]).optional(),
  config: z.unknown(),
  taskLabels: z.array(z.string()),
  step: z.number().int().min(0),
  curves: z.object({
    trainLoss: tableSchema,
    weights: tableSchema,
    valLoss: tableSchema,
    accuracy: tableSchema,
    gradNormSq: tableSchema,
    variance: tableSchema,
    trainSmooth: tableSchema.optional(),
    gradNormSqSE: tableSchema.optional(),
    varianceSE: tableSchema.optional(),
  }),
  conflict: z.array(z.object({ step: z.number(), cosine: numbers })).optional(),
  updates: z.array(updateSchema).optional(),
  samples: z
    .array(
      z.object({ step: z.number(), samples: z.array(sampleSchema), ms: z.number().optional() }),
    )
    .optional(),
});
export type RunFile = z.infer<typeof runFileSchema>;

function tableJson(t: SeriesTable): TableJson {
  const s = t.snapshot();
  return { x: s.x, cols: s.cols.map((c) => c.map((v) => (Number.isFinite(v) ? v : null))) };
}

export function buildRunFile(
  config: RunConfig,
  preset: PresetName,
  taskLabels: string[],
  step: number,
  m: MetricsBuffers,
): RunFile {
  const nulls = (v: ArrayLike<number>) => Array.from(v, (x) => (Number.isFinite(x) ? x : null));
  return {
    format: RUN_FILE_FORMAT,
    version: 2,
    exportedAt: new Date().toISOString(),
    preset,
    config,
    taskLabels,
    step,
    curves: {
      trainLoss: tableJson(m.train),
      weights: tableJson(m.weights),
      valLoss: tableJson(m.val),
      accuracy: tableJson(m.accuracy),
      gradNormSq: tableJson(m.gradNormSq),
      variance: tableJson(m.variance),
      trainSmooth: tableJson(m.trainSmooth),
      gradNormSqSE: tableJson(m.gradNormSqSE),
      varianceSE: tableJson(m.varianceSE),
    },
    // Cosines to 4 decimals: the matrix shows 2; a 16-task run's 400 frames stay about 1 MB.
    conflict: m.conflict.map((f) => ({
      step: f.step,
      cosine: nulls(f.cosine.map((c) => Math.round(c * 1e4) / 1e4)),
    })),
    updates: m.updates.map((u) => ({
      step: u.step,
      gradNormSq: nulls(u.gradNormSq),
      variance: nulls(u.variance),
      gradTerm: nulls(u.gradTerm),
      varianceTerm: nulls(u.varianceTerm),
      exponent: nulls(u.exponent),
      before: nulls(u.before),
      after: nulls(u.after),
    })),
    samples: m.samples,
  };
}

export type ParsedRunFile =
  | { ok: true; file: RunFile; config: RunConfig; avgVal: { x: number[]; y: number[] } }
  | { ok: false; message: string };

/**
 * The largest file the page imports (a run file or a results.json), checked before the file is
 * read and before its text is parsed, so a huge file cannot freeze the tab. An exported run file
 * stays small because its curves are folded (series.ts): a 200,000-step run of 16 tasks is about
 * 2.5 MB. A results.json of 65 runs x 200 evaluations x 16 tasks is about 15 MiB.
 */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

/** Why a file of `bytes` bytes is not imported (its size and the limit), or null. */
export function importSizeProblem(bytes: number): string | null {
  if (bytes <= MAX_IMPORT_BYTES) return null;
  return (
    `the file is ${formatBytes(bytes)}, more than the ${formatBytes(MAX_IMPORT_BYTES)} an ` +
    'import may be (an exported run file is a few MB)'
  );
}

/** The UTF-8 size of `text` in bytes, counted without encoding it. */
function utf8Bytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 bytes, 2 per half.
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return n;
}

/**
 * Decodes an imported file's text as JSON, or says why it is not JSON. Text over
 * MAX_IMPORT_BYTES is refused before it is parsed.
 */
export function readJson(
  text: string,
): { ok: true; raw: unknown } | { ok: false; message: string } {
  // A UTF-16 unit is 1 to 3 bytes of UTF-8: count the bytes only when the text might be over.
  const tooBig = text.length * 3 > MAX_IMPORT_BYTES ? importSizeProblem(utf8Bytes(text)) : null;
  if (tooBig) return { ok: false, message: tooBig };
  try {
    return { ok: true, raw: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: `the file is not JSON (${(e as Error).message})` };
  }
}

/** The first three problems of a schema error, and how many more there are. */
export function briefZodError(e: Parameters<typeof formatZodError>[0]): string {
  const problems = formatZodError(e).split('; ');
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  return `${problems.slice(0, 3).join('; ')}${more}`;
}

/** Parses the text of an imported file. Every problem comes back as one readable message. */
export function parseRunFile(text: string): ParsedRunFile {
  const j = readJson(text);
  return j.ok ? parseRunFileJson(j.raw) : j;
}

/** Parses an imported run file already decoded from JSON. */
export function parseRunFileJson(raw: unknown): ParsedRunFile {
  const r = runFileSchema.safeParse(raw);
  if (!r.success) return { ok: false, message: briefZodError(r.error) };
  const v = validateConfig(r.data.config);
  if (!v.ok) return { ok: false, message: `config: ${v.message}` };
  const K = v.config.tasks.length;
  for (const [name, t] of Object.entries(r.data.curves)) {
    if (!t) continue;
    if (t.cols.length !== K) {
      return { ok: false, message: `curves.${name}: ${t.cols.length} columns for ${K} tasks` };
    }
    if (t.cols.some((c) => c.length !== t.x.length)) {
      return { ok: false, message: `curves.${name}: a column's length differs from x's` };
    }
  }
  const frame = (r.data.conflict ?? []).findIndex((f) => f.cosine.length !== K * K);
  if (frame >= 0) {
    return { ok: false, message: `conflict[${frame}]: not a ${K}×${K} matrix` };
  }
  const update = (r.data.updates ?? []).findIndex((u) =>
    [u.gradNormSq, u.variance, u.gradTerm, u.varianceTerm, u.exponent, u.before, u.after].some(
      (v) => v.length !== K,
    ),
  );
  if (update >= 0) return { ok: false, message: `updates[${update}]: not ${K} values per term` };
  const val = r.data.curves.valLoss;
  const avgVal = {
    x: val.x,
    y: val.x.map((_, i) => {
      const vs = val.cols.map((c) => c[i]).filter((x): x is number => x !== null);
      return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : NaN;
    }),
  };
  return { ok: true, file: r.data, config: v.config, avgVal };
}

/** The average validation loss over tasks at each evaluation of the live run. */
export const avgValCurve = (m: MetricsBuffers) => rowMeans(m.val);

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV of the run: `step`, then per task train loss (raw and smoothed), sampling weight, validation
 * loss, accuracy, ‖∇L_k‖² and σ_k². Rows are the union of the steps of all tables; a blank cell
 * means "not measured at that step". Long runs are stored folded (see series.ts), so the rows of
 * a long run are the kept ones, not every step.
 */
export function metricsCsv(m: MetricsBuffers, taskLabels: string[]): string {
  const tables: [string, SeriesTable][] = [
    ['train_loss', m.train],
    ['train_loss_smoothed', m.trainSmooth],
    ['weight', m.weights],
    ['val_loss', m.val],
    ['accuracy', m.accuracy],
    ['grad_norm_sq', m.gradNormSq],
    ['grad_variance', m.variance],
  ];
  const header = ['step'];
  const lookups: Map<number, number>[] = [];
  const colsOf: (readonly number[])[] = [];
  const steps = new Set<number>();
  for (const [name, t] of tables) {
    const index = new Map<number, number>();
    t.x.forEach((x, i) => {
      index.set(x, i);
      steps.add(x);
    });
    for (let k = 0; k < t.width; k++) {
      header.push(csvField(`${name}:${taskLabels[k] ?? `task ${k}`}`));
      lookups.push(index);
      colsOf.push(t.col(k));
    }
  }
  const lines = [header.join(',')];
  for (const step of [...steps].sort((a, b) => a - b)) {
    const row = [String(step)];
    for (let c = 0; c < colsOf.length; c++) {
      const i = lookups[c].get(step);
      const v = i === undefined ? NaN : colsOf[c][i];
      row.push(Number.isFinite(v) ? String(v) : '');
    }
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
