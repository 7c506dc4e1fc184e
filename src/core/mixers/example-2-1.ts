/**
 * The PiKE paper's Example 2.1, computed for the page's "maths, live" panel.
 *
 * Two tasks, θ ∈ R², ℓ_k(θ; x) = ½(θᵀe_k)² + xᵀθ with x ~ N(0, σ_k² I₂). Then ∇ℓ_k = θ_k·e_k + x,
 * so G_k = ‖∇L_k‖² = θ_k² and the per-sample gradient variance (its trace) is S_k = 2σ_k²; L = 1
 * and, the two gradients being orthogonal, β = γ = 1. The one-step bound of Theorem 3.4 with
 * w_k = b_k/b is
 *   B(w) = Σ_k (w_k·λ_k + ½·w_k²·κ_k),   λ_k = −η·G_k + (η²/2b)·S_k,   κ_k = η²·G_k,
 * the expected change of the loss after one SGD step (lower is better). Its minimiser over the
 * simplex, the paper's closed form,
 *   w₁* = clip₀¹( (b⁻¹(σ₂² − σ₁²) + η⁻¹(θ₁² − θ₂²) + θ₂²) / (θ₁² + θ₂²) ),
 * is computed here by the engine's own pike-kkt code (kktCoefficients + solveKkt, tested against
 * the formula in test/unit/mixers-kkt.test.ts), and the formula is returned beside it.
 *
 * PiKE's practical rule (pike.ts, pikeStep) takes multiplicative steps from uniform weights,
 *   w_k ← w_k·exp(ζ₁·G_k − (ζ₂/2b)·S_k) (scale-aware: divided by mean G),
 * here with ζ₂ = ζ₁·η so its exponent is −λ_k/η·ζ₁: the bound's own linear term. It follows the
 * gradient term against the variance term as the bound does, but without the quadratic term κ it
 * does not stop at w*: with the statistics held fixed it keeps moving toward one task. In training
 * the statistics change after every step, which is what stops it there.
 */
import { kktCoefficients, solveKkt } from './pike-kkt';
import { pikeStep } from './pike';

export interface Example21Input {
  theta1: number;
  theta2: number;
  /** σ₁², σ₂²: the variance of each coordinate of the noise x. */
  sigma1sq: number;
  sigma2sq: number;
  /** Batch size b ≥ 1. */
  b: number;
  /** Learning rate η > 0. */
  eta: number;
}

export interface Example21 {
  G: [number, number];
  S: [number, number];
  lambda: [number, number];
  kappa: [number, number];
  /** w₁* from pike-kkt's solver. */
  w1: number;
  /** w₁* from the paper's closed form (equal to w1 up to rounding). */
  w1ClosedForm: number;
  /** The bound B at w*, at uniform weights. */
  boundAtOptimum: number;
  boundAtUniform: number;
  /** w₁ after 0, 1, …, n of PiKE's updates from uniform weights (statistics held fixed). */
  pikePath: number[];
}

/** B(w₁, 1 − w₁) for coefficients λ, κ. */
export function example21Bound(w1: number, lambda: readonly number[], kappa: readonly number[]) {
  const w = [w1, 1 - w1];
  return w[0] * lambda[0] + w[1] * lambda[1] + 0.5 * (w[0] ** 2 * kappa[0] + w[1] ** 2 * kappa[1]);
}

/** The paper's closed form for w₁*. */
export function example21ClosedForm(p: Example21Input): number {
  const t1 = p.theta1 ** 2;
  const t2 = p.theta2 ** 2;
  const raw = ((p.sigma2sq - p.sigma1sq) / p.b + (t1 - t2) / p.eta + t2) / (t1 + t2);
  return Math.min(1, Math.max(0, raw));
}

/**
 * Everything the panel shows for one setting. Throws RangeError when θ is zero (no gradient:
 * every weight is optimal), η ≤ 0, b < 1 or an input is not finite.
 */
export function example21(p: Example21Input, pike: { zeta1: number; updates: number }): Example21 {
  const values = [p.theta1, p.theta2, p.sigma1sq, p.sigma2sq, p.b, p.eta];
  if (!values.every(Number.isFinite))
    throw new RangeError('Example 2.1: every input must be finite');
  if (p.theta1 === 0 && p.theta2 === 0)
    throw new RangeError('Example 2.1: θ = 0 has no gradient, so every weight is optimal');
  if (!(p.eta > 0) || !(p.b >= 1) || p.sigma1sq < 0 || p.sigma2sq < 0)
    throw new RangeError('Example 2.1: needs η > 0, b ≥ 1 and σ² ≥ 0');
  const G = Float64Array.from([p.theta1 ** 2, p.theta2 ** 2]);
  const S = Float64Array.from([2 * p.sigma1sq, 2 * p.sigma2sq]);
  const { lambda, kappa } = kktCoefficients(G, S, p.b, { eta: p.eta, L: 1, beta: 1, gamma: 1 });
  const w = solveKkt(lambda, kappa);
  const l = [lambda[0], lambda[1]];
  const k = [kappa[0], kappa[1]];
  let current: Float64Array = Float64Array.from([0.5, 0.5]);
  const pikePath = [0.5];
  const opts = { zeta1: pike.zeta1, zeta2: pike.zeta1 * p.eta, floor: 0, scaleAware: true };
  for (let i = 0; i < pike.updates; i++) {
    const step = pikeStep(current, G, S, p.b, opts);
    if ('reason' in step) break;
    current = step.weights;
    pikePath.push(current[0]);
  }
  return {
    G: [G[0], G[1]],
    S: [S[0], S[1]],
    lambda: [l[0], l[1]],
    kappa: [k[0], k[1]],
    w1: w[0],
    w1ClosedForm: example21ClosedForm(p),
    boundAtOptimum: example21Bound(w[0], l, k),
    boundAtUniform: example21Bound(0.5, l, k),
    pikePath,
  };
}
