import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPikeKktMixer, kktCoefficients, solveKkt } from '../../src/core/mixers/pike-kkt';
import type { GradStats, MixerObservation } from '../../src/core/types';
import { gradStatsOf } from './helpers/grad-stats';

function observation(g: number[], s: number[], batchSize: number, step = 0): MixerObservation {
  const k = g.length;
  const stats: GradStats = gradStatsOf(step, g, s);
  return { step, batchSize, taskLosses: new Float64Array(k).fill(NaN), stats };
}

/**
 * Example 2.1 of the PiKE paper: K = 2, ℓ_k(θ; x) = ½(θᵀe_k)² + xᵀθ, x ~ N(0, σ_k² I₂).
 * ∇ℓ_k = θ_k e_k + x, so G_k = ‖∇L_k‖² = θ_k² and the per-sample variance (trace) is
 * S_k = E‖x‖² = 2σ_k²; L = 1 and β = γ = 1. For K = 2 the interior KKT point is
 * w₁ = (λ₂ − λ₁ + κ₂)/(κ₁ + κ₂) with λ_k = −ηθ_k² + (η²/2b)·2σ_k², κ_k = η²θ_k², i.e.
 * w₁* = clip₀¹((b⁻¹(σ₂² − σ₁²) + η⁻¹(θ₁² − θ₂²) + θ₂²)/(θ₁² + θ₂²)).
 */
function paperW1(t1: number, t2: number, s1: number, s2: number, eta: number, b: number) {
  const raw = ((s2 * s2 - s1 * s1) / b + (t1 * t1 - t2 * t2) / eta + t2 * t2) / (t1 * t1 + t2 * t2);
  return Math.min(1, Math.max(0, raw));
}

describe('pike-kkt reproduces Example 2.1', () => {
  it('matches the closed form over a grid that hits both clip boundaries', () => {
    const thetas = [0, 0.3, 1, 2];
    const sigmas = [0, 0.5, 2, 6];
    const etas = [0.01, 0.2, 0.7, 1, 1.5];
    const batches = [1, 4, 32];
    let zeros = 0;
    let ones = 0;
    let interior = 0;
    for (const t1 of thetas)
      for (const t2 of thetas)
        for (const s1 of sigmas)
          for (const s2 of sigmas)
            for (const eta of etas)
              for (const b of batches) {
                if (t1 === 0 && t2 === 0) continue;
                const mixer = createPikeKktMixer(
                  { numTasks: 2, batchSize: b, poolSizes: [1, 1], seed: 0 },
                  { T0: 1, eta, L: 1, beta: 1, gamma: 1, floor: 0 },
                );
                const report = mixer.update(
                  observation([t1 * t1, t2 * t2], [2 * s1 * s1, 2 * s2 * s2], b),
                );
                expect(report.warning).toBeUndefined();
                const w = mixer.weights(0);
                const expected = paperW1(t1, t2, s1, s2, eta, b);
                expect(Math.abs(w[0] - expected)).toBeLessThan(1e-6);
                expect(Math.abs(w[1] - (1 - expected))).toBeLessThan(1e-6);
                if (expected === 0) zeros++;
                else if (expected === 1) ones++;
                else interior++;
              }
    expect(zeros).toBeGreaterThan(50);
    expect(ones).toBeGreaterThan(50);
    expect(interior).toBeGreaterThan(50);
  });

  it('computes λ and κ as in Theorem 3.4', () => {
    const { lambda, kappa } = kktCoefficients(
      Float64Array.from([4, 1]),
      Float64Array.from([8, 2]),
      4,
      { eta: 0.5, L: 2, beta: 1.5, gamma: 3 },
    );
    // λ = −ηβG + (Lη²/2b)S = −0.75·G + 0.0625·S;  κ = Lη²γG = 1.5·G.
    expect(Array.from(lambda)).toEqual([-3 + 0.5, -0.75 + 0.125]);
    expect(Array.from(kappa)).toEqual([6, 1.5]);
  });
});

describe('solveKkt', () => {
  const vec = (min: number, max: number) => fc.double({ min, max, noNaN: true });

  it('returns a point of the simplex that satisfies the KKT conditions', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 16 })
          .chain((k) =>
            fc.tuple(
              fc.array(vec(-1e3, 1e3), { minLength: k, maxLength: k }),
              fc.array(vec(1e-3, 1e3), { minLength: k, maxLength: k }),
            ),
          ),
        ([l, q]) => {
          const lambda = Float64Array.from(l);
          const kappa = Float64Array.from(q);
          const w = solveKkt(lambda, kappa);
          expect(Math.abs(w.reduce((a, x) => a + x, 0) - 1)).toBeLessThan(1e-9);
          const scale = Math.max(...l.map(Math.abs), ...q);
          const tol = 1e-9 * scale + 1e-12;
          // ν = −μ: the common value of λ_k + κ_k·w_k on the support.
          const support = [...w.keys()].filter((k) => w[k] > 0);
          expect(support.length).toBeGreaterThan(0);
          const nu = lambda[support[0]] + kappa[support[0]] * w[support[0]];
          for (let k = 0; k < w.length; k++) {
            expect(w[k]).toBeGreaterThanOrEqual(0);
            if (w[k] > 0) expect(Math.abs(lambda[k] + kappa[k] * w[k] - nu)).toBeLessThan(tol);
            else expect(lambda[k]).toBeGreaterThanOrEqual(nu - tol);
          }
        },
      ),
    );
  });

  it('treats κ ≤ 0 as a linear term: all mass on the smallest λ, ties split', () => {
    expect(Array.from(solveKkt(Float64Array.from([3, -1, 2]), new Float64Array(3)))).toEqual([
      0, 1, 0,
    ]);
    const tie = solveKkt(Float64Array.from([-1, 5, -1]), Float64Array.from([0, -2, 0]));
    expect(tie[0]).toBeCloseTo(0.5, 12);
    expect(tie[1]).toBe(0);
    expect(tie[2]).toBeCloseTo(0.5, 12);
    // A zero-curvature task with the smallest λ takes everything; with a larger λ, nothing.
    expect(solveKkt(Float64Array.from([-2, -1]), Float64Array.from([0, 1]))[0]).toBeCloseTo(1, 9);
    expect(solveKkt(Float64Array.from([2, -1]), Float64Array.from([0, 1]))[0]).toBe(0);
  });

  it('is uniform on all-zero input, scale-invariant, and rejects non-finite input', () => {
    expect(Array.from(solveKkt(new Float64Array(4), new Float64Array(4)))).toEqual([
      0.25, 0.25, 0.25, 0.25,
    ]);
    const l = Float64Array.from([-1, -0.5, 0.2]);
    const q = Float64Array.from([2, 1, 0.5]);
    const a = solveKkt(l, q);
    const b = solveKkt(
      l.map((x) => x * 1e-20),
      q.map((x) => x * 1e-20),
    );
    for (let k = 0; k < 3; k++) expect(b[k]).toBeCloseTo(a[k], 12);
    expect(() => solveKkt(Float64Array.from([NaN]), Float64Array.from([1]))).toThrow(RangeError);
    expect(() => solveKkt(Float64Array.from([1]), Float64Array.from([1, 2]))).toThrow(RangeError);
  });
});
