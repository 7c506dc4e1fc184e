/**
 * Validation of a whole setup before anything is sent to the worker, so a bad value gets a clear
 * message on the page and changes nothing: the RunConfig schema, the mixer's knobs (strict, with
 * floor ≤ 1/K), the mixer's weights (one per task), and every task's spec and knobs.
 */
import {
  defaultKnobs,
  difficultySpecsFor,
  ownTextLabel,
  parseTaskSpec,
  resolveKnobs,
} from './catalogue';
import { parseRunConfig, type RunConfig, type RunConfigInput } from './run-config';
import { MIXERS, parseKnobs } from '../mixers/registry';
import type { TaskKnobs } from '../types';
import type { TaskInfo } from '../protocol';

export type Validated = { ok: true; config: RunConfig } | { ok: false; message: string };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The full knobs of a task (defaults merged with `patch`); throws with the task and knob named. */
export function taskKnobsOf(spec: string, patch?: Partial<TaskKnobs>): TaskKnobs {
  const defaults = defaultKnobs(spec);
  return resolveKnobs(spec.trim(), difficultySpecsFor(spec), defaults.poolSize, patch);
}

/**
 * What a task spec never holds: the characters the page's "add task" field refuses (a link splits
 * its task list at commas; spaces, &, = and # do not survive a link as written), and an unpaired
 * UTF-16 surrogate, which no URL can encode.
 */
