/** Command-line parsing for the experiment runner: every problem is a UsageError (exit code 2). */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { isPresetName, PRESET_NAMES } from '../engine/config/presets';
import { getMixerDefinition, isMixerName, MIXER_NAMES } from '../engine/mixers/registry';
import { parseTaskSpec } from '../engine/tasks/catalogue';

export class UsageError extends Error {}

export interface ExperimentArgs {
  preset: string | null;
  tasks: string[] | null;
  mixers: string[];
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
}

export const USAGE = `usage: npm run experiment -- (--preset NAME | --tasks SPEC,SPEC,...) --mixers NAME,NAME,...
         [--steps N=400] [--seeds S=3] [--backend wasm|cpu] [--out DIR=experiments/latest]
         [--eval-every E=steps/10] [--batch B] [--lr LR] [--knobs NAME=V,NAME=V (e.g. T0=50,zeta1=0.5)]
         [--jobs J=${availableParallelism()} (processes running the mixers x seeds grid; 1 = this process)]
presets: ${PRESET_NAMES.join(', ')}
mixers:  ${MIXER_NAMES.join(', ')}
tasks:   udhr:<code>, markov:<seed>:<similarity>, copy, reverse, sort, add, modadd, parity, anti:<task>`;

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
  }
  return n;
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
        mixers: { type: 'string' },
        steps: { type: 'string' },
        seeds: { type: 'string' },
        backend: { type: 'string' },
        out: { type: 'string' },
        'eval-every': { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        knobs: { type: 'string' },
        jobs: { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!!values.preset === !!values.tasks)
    throw new UsageError('give exactly one of --preset or --tasks');
  if (values.preset && !isPresetName(values.preset)) {
    throw new UsageError(`unknown preset "${values.preset}"; presets: ${PRESET_NAMES.join(', ')}`);
  }
  const tasks = values.tasks ? values.tasks.split(',').map((s) => s.trim()) : null;
  for (const spec of tasks ?? []) {
    try {
      parseTaskSpec(spec);
    } catch (e) {
      throw new UsageError(`bad task spec "${spec}": ${(e as Error).message}`);
    }
  }
  if (!values.mixers) throw new UsageError('--mixers is required');
  const mixers = values.mixers.split(',').map((s) => s.trim());
  for (const m of mixers) {
    if (!isMixerName(m))
      throw new UsageError(`unknown mixer "${m}"; mixers: ${MIXER_NAMES.join(', ')}`);
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
  const knobs: Record<string, number | boolean> = {};
  for (const pair of values.knobs ? values.knobs.split(',') : []) {
    const [k, v] = pair.split('=').map((x) => x.trim());
    const num = Number(v);
    if (!k || v === undefined || (v !== 'true' && v !== 'false' && !Number.isFinite(num))) {
      throw new UsageError(`--knobs takes NAME=NUMBER pairs separated by commas, got "${pair}"`);
    }
    knobs[k] = v === 'true' ? true : v === 'false' ? false : num;
  }
  for (const k of Object.keys(knobs)) {
    if (!mixers.some((m) => getMixerDefinition(m).knobs.some((spec) => spec.name === k))) {
      throw new UsageError(`knob "${k}" belongs to none of the mixers ${mixers.join(', ')}`);
    }
  }
  // Knob values are checked here, not in the middle of a run (where they would fail it, exit 1).
  for (const m of mixers) {
    const def = getMixerDefinition(m);
    const own = Object.fromEntries(
      Object.entries(knobs).filter(([k]) => def.knobs.some((spec) => spec.name === k)),
    );
    const checked = def.schema.safeParse(own);
    if (!checked.success) {
      const why = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new UsageError(`bad knobs for mixer ${m}: ${why.join('; ')}`);
    }
  }
  return {
    knobs,
    preset: values.preset ?? null,
    tasks,
    mixers,
    steps,
    seeds: positiveInt('seeds', values.seeds, 3),
    backend,
    jobs: positiveInt('jobs', values.jobs, availableParallelism()),
    out: values.out ?? 'experiments/latest',
    evalEvery: Math.min(
      steps,
      positiveInt('eval-every', values['eval-every'], Math.max(1, Math.round(steps / 10))),
    ),
    batchSize: values.batch === undefined ? null : positiveInt('batch', values.batch, 32),
    lr,
  };
}
