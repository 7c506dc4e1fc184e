import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchCounts } from '../../src/core/mixers/batch-counts';
import { normalize } from '../../src/core/mixers/simplex';

describe('batchCounts (largest remainder)', () => {
  it('sums to b exactly and keeps every count within 1 of b·w_k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })), {
          minLength: 1,
          maxLength: 32,
        }),
        fc.integer({ min: 0, max: 4096 }),
        (raw, b) => {
          const w = normalize(raw);
          const counts = batchCounts(w, b);
          expect(counts.length).toBe(raw.length);
          expect(counts.reduce((a, c) => a + c, 0)).toBe(b);
          for (let k = 0; k < w.length; k++) {
            expect(counts[k]).toBeGreaterThanOrEqual(0);
            expect(Math.abs(counts[k] - b * w[k])).toBeLessThan(1);
            if (raw[k] === 0 && raw.some((x) => x > 0)) expect(counts[k]).toBe(0);
          }
        },
      ),
    );
  });

  it('breaks equal remainders by the lower index', () => {
    expect(Array.from(batchCounts([1, 1, 1], 4))).toEqual([2, 1, 1]);
    expect(Array.from(batchCounts([1, 1, 1], 5))).toEqual([2, 2, 1]);
    expect(Array.from(batchCounts([0.25, 0.25, 0.25, 0.25], 2))).toEqual([1, 1, 0, 0]);
  });

  it('gives the largest remainders the leftover samples', () => {
    // b·w = [1.2, 2.7, 6.1] → floors [1, 2, 6], one left over → task 1 (remainder 0.7).
    expect(Array.from(batchCounts([0.12, 0.27, 0.61], 10))).toEqual([1, 3, 6]);
  });

  it('handles K = 1, b = 0, zeros and invalid weights', () => {
    expect(Array.from(batchCounts([1], 7))).toEqual([7]);
    expect(Array.from(batchCounts([0.5, 0.5], 0))).toEqual([0, 0]);
    expect(Array.from(batchCounts([0, 1, 0], 9))).toEqual([0, 9, 0]);
    expect(Array.from(batchCounts([0, 0], 3))).toEqual([2, 1]); // all zero → uniform
    expect(Array.from(batchCounts([NaN, 1], 4))).toEqual([2, 2]); // invalid → uniform
    expect(Array.from(batchCounts([], 4))).toEqual([]);
  });
});
