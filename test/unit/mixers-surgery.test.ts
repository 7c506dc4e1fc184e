/**
 * Gradient surgery's rules (pcgrad.ts, cagrad.ts) against hand-derived values and LibMTL's own
 * worked examples, against the plain vector formulation on random gradients, and on hostile
 * Gram matrices. LibMTL's per-task gradients h_k are the shares' K·g_k (see cagrad.ts), so a
 * LibMTL result is reproduced as Σ_k β_k·(h_k/K).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cagradCoefficients, cagradWeights } from '../../src/core/mixers/cagrad';
import { pcgradCoefficients } from '../../src/core/mixers/pcgrad';
import { createMixer } from '../../src/core/mixers/registry';
import { projectSimplex } from '../../src/core/mixers/simplex';

type Vec = number[];
const dot = (a: Vec, b: Vec) => a.reduce((s, x, i) => s + x * b[i], 0);
const gramOf = (gs: Vec[]) => Float64Array.from(gs.flatMap((a) => gs.map((b) => dot(a, b))));
const combine = (beta: ArrayLike<number>, gs: Vec[]) =>
  gs[0].map((_, d) => gs.reduce((s, g, k) => s + beta[k] * g[d], 0));
const shares = (hs: Vec[]) => hs.map((h) => h.map((x) => x / hs.length));
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
};

/** PCGrad on the vectors themselves (LibMTL's loop), for comparison with the Gram version. */
function pcgradPlain(gs: Vec[], orders: number[][]): Vec {
  const pcs = gs.map((g, i) => {
    let p = [...g];
    for (const j of orders[i]) {
      const d = dot(p, gs[j]);
      if (d < 0) p = p.map((x, t) => x - (d * gs[j][t]) / (dot(gs[j], gs[j]) + 1e-8));
    }
    return p;
  });
  return gs[0].map((_, t) => pcs.reduce((s, p) => s + p[t], 0));
}

