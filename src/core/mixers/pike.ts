/**
 * PiKE, the practical algorithm: multiplicative (mirror-descent) updates of the sampling
 * weights from two statistics per task.
 *
 * Every T₀ steps, with G_k = ‖∇L_k‖² (stats.gradNormSq), S_k = σ_k² (stats.variance, the
 * per-sample gradient variance) and b the batch size:
 *   e_k = (ζ₁·G_k − ζ₂·S_k/(2b)) / s      s = mean_k max(G_k, 0) when scaleAware, else s = 1
 *   e_k ← clip(e_k − mean_j e_j, −5, 5)
 *   w_k ← w_k·exp(e_k),   w ← w/‖w‖₁,   w ← (1 − K·f)·w + f      (f = floor)
 *
 * Source: Li, Deng, Zhong, Razaviyayn, Mirrokni, "PiKE: Adaptive Data Mixing for Large-Scale
 * Multi-Task Learning Under Low Gradient Conflicts", arXiv 2502.06244, NeurIPS 2025,
 * Algorithm 1: w_k ← w_k·exp(ζ₁‖∇L_k‖² − (ζ₂/2b)σ_k²), w ← w/‖w‖₁ — one mirror-descent step on
 * the bound of Theorem 3.4. Our additions, none of which change the paper's rule when it is
 * well-behaved:
 * - scale-awareness (s): raw ‖∇L_k‖² differ by orders of magnitude between models, so ζ₁ is read
 *   as "log-weight change per update for a task with the mean gradient norm²"; the ratio of the
 *   two terms is the paper's. With scaleAware = false the formula is applied literally (s = 1).
 * - centring: subtracting mean_j e_j multiplies every w_k by the same factor, which the
 *   normalisation removes (a no-op), and keeps exp() finite;
 * - clipping to [−5, 5] after centring bounds one update's change to a factor e^10 between two
 *   tasks, so huge or wrong statistics cannot zero a task in one step;
 * - the floor f mixes in the uniform distribution so every task keeps w_k ≥ f and can recover
 *   (a multiplicative update cannot revive an exact 0). The initial weights are floored too.
 * - smoothing (knob `smooth` = β, 0 turns it off): G_k and S_k are exponential averages over
 *   statistics steps (stats/smoothing.ts), because one step's ‖∇L_k‖² has a relative standard
 *   error near 0.35 at playground scale and its error is mostly signal×noise, which only more
 *   examples cut. This one does change the paper's rule: the update acts on a lagged average.
 * When to update: the trainer calls `update` every `needs.every` = T₀ steps (observation.ts);
 * each call with usable statistics applies one step of the rule above.
 */
import { StatsSmoother } from '../stats/smoothing';
import type { Mixer, MixerObservation, MixerUpdateReport, PikeUpdateDetail } from '../types';
import { initialWeightsOf, type MixerContext } from './context';
import { checkStats } from './observation';
import { applyFloor, isFiniteVector, maxAbsDiff, normalize } from './simplex';

/** Bound on one update's centred log-weight change per task. */
export const PIKE_EXPONENT_CLIP = 5;

export interface PikeStepOptions {
  /** ζ₁, weight of the gradient-norm term. */
  zeta1: number;
  /** ζ₂, weight of the variance term. */
  zeta2: number;
  /** f ∈ [0, 1/K]: every weight is kept ≥ f. */
  floor: number;
  /** Divide the exponent by s = mean_k max(G_k, 0) (true) or use the raw formula (false). */
  scaleAware: boolean;
}

export interface PikeOptions extends PikeStepOptions {
  /** T₀: update period in steps (≥ 1). */
  T0: number;
  /** β ∈ [0, 1): exponential smoothing of G_k and S_k across updates; 0 uses each step's own. */
  smooth: number;
}

/** The two smoothers of a PiKE-type mixer (G_k and S_k), created from its `smooth` knob. */
export interface PikeSmoothing {
  G: StatsSmoother;
  S: StatsSmoother;
}

export const pikeSmoothing = (beta: number): PikeSmoothing => ({
  G: new StatsSmoother(beta),
  S: new StatsSmoother(beta),
});

/** The exponents of one PiKE update and their two terms, per task. */
export interface PikeExponents {
  exponents: Float64Array;
  gradTerm: Float64Array;
  varianceTerm: Float64Array;
}

/**
 * The centred, clipped exponents of one PiKE update:
 *   e_k = (ζ₁·G_k − ζ₂·S_k/(2b)) / s,   e_k ← clip(e_k − mean_j e_j, −5, 5),
 * s = mean_k max(G_k, 0) when scaleAware, else 1. Returns a reason instead when s is not a
 * positive finite number or an exponent is not finite (statistics too large for ζ).
 */
