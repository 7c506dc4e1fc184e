/** Command-line parsing for the experiment runner: every problem is a UsageError (exit code 2). */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { isPresetName, PRESET_NAMES } from '../core/config/presets';
import type { TaskSetup } from '../core/config/run-config';
import {
  formatBraceSpec,
  parseBraceSpec,
  parseTaskWithKnobs,
  splitSpecs,
} from '../core/config/spec';
import { getMixerDefinition, isMixerName, MIXER_NAMES, MIXERS } from '../core/mixers/registry';
import { taskKnobsOf } from '../core/config/validate';
import type { MixerName } from '../core/types';

export class UsageError extends Error {}

/** One mixer of the grid: `pike{zeta2=0}` → { label: "pike{zeta2=0}", name: "pike", knobs: { zeta2: 0 } }. */
export interface MixerVariant {
  /** The spec as a label (results.json, curves.csv, the table). */
  label: string;
  name: MixerName;
  /** The variant's own knobs (validated); they override --knobs. */
  knobs: Record<string, number | boolean>;
}

export interface ExperimentArgs {
  preset: string | null;
  /** --tasks: task setups parsed from the brace syntax, e.g. udhr:hi{noise=0.3;pool=500}. */
  tasks: TaskSetup[] | null;
  /** --setup: a run file exported by the page (or its setup alone). */
  setup: string | null;
  /** null with --setup and no --mixers: the setup's own mixer. */
  mixers: MixerVariant[] | null;
  /** --reference MIXER: doremi's reference run (a run of that mixer, same seed, run first). */
  reference: MixerVariant | null;
  steps: number;
  seeds: number;
  backend: 'wasm' | 'cpu';
  out: string;
  evalEvery: number;
  batchSize: number | null;
  lr: number | null;
  /** Mixer knob overrides, e.g. { T0: 50, zeta1: 0.5 }, applied to every mixer that has them. */
  knobs: Record<string, number | boolean>;
  /** Processes to train the grid in (at most one per run); 1 trains in this process. */
  jobs: number;
  /** --shard I/N: train only the I-th (1-based) of N slices of the seeds × mixers grid. */
  shard: { index: number; count: number } | null;
  /** --stats-every N: gradient statistics every N steps, recording the conflict (0: none). */
  statsEvery: number;
  /** --conflict-from A --conflict-to B: the steps the recorded conflict covers (null: all). */
  conflictWindow: { from: number; to: number } | null;
}

export const USAGE = `usage: npm run experiment -- (--preset NAME | --tasks SPEC,SPEC,... | --setup FILE)
         [--mixers SPEC,SPEC,...] [--reference MIXER] [--steps N=400] [--seeds S=3]
         [--backend wasm|cpu] [--out DIR=experiments/latest] [--eval-every E=steps/10]
         [--batch B] [--lr LR] [--knobs NAME=V,NAME=V (shared by every mixer that has them)]
         [--jobs J=${availableParallelism()} (processes running the grid; 1 = this process)]
         [--shard I/N (train the I-th of N slices of the seeds x mixers grid)]
         [--stats-every N (record the task-gradient cosines every N steps: the share of negative
          ones, their mean, and each pair's mean, printed per seed)]
         [--conflict-from A=1] [--conflict-to B=steps] (with --stats-every: count only the
          statistics steps A..B, both included, e.g. --conflict-from 20 --conflict-to 200)
       npm run experiment -- merge DIR DIR ... [--out DIR=experiments/merged]
specs:   a name with knobs in braces, e.g. udhr:hi{noise=0.3;pool=500}, add{digits=4},
         pike{zeta2=0}, balanced-pike{tau=3;T0=25}; task knobs: pool, noise, enabled, or a
         difficulty knob; mixer knobs: the mixer's own (see the README)
presets: ${PRESET_NAMES.join(', ')}
mixers:  ${MIXER_NAMES.join(', ')}
tasks:   udhr:<code>, markov:<seed>:<similarity>, copy, reverse, sort, add, modadd, parity,
         anti:<task>, blind:<task> (blind:copy, blind:anti:copy: no task token)`;

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
  }
  return n;
}

/** Splits a --tasks / --mixers list, turning brace errors into usage errors. */
function specList(option: string, list: string): string[] {
  try {
    return splitSpecs(list);
  } catch (e) {
    throw new UsageError(`--${option}: ${(e as Error).message}`);
  }
}

/**
 * A mixer spec with its knobs checked against the mixer's schema together with the shared
 * --knobs it takes (the variant's win). Exported for --reference and the tests.
 */
export function parseMixerVariant(
  spec: string,
  shared: Record<string, number | boolean> = {},
): MixerVariant {
  let parsed;
  try {
    parsed = parseBraceSpec(spec);
  } catch (e) {
    throw new UsageError(`bad mixer spec ${(e as Error).message}`);
  }
  if (!isMixerName(parsed.name)) {
    throw new UsageError(`unknown mixer "${parsed.name}"; mixers: ${MIXER_NAMES.join(', ')}`);
  }
  const def = getMixerDefinition(parsed.name);
  const own = Object.fromEntries(parsed.knobs);
  for (const key of Object.keys(own)) {
    if (!def.knobs.some((k) => k.name === key)) {
      const known = def.knobs.map((k) => k.name).join(', ') || 'none';
      throw new UsageError(
        `"${spec}": ${key} is not a knob of ${parsed.name} (its knobs: ${known})`,
      );
    }
  }
  const sharedOwn = Object.fromEntries(
    Object.entries(shared).filter(([k]) => def.knobs.some((spec) => spec.name === k)),
  );
  // Knob values are checked here, not in the middle of a run (where they would fail it, exit 1).
  const checked = def.schema.safeParse({ ...sharedOwn, ...own });
  if (!checked.success) {
    const why = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new UsageError(`bad knobs for mixer ${spec}: ${why.join('; ')}`);
  }
  const values = checked.data as Record<string, number | boolean>;
  const knobs = Object.fromEntries(Object.keys(own).map((k) => [k, values[k]]));
  return { label: formatBraceSpec(parsed.name, knobs), name: parsed.name, knobs };
}

