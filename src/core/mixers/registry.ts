/**
 * The mixer table: name → {label, summary, update rule, knobs, knob schema, factory}. The UI
 * renders the menu, sliders and rule text from it; the worker/CLI create mixers through
 * `createMixer`, which validates the context and the knobs. Pure data and functions (zod and
 * the mixer modules; no tfjs, no DOM), so any layer can import it.
 */
import type { z } from 'zod';
import type { Mixer } from '../types';
import { isMixerName, MIXER_NAMES, type MixerName } from './names';
import { createBalancedPikeMixer } from './balanced-pike';
import { formatIssues, validateContext, type MixerContext } from './context';
import { MIXER_DEFAULTS } from './defaults';
import { createAdoMixer } from './ado';
import { createDoremiMixer } from './doremi';
import { createFamoMixer } from './famo';
import { BASELINE_KNOBS } from './baseline-knobs';
import { KNOBS, knobSet, withDefault, type MixerKnobSpec } from './knobs';
import { createOdmMixer } from './odm';
import { createUnimaxMixer } from './unimax';
import { createAioliMixer } from './aioli';
import { createCagradMixer } from './cagrad';
import { createDogeMixer } from './doge';
import { createPcgradMixer } from './pcgrad';
import { createMixMixer } from './mix';
import { createPikeMixer } from './pike';
import { createPikeKktMixer } from './pike-kkt';
import { createRandomMixer } from './random';
import { createRoundRobinMixer } from './round-robin';
import { createStaticMixer } from './static';
import { createTemperatureMixer } from './temperature';

export type { MixerContext } from './context';
export type { MixerKnobSpec } from './knobs';

export interface MixerDefinition<O = unknown> {
  name: MixerName;
  label: string;
  /** One sentence a UI can show. */
  summary: string;
  /** The update rule in plain text / unicode. */
  rule: string;
  knobs: readonly MixerKnobSpec[];
  /** Validates knobs (strict: unknown keys are errors) and fills in defaults. */
  schema: z.ZodType<O>;
  /** Whether ctx.initialWeights is used (static, pike, pike-kkt, balanced-pike). */
  usesInitialWeights: boolean;
  /** Whether it needs a reference run (ctx.reference: doremi). */
  usesReference?: boolean;
  create(ctx: MixerContext, knobs: O): Mixer;
}

const noKnobs = knobSet({});
const PIKE_KNOBS = {
  T0: KNOBS.T0,
  zeta1: KNOBS.zeta1,
  zeta2: KNOBS.zeta2,
  floor: KNOBS.floor,
  scaleAware: KNOBS.scaleAware,
  smooth: KNOBS.smooth,
};
const pikeRule =
  'every T₀ steps: w_k ← w_k·exp((ζ₁‖∇L_k‖² − ζ₂σ_k²/2b)/s), w ← w/‖w‖₁, ' +
  'then w ← (1−K·f)·w + f;  s = mean_k ‖∇L_k‖² when scale-aware, else 1; ' +
  '‖∇L_k‖², σ_k² averaged over updates with weight β (smooth; 0 = the paper)';

/** Keeps each entry's schema and factory in agreement (O inferred per mixer). */
const define = <O>(def: MixerDefinition<O>): MixerDefinition => def;

