/**
 * Per-task gradient statistics (DESIGN.md §2), estimated from a fixed-size probe per task.
 *
 * For task k draw 2m examples, split into halves A and B of m, and take the mean-loss gradient of
 * each half, ĝ_A and ĝ_B (flattened over all parameters). With ∇L_k the true gradient and σ_k²
 * the per-example gradient variance (trace of the covariance):
 *   E⟨ĝ_A, ĝ_B⟩ = ‖∇L_k‖²                 (independent halves: the noise terms have mean 0),
 *   E‖ĝ_A − ĝ_B‖² = 2σ_k²/m                (each half has covariance trace σ_k²/m),
 * so  G_k = ⟨ĝ_A, ĝ_B⟩  and  S_k = (m/2)·‖ĝ_A − ĝ_B‖²  are unbiased. The conflict matrix uses
 * ĝ_k = (ĝ_A + ĝ_B)/2:  cos_jk = ⟨ĝ_j, ĝ_k⟩ / (‖ĝ_j‖·‖ĝ_k‖).
 * The probe size m is fixed per task, independent of the sampling weights, so a starved task is
 * still measured as well as the others.
 *
 * Cost: 2K backward passes of m examples. Everything stays on the device until one readback of
 * K + K + K² floats.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradStats } from '../types';
import { stackMany } from '../many';
import { flatten } from '../optim';

/** The mean loss of a probe half as a scalar; called inside a gradient scope. */
export type ProbeLoss = () => tf.Scalar;

/** Flattened gradient of `loss` w.r.t. `vars`, as one vector [P] the caller owns. */
function flatGrad(loss: ProbeLoss, vars: tf.Variable[]): tf.Tensor1D {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    value.dispose();
    return flatten(vars.map((v) => grads[v.name]));
  });
}

/**
 * Estimates G_k, S_k and the cosine matrix from per-task probe halves. `probes[k]` gives the two
 * loss closures of task k (halves A and B, m examples each).
 */
export async function estimateGradStats(
  probes: { a: ProbeLoss; b: ProbeLoss }[],
  vars: tf.Variable[],
  m: number,
  step: number,
): Promise<GradStats> {
  const K = probes.length;
  const halves = probes.map((p) => [flatGrad(p.a, vars), flatGrad(p.b, vars)] as const);
  const packed = tf.tidy(() => {
    const gA = stackMany(halves.map((h) => h[0])) as tf.Tensor2D; // [K, P]
    const gB = stackMany(halves.map((h) => h[1])) as tf.Tensor2D; // [K, P]
    const G = tf.sum(tf.mul(gA, gB), 1); // [K]
    const S = tf.mul(tf.sum(tf.square(tf.sub(gA, gB)), 1), m / 2); // [K]
    const g = tf.mul(tf.add(gA, gB), 0.5); // [K, P]
    const gram = tf.matMul(g, g, false, true); // [K, K]
    const norms = tf.sqrt(tf.sum(tf.square(g), 1)) as tf.Tensor1D; // [K]
    // NaN/Inf where a norm is 0; clipped to [−1, 1] against float rounding.
    const cos = tf.clipByValue(tf.div(gram, tf.outerProduct(norms, norms)), -1, 1);
    return tf.concat([G, S, tf.reshape(cos, [-1])]);
  });
  for (const h of halves) for (const t of h) t.dispose();
  // The one readback of a stats step: forces a GPU sync.
  const data = await packed.data();
  packed.dispose();
  const cosine = Float64Array.from(data.subarray(2 * K), (c) => (Number.isFinite(c) ? c : NaN));
  for (let k = 0; k < K; k++) if (Number.isFinite(cosine[k * K + k])) cosine[k * K + k] = 1;
  return {
    step,
    gradNormSq: Float64Array.from(data.subarray(0, K)),
    variance: Float64Array.from(data.subarray(K, 2 * K)),
    cosine,
    probeHalf: m,
  };
}
