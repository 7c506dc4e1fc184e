/**
 * PCGrad: "projecting conflicting gradients", gradient surgery on the per-task gradients of each
 * mixed batch. Sampling stays the uniform mix; what changes is the update.
 *
 * Rule (Yu, Kumar, Gupta, Levine, Hausman, Finn, "Gradient Surgery for Multi-Task Learning",
 * NeurIPS 2020, Algorithm 1; reference code median-research-group/LibMTL,
 * LibMTL/weighting/PCGrad.py, read before writing). With g_1..g_K the tasks' gradients:
 *   for each task i:  p_i ← g_i;  for j in a random order of all K tasks (LibMTL's loop
 *     includes j = i):  if ⟨p_i, g_j⟩ < 0:  p_i ← p_i − ⟨p_i, g_j⟩ / (‖g_j‖² + 1e-8) · g_j
 *   update direction  Σ_i p_i
 * So a task's gradient loses its component along any other task's gradient it conflicts with
 * (negative inner product); when no two gradients conflict the result is the plain sum.
 *
 * Made to run here:
 * - g_k is task k's share of the mixed batch's gradient, (1/b)·Σ_{examples of k} ∇ℓ, so
 *   Σ_k g_k is Mix's gradient (summed in another order: equal up to float rounding), and
 *   without conflict PCGrad takes Mix's step. The trainer computes the shares task by task,
 *   K backward passes of the sub-batches (engine/surgery.ts).
 * - Every p_i stays a combination of the g_j, p_i = Σ_j C_ij g_j, and ⟨p_i, g_j⟩ = Σ_l C_il A_lj
 *   with A the Gram matrix. So the surgery runs on the host on A (K×K, read back once a step)
 *   in double precision, and the device forms one combination Σ_j β_j g_j, β_j = Σ_i C_ij,
 *   instead of K sequential projections of P-long vectors.
 * - The random orders come from the run's seed and the step (seeded, reproducible).
 */
import { createRng, mixSeeds, permutation } from '../rng';
import type { Mixer } from '../types';
import type { MixerContext } from './context';
import { isFiniteVector, uniform } from './simplex';

/** LibMTL's 1e-8 in the projection's denominator. */
const EPS = 1e-8;

/**
 * PCGrad's coefficients β (update = Σ_j β_j g_j) from the Gram matrix A (row-major K×K) and the
 * order in which each task i visits the others. All ones when no ⟨g_i, g_j⟩ is negative. A
 * non-finite Gram gives all ones (the plain sum; the trainer's divergence check reports it).
 */
export function pcgradCoefficients(gram: ArrayLike<number>, orders: number[][]): Float64Array {
  const K = orders.length;
  const beta = new Float64Array(K);
  if (gram.length !== K * K || !isFiniteVector(gram)) return beta.fill(1);
  const A = (i: number, j: number) => gram[i * K + j];
  for (let i = 0; i < K; i++) {
    const c = new Float64Array(K); // p_i = Σ_l c_l g_l
    c[i] = 1;
    for (const j of orders[i]) {
      let dot = 0; // ⟨p_i, g_j⟩
      for (let l = 0; l < K; l++) dot += c[l] * A(l, j);
      if (dot < 0) c[j] -= dot / (A(j, j) + EPS);
    }
    for (let l = 0; l < K; l++) beta[l] += c[l];
  }
  return isFiniteVector(beta) ? beta : beta.fill(1);
}

export function createPcgradMixer(ctx: MixerContext): Mixer {
  const K = ctx.numTasks;
  return {
    name: 'pcgrad',
    needs: { stats: false, losses: false, every: 0 },
    weights: () => uniform(K),
    update: () => ({ changed: false }),
    surgery: {
      coefficients(gram: Float64Array, step: number): Float64Array {
        const rng = createRng(mixSeeds(ctx.seed, 0x9c + step));
        const orders = Array.from({ length: K }, () => permutation(K, rng));
        return pcgradCoefficients(gram, orders);
      },
    },
  };
}
