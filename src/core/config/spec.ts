/**
 * The brace syntax the command line shares with the page's link: a name followed by knobs in
 * braces, separated by semicolons, with the knob names the URL hash uses.
 *
 *   udhr:hi{noise=0.3;pool=500}     a task: `pool`, `noise`, `enabled`, or a difficulty knob
 *   add{digits=4}
 *   pike{zeta2=0}                   a mixer variant: the mixer's own knob names
 *   balanced-pike{tau=3;T0=25}
 *
 * Lists of specs are comma-separated; commas inside braces belong to the spec, so
 * `splitSpecs("pike{zeta2=0},mix")` is ["pike{zeta2=0}", "mix"]. Pure string handling and zod
 * checks (no tfjs), so the CLI, the store and the tests share it.
 */
import { isMixerName, MIXER_NAMES, type MixerName } from '../mixers/names';
import { isNumeric } from './numeric';
import type { TaskSetup } from './run-config';

/** A parsed `name{key=value;…}`: values stay strings until the owner's schema reads them. */
export interface BraceSpec {
  name: string;
  knobs: [string, string][];
}

/** Splits a comma-separated list of specs, keeping commas inside braces. Throws on bad braces. */
export function splitSpecs(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (depth < 0) throw new Error(`"${list}": a "}" closes no "{"`);
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new Error(`"${list}": a "{" is never closed`);
  out.push(cur.trim());
  if (out.some((s) => s === '')) throw new Error(`"${list}": an empty entry in the list`);
  return out;
}

const KNOB_NAME = /^[A-Za-z]\w*$/;

/** Parses `name{k=v;k=v}` (braces optional). Throws naming the spec on any problem. */
export function parseBraceSpec(spec: string): BraceSpec {
  const s = spec.trim();
  const open = s.indexOf('{');
  if (open < 0) {
    if (s.includes('}')) throw new Error(`"${spec}": a "}" closes no "{"`);
    return { name: s, knobs: [] };
  }
  if (!s.endsWith('}') || s.indexOf('{', open + 1) >= 0 || s.indexOf('}') !== s.length - 1) {
    throw new Error(`"${spec}": knobs go in one pair of braces at the end, e.g. name{a=1;b=2}`);
  }
  const name = s.slice(0, open).trim();
  if (name === '') throw new Error(`"${spec}": no name before "{"`);
  const body = s.slice(open + 1, -1).trim();
  const knobs: [string, string][] = [];
  for (const part of body === '' ? [] : body.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0 || key === '' || value === '') {
      throw new Error(`"${spec}": "${part.trim()}" is not of the form knob=value`);
    }
    // The names a link gives knobs (t0.pool, zeta2): this also keeps out "__proto__", which a
    // knob object would silently drop.
    if (!KNOB_NAME.test(key)) {
      throw new Error(
        `"${spec}": "${key}" is not a knob name (a letter, then letters, digits or _)`,
      );
    }
    if (knobs.some(([k]) => k === key)) throw new Error(`"${spec}": ${key} is given twice`);
    knobs.push([key, value]);
  }
  return { name, knobs };
}

/** `name{k=v;…}` from a name and knobs (just the name when there are none). */
export function formatBraceSpec(name: string, knobs: Record<string, unknown>): string {
  const parts = Object.entries(knobs).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `${name}{${parts.join(';')}}` : name;
}

/** The names a link (`t0.pool`) and a spec (`{pool=…}`) give the knobs every task has. */
export const TASK_KNOB_KEYS = {
  pool: 'poolSize',
  noise: 'labelNoise',
  enabled: 'enabled',
} as const;

type TaskKnobsPatch = NonNullable<TaskSetup['knobs']>;

/**
 * Sets the task knob a link or spec calls `key` (`pool`, `noise`, `enabled`, else a difficulty
 * knob) from its text. Text that is not a number (or true/false for `enabled`; 1/0 also work)
 * throws `fail(reason)`; ranges are checked when the task is built.
 */
export function setTaskKnob(
  knobs: TaskKnobsPatch,
  key: string,
  raw: string,
  fail: (reason: string) => Error,
): void {
  if (key === 'enabled') {
    if (raw === 'true' || raw === '1') knobs.enabled = true;
    else if (raw === 'false' || raw === '0') knobs.enabled = false;
    else throw fail(`"${raw}" is not true or false`);
    return;
  }
  if (!isNumeric(raw)) throw fail(`"${raw}" is not a number`);
  const value = Number(raw);
  if (key === 'pool') knobs.poolSize = value;
  else if (key === 'noise') knobs.labelNoise = value;
  else knobs.difficulty = { ...knobs.difficulty, [key]: value };
}

/** The task knobs `knobs` sets, by the names links and specs use (pool, noise, enabled, difficulty). */
export function taskKnobPairs(knobs: Partial<TaskKnobsPatch>): [string, number | boolean][] {
  const out: [string, number | boolean][] = [];
  for (const [short, long] of Object.entries(TASK_KNOB_KEYS)) {
    const v = knobs[long];
    if (v !== undefined) out.push([short, v]);
  }
  for (const [name, v] of Object.entries(knobs.difficulty ?? {})) out.push([name, v]);
  return out;
}

/**
 * A task spec with optional knobs, e.g. `udhr:hi{noise=0.3;pool=500}` → { spec: "udhr:hi",
 * knobs: { labelNoise: 0.3, poolSize: 500 } }. The keys are the URL hash's: `pool`, `noise`,
 * `enabled` (true/false), any other name is a difficulty knob (checked when the task is built,
 * with a message that names the knob and its range).
 */
export function parseTaskWithKnobs(spec: string): TaskSetup {
  const { name, knobs } = parseBraceSpec(spec);
  if (knobs.length === 0) return { spec: name };
  const out: TaskKnobsPatch = {};
  for (const [key, raw] of knobs) {
    setTaskKnob(out, key, raw, (why) => new Error(`"${spec}": ${key}: ${why}`));
  }
  return { spec: name, knobs: out };
}

/** The brace spec of a task setup (inverse of parseTaskWithKnobs for the knobs it sets). */
export function formatTaskWithKnobs(setup: TaskSetup): string {
  return formatBraceSpec(setup.spec, Object.fromEntries(taskKnobPairs(setup.knobs ?? {})));
}

/**
 * A race's contestants written as mixer specs, `mix,pike{zeta2=0}`: names checked, knob values
 * left as text for the mixer's schema (the link and the race panel share this). Throws naming
 * the spec.
 */
export function parseContestants(
  list: string,
): { name: MixerName; knobs: Record<string, string> }[] {
  return splitSpecs(list).map((spec) => {
    const b = parseBraceSpec(spec);
    if (!isMixerName(b.name)) {
      throw new Error(`"${b.name}" is not a mixer (mixers: ${MIXER_NAMES.join(', ')})`);
    }
    return { name: b.name, knobs: Object.fromEntries(b.knobs) };
  });
}