describe('PCGrad', () => {
  it('projects two conflicting gradients: g1 = (1,0), g2 = (−1,1) give β = (2, 1.5)', () => {
    // ⟨g1,g2⟩ = −1: p1 = g1 + ½·g2 = (½,½), p2 = g2 + g1 = (0,1); Σ = (½, 3/2) = 2·g1 + 1.5·g2.
    const gs = [
      [1, 0],
      [-1, 1],
    ];
    for (const orders of [
      [
        [0, 1],
        [0, 1],
      ],
      [
        [1, 0],
        [1, 0],
      ],
    ]) {
      const beta = pcgradCoefficients(gramOf(gs), orders);
      close(beta, [2, 1.5], 1e-7);
      close(combine(beta, gs), [0.5, 1.5], 1e-7);
    }
  });

  it('is the plain sum when no two gradients conflict', () => {
    const gs = [
      [1, 0, 2],
      [1, 1, 0],
      [0, 3, 1],
    ];
    const orders = [
      [2, 0, 1],
      [1, 2, 0],
      [0, 1, 2],
    ];
    expect(Array.from(pcgradCoefficients(gramOf(gs), orders))).toEqual([1, 1, 1]);
  });

  it('depends on the order with three tasks, as LibMTL does (hand-derived β)', () => {
    // g1 = e1, g2 = (−1,1,0), g3 = (−1,−1,1). Order 0,1,2 for every task: p1 = g1 + ½g2 + ⅓g3 …
    const gs = [
      [1, 0, 0],
      [-1, 1, 0],
      [-1, -1, 1],
    ];
    const A = gramOf(gs);
    close(
      pcgradCoefficients(A, [
        [0, 1, 2],
        [0, 1, 2],
        [0, 1, 2],
      ]),
      [3, 2, 5 / 3],
      1e-7,
    );
    close(
      pcgradCoefficients(A, [
        [2, 1, 0],
        [2, 1, 0],
        [2, 1, 0],
      ]),
      [3, 1.5, 4 / 3],
      1e-7,
    );
    close(combine([3, 2, 5 / 3], gs), [-2 / 3, 1 / 3, 5 / 3], 1e-12);
  });

  it('equals the vector formulation on random gradients and orders', () => {
    const vec = (d: number) =>
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: d, maxLength: d });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((K) =>
          fc.record({
            gs: fc.array(vec(4), { minLength: K, maxLength: K }),
            orders: fc.array(
              fc.shuffledSubarray([...Array(K).keys()], { minLength: K, maxLength: K }),
              {
                minLength: K,
                maxLength: K,
              },
            ),
          }),
        ),
        ({ gs, orders }) => {
          const beta = pcgradCoefficients(gramOf(gs), orders);
          close(combine(beta, gs), pcgradPlain(gs, orders), 1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays finite on NaN or huge Gram matrices (the plain sum)', () => {
    const orders = [
      [0, 1],
      [1, 0],
    ];
    expect(Array.from(pcgradCoefficients([NaN, 0, 0, 1], orders))).toEqual([1, 1]);
    expect(
      Array.from(pcgradCoefficients([1e300, -1e300, -1e300, 1e300], orders)).every(Number.isFinite),
    ).toBe(true);
    expect(Array.from(pcgradCoefficients([Infinity, 0, 0, 1], orders))).toEqual([1, 1]);
  });

  it('samples like Mix and draws its orders from the seed and the step', () => {
    const m = createMixer('pcgrad', { numTasks: 3, batchSize: 8, poolSizes: [1, 1, 1], seed: 5 });
    expect(Array.from(m.weights(7))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const A = gramOf([
      [1, 0, 0],
      [-1, 1, 0],
      [-1, -1, 1],
    ]);
    expect(m.surgery!.coefficients(A, 4)).toEqual(m.surgery!.coefficients(A, 4));
    const seen = new Set(
      Array.from({ length: 30 }, (_, s) => Array.from(m.surgery!.coefficients(A, s)).join()),
    );
    expect(seen.size).toBeGreaterThan(1); // the order matters here, and it changes with the step
  });
});

describe('CAGrad', () => {
  it('reproduces LibMTL’s worked examples (calpha = 0.5, rescale = 1)', () => {
    // LibMTL's per-task gradients → its update: e1, e2 → (0.6, 0.6); (1,0), (−1,1) → (0.2, 0.4)
    // (w* = (1,0), a corner); (2,0), (0,1) → (0.8, 0.5 + ½·√1.25/(1.25)·…) = (0.8, 0.8472136).
    const cases: [Vec[], Vec][] = [
      [
        [
          [1, 0],
          [0, 1],
        ],
        [0.6, 0.6],
      ],
      [
        [
          [1, 0],
          [-1, 1],
        ],
        [0.2, 0.4],
      ],
      [
        [
          [2, 0],
          [0, 1],
        ],
        [0.8, 0.8472136],
      ],
    ];
    for (const [hs, want] of cases) {
      const gs = shares(hs);
      const beta = cagradCoefficients(gramOf(gs), 2, 0.5);
      close(combine(beta, gs), want, 1e-5);
    }
  });

  it('is the plain sum at calpha = 0, and finite on hostile Gram matrices', () => {
    close(
      cagradCoefficients(
        gramOf([
          [1, 0],
          [-1, 1],
        ]),
        2,
        0,
      ),
      [1, 1],
      1e-6,
    );
    expect(Array.from(cagradCoefficients([NaN, 0, 0, 1], 2, 0.5))).toEqual([1, 1]);
    expect(Array.from(cagradCoefficients([0, 0, 0, 0], 2, 0.5)).every(Number.isFinite)).toBe(true);
    const huge = cagradCoefficients([1e300, -1e300, -1e300, 1e300], 2, 0.5);
    expect(Array.from(huge).every(Number.isFinite)).toBe(true);
  });

  it('finds the minimum of its objective over the simplex (against a grid, K = 3)', () => {
    const vec = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
      minLength: 5,
      maxLength: 5,
    });
    fc.assert(
      fc.property(
        fc.array(vec, { minLength: 3, maxLength: 3 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (gs, c) => {
          const A = gramOf(gs);
          const K = 3;
          const f = (w: Vec) => {
            let lin = 0;
            let quad = 0;
            for (let j = 0; j < K; j++)
              for (let k = 0; k < K; k++) {
                lin += w[j] * A[j * K + k];
                quad += w[j] * A[j * K + k] * w[k];
              }
            return lin + c * Math.sqrt(Math.max(quad, 0) + 1e-8);
          };
          const w = cagradWeights(A, K, c);
          expect(Math.abs(w.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-9);
          let best = Infinity;
          const n = 60;
          for (let i = 0; i <= n; i++)
            for (let j = 0; i + j <= n; j++)
              best = Math.min(best, f([i / n, j / n, (n - i - j) / n]));
          const scale = 1 + Math.max(...A.map(Math.abs));
          expect(f(Array.from(w))).toBeLessThanOrEqual(best + 1e-6 * scale);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('projectSimplex', () => {
  it('projects onto the simplex (hand-derived points)', () => {
    close(projectSimplex([0.5, 0.5]), [0.5, 0.5], 1e-15);
    close(projectSimplex([2, 0]), [1, 0], 1e-15);
    close(projectSimplex([1, 1, -5]), [0.5, 0.5, 0], 1e-15);
    close(projectSimplex([0.4, 0.3, 0.6]), [0.3, 0.2, 0.5], 1e-15);
    expect(Array.from(projectSimplex([NaN, 1]))).toEqual([0.5, 0.5]);
  });
});
