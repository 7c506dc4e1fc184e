/**
 * The URL hash holds the whole setup, so a link reproduces it. Like TensorFlow Playground's
 * state.ts: one table of {key, path, type} that encode and decode loop over, plus two families
 * of dynamic keys (task knobs, mixer knobs). Example:
 *
 *   #preset=imbalanced&tasks=udhr:en,udhr:fr,udhr:sw&t0.pool=3000&t1.pool=900&t2.noise=0.1
 *    &mixer=pike&T0=50&zeta1=0.5&zeta2=0.5&floor=0.02&scaleAware=true&weights=1,1,2
 *    &layers=2&heads=4&width=64&context=32&dropout=0&batch=32&seed=0&opt=adam&lr=0.003…
 *
 * - `preset`: the starting point; every other key overrides it (so `#preset=conflict&mixer=mix`
 *   is a complete link). Absent: multilingual.
 * - `tasks`: comma-separated task specs (replaces the preset's tasks).
 * - `t<i>.<knob>`: a knob of task i (0-based) that differs from the task's default: `pool`,
 *   `noise`, `enabled` (true/false) or a difficulty knob by name (`length`, `digits`, …).
 * - mixer knobs by their own names (`T0`, `zeta1`, `tau`, …): only the chosen mixer's are allowed.
 * - `ref`, `refSteps`, `refLoss`: doremi's reference run (its label, evaluated steps, and per
 *   step the tasks' held-out losses separated by `/`, steps by `,`; 4 significant digits), so a
 *   link to a DoReMi setup carries the curve it compares against. The tasks are the link's.
 * - `race`: a race's contestants as comma-separated mixer specs with their knobs in braces, e.g.
 *   `race=mix,pike,pike{zeta2=0},balanced-pike{tau=3}` (2 to 4).
 * - every other field of RunConfig has one key in FIELDS below.
 * Decoding is strict: an unknown key, a repeated key, a value that is not a number, or anything
 * the RunConfig schema or the task catalogue rejects is an error that names the key.
 */
import { presetConfig, isPresetName, PRESET_NAMES, type PresetName } from '../core/config/presets';
import { isNumeric } from '../core/config/numeric';
import { runConfigSchema, type RunConfig } from '../core/config/run-config';
import {
  formatBraceSpec,
  parseContestants,
  setTaskKnob,
  TASK_KNOB_KEYS,
  taskKnobPairs,
} from '../core/config/spec';
import { MIXERS, MIXER_NAMES } from '../core/mixers/registry';
import type { TaskKnobs } from '../core/types';
import { checkSpecText, knobsDiff, taskKnobsOf, validateConfig } from '../core/config/validate';

type FieldType = 'int' | 'number' | 'enum' | 'numbers';
interface Field {
  key: string;
  /** Dotted path into RunConfig. */
  path: string;
  type: FieldType;
  values?: readonly string[];
}

/** Fixed keys, in the order they are written. */
export const FIELDS: readonly Field[] = [
  { key: 'mixer', path: 'mixer.name', type: 'enum', values: MIXER_NAMES },
  { key: 'weights', path: 'mixer.weights', type: 'numbers' },
  { key: 'layers', path: 'model.layers', type: 'int' },
  { key: 'heads', path: 'model.heads', type: 'int' },
  { key: 'width', path: 'model.width', type: 'int' },
  { key: 'context', path: 'model.context', type: 'int' },
  { key: 'dropout', path: 'model.dropout', type: 'number' },
  { key: 'batch', path: 'batchSize', type: 'int' },
  { key: 'seed', path: 'seed', type: 'int' },
  { key: 'opt', path: 'optimizer.name', type: 'enum', values: ['adam', 'adamw', 'sgd'] },
  { key: 'lr', path: 'optimizer.lr', type: 'number' },
  { key: 'warmup', path: 'optimizer.warmupSteps', type: 'int' },
  { key: 'decay', path: 'optimizer.decay', type: 'enum', values: ['none', 'cosine'] },
  { key: 'totalSteps', path: 'optimizer.totalSteps', type: 'int' },
  { key: 'wd', path: 'optimizer.weightDecay', type: 'number' },
  { key: 'clip', path: 'optimizer.clipNorm', type: 'number' },
  { key: 'beta1', path: 'optimizer.beta1', type: 'number' },
  { key: 'beta2', path: 'optimizer.beta2', type: 'number' },
  { key: 'eps', path: 'optimizer.eps', type: 'number' },
  { key: 'metricsEvery', path: 'schedule.metricsEvery', type: 'int' },
  { key: 'evalEvery', path: 'schedule.evalEvery', type: 'int' },
  { key: 'statsEvery', path: 'schedule.statsEvery', type: 'int' },
  { key: 'probe', path: 'schedule.probeHalf', type: 'int' },
  { key: 'chunks', path: 'schedule.probeChunks', type: 'int' },
  { key: 'window', path: 'schedule.statsWindow', type: 'int' },
];

