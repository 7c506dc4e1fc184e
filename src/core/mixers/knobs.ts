/**
 * Knob specs of the mixers (what a UI renders) and the zod schemas built from them (what the
 * URL decoder, imported files and createMixer validate with). One spec → one schema entry, so
 * the range a slider offers is the range the validator accepts.
 */
import { z } from 'zod';
import { isNumeric } from '../config/numeric';
import type { KnobSpec } from '../types';
import { MIXER_DEFAULTS } from './defaults';

/** A mixer knob: KnobSpec plus how to render and validate it. Booleans use min 0, max 1, step 1. */
export interface MixerKnobSpec extends KnobSpec {
  kind: 'number' | 'integer' | 'boolean';
  /** Suggests a logarithmic slider (ranges over several orders of magnitude). */
  scale: 'linear' | 'log';
}

/** Numeric strings (from a URL hash) become numbers; anything else is left for zod to reject. */
const fromString = (v: unknown) => (typeof v === 'string' && isNumeric(v) ? Number(v) : v);

/**
 * The zod schema of one knob: a number in [min, max] (an integer when kind = 'integer'), or a
 * boolean (also accepting 0/1 and "true"/"false"), defaulting to spec.default.
 */
export function knobSchema(spec: MixerKnobSpec): z.ZodType<number | boolean> {
  if (spec.kind === 'boolean') {
    const text = (v: unknown) => (v === 'true' ? true : v === 'false' ? false : fromString(v));
    const flag = z
      .union([z.boolean(), z.literal(0), z.literal(1)], {
        error: 'must be true or false (or 1 / 0)',
      })
      .transform((v) => Boolean(v));
    return z.preprocess(text, flag.default(spec.default === 1));
  }
  let n = z
    .number({ error: 'must be a finite number' })
    .min(spec.min, { error: `must be ≥ ${spec.min}` })
    .max(spec.max, { error: `must be ≤ ${spec.max}` });
  if (spec.kind === 'integer') n = n.int({ error: 'must be an integer' });
  return z.preprocess(fromString, n.default(spec.default));
}

/** The values a knob set parses to: booleans for kind 'boolean', numbers otherwise. */
export type KnobValues<S extends Record<string, MixerKnobSpec>> = {
  [K in keyof S]: S[K]['kind'] extends 'boolean' ? boolean : number;
};

/**
 * A mixer's knob list and its schema, a strict object (unknown keys are errors, to catch typos)
 * with one knobSchema entry per spec, keyed by the spec's name. The schema is built on its first
 * parse (z.lazy), not when the registry is imported: building all 13 mixers' schemas was about a
 * fifth of the page's module evaluation in a 4x-slowed load.
 */
export function knobSet<const S extends Record<string, MixerKnobSpec>>(
  specs: S,
): { knobs: readonly MixerKnobSpec[]; schema: z.ZodType<KnobValues<S>> } {
  const list = Object.values(specs);
  const build = () =>
    z.strictObject(Object.fromEntries(list.map((spec) => [spec.name, knobSchema(spec)])));
  // The shape is built from the specs at run time; KnobValues<S> states its parsed type.
  return { knobs: list, schema: z.lazy(build) as unknown as z.ZodType<KnobValues<S>> };
}

type Num = Omit<MixerKnobSpec, 'kind' | 'scale' | 'default'> & { default: number };
const num = (s: Num, scale: 'linear' | 'log' = 'linear'): MixerKnobSpec => ({
  ...s,
  kind: 'number',
  scale,
});

const P = MIXER_DEFAULTS.pike;
const KKT = MIXER_DEFAULTS['pike-kkt'];

