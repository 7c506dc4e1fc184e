/**
 * The whole setup of a run (tasks and knobs, mixer and knobs, model, optimizer, seed, schedule) as
 * one validated, serialisable object. The URL hash, imported run files, the CLI and the worker all
 * go through `parseRunConfig`, so bad input gets the same clear messages everywhere.
 */
import { z } from 'zod';
import { gptConfigSchema } from '../model/config';
import { MIXER_NAMES } from '../mixers/registry';
import { optimizerConfigSchema } from '../optim-config';
import { partialTaskKnobsSchema } from '../tasks/knobs';
import { MAX_TASKS } from '../tokenizer';

/** Task knobs a config may override; the task's own schema fills in and checks the rest. */
export const taskKnobsPatchSchema = partialTaskKnobsSchema;

export const taskSetupSchema = z.object({
  spec: z.string().min(1, 'task spec is empty'),
  knobs: taskKnobsPatchSchema.optional(),
});

export const scheduleSchema = z.object({
  /** Steps between loss readbacks (each one forces a GPU sync). */
  metricsEvery: z.number().int().min(1).max(1000).default(10),
  /** Steps between held-out evaluations; 0 disables. */
  evalEvery: z.number().int().min(0).max(100_000).default(100),
  /** Steps between display statistics (conflict matrix); 0 disables. PiKE adds its own T₀. */
  statsEvery: z.number().int().min(0).max(100_000).default(50),
  /** Probe half size m: the statistics probe draws 2m examples per task. */
  probeHalf: z.number().int().min(1).max(256).default(8),
  /** Chunks the probe is split into (2: the paper's halves; more: a U-statistic over pairs). */
  probeChunks: z.number().int().min(2).max(64).default(4),
  /**
   * Training steps before each statistics step whose per-task sub-batches feed the statistics
   * (stats-window.ts); 0: the probe alone.
   */
  statsWindow: z.number().int().min(0).max(100).default(6),
});

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

/** The most contestants a race trains side by side. */
export const MAX_CONTESTANTS = 4;

/** A race's contestant: a mixer and its knobs; tasks, model, optimizer and seed are shared. */
export const contestantSchema = z.object({
  name: z.enum(MIXER_NAMES as unknown as [string, ...string[]]),
  knobs: z.record(z.string(), z.unknown()).default({}),
});
export type Contestant = z.infer<typeof contestantSchema>;

export const runConfigSchema = z.object({
  tasks: z.array(taskSetupSchema).min(1, 'at least one task').max(MAX_TASKS),
  mixer: z.object({
    name: z.enum(MIXER_NAMES as unknown as [string, ...string[]]),
    knobs: z.record(z.string(), z.unknown()).default({}),
    /** Initial weights (pike, balanced-pike, pike-kkt) or the fixed user weights (static). */
    weights: z.array(z.number().min(0).finite()).optional(),
    /** The reference run of doremi (ignored by other mixers). */
    reference: referenceCurveSchema.optional(),
  }),
  model: gptConfigSchema.default(gptConfigSchema.parse({})),
  optimizer: optimizerConfigSchema.default(optimizerConfigSchema.parse({})),
  batchSize: z.number().int().min(1).max(512).default(32),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  schedule: scheduleSchema.default(scheduleSchema.parse({})),
  /**
   * A race (run-set.ts): 2 to 4 contestants trained side by side from the same initial weights
   * and data streams, each with its own mixer; `mixer` is then only the setup's starting mixer.
   */
  race: z
    .array(contestantSchema)
    .min(2, 'a race has at least 2 contestants')
    .max(MAX_CONTESTANTS, `a race has at most ${MAX_CONTESTANTS} contestants`)
    .optional(),
});

export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type TaskSetup = z.infer<typeof taskSetupSchema>;

/** Validates untrusted input; throws an Error whose message lists every problem with its path. */
export function parseRunConfig(input: unknown): RunConfig {
  const r = runConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new Error(`invalid run config: ${formatZodError(r.error)}`);
}

/** "path: message; path: message" from a ZodError. */
export function formatZodError(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
