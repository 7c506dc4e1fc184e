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

/** A number or integer knob's spec without its kind and scale (knobs.ts's helpers add them). */
export type Num = Omit<MixerKnobSpec, 'kind' | 'scale' | 'default'> & { default: number };
/** A real-valued knob. */
export const num = (s: Num, scale: 'linear' | 'log' = 'linear'): MixerKnobSpec => ({
  ...s,
  kind: 'number',
  scale,
});

/** An integer knob. */
export const int = (s: Num, scale: 'linear' | 'log' = 'linear'): MixerKnobSpec => ({
  ...s,
  step: 1,
  kind: 'integer',
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

/** A knob spec with another default (pike-kkt's floor is 0, not pike's). */
export function withDefault(spec: MixerKnobSpec, value: number): MixerKnobSpec {
  return { ...spec, default: value };
}