/** Task knob keys (`t<i>.<key>`) of the three knobs every task has. */
const ALL_MIXER_KNOBS = new Set(MIXER_NAMES.flatMap((n) => MIXERS[n].knobs.map((k) => k.name)));

export type DecodedHash =
  { ok: true; config: RunConfig; preset: PresetName } | { ok: false; message: string };

const enc = (v: string) =>
  encodeURIComponent(v)
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%2F/gi, '/')
    .replace(/%7B/gi, '{')
    .replace(/%7D/gi, '}')
    .replace(/%3B/gi, ';')
    .replace(/%3D/gi, '=');

function getPath(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((a, p) => (a as Record<string, unknown>)?.[p], o);
}

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split('.');
  let cur = o;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]] = v;
}

/** The hash (without '#') for a validated config. */
export function encodeHash(config: RunConfig, preset: PresetName): string {
  const out: [string, string][] = [['preset', preset]];
  out.push(['tasks', config.tasks.map((t) => t.spec).join(',')]);
  config.tasks.forEach((t, i) => {
    for (const [name, v] of taskKnobPairs(knobsDiff(t.spec, t.knobs))) {
      out.push([`t${i}.${name}`, String(v)]);
    }
  });
  for (const f of FIELDS) {
    const v = getPath(config, f.path);
    if (v === undefined) continue;
    out.push([f.key, Array.isArray(v) ? v.join(',') : String(v)]);
    if (f.key === 'mixer') {
      for (const [k, kv] of Object.entries(config.mixer.knobs)) out.push([k, String(kv)]);
      const ref = config.mixer.reference;
      if (ref) {
        out.push(['ref', ref.label], ['refSteps', ref.steps.join(',')]);
        const rows = ref.valLoss.map((row) => row.map((v) => Number(v.toPrecision(4))).join('/'));
        out.push(['refLoss', rows.join(',')]);
      }
    }
  }
  if (config.race) {
    out.push(['race', config.race.map((c) => formatBraceSpec(c.name, c.knobs)).join(',')]);
  }
  return out.map(([k, v]) => `${k}=${enc(v)}`).join('&');
}

/** `mix,pike{zeta2=0}` → contestants (knob values as text; the schema checks them). */
function parseRace(raw: string): { name: string; knobs: Record<string, string> }[] {
  try {
    return parseContestants(raw);
  } catch (e) {
    throw new HashError(`race: ${(e as Error).message}`);
  }
}

class HashError extends Error {}

function parseNumber(key: string, raw: string): number {
  if (!isNumeric(raw)) throw new HashError(`${key}: "${raw}" is not a number`);
  return Number(raw);
}

function parseValue(f: Field, raw: string): unknown {
  switch (f.type) {
    case 'enum':
      if (!f.values!.includes(raw)) {
        throw new HashError(`${f.key}: "${raw}" is not one of ${f.values!.join(', ')}`);
      }
      return raw;
    case 'numbers':
      return raw.split(',').map((x) => parseNumber(f.key, x));
    default:
      return parseNumber(f.key, raw);
  }
}

/** Splits "a=1&b=2" into pairs; a key given twice is an error. */
function readPairs(hash: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const body = hash.replace(/^#/, '');
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new HashError(`"${decodeSafe(part)}" is not of the form key=value`);
    const key = decodeSafe(part.slice(0, eq));
    if (pairs.has(key)) throw new HashError(`${key} is given twice`);
    pairs.set(key, decodeSafe(part.slice(eq + 1)));
  }
  return pairs;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HashError(`"${s}" is not valid URL encoding`);
  }
}

/** Maps a RunConfig path (from a schema error) to the hash key the user wrote. */
function keyOfPath(path: readonly PropertyKey[]): string {
  const p = path.map(String);
  if (p[0] === 'race') return p[1] === undefined ? 'race' : `race (contestant ${Number(p[1]) + 1})`;
  if (p[0] === 'mixer' && p[1] === 'reference') {
    return p[2] === 'steps' ? 'refSteps' : p[2] === 'label' ? 'ref' : 'refLoss';
  }
  if (p[0] === 'tasks' && p.length >= 4 && p[2] === 'knobs') {
    const short = Object.entries(TASK_KNOB_KEYS).find(([, v]) => v === p[3])?.[0];
    // A difficulty knob's key is its own name: t0.length, not t0.difficulty.length.
    const knob = p[3] === 'difficulty' && p[4] !== undefined ? p[4] : undefined;
    return `t${p[1]}.${short ?? knob ?? p.slice(3).join('.')}`;
  }
  if (p[0] === 'mixer' && p[1] === 'knobs' && p[2]) return p[2];
  const joined = p.join('.');
  return FIELDS.find((f) => joined === f.path || joined.startsWith(`${f.path}.`))?.key ?? joined;
}