export const MIXERS: Readonly<Record<MixerName, MixerDefinition>> = {
  mix: define({
    name: 'mix',
    label: 'Uniform mix',
    summary: 'Every batch holds every task in equal shares.',
    rule: 'w_k = 1/K at every step',
    ...noKnobs,
    usesInitialWeights: false,
    create: (ctx) => createMixMixer(ctx),
  }),
  static: define({
    name: 'static',
    label: 'Static weights',
    summary: 'Every batch follows the weights you set, normalised to sum to 1.',
    rule: 'w_k = v_k / Σ_j v_j at every step (v = your weights; uniform if none)',
    ...noKnobs,
    usesInitialWeights: true,
    create: (ctx) => createStaticMixer(ctx),
  }),
  temperature: define({
    name: 'temperature',
    label: 'Temperature sampling',
    summary: 'Tasks with more data get more of the batch, flattened by the temperature T.',
    rule: 'q_k ∝ (n_k / Σ_j n_j)^(1/T), n_k = pool size of task k; T = 1 proportional, T → ∞ uniform',
    ...knobSet({ T: KNOBS.T }),
    usesInitialWeights: false,
    create: (ctx, k) => createTemperatureMixer(ctx, k),
  }),
  random: define({
    name: 'random',
    label: 'Random task',
    summary: 'Each step trains on one task, drawn uniformly at random.',
    rule: 'at every step t: k_t ~ Uniform{1..K}; the whole batch comes from task k_t',
    ...noKnobs,
    usesInitialWeights: false,
    create: (ctx) => createRandomMixer(ctx),
  }),
  'round-robin': define({
    name: 'round-robin',
    label: 'Round-robin',
    summary: 'Each step trains on one task, taking the tasks in turn.',
    rule: 'at step t the whole batch comes from task (t mod K)',
    ...noKnobs,
    usesInitialWeights: false,
    create: (ctx) => createRoundRobinMixer(ctx),
  }),
  pike: define({
    name: 'pike',
    label: 'PiKE',
    summary:
      'Moves batch share toward tasks with large gradients and away from noisy ones, every T₀ steps.',
    rule: pikeRule,
    ...knobSet(PIKE_KNOBS),
    usesInitialWeights: true,
    create: (ctx, k) => createPikeMixer(ctx, k),
  }),
  'pike-kkt': define({
    name: 'pike-kkt',
    label: 'Conceptual PiKE (exact)',
    summary: 'Every T₀ steps, jumps to the mix that minimises the one-step loss bound exactly.',
    rule:
      'every T₀ steps: w = argmin over the simplex of Σ_k (w_k·λ_k + ½·w_k²·κ_k), ' +
      'λ_k = −ηβ‖∇L_k‖² + (Lη²/2b)σ_k², κ_k = Lη²γ‖∇L_k‖²;  w_k = max(0, −(μ+λ_k)/κ_k), Σw = 1',
    ...knobSet({
      T0: KNOBS.T0,
      eta: KNOBS.eta,
      L: KNOBS.L,
      beta: KNOBS.beta,
      gamma: KNOBS.gamma,
      floor: withDefault(KNOBS.floor, MIXER_DEFAULTS['pike-kkt'].floor),
    }),
    usesInitialWeights: true,
    create: (ctx, k) => createPikeKktMixer(ctx, k),
  }),
  'balanced-pike': define({
    name: 'balanced-pike',
    label: 'Balanced-PiKE',
    summary: 'PiKE on a tilted loss that gives lagging (high-loss) tasks more weight.',
    rule:
      'every T₀ steps: y_k = K·exp(τL_k)/Σ_j exp(τL_j); PiKE step with y_k²‖∇L_k‖² and y_k²σ_k²; ' +
      "task k's loss is multiplied by y_k",
    ...knobSet({ ...PIKE_KNOBS, tau: KNOBS.tau }),
    usesInitialWeights: true,
    create: (ctx, k) => createBalancedPikeMixer(ctx, k),
  }),
  famo: define({
    name: 'famo',
    label: 'FAMO',
    summary:
      'Gives batch share to tasks whose loss is falling slowest, so all improve at the same rate.',
    rule:
      'p_k ∝ z_k/ℓ_k, z = softmax(ξ); every T steps: δ_k = log ℓ_k(before) − log ℓ_k(after) on a ' +
      'fixed probe, ξ ← Adam(ξ, z⊙(δ − ⟨z,δ⟩) + γξ)',
    ...knobSet(BASELINE_KNOBS.famo),
    usesInitialWeights: false,
    create: (ctx, k) => createFamoMixer(ctx, k),
  }),
  odm: define({
    name: 'odm',
    label: 'ODM (bandit)',
    summary:
      'A bandit that samples tasks with high training loss more, with shrinking exploration.',
    rule:
      'every T steps: π_k = (1 − Kε_t)·softmax(ε_{t−1}·R̂)_k + ε_t, R̂_k = smoothed training ' +
      'loss, ε_t = min(1/K, √(ln K/(K t)))',
    ...knobSet(BASELINE_KNOBS.odm),
    usesInitialWeights: false,
    create: (ctx, k) => createOdmMixer(ctx, k),
  }),
  doremi: define({
    name: 'doremi',
    label: 'DoReMi (online)',
    summary:
      'Up-weights tasks whose held-out loss is above a saved reference run’s at the same step.',
    rule:
      'every T steps: log α_k += η·max(ℓ_k − ℓ_k^ref, 0), α ← softmax, α ← (1 − c)·α + c/K ' +
      '(ℓ = held-out loss now, ℓ^ref = the reference run’s at this step)',
    ...knobSet(BASELINE_KNOBS.doremi),
    usesInitialWeights: false,
    usesReference: true,
    create: (ctx, k) => createDoremiMixer(ctx, k),
  }),
  ado: define({
    name: 'ado',
    label: 'ADO (scaling laws)',
    summary:
      'Fits a power law to each task’s loss curve and samples tasks whose loss is still falling fast.',
    rule:
      'fit ℓ_k(n) = ε_k + β_k·n^(−α_k); ρ_k ∝ h_k^0.5·α_k(ℓ̂_k(n) − ε_k)/n, floored at δ; ' +
      'π = 0.9·p̄ + 0.1·ρ, p̄ = running mean of ρ',
    ...knobSet(BASELINE_KNOBS.ado),
    usesInitialWeights: false,
    create: (ctx, k) => createAdoMixer(ctx, k),
  }),
  unimax: define({
    name: 'unimax',
    label: 'UniMax',
    summary:
      'As uniform as the data allows: small pools capped at N epochs, the rest spread evenly.',
    rule:
      'budget B = steps·b; smallest pool first: U_k = min(B_left/(tasks left), N·n_k), ' +
      'B_left −= U_k; w_k = U_k/Σ U',
    ...knobSet(BASELINE_KNOBS.unimax),
    usesInitialWeights: false,
    create: (ctx, k) => createUnimaxMixer(ctx, k),
  }),
  aioli: define({
    name: 'aioli',
    label: 'Aioli',
    summary:
      'Each round sweeps every task briefly, learns how training on each lowers all held-out losses, then samples by it.',
    rule:
      'each round: sweeps of lpSteps steps at f on task j; M_ij = drop of ℓ_i in sweep j; ' +
      'A = M·W⁻¹, normalised to sum 1; E = (1 − ema)·A + ema·E; p_j ∝ exp(η·Σ_i E_ij)',
    ...knobSet(BASELINE_KNOBS.aioli),
    usesInitialWeights: false,
    create: (ctx, k) => createAioliMixer(ctx, k),
  }),
  doge: define({
    name: 'doge',
    label: 'DoGE',
    summary:
      'Up-weights tasks whose gradient points the way of all tasks’ gradients together, every T steps.',
    rule:
      'every T steps: s_i = clip(⟨g_i, Σ_j g_j⟩ / mean_j ‖g_j‖, 0, dw_max), ' +
      'log w_i += η·s_i, w ← softmax, then w ← (1−K·f)·w + f',
    ...knobSet(BASELINE_KNOBS.doge),
    usesInitialWeights: false,
    create: (ctx, k) => createDogeMixer(ctx, k),
  }),
  pcgrad: define({
    name: 'pcgrad',
    label: 'PCGrad (surgery)',
    summary:
      'Samples like Uniform mix; each step removes from every task’s gradient the part that conflicts with another’s.',
    rule:
      'every step, per-task gradients g_k of the batch: p_i = g_i, for j in random order: if ' +
      '⟨p_i, g_j⟩ < 0: p_i −= ⟨p_i, g_j⟩/‖g_j‖²·g_j; update with Σ_i p_i (= Σ g_k without conflict)',
    ...noKnobs,
    usesInitialWeights: false,
    create: (ctx) => createPcgradMixer(ctx),
  }),
  cagrad: define({
    name: 'cagrad',
    label: 'CAGrad (surgery)',
    summary:
      'Samples like Uniform mix; each step moves the update toward the worst-off task, within a radius of the average.',
    rule:
      'every step, per-task gradients g_k: w = argmin_{w∈Δ} ⟨g_w, g₀⟩ + c‖g_w‖, g_w = Σ w_k g_k, ' +
      'g₀ = Σ g_k, c = α‖g₀‖; update with (g₀ + c·g_w/‖g_w‖)/(1 + α²)',
    ...knobSet(BASELINE_KNOBS.cagrad),
    usesInitialWeights: false,
    create: (ctx, k) => createCagradMixer(ctx, k),
  }),
};

