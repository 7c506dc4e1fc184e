import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { example21, example21Bound, example21ClosedForm } from '../../src/core/mixers/example-2-1';

describe('Example 2.1 for the maths panel', () => {
  // θ = (1, 1), σ² = (2, 0), b = 4, η = 0.5, worked by hand:
  //   G = (1, 1), S = (4, 0);  λ₁ = −0.5 + (0.25/8)·4 = −0.375, λ₂ = −0.5;  κ = (0.25, 0.25)
  //   w₁* = (λ₂ − λ₁ + κ₂)/(κ₁ + κ₂) = 0.125/0.5 = 0.25; the paper: ((0 − 2)/4 + 0 + 1)/2 = 0.25
  //   B(w*) = 0.25·(−0.375) + 0.75·(−0.5) + ½·0.25·(0.0625 + 0.5625) = −0.390625
  //   B(½, ½) = −0.4375 + ½·0.25·0.5 = −0.375
  //   PiKE, ζ₁ = 1, ζ₂ = η: e = (1 − 0.5·4/8, 1) = (0.75, 1), centred (−0.125, 0.125), so after n
  //   updates w₁ = 1/(1 + e^{0.25n}): 0.4378, 0.3775, 0.3208, 0.2689 — past w* = 0.25 at n = 5.
  const input = { theta1: 1, theta2: 1, sigma1sq: 2, sigma2sq: 0, b: 4, eta: 0.5 };

  it('gives the optimum, its bound and the uniform one, as worked by hand', () => {
    const r = example21(input, { zeta1: 1, updates: 5 });
    expect(r.G).toEqual([1, 1]);
    expect(r.S).toEqual([4, 0]);
    expect(r.lambda).toEqual([-0.375, -0.5]);
    expect(r.kappa).toEqual([0.25, 0.25]);
    expect(r.w1).toBeCloseTo(0.25, 12);
    expect(r.w1ClosedForm).toBeCloseTo(0.25, 12);
    expect(r.boundAtOptimum).toBeCloseTo(-0.390625, 12);
    expect(r.boundAtUniform).toBeCloseTo(-0.375, 12);
  });

  it('walks PiKE’s multiplicative updates from uniform, past w* with the statistics fixed', () => {
    const r = example21(input, { zeta1: 1, updates: 5 });
    const hand = [0, 1, 2, 3, 4, 5].map((n) => 1 / (1 + Math.exp(0.25 * n)));
    r.pikePath.forEach((w, i) => expect(w).toBeCloseTo(hand[i], 12));
    expect(r.pikePath[4]).toBeGreaterThan(0.25);
    expect(r.pikePath[5]).toBeLessThan(0.25);
  });

  it('the solver and the paper’s formula agree, and w* is the bound’s minimum, on random settings', () => {
    const pos = (max: number) => fc.double({ min: 0.01, max, noNaN: true });
    fc.assert(
      fc.property(
        pos(2),
        pos(2),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 64 }),
        pos(1.5),
        (theta1, theta2, sigma1sq, sigma2sq, b, eta) => {
          const p = { theta1, theta2, sigma1sq, sigma2sq, b, eta };
          const r = example21(p, { zeta1: 1, updates: 3 });
          expect(Math.abs(r.w1 - example21ClosedForm(p))).toBeLessThan(1e-6);
          for (let i = 0; i <= 20; i++)
            expect(example21Bound(i / 20, r.lambda, r.kappa)).toBeGreaterThanOrEqual(
              r.boundAtOptimum - 1e-9 * (1 + Math.abs(r.boundAtOptimum)),
            );
          expect(r.pikePath.every((w) => w >= 0 && w <= 1)).toBe(true);
        },
      ),
    );
  });

  it('refuses a setting without a gradient or with a bad η, b or σ²', () => {
    const bad = [
      { ...input, theta1: 0, theta2: 0 },
      { ...input, eta: 0 },
      { ...input, b: 0 },
      { ...input, sigma1sq: -1 },
      { ...input, theta1: NaN },
    ];
    for (const p of bad) expect(() => example21(p, { zeta1: 1, updates: 1 })).toThrow(RangeError);
  });
});
