/**
 * CAGrad: "conflict-averse gradient descent", gradient surgery on the per-task gradients of each
 * mixed batch. Sampling stays the uniform mix; what changes is the update.
 *
 * Rule (Liu, Liu, Jin, Stone, Liu, "Conflict-Averse Gradient Descent for Multi-task Learning",
 * NeurIPS 2021, Algorithm 1; reference code median-research-group/LibMTL,
 * LibMTL/weighting/CAGrad.py, read before writing). With g_1..g_K the tasks' gradients,
 * g_0 their average, A_jk = ⟨g_j, g_k⟩ and c = α·‖g_0‖ (α = calpha, 0.5 in LibMTL):
 *   w* = argmin_{w ∈ Δ_K}  wᵀA·u + c·√(wᵀA w)          (u = the uniform weights 1/K)
 *   g_w = Σ_k w*_k g_k,   d = g_0 + (c/‖g_w‖)·g_w,   update = d / (1 + α²)   (rescale = 1)
 * d maximises the worst task's improvement within a ball of radius c around g_0; α = 0 is the
 * plain average, and rescale = 1 keeps the step's size comparable to it.
 *
 * Made to run here:
 * - g_k is task k's share of the mixed batch's gradient (see pcgrad.ts), so g_0's role is taken
 *   by Σ_k g_k, Mix's gradient. With LibMTL's per-task gradients h_k = K·g_k the objective is K
 *   times  wᵀA·1 + c·√(wᵀA w)  with A the shares' Gram and c = α·‖Σ_k g_k‖, and its d is
 *   Σ_k g_k + (c/‖g_w‖)·g_w: the same rule, written for the shares. The coefficients on the g_k
 *   are β_k = (1 + (c/‖g_w‖)·w*_k) / (1 + α²).
 * - LibMTL solves for w* with scipy's SLSQP; here projected gradient descent on the simplex with
 *   Armijo backtracking (the objective is convex: √(wᵀA w) = ‖Σ w_k g_k‖), on A divided by its
 *   mean diagonal so the stopping rule does not depend on the gradients' scale (the argmin and
 *   β are scale-free). K ≤ 16 here: a few hundred iterations of K² work, on the host.
 * - α is the knob `calpha`; rescale is fixed at LibMTL's default 1.
 */
import type { Mixer } from '../types';
import type { MixerContext } from './context';
import { isFiniteVector, projectSimplex, uniform } from './simplex';

export interface CagradOptions {
  /** α: the radius of the ball around the average gradient, relative to its norm. */
  calpha: number;
}

/** LibMTL's 1e-8 under the square roots. */
const EPS = 1e-8;

/** w* = argmin over Δ_K of wᵀA·1 + c·√(wᵀA w + ε) for a PSD A (row-major K×K). */
export function cagradWeights(A: ArrayLike<number>, K: number, c: number): Float64Array {
  const a = new Float64Array(K); // A·1
  for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) a[j] += A[j * K + k];
  const Aw = (w: Float64Array) => {
    const out = new Float64Array(K);
    for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) out[j] += A[j * K + k] * w[k];
    return out;
  };
  const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < K; k++) s += x[k] * y[k];
    return s;
  };
  const f = (w: Float64Array) => dot(w, a) + c * Math.sqrt(Math.max(dot(w, Aw(w)), 0) + EPS);
  let w = uniform(K);
  let fw = f(w);
  let step = 1;
  for (let it = 0; it < 500; it++) {
    const q = Aw(w);
    const root = Math.sqrt(Math.max(dot(w, q), 0) + EPS);
    const grad = Float64Array.from(a, (ak, k) => ak + (c * q[k]) / root);
    // Armijo backtracking along the projected path.
    let moved = false;
    for (let tries = 0; tries < 50; tries++) {
      const next = projectSimplex(Float64Array.from(w, (x, k) => x - step * grad[k]));
      const fn = f(next);
      let d2 = 0;
      for (let k = 0; k < K; k++) d2 += (next[k] - w[k]) ** 2;
      if (d2 < 1e-24) break;
      if (fn <= fw - (0.5 / step) * d2) {
        const change = Math.sqrt(d2);
        w = next;
        fw = fn;
        moved = change > 1e-10;
        step *= 2;
        break;
      }
      step /= 2;
    }
    if (!moved) break;
  }
  return w;
}

/**
 * CAGrad's coefficients β (update = Σ_k β_k g_k) from the shares' Gram matrix A (row-major
 * K×K). All 1/(1 + α²) when α = 0; a non-finite Gram gives all ones (the plain sum).
 */
export function cagradCoefficients(
  gram: ArrayLike<number>,
  K: number,
  calpha: number,
): Float64Array {
  if (gram.length !== K * K || !isFiniteVector(gram)) return new Float64Array(K).fill(1);
  let total = 0; // ‖Σ_k g_k‖²
  let diag = 0;
  for (let j = 0; j < K; j++) {
    diag += gram[j * K + j] / K;
    for (let k = 0; k < K; k++) total += gram[j * K + k];
  }
  const scale = diag > 0 ? diag : 1;
  const A = Float64Array.from(gram, (x) => x / scale);
  const c = calpha * Math.sqrt(Math.max(total / scale, 0) + EPS);
  const w = cagradWeights(A, K, c);
  let gw2 = 0; // ‖g_w‖² (scaled)
  for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) gw2 += w[j] * A[j * K + k] * w[k];
  const lambda = c / (Math.sqrt(Math.max(gw2, 0)) + EPS);
  const beta = Float64Array.from(w, (wk) => (1 + lambda * wk) / (1 + calpha * calpha));
  return isFiniteVector(beta) ? beta : beta.fill(1);
}

export function createCagradMixer(ctx: MixerContext, opts: CagradOptions): Mixer {
  const K = ctx.numTasks;
  return {
    name: 'cagrad',
    needs: { stats: false, losses: false, every: 0 },
    weights: () => uniform(K),
    update: () => ({ changed: false }),
    surgery: { coefficients: (gram) => cagradCoefficients(gram, K, opts.calpha) },
  };
}