export { isMixerName, MIXER_NAMES };

/** The definition of `name`; throws an Error listing the valid names when it is unknown. */
export function getMixerDefinition(name: string): MixerDefinition {
  if (!isMixerName(name)) {
    throw new Error(`Unknown mixer "${name}". Valid mixers: ${MIXER_NAMES.join(', ')}.`);
  }
  return MIXERS[name];
}

/**
 * Validates `knobs` (undefined = all defaults) against the mixer's schema and returns them with
 * defaults filled in. `numTasks`, when given, also checks floor ≤ 1/K. Throws an Error that
 * names the mixer and every bad knob.
 */
export function parseKnobs(
  name: string,
  knobs?: unknown,
  numTasks?: number,
): Record<string, number | boolean> {
  const def = getMixerDefinition(name);
  const parsed = def.schema.safeParse(knobs ?? {});
  if (!parsed.success) {
    throw new Error(`Invalid knobs for mixer "${name}": ${formatIssues(parsed.error)}.`);
  }
  const out = parsed.data as Record<string, number | boolean>;
  const floor = out.floor;
  if (typeof floor === 'number' && numTasks !== undefined && floor > 1 / numTasks) {
    throw new Error(
      `Invalid knobs for mixer "${name}": floor: ${floor} is above 1/K = ${1 / numTasks} ` +
        `for K = ${numTasks} tasks (at 1/K every task already gets an equal share).`,
    );
  }
  return out;
}

/** Default knob values of a mixer, e.g. { T0: 25, zeta1: 0.3, … } for "pike". */
export function defaultKnobs(name: string): Record<string, number | boolean> {
  return parseKnobs(name);
}

/**
 * Creates a mixer by name. Validates the context (K, b, pool sizes, seed), the knobs (schema,
 * defaults, floor ≤ 1/K) and, for mixers that use them, the initial weights (length K, finite,
 * ≥ 0, not all zero; normalised). Throws an Error with a clear message on any problem,
 * listing the valid names for an unknown mixer.
 */
export function createMixer(name: string, ctx: MixerContext, knobs?: unknown): Mixer {
  const def = getMixerDefinition(name);
  const context = validateContext(ctx);
  return def.create(context, parseKnobs(name, knobs, context.numTasks));
}
