/**
 * Per-task gradient statistics (README, "Gradient statistics"), estimated from a fixed-size probe per task.
 *
 * For task k draw n = 2m examples and split them into c chunks of sizes n_1..n_c (c = 2 gives
 * the paper's halves A and B). Take the mean-loss gradient of each chunk, ĝ_i, flattened over all
 * parameters, and its sum form s_i = n_i·ĝ_i. With μ = ∇L_k and Σ the per-example gradient
 * covariance (σ_k² = tr Σ), independent chunks give E⟨s_i, s_j⟩ = n_i n_j‖μ‖² (i ≠ j) and
 * E‖s_i‖² = n_i²‖μ‖² + n_i σ². Writing T = ‖Σ_i s_i‖², D = Σ_i ‖s_i‖², N = Σ n_i, Q = Σ n_i²:
 *   G_k = (T − D) / (N² − Q)                          E G_k = ‖∇L_k‖²
 *   S_k = (Σ_i ‖s_i‖²/n_i − T/N) / (c − 1)             E S_k = σ_k²
 * G_k is the U-statistic over every pair of chunks, weighted by n_i n_j; with c = 2 it is
 * ⟨ĝ_A, ĝ_B⟩ and S_k = (m/2)·‖ĝ_A − ĝ_B‖². More chunks of the same probe average more pairs:
 * Var G_k = 4μᵀΣμ/n + (2c/(c−1))·tr(Σ²)/n² for equal chunks, so going from 2 to c chunks cuts
 * the noise×noise part by up to half at the same number of examples (more, smaller backward
 * passes). With c ≥ 3 the leave-one-chunk-out jackknife gives each estimate's standard error from
 * the same step (reported as gradNormSqSE / varianceSE; NaN with 2 chunks).
 * The conflict matrix uses each task's probe mean ĝ_k = Σ_i s_i / N:
 *   cos_jk = ⟨ĝ_j, ĝ_k⟩ / (‖ĝ_j‖·‖ĝ_k‖).
 * The probe size is fixed per task, independent of the sampling weights, so a starved task is
 * still measured as well as the others.
 *
 * The probe means' inner products ⟨ĝ_j, ĝ_k⟩ come out too (DoGE's scores): off the diagonal they
 * are unbiased for ⟨∇L_j, ∇L_k⟩, the tasks' examples being drawn independently.
 *
 * Cost: K·c backward passes of n/c examples. Everything stays on the device until one readback
 * of the K chunk Gram matrices (K·c² floats), the K² inner products and the K² cosines; G, S
 * and their errors are then computed on the host in double precision.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradStats } from '../../core/types';
import { concatMany, stackMany } from '../many';
import { flatten } from '../optim';

/** The mean loss of a probe chunk as a scalar; called inside a gradient scope. */
export type ProbeLoss = () => tf.Scalar;

/** One chunk of a task's probe: its mean-loss closure and its number of examples. */
export interface ProbeChunk {
  loss: ProbeLoss;
  n: number;
}

/** Flattened gradient of `loss` w.r.t. `vars`, as one vector [P] the caller owns. */
function flatGrad(loss: ProbeLoss, vars: tf.Variable[]): tf.Tensor1D {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    value.dispose();
    return flatten(vars.map((v) => grads[v.name]));
  });
}

/** Sizes of `chunks` near-equal parts of `n` examples (the first ones one larger). */
export function chunkSizes(n: number, chunks: number): number[] {
  const c = Math.max(1, Math.min(chunks, n));
  return Array.from({ length: c }, (_, i) => Math.floor(n / c) + (i < n % c ? 1 : 0));
}

/**
 * G and S of one task from its chunk Gram matrix `M` (row-major c×c, M_ij = ⟨ĝ_i, ĝ_j⟩ of the
 * chunk mean gradients) and chunk sizes, over the chunks listed in `use`.
 */
export function chunkEstimates(
  M: ArrayLike<number>,
  n: readonly number[],
  use: readonly number[] = n.map((_, i) => i),
): { G: number; S: number } {
  const c = n.length;
  let T = 0;
  let D = 0;
  let N = 0;
  let Q = 0;
  let within = 0;
  for (const i of use) {
    N += n[i];
    Q += n[i] * n[i];
    const mii = M[i * c + i];
    D += n[i] * n[i] * mii;
    within += n[i] * mii;
    for (const j of use) T += n[i] * n[j] * M[i * c + j];
  }
  return { G: (T - D) / (N * N - Q), S: (within - T / N) / (use.length - 1) };
}

/**
 * A chunk's flattened mean-loss gradient [P] (the caller owns it), its number of examples, and
 * its group: chunks of one group were measured at the same parameters (one training step of the
 * statistics window, or the probe). Only pairs within a group enter G and S.
 */
export interface ChunkGrad {
  g: tf.Tensor1D;
  n: number;
  group?: number;
}

/** The chunk indices of each group with at least 2 chunks (the groups that give pairs). */
export function pairedGroups(groups: readonly number[]): number[][] {
  return [...new Set(groups)]
    .map((id) => groups.flatMap((g, i) => (g === id ? [i] : [])))
    .filter((m) => m.length >= 2);
}

/**
 * G and S of one task from chunks in groups: each group with at least 2 chunks gives its own
 * unbiased (G_g, S_g) (chunkEstimates over its chunks); they are combined with the weights of the
 * one-group formulas, G by its pair weight N_g² − Q_g and S by its degrees of freedom c_g − 1.
 * Pairs across groups are never used: two training steps apart, the optimizer has moved the
 * parameters, and measured on this trainer such pairs are nearly uncorrelated (the gradient's
 * persistence across Adam steps, not ‖∇L_k‖²). Standard errors: the jackknife over groups when
 * there are 3 or more, else over the chunks of the one group; NaN otherwise.
 */
