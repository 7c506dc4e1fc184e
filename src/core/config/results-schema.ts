/** The schema of `results.json` written by `npm run experiment` (validated by the tests). */
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be finite');

export const curvePointSchema = z.object({
  step: z.number().int().min(0),
  avgValLoss: finite,
  worstValLoss: finite,
  valLoss: z.record(z.string(), finite),
  weights: z.array(z.number().min(0).max(1)),
});

export const runResultSchema = z.object({
  mixer: z.string(),
  seed: z.number().int().min(0),
  steps: z.number().int().min(1),
  msPerStep: z.number().positive(),
  tokensPerSec: z.number().positive(),
  /** First evaluated step whose average validation loss ≤ uniform Mix's final one (same seed). */
  stepsToMixFinal: z.number().int().nullable(),
  final: z.object({
    avgValLoss: finite,
    worstValLoss: finite,
    valLoss: z.record(z.string(), finite),
    accuracy: z.record(z.string(), z.number().min(0).max(1)),
  }),
  curve: z.array(curvePointSchema).min(1),
  /**
   * With --stats-every: over the run's statistics steps (those inside the window from..to, when
   * recorded; older files: every one), the share of off-diagonal task-gradient cosines that were
   * negative, and their mean; per pair of tasks, the same over the steps (src/cli/conflict.ts).
   * `from`, `to` and `pairs` are absent from files written before they existed.
   */
  conflict: z
    .object({
      statsSteps: z.number().int().min(0),
      negativeShare: z.number().min(0).max(1),
      meanCosine: z.number(),
      from: z.number().int().min(1).optional(),
      to: z.number().int().min(1).optional(),
      pairs: z
        .array(
          z.object({
            tasks: z.tuple([z.string(), z.string()]),
            /** Statistics steps with a finite cosine for this pair. */
            n: z.number().int().min(0),
            /** null when n = 0. */
            meanCosine: z.number().nullable(),
            negativeShare: z.number().min(0).max(1).nullable(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const resultsSchema = z.object({
  config: z.object({
    tasks: z.array(z.string()).min(1),
    mixers: z.array(z.string()).min(1),
    steps: z.number().int().min(1),
    seeds: z.number().int().min(1),
    backend: z.enum(['wasm', 'cpu']),
    evalEvery: z.number().int().min(1),
    knobs: z.record(z.string(), z.union([z.number(), z.boolean()])),
    run: z.record(z.string(), z.unknown()),
    /** The --reference mixer of doremi runs. */
    reference: z.string().optional(),
    /** Present in a shard's results (`--shard I/N`); merged results have none. */
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
    /** --stats-every: the runs recorded their gradient conflict (run.conflict). */
    statsEvery: z.number().int().min(1).optional(),
    /** --conflict-from / --conflict-to: the steps run.conflict covers (absent: the whole run). */
    conflictWindow: z
      .object({ from: z.number().int().min(1), to: z.number().int().min(1) })
      .optional(),
  }),
  runs: z.array(runResultSchema).min(1),
});

export type RunResult = z.infer<typeof runResultSchema>;
export type Results = z.infer<typeof resultsSchema>;