/** Every knob any mixer has, by name; the registry picks its mixers' lists from these. */
export const KNOBS = {
  T: num({
    name: 'T',
    label: 'Temperature T',
    min: 1,
    max: 100,
    step: 0.1,
    default: MIXER_DEFAULTS.temperature.T,
    help: 'q_k ∝ n_k^(1/T): 1 is proportional to pool size, large T is uniform.',
  }),
  T0: {
    name: 'T0',
    label: 'Update period T₀',
    min: 1,
    max: 1000,
    step: 1,
    default: P.T0,
    help: 'Steps between weight updates (each update measures gradient statistics).',
    kind: 'integer',
    scale: 'log',
  } satisfies MixerKnobSpec,
  zeta1: num({
    name: 'zeta1',
    label: 'ζ₁ (gradient term)',
    min: 0,
    max: 100,
    step: 0.01,
    default: P.zeta1,
    help: 'Step size on ‖∇L_k‖²: higher moves weight faster toward tasks with large gradients.',
  }),
  zeta2: num({
    name: 'zeta2',
    label: 'ζ₂ (variance term)',
    min: 0,
    max: 100,
    step: 0.01,
    default: P.zeta2,
    help: 'Step size on σ_k²/2b: higher moves weight away from noisy tasks.',
  }),
  floor: num({
    name: 'floor',
    label: 'Weight floor f',
    min: 0,
    max: 1,
    step: 0.005,
    default: P.floor,
    help: 'Every task keeps at least this share of the batch (at most 1/K).',
  }),
  scaleAware: {
    name: 'scaleAware',
    label: 'Scale-aware',
    min: 0,
    max: 1,
    step: 1,
    default: P.scaleAware ? 1 : 0,
    help: 'Divide the exponent by the mean ‖∇L_k‖² so ζ₁, ζ₂ do not depend on the model scale.',
    kind: 'boolean',
    scale: 'linear',
  } satisfies MixerKnobSpec,
  smooth: num({
    name: 'smooth',
    label: 'Smoothing β',
    min: 0,
    max: 0.95,
    step: 0.05,
    default: P.smooth,
    help: 'Average ‖∇L_k‖² and σ_k² over updates (weight β on the past) to cut estimation noise; 0 uses each update’s own, as in the paper.',
  }),
  tau: num({
    name: 'tau',
    label: 'Tilt τ',
    min: 0,
    max: 10,
    step: 0.1,
    default: MIXER_DEFAULTS['balanced-pike'].tau,
    help: '0 is plain PiKE; larger τ gives lagging (high-loss) tasks more weight.',
  }),
  eta: num(
    {
      name: 'eta',
      label: 'Learning rate η',
      min: 1e-6,
      max: 1,
      step: 1e-6,
      default: KKT.eta,
      help: 'The optimizer learning rate η in the bound; small η favours large-gradient tasks.',
    },
    'log',
  ),
  L: num(
    {
      name: 'L',
      label: 'Smoothness L',
      min: 1e-3,
      max: 1000,
      step: 0.001,
      default: KKT.L,
      help: 'Lipschitz constant of the gradients; larger L penalises noise and concentration.',
    },
    'log',
  ),
  beta: num({
    name: 'beta',
    label: 'β (conflict, linear term)',
    min: 0,
    max: 10,
    step: 0.01,
    default: KKT.beta,
    help: 'Scales the gain −ηβ‖∇L_k‖²; 1 when task gradients do not conflict.',
  }),
  gamma: num({
    name: 'gamma',
    label: 'γ (alignment, quadratic term)',
    min: 0,
    max: 10,
    step: 0.01,
    default: KKT.gamma,
    help: 'Scales the curvature Lη²γ‖∇L_k‖² that spreads the weights; 1 without conflict.',
  }),
} as const satisfies Record<string, MixerKnobSpec>;

const D = MIXER_DEFAULTS;
const int = (s: Num, scale: 'linear' | 'log' = 'linear'): MixerKnobSpec => ({
  ...s,
  step: 1,
  kind: 'integer',
  scale,
});
const period = (def: number, help: string): MixerKnobSpec =>
  int(
    { name: 'T0', label: 'Update period T', min: 1, max: 1000, step: 1, default: def, help },
    'log',
  );

