import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { StatsSmoother } from '../../src/core/stats/smoothing';

describe('StatsSmoother (PiKE smoothing across statistics steps)', () => {
  it('returns the β^(t−i)-weighted mean of everything pushed so far', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (beta, xs) => {
          const sm = new StatsSmoother(beta);
          let out: Float64Array = new Float64Array(1);
          for (const x of xs) out = sm.push(Float64Array.of(x));
          const t = xs.length;
          const w = xs.map((_, i) => beta ** (t - 1 - i));
          const want = xs.reduce((a, x, i) => a + w[i] * x, 0) / w.reduce((a, b) => a + b, 0);
          expect(out[0]).toBeCloseTo(want, 8);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it('is the identity at β = 0 and rejects β outside [0, 1)', () => {
    const sm = new StatsSmoother(0);
    sm.push(Float64Array.of(5, 6));
    expect(Array.from(sm.push(Float64Array.of(1, 2)))).toEqual([1, 2]);
    expect(() => new StatsSmoother(1)).toThrow(/\[0, 1\)/);
    expect(() => new StatsSmoother(-0.1)).toThrow(/\[0, 1\)/);
    expect(() => new StatsSmoother(NaN)).toThrow(/\[0, 1\)/);
  });

  it('divides the variance of iid estimates by the derived factor', () => {
    // R chains of t iid N(0, 1) pushes: the sample variance of the last output over R = 4000
    // chains has a relative standard error √(2/R) ≈ 2.2%; we allow 10%.
    const rng = createRng(3);
    for (const [beta, t] of [
      [0.7, 3],
      [0.7, 20],
      [0.5, 7],
    ]) {
      const R = 4000;
      const last: number[] = [];
      for (let r = 0; r < R; r++) {
        const sm = new StatsSmoother(beta);
        let out: Float64Array = new Float64Array(1);
        for (let i = 0; i < t; i++) out = sm.push(Float64Array.of(rng.normal()));
        last.push(out[0]);
      }
      const v = last.reduce((a, x) => a + x * x, 0) / R;
      expect(v / StatsSmoother.varianceFactor(beta, t)).toBeGreaterThan(0.9);
      expect(v / StatsSmoother.varianceFactor(beta, t)).toBeLessThan(1.1);
    }
    expect(StatsSmoother.varianceFactor(0.7, 1)).toBeCloseTo(1, 12);
    expect(StatsSmoother.varianceFactor(0.7, 1000)).toBeCloseTo(0.3 / 1.7, 12);
  });
});
