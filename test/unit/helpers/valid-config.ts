/** Config helpers shared by the URL hash tests (chosen examples and fuzzing). */
import type { RunConfig } from '../../../src/core/config/run-config';
import { taskKnobsOf, validateConfig } from '../../../src/core/config/validate';

/** The validated config of `input`; throws with the message when it is invalid. */
export const valid = (input: unknown): RunConfig => {
  const v = validateConfig(input);
  if (!v.ok) throw new Error(v.message);
  return v.config;
};

/** Task knobs made explicit, so "default" and "absent" compare equal. */
export const canonical = (c: RunConfig) => ({
  ...c,
  tasks: c.tasks.map((t) => ({ spec: t.spec, knobs: taskKnobsOf(t.spec, t.knobs) })),
});