const NOT_IN_A_SPEC =
  /[,&=#\s]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws, quoting the spec, when it has a character that a link cannot carry. */
export function checkSpecText(spec: string): void {
  if (NOT_IN_A_SPEC.test(spec)) {
    throw new Error(
      `${JSON.stringify(spec)}: a task spec has no spaces, commas, &, = or # (and no broken ` +
        'characters), so that a link can carry it',
    );
  }
}

/**
 * Validates `input` completely. On success the config has every default filled in, the mixer's
 * knobs included (so the UI can show their values), and no reference run of other tasks.
 */
export function validateConfig(input: unknown): Validated {
  const proto = protoKnob(input);
  if (proto) return { ok: false, message: `${proto}: "__proto__" is not a knob name` };
  let config: RunConfig;
  try {
    config = parseRunConfig(input);
  } catch (e) {
    return { ok: false, message: message(e) };
  }
  const K = config.tasks.length;
  for (let k = 0; k < K; k++) {
    const t = config.tasks[k];
    try {
      checkSpecText(t.spec);
      taskKnobsOf(t.spec, t.knobs);
    } catch (e) {
      return { ok: false, message: `task ${k + 1} (${t.spec}): ${message(e)}` };
    }
  }
  let knobs: Record<string, number | boolean>;
  try {
    knobs = parseKnobs(config.mixer.name, config.mixer.knobs, K);
  } catch (e) {
    return { ok: false, message: message(e) };
  }
  const refProblem = referenceProblem(config);
  if (refProblem) return { ok: false, message: refProblem };
  const w = config.mixer.weights;
  if (w) {
    if (w.length !== K) {
      return {
        ok: false,
        message: `mixer weights: ${w.length} weights for ${K} tasks (give one per task)`,
      };
    }
    if (!w.some((x) => x > 0)) {
      return { ok: false, message: 'mixer weights: at least one weight must be above 0' };
    }
  }
  const race = raceProblemOrContestants(config);
  if (typeof race === 'string') return { ok: false, message: race };
  // A reference run of other tasks is of use to no mixer here (doremi's was checked above), and
  // a link could not carry it (a link's reference is of the link's tasks): it is dropped.
  const { reference, ...mixer } = config.mixer;
  const keep = reference && fitsTasks(reference.tasks, config) ? { reference } : {};
  return {
    ok: true,
    config: { ...config, mixer: { ...mixer, knobs, ...keep }, ...(race ? { race } : {}) },
  };
}

/**
 * Where `input` has a knob named "__proto__" (mixer knobs, a contestant's knobs, a task's
 * difficulty knobs), or null. The schema's records drop that key without a word, which would
 * accept the knob and ignore it.
 */
function protoKnob(input: unknown): string | null {
  const has = (o: unknown) => typeof o === 'object' && o !== null && Object.hasOwn(o, '__proto__');
  const i = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (has((i.mixer as { knobs?: unknown } | undefined)?.knobs)) return 'mixer knobs';
  const race = Array.isArray(i.race) ? (i.race as unknown[]) : [];
  const c = race.findIndex((r) => has((r as { knobs?: unknown } | null)?.knobs));
  if (c >= 0) return `race contestant ${c + 1} knobs`;
  const tasks = Array.isArray(i.tasks) ? (i.tasks as unknown[]) : [];
  const t = tasks.findIndex((x) =>
    has((x as { knobs?: { difficulty?: unknown } } | null)?.knobs?.difficulty),
  );
  return t >= 0 ? `task ${t + 1} difficulty knobs` : null;
}

/** Whether `specs` are the config's task specs, in order. */
function fitsTasks(specs: readonly string[], config: RunConfig): boolean {
  return specs.length === config.tasks.length && specs.every((t, k) => t === config.tasks[k].spec);
}

/**
 * A race's contestants with their knobs checked and only the non-default ones kept (what a
 * label and a link show), or a message naming the contestant. Undefined when there is no race.
 */
function raceProblemOrContestants(config: RunConfig): RunConfig['race'] | string {
  if (!config.race) return undefined;
  const K = config.tasks.length;
  const out: NonNullable<RunConfig['race']> = [];
  for (const [i, c] of config.race.entries()) {
    const where = `race contestant ${i + 1} (${c.name})`;
    let full: Record<string, number | boolean>;
    try {
      full = parseKnobs(c.name, c.knobs, K);
    } catch (e) {
      return `${where}: ${message(e)}`;
    }
    const defaults = parseKnobs(c.name);
    const own = Object.fromEntries(Object.entries(full).filter(([k, v]) => defaults[k] !== v));
    const problem = referenceProblem({ ...config, mixer: { ...config.mixer, name: c.name } });
    if (problem) return `${where}: ${problem}`;
    out.push({ name: c.name, knobs: own });
  }
  return out;
}

/**
 * Why the config's reference run does not fit its mixer (doremi): missing, or of other tasks.
 * Null when it fits or the mixer needs none.
 */
export function referenceProblem(config: RunConfig): string | null {
  const def = MIXERS[config.mixer.name];
  if (!def.usesReference) return null;
  const ref = config.mixer.reference;
  if (!ref) {
    return (
      `${def.label} needs a reference run: train these tasks with another mixer (e.g. Uniform mix), ` +
      'press “Save run” under Compare runs, then choose it as the reference ' +
      '(on the command line: --reference mix).'
    );
  }
  const specs = config.tasks.map((t) => t.spec);
  if (!fitsTasks(ref.tasks, config)) {
    return (
      `${def.label}: the reference run "${ref.label}" trained ${ref.tasks.join(', ')}, not ` +
      `these tasks (${specs.join(', ')}): save a run of these tasks and choose it.`
    );
  }
  return null;
}

/** The parsed config as the worker's input type (they agree; this only names the conversion). */
export const asInput = (c: RunConfig): RunConfigInput => c;

/**
 * What the page knows about a task before the worker has built it: the spec as its label (an own
 * text: the worker's label, "Your text <hash>"), its knobs and difficulty knobs from the
 * catalogue. The worker's `ready` replaces it. Throws for a bad spec, naming it.
 */
export function localTaskInfo(spec: string, knobs?: Partial<TaskKnobs>): TaskInfo {
  const p = parseTaskSpec(spec);
  let full: TaskKnobs;
  try {
    full = taskKnobsOf(spec, knobs);
  } catch {
    full = defaultKnobs(spec);
  }
  return {
    id: spec.trim(),
    label: p.kind === 'language' && p.family === 'text' ? ownTextLabel(p.hash) : spec.trim(),
    kind: p.kind,
    knobs: full,
    difficultySpecs: difficultySpecsFor(spec),
    metric: p.kind === 'algorithmic' || p.kind === 'anti' ? 'accuracy' : 'none',
  };
}

/** The knobs of `full` that differ from the spec's defaults (what a URL needs to carry). */
export function knobsDiff(spec: string, full: Partial<TaskKnobs> | undefined): Partial<TaskKnobs> {
  if (!full) return {};
  const d = defaultKnobs(spec);
  const out: Partial<TaskKnobs> = {};
  if (full.poolSize !== undefined && full.poolSize !== d.poolSize) out.poolSize = full.poolSize;
  if (full.labelNoise !== undefined && full.labelNoise !== d.labelNoise)
    out.labelNoise = full.labelNoise;
  if (full.enabled !== undefined && full.enabled !== d.enabled) out.enabled = full.enabled;
  const diff: Record<string, number> = {};
  for (const [name, v] of Object.entries(full.difficulty ?? {})) {
    if (d.difficulty[name] !== v) diff[name] = v;
  }
  if (Object.keys(diff).length) out.difficulty = diff;
  return out;
}

/** localTaskInfo of every task of a setup: what the task cards show until the worker's `ready`. */
export const localTasks = (c: Pick<RunConfig, 'tasks'>): TaskInfo[] =>
  c.tasks.map((t) => localTaskInfo(t.spec, t.knobs));
