/**
 * Conceptual PiKE: every T₀ steps, set the weights to the exact minimiser of the one-step
 * bound of Theorem 3.4 over the simplex,
 *   w* = argmin_{w ∈ Δ_K} Σ_k (w_k·λ_k + ½·w_k²·κ_k),
 *   λ_k = −η·β·G_k + (L·η²/(2b))·S_k,   κ_k = L·η²·γ·G_k,
 * with G_k = ‖∇L_k‖², S_k = σ_k², η the learning rate, L the smoothness constant, β, γ the
 * conflict constants (1 without conflict). KKT (water-filling): w_k = max(0, −(μ + λ_k)/κ_k)
 * with μ such that Σ_k w_k = 1; found by sorting λ and one pass (solveKkt). If floor f > 0,
 * w ← (1 − K·f)·w + f afterwards.
 *
 * Source: Li, Deng, Zhong, Razaviyayn, Mirrokni, "PiKE: Adaptive Data Mixing for Large-Scale
 * Multi-Task Learning Under Low Gradient Conflicts", arXiv 2502.06244, NeurIPS 2025,
 * Theorem 3.4 (the bound) and Conceptual PiKE; Example 2.1 is its closed-form check (tested).
 *
 * κ_k ≤ 0 (G_k ≤ 0: an estimate of a zero gradient, possibly negative from noise): the
 * problem is then linear in w_k. We keep one code path by using κ_k ← max(κ_k, ε), the
 * ε → 0 limit of a linear term: such a task takes all the remaining mass if its λ_k is the
 * smallest and none otherwise. ε = 1e-12·max(κ_max, 1e-12·c) in units where
 * c = max_k max(|λ_k|, |κ_k|) = 1 (the minimiser is unchanged when λ and κ are scaled by the
 * same c > 0), so ε is relative to the problem and 1/ε stays finite. When every κ_k ≤ 0 this
 * puts all mass on argmin λ, split equally between exact ties.
 */
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import { initialWeightsOf, type MixerContext } from './context';
import { checkStats } from './observation';
import { applyFloor, isFiniteVector, maxAbsDiff, normalize, uniform } from './simplex';

export interface PikeKktOptions {
  /** T₀: update period in steps (≥ 1). */
  T0: number;
  /** η, the optimizer learning rate in the bound. */
  eta: number;
  /** L, the smoothness (Lipschitz-gradient) constant. */
  L: number;
  /** β, γ: gradient-conflict constants (1 when task gradients are orthogonal). */
  beta: number;
  gamma: number;
  /** f ∈ [0, 1/K]; applied only when > 0. */
  floor: number;
}

/** λ_k = −η·β·G_k + (L·η²/(2b))·S_k and κ_k = L·η²·γ·G_k (Theorem 3.4 with w_k = b_k/b). */
export function kktCoefficients(
  gradNormSq: Float64Array,
  variance: Float64Array,
  batchSize: number,
  o: Pick<PikeKktOptions, 'eta' | 'L' | 'beta' | 'gamma'>,
): { lambda: Float64Array; kappa: Float64Array } {
  const lambda = gradNormSq.map(
    (g, k) => -o.eta * o.beta * g + ((o.L * o.eta * o.eta) / (2 * batchSize)) * variance[k],
  );
  const kappa = gradNormSq.map((g) => o.L * o.eta * o.eta * o.gamma * g);
  return { lambda, kappa };
}