/** Knobs of the paper's adaptive baselines (famo, odm, doremi, ado, unimax) and of the others. */
export const BASELINE_KNOBS = {
  famo: {
    T0: period(D.famo.T0, 'Steps between logit updates; each measures a fixed probe per task.'),
    wlr: num(
      {
        name: 'wlr',
        label: 'Logit learning rate',
        min: 1e-4,
        max: 1,
        step: 1e-4,
        default: D.famo.wlr,
        help: 'Adam step size on the task logits ξ (FAMO’s w_lr).',
      },
      'log',
    ),
    wdecay: num({
      name: 'wdecay',
      label: 'Logit decay γ',
      min: 0,
      max: 1,
      step: 1e-4,
      default: D.famo.wdecay,
      help: 'Weight decay on ξ: pulls the weights back toward uniform.',
    }),
  },
  odm: {
    T0: period(D.odm.T0, 'Steps between recomputations of the sampling weights.'),
    uniformSteps: int({
      name: 'uniformSteps',
      label: 'Uniform steps first',
      min: 0,
      max: 100_000,
      step: 1,
      default: D.odm.uniformSteps,
      help: 'Uniform sampling for this many steps before the bandit starts.',
    }),
  },
  doremi: {
    T0: period(D.doremi.T0, 'Steps between updates; each evaluates every task’s held-out set.'),
    eta: num({
      name: 'eta',
      label: 'Step size η',
      min: 0,
      max: 10,
      step: 0.01,
      default: D.doremi.eta,
      help: 'Log-weight change per nat of excess loss over the reference.',
    }),
    smoothing: num({
      name: 'smoothing',
      label: 'Smoothing c',
      min: 0,
      max: 1,
      step: 0.001,
      default: D.doremi.smoothing,
      help: 'Mixes c of uniform into the weights: every task keeps ≥ c/K.',
    }),
  },
  ado: {
    T0: period(D.ado.T0, 'Steps between policy updates.'),
    fitEvery: int({
      name: 'fitEvery',
      label: 'Refit every',
      min: 1,
      max: 100_000,
      step: 1,
      default: D.ado.fitEvery,
      help: 'Steps between refits of the per-task scaling laws.',
    }),
    start: int({
      name: 'start',
      label: 'First fit at step',
      min: 0,
      max: 100_000,
      step: 1,
      default: D.ado.start,
      help: 'The weights stay uniform until the first fit.',
    }),
    floor: num({
      name: 'floor',
      label: 'Minimum share δ',
      min: 0,
      max: 1,
      step: 0.005,
      default: D.ado.floor,
      help: 'Smallest sampling probability of a task (at most 1/K).',
    }),
  },
  unimax: {
    epochs: num(
      {
        name: 'epochs',
        label: 'Max epochs N',
        min: 0.01,
        max: 1000,
        step: 0.01,
        default: D.unimax.epochs,
        help: 'No task is planned for more than N passes over its pool.',
      },
      'log',
    ),
    steps: int(
      {
        name: 'steps',
        label: 'Planned steps',
        min: 1,
        max: 1_000_000,
        step: 1,
        default: D.unimax.steps,
        help: 'Run length for the budget: steps × batch size examples.',
      },
      'log',
    ),
  },
  aioli: {
    roundSteps: int(
      {
        name: 'roundSteps',
        label: 'Round length',
        min: 10,
        max: 100_000,
        step: 1,
        default: D.aioli.roundSteps,
        help: 'Steps per round: the sweeps, then training at the learned mixture.',
      },
      'log',
    ),
    lpRounds: int({
      name: 'lpRounds',
      label: 'Sweeps per task',
      min: 1,
      max: 10,
      step: 1,
      default: D.aioli.lpRounds,
      help: 'How many times a round sweeps every task (each sweep mostly one task).',
    }),
    lpSteps: int({
      name: 'lpSteps',
      label: 'Steps per sweep',
      min: 1,
      max: 100,
      step: 1,
      default: D.aioli.lpSteps,
      help: 'Training steps of each sweep before the held-out losses are measured.',
    }),
    ohf: num({
      name: 'ohf',
      label: 'Sweep share f',
      min: 0.6,
      max: 1,
      step: 0.01,
      default: D.aioli.ohf,
      help: 'The swept task’s share of a sweep’s batches; the rest is split evenly.',
    }),
    ema: num({
      name: 'ema',
      label: 'EMA weight',
      min: 0,
      max: 0.99,
      step: 0.01,
      default: D.aioli.ema,
      help: 'Weight of earlier rounds in the averaged matrix A (0: this round only).',
    }),
    eta: num({
      name: 'eta',
      label: 'Step size η',
      min: 0,
      max: 20,
      step: 0.01,
      default: D.aioli.eta,
      help: 'p_j ∝ exp(η·Σ_i A_ij): the largest weight is at most e^η times the smallest.',
    }),
  },
  doge: {
    T0: period(D.doge.T0, 'Steps between updates; each measures gradient statistics.'),
    eta: num({
      name: 'eta',
      label: 'Step size η',
      min: 0,
      max: 100,
      step: 0.01,
      default: D.doge.eta,
      help: 'Log-weight change per unit of score (the reference’s lr/μ per step, times T).',
    }),
    dwMax: num({
      name: 'dwMax',
      label: 'Score clip',
      min: 0,
      max: 100,
      step: 0.1,
      default: D.doge.dwMax,
      help: 'Scores are clipped to [0, this].',
    }),
    selfTerm: {
      name: 'selfTerm',
      label: 'Self term',
      min: 0,
      max: 1,
      step: 1,
      default: D.doge.selfTerm ? 1 : 0,
      help: 'Score a task against all tasks including itself (as the reference code runs), or the others only.',
      kind: 'boolean',
      scale: 'linear',
    } satisfies MixerKnobSpec,
    floor: num({
      name: 'floor',
      label: 'Weight floor f',
      min: 0,
      max: 1,
      step: 0.005,
      default: D.doge.floor,
      help: 'Every task keeps at least this share of the batch (at most 1/K).',
    }),
  },
  cagrad: {
    calpha: num({
      name: 'calpha',
      label: 'Radius α',
      min: 0,
      max: 10,
      step: 0.01,
      default: D.cagrad.calpha,
      help: 'How far (× the average gradient’s norm) the update may move toward the worst task; 0 is Mix.',
    }),
  },
} as const satisfies Record<string, Record<string, MixerKnobSpec>>;

/** A knob spec with another default (pike-kkt's floor is 0, not pike's). */
export function withDefault(spec: MixerKnobSpec, value: number): MixerKnobSpec {
  return { ...spec, default: value };
}
