/**
 * What every mixer is created from: the run's shape (K tasks, batch size b, pool sizes n_k),
 * its seed, and optional user weights. Validated here with clear messages, because these come
 * from the UI, the URL hash and imported files.
 */
import { z } from 'zod';
import type { ReferenceCurve } from '../config/reference';
import { uniform } from './simplex';

export interface MixerContext {
  /** K, the number of tasks (≥ 1). */
  numTasks: number;
  /** b, the training batch size (≥ 1). */
  batchSize: number;
  /** n_k, the size of each task's finite training pool (temperature sampling). Length K. */
  poolSizes: number[];
  /** The run's seed (random mixer). */
  seed: number;
  /** User weights (static, pike, pike-kkt, balanced-pike): length K, ≥ 0, finite, not all 0. */
  initialWeights?: number[];
  /** Task specs (ids), to name tasks in messages and to match a reference run. Length K. */
  taskNames?: string[];
  /** DoReMi's reference run (its held-out loss per task over steps). */
  reference?: ReferenceCurve;
}

/** Largest K a mixer accepts; far above what a browser run trains. */
export const MAX_TASKS = 256;

const finiteNumber = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

const contextSchema = z
  .object({
    numTasks: z
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(MAX_TASKS, `must be at most ${MAX_TASKS}`),
    batchSize: z.number().int('must be an integer').min(1, 'must be at least 1'),
    poolSizes: z.array(finiteNumber.refine((n) => n >= 0, { message: 'must be ≥ 0' })),
    seed: finiteNumber,
    // Checked by the mixers that use them (initialWeightsOf), with their own messages.
    initialWeights: z.array(z.unknown()).optional(),
    taskNames: z.array(z.string()).optional(),
    // Checked by doremi against the run's tasks, with its own messages.
    reference: z.unknown().optional(),
  })
  .superRefine((ctx, issues) => {
    if (ctx.poolSizes.length !== ctx.numTasks) {
      issues.addIssue({
        code: 'custom',
        path: ['poolSizes'],
        message: `has ${ctx.poolSizes.length} entries, expected one per task (K = ${ctx.numTasks})`,
      });
    }
    if (ctx.taskNames && ctx.taskNames.length !== ctx.numTasks) {
      issues.addIssue({
        code: 'custom',
        path: ['taskNames'],
        message: `has ${ctx.taskNames.length} entries, expected K = ${ctx.numTasks}`,
      });
    }
  });

/** Formats zod issues as "path: message; path: message". */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Throws an Error naming every problem when ctx is not a valid MixerContext. */
export function validateContext(ctx: unknown): MixerContext {
  const parsed = contextSchema.safeParse(ctx);
  if (!parsed.success) throw new Error(`Invalid mixer context: ${formatIssues(parsed.error)}`);
  return parsed.data as MixerContext;
}

/**
 * The user's initial weights normalised onto the simplex, w_k = v_k / Σ_j v_j, or the uniform
 * vector when none are given. Throws when they are not K finite non-negative numbers with a
 * positive sum.
 */
export function initialWeightsOf(ctx: MixerContext): Float64Array {
  const v = ctx.initialWeights;
  const k = ctx.numTasks;
  if (v === undefined) return uniform(k);
  const where = 'Invalid initial weights';
  if (v.length !== k) {
    throw new Error(`${where}: got ${v.length} weights, expected one per task (K = ${k}).`);
  }
  const bad = v.flatMap((x, i) =>
    typeof x === 'number' && Number.isFinite(x) && x >= 0 ? [] : [`#${i} = ${String(x)}`],
  );
  if (bad.length > 0) {
    throw new Error(`${where}: weights must be finite and ≥ 0 (${bad.join(', ')}).`);
  }
  const sum = v.reduce((a, x) => a + x, 0);
  if (!(sum > 0) || !Number.isFinite(sum)) {
    throw new Error(`${where}: at least one weight must be positive (sum = ${sum}).`);
  }
  return Float64Array.from(v, (x) => x / sum);
}