/**
 * argmin_{w ∈ Δ_K} Σ_k (w_k·λ_k + ½·w_k²·κ_k) by KKT water-filling. With ν = −μ:
 *   w_k = max(0, (ν − λ_k)/κ_k),   Σ_k w_k = 1.
 * The water level f(x) = Σ_k max(0, (x − λ_k)/κ_k) is increasing and piecewise linear with
 * breakpoints at the λ_k, so: sort λ ascending, walk the breakpoints accumulating
 *   A_j = Σ_{i≤j} 1/κ_(i),   f(λ_(j+1)) = f(λ_(j)) + (λ_(j+1) − λ_(j))·A_j   (non-negative terms),
 * stop at the first j with f(λ_(j+1)) ≥ 1 (or j = K), and set ν = λ_(j) + (1 − f(λ_(j)))/A_j.
 * Then w_(i) = (λ_(j) − λ_(i))/κ_(i) + (1 − f(λ_(j)))/(A_j·κ_(i)) for i ≤ j, 0 otherwise — the
 * same value as (ν − λ)/κ, written without subtracting nearly equal numbers (a task with a tiny
 * κ would otherwise lose its weight to rounding). λ is shifted by min λ and both are scaled by c
 * (neither changes the minimiser); κ_k ≤ 0 is replaced by ε (file comment).
 * Throws RangeError on non-finite input or mismatched lengths; all-zero input gives uniform.
 */
export function solveKkt(lambda: Float64Array, kappa: Float64Array): Float64Array {
  const k = lambda.length;
  if (kappa.length !== k) throw new RangeError(`solveKkt: ${k} λ but ${kappa.length} κ`);
  if (!isFiniteVector(lambda) || !isFiniteVector(kappa)) {
    throw new RangeError('solveKkt: λ and κ must be finite');
  }
  if (k === 0) return new Float64Array(0);
  let c = 0;
  let lMin = Infinity;
  let kMax = -Infinity;
  for (let i = 0; i < k; i++) {
    c = Math.max(c, Math.abs(lambda[i]), Math.abs(kappa[i]));
    lMin = Math.min(lMin, lambda[i]);
    kMax = Math.max(kMax, kappa[i]);
  }
  if (c === 0) return uniform(k);
  const eps = 1e-12 * Math.max(kMax / c, 1e-12);
  // d_i = (λ_i − min λ)/c ≥ 0 and q_i = max(κ_i/c, ε) > 0.
  const d = lambda.map((l) => (l - lMin) / c);
  const q = kappa.map((x) => Math.max(x / c, eps));
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => d[a] - d[b] || a - b);
  let A = 0; // Σ_{i≤j} 1/q_(i)
  let level = 0; // d_(j)
  let fill = 0; // f(d_(j)) < 1
  let j = 0;
  for (; j < k; j++) {
    level = d[order[j]];
    A += 1 / q[order[j]];
    if (j === k - 1) break;
    const next = fill + (d[order[j + 1]] - level) * A;
    if (next >= 1) break;
    fill = next;
  }
  const w = new Float64Array(k);
  for (let s = 0; s <= j; s++) {
    const i = order[s];
    w[i] = Math.max(0, (level - d[i]) / q[i] + (1 - fill) / (A * q[i]));
  }
  return normalize(w);
}

export function createPikeKktMixer(ctx: MixerContext, opts: PikeKktOptions): Mixer {
  const floored = (v: Float64Array) => (opts.floor > 0 ? applyFloor(v, opts.floor) : v);
  let w = floored(initialWeightsOf(ctx));
  return {
    name: 'pike-kkt',
    needs: { stats: true, losses: false, every: opts.T0 },
    weights: () => Float64Array.from(w),
    update(obs: MixerObservation): MixerUpdateReport {
      const checked = checkStats('pike-kkt', obs, ctx.numTasks, ctx.taskNames);
      if ('warning' in checked) return { changed: false, warning: checked.warning };
      const { gradNormSq, variance, batchSize } = checked.stats;
      const { lambda, kappa } = kktCoefficients(gradNormSq, variance, batchSize, opts);
      if (!isFiniteVector(lambda) || !isFiniteVector(kappa)) {
        return {
          changed: false,
          warning: `pike-kkt: kept the previous weights at step ${obs.step}: λ or κ overflows for these statistics.`,
        };
      }
      const next = floored(solveKkt(lambda, kappa));
      const changed = maxAbsDiff(next, w) > 0;
      w = next;
      return { changed };
    },
  };
}