export function pikeExponents(
  gradNormSq: Float64Array,
  variance: Float64Array,
  batchSize: number,
  opts: PikeStepOptions,
): PikeExponents | { reason: string } {
  const k = gradNormSq.length;
  let s = 1;
  if (opts.scaleAware) {
    s = 0;
    for (let i = 0; i < k; i++) s += Math.max(gradNormSq[i], 0) / k;
    if (!(s > 0) || !Number.isFinite(s)) {
      return {
        reason: `the mean positive gradient norm² s = ${s} is not a positive finite number, so the scale-aware step is undefined`,
      };
    }
  }
  const e = new Float64Array(k);
  const gradTerm = new Float64Array(k);
  const varianceTerm = new Float64Array(k);
  let mean = 0;
  for (let i = 0; i < k; i++) {
    gradTerm[i] = (opts.zeta1 * gradNormSq[i]) / s;
    varianceTerm[i] = -(opts.zeta2 * variance[i]) / (2 * batchSize * s);
    e[i] = gradTerm[i] + varianceTerm[i];
    mean += e[i] / k;
  }
  if (!isFiniteVector(e) || !Number.isFinite(mean)) {
    return { reason: 'the update exponent ζ₁G − ζ₂S/(2b) overflows for these statistics' };
  }
  for (let i = 0; i < k; i++) {
    e[i] = Math.min(PIKE_EXPONENT_CLIP, Math.max(-PIKE_EXPONENT_CLIP, e[i] - mean));
  }
  return { exponents: e, gradTerm, varianceTerm };
}

/**
 * One PiKE update of w on fixed statistics: w_k ← w_k·exp(e_k) with e from pikeExponents, then
 * w ← w/‖w‖₁ and the floor w ← (1 − K·f)·w + f. Shared by pike and balanced-pike.
 */
export function pikeStep(
  w: Float64Array,
  gradNormSq: Float64Array,
  variance: Float64Array,
  batchSize: number,
  opts: PikeStepOptions,
): { weights: Float64Array; terms: PikeExponents } | { reason: string } {
  const ex = pikeExponents(gradNormSq, variance, batchSize, opts);
  if ('reason' in ex) return ex;
  const next = w.map((wk, i) => wk * Math.exp(ex.exponents[i]));
  return { weights: applyFloor(normalize(next), opts.floor), terms: ex };
}

/**
 * Runs pikeStep on an observation for a mixer whose state is `w`: checks the statistics
 * (checkStats), smooths them (unusable statistics never enter the average) and turns a skipped
 * step into a warning. `transform` lets balanced-pike rescale the smoothed statistics. The report
 * carries the update's terms per task (PikeUpdateDetail) for the mixer panel.
 */
export function pikeUpdate(
  mixer: string,
  w: Float64Array,
  obs: MixerObservation,
  opts: PikeStepOptions,
  smoothing: PikeSmoothing,
  names?: readonly string[],
  transform?: (g: Float64Array, s: Float64Array) => [Float64Array, Float64Array],
): { weights: Float64Array; report: MixerUpdateReport } {
  const checked = checkStats(mixer, obs, w.length, names);
  if ('warning' in checked) return { weights: w, report: { changed: false, ...checked } };
  const { batchSize } = checked.stats;
  const gradNormSq = smoothing.G.push(checked.stats.gradNormSq);
  const variance = smoothing.S.push(checked.stats.variance);
  const [g, s] = transform ? transform(gradNormSq, variance) : [gradNormSq, variance];
  const step = pikeStep(w, g, s, batchSize, opts);
  if ('reason' in step) {
    const warning = `${mixer}: kept the previous weights at step ${obs.step}: ${step.reason}.`;
    return { weights: w, report: { changed: false, warning } };
  }
  const detail: PikeUpdateDetail = {
    step: obs.step,
    gradNormSq: Array.from(gradNormSq),
    variance: Array.from(variance),
    gradTerm: Array.from(step.terms.gradTerm),
    varianceTerm: Array.from(step.terms.varianceTerm),
    exponent: Array.from(step.terms.exponents),
    before: Array.from(w),
    after: Array.from(step.weights),
  };
  return { weights: step.weights, report: { changed: maxAbsDiff(step.weights, w) > 0, detail } };
}

export function createPikeMixer(ctx: MixerContext, opts: PikeOptions): Mixer {
  let w = applyFloor(initialWeightsOf(ctx), opts.floor);
  const smoothing = pikeSmoothing(opts.smooth);
  return {
    name: 'pike',
    needs: { stats: true, losses: false, every: opts.T0 },
    weights: () => Float64Array.from(w),
    update(obs: MixerObservation): MixerUpdateReport {
      const result = pikeUpdate('pike', w, obs, opts, smoothing, ctx.taskNames);
      w = result.weights;
      return result.report;
    },
  };
}
