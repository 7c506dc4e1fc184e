/**
 * The gradient-statistics estimators on synthetic least-squares tasks whose per-example gradient
 * distribution is known exactly.
 *
 * Task k: ℓ_k(θ; ξ) = ½‖θ − (c_k + ξ)‖², ξ ~ N(0, s_k² I_d). The per-example gradient is
 * θ − c_k − ξ: mean μ_k = θ − c_k, covariance s_k² I, so ‖∇L_k‖² = ‖μ_k‖² and σ_k² = d·s_k².
 *
 * With half means ĝ_A = μ + a, ĝ_B = μ + b, a, b ~ N(0, (s²/m) I) independent:
 *   Ĝ = ⟨ĝ_A, ĝ_B⟩ = ‖μ‖² + ⟨μ, a + b⟩ + ⟨a, b⟩  →  E Ĝ = ‖μ‖²,  Var Ĝ = 2‖μ‖²s²/m + d·s⁴/m²
 *   Ŝ = (m/2)‖a − b‖² = s²·χ²_d                  →  E Ŝ = d·s²,   Var Ŝ = 2d·s⁴
 * Averaging R independent estimates, the mean is within 4 standard errors (√(Var/R)) of the
 * truth with probability > 0.9999 (normal approximation; R = 300 makes it accurate here).
 * The cosine is a ratio, hence consistent rather than unbiased: its bias is second order in the
 * relative noise ε² = d·s²/(2m·‖μ‖²) (noise of ĝ = (ĝ_A+ĝ_B)/2 over the signal), at most about
 * 2ε² in absolute value: we allow 4 standard errors plus 2ε², with m chosen so that ε² ≤ 0.01.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownedVariable } from '../../src/engine/model/variables';
import { createRng } from '../../src/engine/rng';
import { estimateGradStats } from '../../src/engine/stats/grad-stats';
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

async function repeatEstimates(m: number, R: number) {
  const th = ownedVariable(() => tf.tensor1d(theta));
  const rng = createRng(42);
  const runs = [];
  for (let r = 0; r < R; r++) {
    const probe = (t: (typeof tasks)[number]) => {
      const targets = Float32Array.from(
        { length: m * d },
        (_, j) => t.c[j % d] + t.s * rng.normal(),
      );
      return () =>
        tf.tidy(() => {
          const diff = tf.sub(th, tf.tensor2d(targets, [m, d])); // [m, d]
          return tf.mean(tf.mul(tf.sum(tf.square(diff), 1), 0.5)) as tf.Scalar;
        });
    };
    runs.push(
      await estimateGradStats(
        tasks.map((t) => ({ a: probe(t), b: probe(t) })),
        [th],
        m,
        r,
      ),
    );
  }
  th.dispose();
  return runs;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('gradient statistics estimators', () => {
  it('‖∇L_k‖² and σ_k² are unbiased within 4 standard errors', async () => {
    const m = 4;
    const R = 300;
    const runs = await repeatEstimates(m, R);
    tasks.forEach((t, k) => {
      const G = dot(mu[k], mu[k]);
      const s2 = t.s * t.s;
      const seG = Math.sqrt((2 * G * s2) / m + (d * s2 * s2) / (m * m)) / Math.sqrt(R);
      const seS = Math.sqrt(2 * d * s2 * s2) / Math.sqrt(R);
      expect(Math.abs(mean(runs.map((x) => x.gradNormSq[k])) - G)).toBeLessThan(4 * seG);
      expect(Math.abs(mean(runs.map((x) => x.variance[k])) - d * s2)).toBeLessThan(4 * seS);
    });
  });

  it('the cosine matrix converges to the true task-gradient cosines', async () => {
    // m = 400 makes ε² = d·s²/(2m‖μ‖²) ≤ 0.01 for every task here.
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

  it('keeps no tensors and reads back once into K + K + K² numbers', async () => {
    const before = tf.memory().numTensors;
    const runs = await repeatEstimates(2, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(runs[0].cosine.length).toBe(9);
    expect(runs[0].gradNormSq.length).toBe(3);
  });
});
