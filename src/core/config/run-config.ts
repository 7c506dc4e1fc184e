/**
 * The whole setup of a run (tasks and knobs, mixer and knobs, model, optimizer, seed, schedule) as
 * one validated, serialisable object. The URL hash, imported run files, the CLI and the worker all
 * go through `parseRunConfig`, so bad input gets the same clear messages everywhere.
 */
import { z } from 'zod';
import { gptConfigSchema } from '../model-config';
import { MIXER_NAMES } from '../mixers/names';
import { optimizerConfigSchema } from '../optim-config';
import { partialTaskKnobsSchema } from '../tasks/knobs';
import { MAX_TASKS } from '../tokenizer';
import { referenceCurveSchema } from './reference';

export { referenceCurveSchema, type ReferenceCurve } from './reference';

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

/** The most contestants a race trains side by side. */
export const MAX_CONTESTANTS = 4;

/** A race's contestant: a mixer and its knobs; tasks, model, optimizer and seed are shared. */
export const contestantSchema = z.object({
  name: z.enum(MIXER_NAMES),
  knobs: z.record(z.string(), z.unknown()).default({}),
});
export type Contestant = z.infer<typeof contestantSchema>;

export const runConfigSchema = z.object({
  tasks: z.array(taskSetupSchema).min(1, 'at least one task').max(MAX_TASKS),
  mixer: z.object({
    name: z.enum(MIXER_NAMES),
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

declare const validBrand: unique symbol;
/**
 * A run config that went through `parseRunConfig`: checked, defaults filled in. The session,
 * the run set and the trainer take one and never parse again (a build parses its config once).
 */
export type ValidRunConfig = RunConfig & { readonly [validBrand]: true };

/** The objects `parseRunConfig` returned (a brand that also holds at run time). */
const parsed = new WeakSet<object>();

/** Validates untrusted input; throws an Error whose message lists every problem with its path. */
export function parseRunConfig(input: unknown): ValidRunConfig {
  const r = runConfigSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid run config: ${formatZodError(r.error)}`);
  parsed.add(r.data);
  return r.data as ValidRunConfig;
}

/** `input` itself when `parseRunConfig` returned it, else parsed now (CLI and test callers). */
export function validRunConfig(input: unknown): ValidRunConfig {
  return typeof input === 'object' && input !== null && parsed.has(input)
    ? (input as ValidRunConfig)
    : parseRunConfig(input);
}

/**
 * A contestant's own config from a valid race: the race's mixer entry in place of the setup's
 * mixer. Valid by construction: a contestant passed the same name and knobs checks as a mixer.
 */
export function contestantConfig(config: ValidRunConfig, c: Contestant): ValidRunConfig {
  const own = { ...config, mixer: { ...config.mixer, name: c.name, knobs: { ...c.knobs } } };
  delete own.race;
  parsed.add(own);
  return own as ValidRunConfig;
}

/** "path: message; path: message" from a ZodError. */
export function formatZodError(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