export function groupedEstimates(
  M: ArrayLike<number>,
  n: readonly number[],
  groups: readonly number[],
): { G: number; S: number; seG: number; seS: number; used: number } {
  const members = pairedGroups(groups);
  const combine = (sets: number[][]) => {
    let gw = 0;
    let g = 0;
    let sw = 0;
    let sv = 0;
    for (const use of sets) {
      const e = chunkEstimates(M, n, use);
      const N = use.reduce((a, i) => a + n[i], 0);
      const Q = use.reduce((a, i) => a + n[i] * n[i], 0);
      gw += N * N - Q;
      g += (N * N - Q) * e.G;
      sw += use.length - 1;
      sv += (use.length - 1) * e.S;
    }
    return { G: g / gw, S: sv / sw };
  };
  const used = members.reduce((a, m) => a + m.reduce((b, i) => b + n[i], 0), 0);
  if (members.length === 0) return { G: NaN, S: NaN, seG: NaN, seS: NaN, used: 0 };
  const est = combine(members);
  let seG = NaN;
  let seS = NaN;
  const se = (xs: number[]) => {
    const c = xs.length;
    const mu = xs.reduce((a, b) => a + b, 0) / c;
    return Math.sqrt(((c - 1) / c) * xs.reduce((a, x) => a + (x - mu) ** 2, 0));
  };
  if (members.length >= 3) {
    const loo = members.map((_, j) => combine(members.filter((_, i) => i !== j)));
    seG = se(loo.map((e) => e.G));
    seS = se(loo.map((e) => e.S));
  } else if (members.length === 1 && members[0].length >= 3) {
    const one = members[0];
    const loo = one.map((j) =>
      chunkEstimates(
        M,
        n,
        one.filter((i) => i !== j),
      ),
    );
    seG = se(loo.map((e) => e.G));
    seS = se(loo.map((e) => e.S));
  }
  return { ...est, seG, seS, used };
}

/** Flattened mean-loss gradients of probe chunks (caller owns the tensors). */
export function chunkGrads(chunks: ProbeChunk[], vars: tf.Variable[]): ChunkGrad[] {
  return chunks.map((ch) => ({ g: flatGrad(ch.loss, vars), n: ch.n }));
}

/**
 * Estimates G_k, S_k (with jackknife standard errors) and the cosine matrix from per-task probe
 * chunks. `probes[k]` lists the chunks of task k; every task needs at least 2 chunks.
 */
export async function estimateGradStats(
  probes: ProbeChunk[][],
  vars: tf.Variable[],
  step: number,
): Promise<GradStats> {
  const grads = probes.map((chunks) => chunkGrads(chunks, vars));
  try {
    return await estimateFromChunks(grads, step);
  } finally {
    for (const gs of grads) for (const c of gs) c.g.dispose();
  }
}

/**
 * The estimates from chunk gradients already computed (probe chunks, or the per-task
 * sub-batches of recent training steps: trainer.ts's statistics window). Does not dispose them.
 */
export async function estimateFromChunks(grads: ChunkGrad[][], step: number): Promise<GradStats> {
  const K = grads.length;
  const packed = tf.tidy(() => {
    const grams: tf.Tensor[] = [];
    const means: tf.Tensor[] = [];
    grads.forEach((chunks) => {
      const g = stackMany(chunks.map((c) => c.g)) as tf.Tensor2D; // [c, P]
      grams.push(tf.reshape(tf.matMul(g, g, false, true), [-1])); // [c²]
      const N = chunks.reduce((a, ch) => a + ch.n, 0);
      const w = tf.tensor2d(
        chunks.map((ch) => ch.n / N),
        [1, chunks.length],
      );
      means.push(tf.matMul(w, g)); // [1, P]
    });
    const g = concatMany(means) as tf.Tensor2D; // [K, P]
    const gram = tf.matMul(g, g, false, true); // [K, K]
    const norms = tf.sqrt(tf.sum(tf.square(g), 1)) as tf.Tensor1D; // [K]
    // NaN/Inf where a norm is 0; clipped to [−1, 1] against float rounding.
    const cos = tf.clipByValue(tf.div(gram, tf.outerProduct(norms, norms)), -1, 1);
    return concatMany([...grams, tf.reshape(gram, [-1]), tf.reshape(cos, [-1])]);
  });
  // The one readback of a stats step: forces a GPU sync.
  const data = await packed.data();
  packed.dispose();
  const gradNormSq = new Float64Array(K);
  const variance = new Float64Array(K);
  const gradNormSqSE = new Float64Array(K);
  const varianceSE = new Float64Array(K);
  let at = 0;
  const examples: number[] = [];
  grads.forEach((chunks, k) => {
    const n = chunks.map((ch) => ch.n);
    const M = data.subarray(at, at + n.length * n.length);
    at += n.length * n.length;
    const est = groupedEstimates(
      M,
      n,
      chunks.map((ch) => ch.group ?? -1),
    );
    gradNormSq[k] = est.G;
    variance[k] = est.S;
    gradNormSqSE[k] = est.seG;
    varianceSE[k] = est.seS;
    examples.push(est.used);
  });
  const meanGram = Float64Array.from(data.subarray(at, at + K * K));
  at += K * K;
  const cosine = Float64Array.from(data.subarray(at), (c) => (Number.isFinite(c) ? c : NaN));
  for (let k = 0; k < K; k++) if (Number.isFinite(cosine[k * K + k])) cosine[k * K + k] = 1;
  return {
    step,
    gradNormSq,
    variance,
    gradNormSqSE,
    varianceSE,
    cosine,
    meanGram,
    examples,
    chunks: grads.map((c) => c.length),
    groups: grads.map((c) => new Set(c.map((ch) => ch.group ?? -1)).size),
  };
}
