/**
 * The gradient-statistics estimators on synthetic least-squares tasks whose per-example gradient
 * distribution is known exactly.
 *
 * Task k: ℓ_k(θ; ξ) = ½‖θ − (c_k + ξ)‖², ξ ~ N(0, s_k² I_d). The per-example gradient is
 * θ − c_k − ξ: mean μ_k = θ − c_k, covariance Σ = s_k² I, so ‖∇L_k‖² = ‖μ_k‖² and σ_k² = d·s_k².
 *
 * A probe of n examples in c equal chunks (grad-stats.ts) gives the U-statistic Ĝ over chunk pairs
 * and the pooled between-chunk variance Ŝ:
 *   E Ĝ = ‖μ‖²,  Var Ĝ = 4μᵀΣμ/n + (2c/(c−1))·tr(Σ²)/n² = 4s²‖μ‖²/n + 2c·d·s⁴/((c−1)n²)
 *   E Ŝ = d·s²,  Ŝ = s²·χ²_{d(c−1)}/(c−1)  →  Var Ŝ = 2d·s⁴/(c−1)
 * (c = 2, n = 2m: Var Ĝ = 2‖μ‖²s²/m + d·s⁴/m², the paper's halves.) Averaging R independent
 * estimates, the mean is within 4 standard errors (√(Var/R)) of the truth with probability
 * > 0.9999 (normal approximation; R = 300 makes it accurate here).
 * The cosine is a ratio, hence consistent rather than unbiased: its bias is second order in the
 * relative noise ε² = d·s²/(n·‖μ‖²) (noise of the probe mean over the signal), at most about
 * 2ε² in absolute value: we allow 4 standard errors plus 2ε², with n chosen so that ε² ≤ 0.01.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownedVariable } from '../../src/engine/model/variables';
import { createRng } from '../../src/core/rng';
import {
  chunkEstimates,
  chunkSizes,
  estimateGradStats,
  groupedEstimates,
} from '../../src/engine/stats/grad-stats';
import { useBackend } from './helpers/backend';

beforeAll(() => useBackend());

const d = 6;
const theta = [0.5, -0.2, 0.1, 0.3, 0, -0.4];
const tasks = [
  { c: [1.5, 0.8, 0.1, -0.7, 0.5, 0.6], s: 0.6 },
  { c: [0.9, -0.5, -0.2, 0.9, 1.0, -0.4], s: 1.0 },
  { c: [-0.8, 0.2, 0.6, 0.1, 0.2, -1.2], s: 0.3 },
];
const mu = tasks.map((t) => theta.map((x, i) => x - t.c[i]));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

/** R statistics steps with probes of 2m examples per task in `chunks` chunks. */
async function repeatEstimates(m: number, R: number, chunks = 2) {
  const th = ownedVariable(() => tf.tensor1d(theta));
  const rng = createRng(42);
  const runs = [];
  for (let r = 0; r < R; r++) {
    const probe = (t: (typeof tasks)[number], size: number) => {
      const targets = Float32Array.from(
        { length: size * d },
        (_, j) => t.c[j % d] + t.s * rng.normal(),
      );
      return () =>
        tf.tidy(() => {
          const diff = tf.sub(th, tf.tensor2d(targets, [size, d])); // [m, d]
          return tf.mean(tf.mul(tf.sum(tf.square(diff), 1), 0.5)) as tf.Scalar;
        });
    };
    runs.push(
      await estimateGradStats(
        tasks.map((t) => chunkSizes(2 * m, chunks).map((n) => ({ loss: probe(t, n), n }))),
        [th],
        r,
      ),
    );
  }
  th.dispose();
  return runs;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('gradient statistics estimators', () => {
  it.each([
    [2, 4],
    [4, 4],
    [8, 8],
  ])(
    'with %i chunks of a 2×%i probe, ‖∇L_k‖² and σ_k² are unbiased within 4 standard errors',
    async (c, m) => {
      const R = 300;
      const n = 2 * m;
      const runs = await repeatEstimates(m, R, c);
      tasks.forEach((t, k) => {
        const G = dot(mu[k], mu[k]);
        const s2 = t.s * t.s;
        const varG = (4 * s2 * G) / n + (2 * c * d * s2 * s2) / ((c - 1) * n * n);
        const varS = (2 * d * s2 * s2) / (c - 1);
        const Gs = runs.map((x) => x.gradNormSq[k]);
        expect(Math.abs(mean(Gs) - G)).toBeLessThan(4 * Math.sqrt(varG / R));
        expect(Math.abs(mean(runs.map((x) => x.variance[k])) - d * s2)).toBeLessThan(
          4 * Math.sqrt(varS / R),
        );
        // The spread matches the derived variance: the sample variance of R = 300 near-normal
        // draws is within ±35% of the truth far beyond 4 of its standard errors (≈ 8% each).
        const sampleVar = mean(Gs.map((x) => (x - mean(Gs)) ** 2));
        expect(sampleVar / varG).toBeGreaterThan(0.65);
        expect(sampleVar / varG).toBeLessThan(1.35);
        if (c >= 3) {
          // The jackknife's variance estimate is conservative (Efron–Stein) and close for a
          // U-statistic: its mean over R steps is within [0.8, 1.6]× the derived variance.
          const jack = mean(runs.map((x) => x.gradNormSqSE[k] ** 2));
          expect(jack / varG).toBeGreaterThan(0.8);
          expect(jack / varG).toBeLessThan(1.6);
        } else {
          expect(runs.every((x) => Number.isNaN(x.gradNormSqSE[k]))).toBe(true);
        }
      });
    },
  );

  it('more chunks of the same probe give a smaller error of ‖∇L_k‖² (the derived ratio)', () => {
    // Var Ĝ's noise×noise part scales with 2c/(c−1): 4 at c = 2, 2.29 at c = 8.
    const n = 16;
    const varG = (c: number, G: number, s2: number) =>
      (4 * s2 * G) / n + (2 * c * d * s2 * s2) / ((c - 1) * n * n);
    tasks.forEach((t, k) => {
      const G = dot(mu[k], mu[k]);
      expect(varG(8, G, t.s ** 2)).toBeLessThan(varG(2, G, t.s ** 2));
    });
  });

  it('the chunk formulas are the pairwise U-statistic and pooled variance, by hand', () => {
    // Three chunks of sizes 3, 2, 1 with 2-D mean gradients.
    const g = [
      [1, 2],
      [0.5, -1],
      [3, 0],
    ];
    const n = [3, 2, 1];
    const M = g.flatMap((a) => g.map((b) => dot(a, b)));
    // Σ_{i≠j} n_i n_j ⟨ĝ_i, ĝ_j⟩ / Σ_{i≠j} n_i n_j:
    // pairs (0,1): 6·(0.5−2) = −9; (0,2): 3·3 = 9; (1,2): 2·1.5 = 3 → 2·3 / (2·(6+3+2)) = 3/11.
    const est = chunkEstimates(M, n);
    expect(est.G).toBeCloseTo(3 / 11, 12);
    // Pooled: ḡ = (3·[1,2] + 2·[0.5,−1] + [3,0]) / 6 = [7/6, 4/6];
    // Σ n_i‖ĝ_i − ḡ‖² = 3·65/36 + 2·116/36 + 137/36 = 564/36, over c − 1 = 2: 47/6.
    expect(est.S).toBeCloseTo(47 / 6, 12);
    // Two equal chunks: ⟨ĝ_A, ĝ_B⟩ and (m/2)‖ĝ_A − ĝ_B‖², the paper's halves.
    const two = chunkEstimates(
      [dot(g[0], g[0]), dot(g[0], g[1]), dot(g[1], g[0]), dot(g[1], g[1])],
      [4, 4],
    );
    expect(two.G).toBeCloseTo(dot(g[0], g[1]), 12);
    expect(two.S).toBeCloseTo(2 * 9.25, 12); // (4/2)·‖[0.5, 3]‖²
    // The jackknife needs 3 chunks in one group (or 3 groups).
    expect(Number.isNaN(groupedEstimates(M.slice(0, 4), [4, 4], [0, 0]).seG)).toBe(true);
    expect(groupedEstimates(M, n, [0, 0, 0]).seG).toBeGreaterThan(0);
    expect(chunkSizes(10, 4)).toEqual([3, 3, 2, 2]);
    expect(chunkSizes(3, 8)).toEqual([1, 1, 1]);
  });

  it('the cosine matrix converges to the true task-gradient cosines', async () => {
    // m = 400 makes ε² = d·s²/(n‖μ‖²) ≤ 0.01 for every task here (n = 2m).
    const m = 400;
    const R = 30;
    const runs = await repeatEstimates(m, R);
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) {
        const truth = dot(mu[j], mu[k]) / Math.sqrt(dot(mu[j], mu[j]) * dot(mu[k], mu[k]));
        const xs = runs.map((x) => x.cosine[j * 3 + k]);
        const eps2 = Math.max(
          ...[j, k].map((i) => (d * tasks[i].s ** 2) / (2 * m * dot(mu[i], mu[i]))),
        );
        expect(eps2).toBeLessThanOrEqual(0.01);
        const sd = Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
        expect(Math.abs(mean(xs) - truth)).toBeLessThan((4 * sd) / Math.sqrt(R) + 2 * eps2);
        if (j === k) expect(xs.every((x) => x === 1)).toBe(true);
      }
    }
  });

  it('grouped chunks pair only within their group (one training step each)', () => {
    // Groups {0,1} and {2,3}, sizes 2,2 and 3,1; cross-group inner products are set huge and must
    // not matter. Within: G₀ = ⟨ĝ₀,ĝ₁⟩ = 0.5 (pair weight 2·2·2 = 8), G₁ = ⟨ĝ₂,ĝ₃⟩ = −0.25
    // (weight 2·3·1 = 6): G = (8·0.5 + 6·(−0.25)) / 14 = 2.5/14.
    const M = [
      [1, 0.5, 99, 99],
      [0.5, 2, 99, 99],
      [99, 99, 1, -0.25],
      [99, 99, -0.25, 3],
    ].flat();
    const e = groupedEstimates(M, [2, 2, 3, 1], [7, 7, 9, 9]);
    expect(e.G).toBeCloseTo(2.5 / 14, 12);
    // S per group (c − 1 = 1 each, equal weights): group 0: 2·1 + 2·2 − ‖2ĝ₀+2ĝ₁‖²/4
    // = 6 − (4 + 8·0.5 + 4·2)/4 = 2; group 1: 3·1 + 1·3 − (9 + 6·(−0.25) + 3)/4 = 6 − 2.625.
    expect(e.S).toBeCloseTo((2 + 3.375) / 2, 12);
    expect(e.used).toBe(8);
    // A group with one chunk cannot pair: it is left out.
    const lone = groupedEstimates(M, [2, 2, 3, 1], [7, 7, 9, 8]);
    expect(lone.G).toBeCloseTo(0.5, 12);
    expect(lone.used).toBe(4);
  });

  it('keeps no tensors and reads back once into K·c² + K² numbers', async () => {
    const before = tf.memory().numTensors;
    const runs = await repeatEstimates(2, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(runs[0].cosine.length).toBe(9);
    expect(runs[0].gradNormSq.length).toBe(3);
  });
});