function buildInput(
  pairs: Map<string, string>,
  problems: string[],
): { input: Record<string, unknown>; preset: PresetName } {
  const presetRaw = pairs.get('preset');
  if (presetRaw !== undefined && !isPresetName(presetRaw)) {
    throw new HashError(`preset: "${presetRaw}" is not one of ${PRESET_NAMES.join(', ')}`);
  }
  const preset: PresetName = presetRaw ?? 'multilingual';
  const input = structuredClone(presetConfig(preset)) as Record<string, unknown>;
  const tasksRaw = pairs.get('tasks');
  let tasks = input.tasks as { spec: string; knobs?: Partial<TaskKnobs> }[];
  if (tasksRaw !== undefined) {
    tasks = tasksRaw.split(',').map((spec) => ({ spec: spec.trim() }));
    input.tasks = tasks;
  }
  const mixerName = pairs.get('mixer') ?? (getPath(input, 'mixer.name') as string);
  const mixerKnobs = MIXER_NAMES.includes(mixerName as never)
    ? new Set(MIXERS[mixerName as keyof typeof MIXERS].knobs.map((k) => k.name))
    : new Set<string>();
  const knobs: Record<string, string> = {};
  const ref: { label?: string; steps?: number[]; loss?: number[][] } = {};
  const readKey = (key: string, raw: string): void => {
    const field = FIELDS.find((f) => f.key === key);
    const taskKey = /^t(\d+)\.([A-Za-z]\w*)$/.exec(key);
    if (key === 'ref') ref.label = raw;
    else if (key === 'race') input.race = parseRace(raw);
    else if (key === 'refSteps') ref.steps = raw.split(',').map((x) => parseNumber(key, x));
    else if (key === 'refLoss') {
      ref.loss = raw.split(',').map((row) => row.split('/').map((x) => parseNumber(key, x)));
    } else if (field) setPath(input, field.path, parseValue(field, raw));
    else if (taskKey) {
      const i = Number(taskKey[1]);
      if (i >= tasks.length) {
        throw new HashError(`${key}: there is no task ${i} (${tasks.length} tasks, from t0)`);
      }
      const k = (tasks[i].knobs ??= {});
      setTaskKnob(k, taskKey[2], raw, (why) => new HashError(`${key}: ${why}`));
    } else if (ALL_MIXER_KNOBS.has(key)) {
      if (!mixerKnobs.has(key)) {
        const own = [...mixerKnobs].join(', ') || 'none';
        throw new HashError(`${key}: not a knob of mixer "${mixerName}" (its knobs: ${own})`);
      }
      knobs[key] = raw;
    } else throw new HashError(`"${key}" is not a setting this page knows`);
  };
  for (const [key, raw] of pairs) {
    if (key === 'preset' || key === 'tasks') continue;
    try {
      readKey(key, raw);
    } catch (e) {
      if (!(e instanceof HashError)) throw e;
      problems.push(e.message);
    }
  }
  if (ref.label !== undefined || ref.steps || ref.loss) {
    if (ref.label === undefined || !ref.steps || !ref.loss) {
      problems.push('ref, refSteps and refLoss (a reference run) come together: one is missing');
    } else {
      setPath(input, 'mixer.reference', {
        label: ref.label,
        tasks: tasks.map((t) => t.spec),
        steps: ref.steps,
        valLoss: ref.loss,
      });
    }
  }
  if (pairs.has('mixer') || Object.keys(knobs).length) {
    const base = pairs.has('mixer') ? {} : (getPath(input, 'mixer.knobs') as object);
    setPath(input, 'mixer.knobs', { ...base, ...knobs });
  }
  return { input, preset };
}

/**
 * The tasks' specs and difficulty knobs checked one at a time, so that a problem names the link's
 * key (`tasks` for a bad spec, `t<i>.<knob>` for a bad knob) rather than only the task.
 */
function taskProblems(tasks: RunConfig['tasks']): string[] {
  const out: string[] = [];
  tasks.forEach((t, i) => {
    try {
      checkSpecText(t.spec);
      taskKnobsOf(t.spec);
    } catch (e) {
      out.push(`tasks: ${(e as Error).message}`);
      return;
    }
    for (const [name, v] of Object.entries(t.knobs?.difficulty ?? {})) {
      try {
        taskKnobsOf(t.spec, { difficulty: { [name]: v } });
      } catch (e) {
        out.push(`t${i}.${name}: ${(e as Error).message}`);
      }
    }
  });
  return out;
}

/** Reads a hash ("" or "#…"); an empty hash is the default preset. Never throws. */
export function decodeHash(hash: string): DecodedHash {
  try {
    const problems: string[] = [];
    const { input, preset } = buildInput(readPairs(hash), problems);
    const schema = runConfigSchema.safeParse(input);
    if (!schema.success) {
      problems.push(...schema.error.issues.map((i) => `${keyOfPath(i.path)}: ${i.message}`));
    } else problems.push(...taskProblems(schema.data.tasks));
    if (problems.length) return { ok: false, message: problems.join('; ') };
    const v = validateConfig(input);
    if (!v.ok) return { ok: false, message: v.message };
    return { ok: true, config: v.config, preset };
  } catch (e) {
    return { ok: false, message: e instanceof HashError ? e.message : String(e) };
  }
}
