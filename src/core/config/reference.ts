/**
 * A reference run's held-out losses (DoReMi's reference model): a leaf module, so the mixers that
 * read one (context.ts, doremi.ts) need not import the whole run config.
 */
import { z } from 'zod';
import { MAX_TASKS } from '../tokenizer';

const finitePositive = z.number().refine((x) => Number.isFinite(x) && x > 0, {
  message: 'must be a finite number > 0',
});

/** A UTF-16 surrogate half without its partner: text that no URL (and no UTF-8 file) can hold. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A reference run's held-out loss per task over steps (DoReMi's reference model): a run kept
 * under "Compare runs" on the page, or `--reference MIXER` on the command line.
 */
export const referenceCurveSchema = z
  .object({
    /** What it was, e.g. "Uniform mix · seed 0"; no unpaired surrogate (a link cannot carry one). */
    label: z
      .string()
      .max(200)
      .refine((s) => !UNPAIRED_SURROGATE.test(s), 'has a broken character (an unpaired surrogate)'),
    /** Task specs of the reference run, in order; they must be the run's own tasks. */
    tasks: z.array(z.string()).min(1).max(MAX_TASKS),
    /** Evaluated steps, strictly increasing. */
    steps: z.array(z.number().int().min(0)).min(1).max(100_000),
    /** valLoss[i][k]: task k's held-out loss at steps[i]. */
    valLoss: z.array(z.array(finitePositive)),
  })
  .superRefine((r, issues) => {
    if (r.valLoss.length !== r.steps.length) {
      issues.addIssue({
        code: 'custom',
        path: ['valLoss'],
        message: `has ${r.valLoss.length} rows for ${r.steps.length} steps`,
      });
    }
    const bad = r.valLoss.findIndex((row) => row.length !== r.tasks.length);
    if (bad >= 0) {
      issues.addIssue({
        code: 'custom',
        path: ['valLoss', bad],
        message: `has ${r.valLoss[bad].length} losses for ${r.tasks.length} tasks`,
      });
    }
    if (r.steps.some((s, i) => i > 0 && s <= r.steps[i - 1])) {
      issues.addIssue({ code: 'custom', path: ['steps'], message: 'must be strictly increasing' });
    }
  });
export type ReferenceCurve = z.infer<typeof referenceCurveSchema>;
