/**
 * Task knobs: the zod schema, defaults, and the merge + validation of user-supplied knobs.
 * Plain data and zod only, so a UI or a config loader can import it cheaply.
 */
import { z } from 'zod';
import type { KnobSpec, TaskKnobs } from '../types';

/** Largest training pool a task accepts (memory: poolSize x contextLength bytes). */
export const MAX_POOL_SIZE = 100_000;
/** Default pool size of a language (UDHR) task: windows of one declaration. */
export const DEFAULT_LANGUAGE_POOL = 2000;
/** Default pool size of every other task. */
export const DEFAULT_POOL = 5000;

/** Schema of a complete TaskKnobs object (difficulty keys are checked against the task's specs). */
export const taskKnobsSchema = z.object({
  poolSize: z.number().int().min(1).max(MAX_POOL_SIZE),
  labelNoise: z.number().min(0).max(1),
  enabled: z.boolean(),
  difficulty: z.record(z.string(), z.number()),
});

/** Schema of partial knobs as a user, URL or config file supplies them. */
export const partialTaskKnobsSchema = taskKnobsSchema.partial();

/** The defaults of every difficulty knob in `specs`. */
export function defaultDifficulty(specs: readonly KnobSpec[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of specs) out[s.name] = s.default;
  return out;
}

/**
 * Merges `partial` over the defaults and validates the result: poolSize an integer in
 * 1..MAX_POOL_SIZE, labelNoise in [0, 1], every difficulty knob known to `specs`, within its
 * [min, max] and on its step grid (from min). Throws an Error naming `taskId` and the bad knob.
 */
export function resolveKnobs(
  taskId: string,
  specs: readonly KnobSpec[],
  defaultPoolSize: number,
  partial: Partial<TaskKnobs> = {},
): TaskKnobs {
  const parsed = partialTaskKnobsSchema.safeParse(partial);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`task ${taskId}: bad knob ${issue.path.join('.')}: ${issue.message}`);
  }
  const p = parsed.data;
  const difficulty = defaultDifficulty(specs);
  for (const [name, value] of Object.entries(p.difficulty ?? {})) {
    const spec = specs.find((s) => s.name === name);
    if (!spec) {
      const known = specs.length ? specs.map((s) => s.name).join(', ') : 'none';
      throw new Error(`task ${taskId}: unknown difficulty knob "${name}" (known: ${known})`);
    }
    if (value < spec.min || value > spec.max) {
      throw new Error(
        `task ${taskId}: ${name} = ${value} is outside [${spec.min}, ${spec.max}] (${spec.help})`,
      );
    }
    const steps = (value - spec.min) / spec.step;
    if (Math.abs(steps - Math.round(steps)) > 1e-9) {
      throw new Error(`task ${taskId}: ${name} = ${value} must be ${spec.min} + k*${spec.step}`);
    }
    difficulty[name] = value;
  }
  return {
    poolSize: p.poolSize ?? defaultPoolSize,
    labelNoise: p.labelNoise ?? 0,
    enabled: p.enabled ?? true,
    difficulty,
  };
}