function parseShard(v: string | undefined): ExperimentArgs['shard'] {
  if (v === undefined) return null;
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1 && index <= count)) {
    throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N (e.g. 2/4), got "${v}"`);
  }
  return { index, count };
}

export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        preset: { type: 'string' },
        tasks: { type: 'string' },
        setup: { type: 'string' },
        mixers: { type: 'string' },
        reference: { type: 'string' },
        steps: { type: 'string' },
        seeds: { type: 'string' },
        backend: { type: 'string' },
        out: { type: 'string' },
        'eval-every': { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        knobs: { type: 'string' },
        jobs: { type: 'string' },
        shard: { type: 'string' },
        'stats-every': { type: 'string' },
        'conflict-from': { type: 'string' },
        'conflict-to': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const sources = [values.preset, values.tasks, values.setup].filter((v) => v !== undefined);
  if (sources.length !== 1)
    throw new UsageError('give exactly one of --preset, --tasks or --setup');
  if (values.preset && !isPresetName(values.preset)) {
    throw new UsageError(`unknown preset "${values.preset}"; presets: ${PRESET_NAMES.join(', ')}`);
  }
  const tasks = values.tasks
    ? specList('tasks', values.tasks).map((spec) => {
        try {
          const setup = parseTaskWithKnobs(spec);
          // The spec and its knobs' ranges, checked as the page checks them.
          taskKnobsOf(setup.spec, setup.knobs);
          return setup;
        } catch (e) {
          throw new UsageError(`bad task spec "${spec}": ${(e as Error).message}`);
        }
      })
    : null;
  if (!values.mixers && !values.setup) throw new UsageError('--mixers is required');
  const knobs: Record<string, number | boolean> = {};
  for (const pair of values.knobs ? values.knobs.split(',') : []) {
    const [k, v] = pair.split('=').map((x) => x.trim());
    const num = Number(v);
    if (!k || v === undefined || (v !== 'true' && v !== 'false' && !Number.isFinite(num))) {
      throw new UsageError(`--knobs takes NAME=NUMBER pairs separated by commas, got "${pair}"`);
    }
    knobs[k] = v === 'true' ? true : v === 'false' ? false : num;
  }
  const mixers = values.mixers
    ? specList('mixers', values.mixers).map((m) => parseMixerVariant(m, knobs))
    : null;
  const labels = new Set<string>();
  for (const m of mixers ?? []) {
    if (labels.has(m.label)) throw new UsageError(`--mixers lists ${m.label} twice`);
    labels.add(m.label);
  }
  for (const k of Object.keys(knobs)) {
    const owners = mixers ?? MIXER_NAMES.map((name) => ({ name }));
    if (!owners.some((m) => getMixerDefinition(m.name).knobs.some((spec) => spec.name === k))) {
      const which = mixers ? `the mixers ${mixers.map((m) => m.label).join(', ')}` : 'any mixer';
      throw new UsageError(`knob "${k}" belongs to none of ${which}`);
    }
  }
  const reference = values.reference ? parseMixerVariant(values.reference, knobs) : null;
  if (reference && MIXERS[reference.name].usesReference) {
    throw new UsageError(`--reference ${reference.label}: a reference run cannot itself need one`);
  }
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu')
    throw new UsageError(`--backend must be wasm or cpu, got "${backend}"`);
  const steps = positiveInt('steps', values.steps, 400);
  let lr: number | null = null;
  if (values.lr !== undefined) {
    lr = Number(values.lr);
    if (!(lr > 0 && lr <= 10))
      throw new UsageError(`--lr must be a number in (0, 10], got "${values.lr}"`);
  }
  const statsEvery =
    values['stats-every'] === undefined ? 0 : positiveInt('stats-every', values['stats-every'], 0);
  const from = values['conflict-from'];
  const to = values['conflict-to'];
  let conflictWindow: ExperimentArgs['conflictWindow'] = null;
  if (from !== undefined || to !== undefined) {
    if (statsEvery === 0) {
      throw new UsageError('--conflict-from / --conflict-to need --stats-every N');
    }
    conflictWindow = {
      from: positiveInt('conflict-from', from, 1),
      to: positiveInt('conflict-to', to, steps),
    };
    if (conflictWindow.from > conflictWindow.to || conflictWindow.to > steps) {
      throw new UsageError(
        `the conflict window must satisfy 1 ≤ --conflict-from ≤ --conflict-to ≤ --steps (${steps}), ` +
          `got ${conflictWindow.from}..${conflictWindow.to}`,
      );
    }
  }
  return {
    knobs,
    preset: values.preset ?? null,
    tasks,
    setup: values.setup ?? null,
    mixers,
    reference,
    steps,
    seeds: positiveInt('seeds', values.seeds, 3),
    backend,
    jobs: positiveInt('jobs', values.jobs, availableParallelism()),
    shard: parseShard(values.shard),
    out: values.out ?? 'experiments/latest',
    evalEvery: Math.min(
      steps,
      positiveInt('eval-every', values['eval-every'], Math.max(1, Math.round(steps / 10))),
    ),
    batchSize: values.batch === undefined ? null : positiveInt('batch', values.batch, 32),
    lr,
    statsEvery,
    conflictWindow,
  };
}
