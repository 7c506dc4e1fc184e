import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeriesTable } from '../../src/store/series';

const finiteMin = (a: readonly number[]) => Math.min(...a.filter((v) => !Number.isNaN(v)));
const finiteMax = (a: readonly number[]) => Math.max(...a.filter((v) => !Number.isNaN(v)));

describe('SeriesTable (bounded, aligned, folding)', () => {
  it('keeps every row until it is full', () => {
    const t = new SeriesTable(2, 'minmax', 8);
    for (let i = 0; i < 7; i++) t.push(i, [i, 10 - i]);
    expect(t.x).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(t.col(1)).toEqual([10, 9, 8, 7, 6, 5, 4]);
  });

  it('min/max folding keeps the bound and every column’s extremes, in step order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN)), {
          minLength: 1,
          maxLength: 600,
        }),
        (values) => {
          const t = new SeriesTable(2, 'minmax', 16);
          values.forEach((v, i) => t.push(i, [v, 2 * i]));
          expect(t.length).toBeLessThanOrEqual(16 + t.stepsPerBucket - 1);
          for (let i = 1; i < t.length; i++) expect(t.x[i]).toBeGreaterThan(t.x[i - 1]);
          const finite = values.filter((v) => !Number.isNaN(v));
          if (finite.length) {
            expect(finiteMin(t.col(0))).toBe(Math.min(...finite));
            expect(finiteMax(t.col(0))).toBe(Math.max(...finite));
          }
          expect(t.col(1)[0]).toBe(0);
          expect(finiteMax(t.col(1))).toBe(2 * (values.length - 1));
          const shown = t.display(6);
          expect(shown.x.length).toBeLessThanOrEqual(6);
          if (finite.length) {
            expect(finiteMin(shown.cols[0])).toBe(Math.min(...finite));
            expect(finiteMax(shown.cols[0])).toBe(Math.max(...finite));
          }
        },
      ),
    );
  });

  it('a falling curve stays falling after folding', () => {
    const t = new SeriesTable(1, 'minmax', 40);
    for (let i = 0; i < 1000; i++) t.push(i, [1000 - i]);
    const c = t.col(0);
    for (let i = 1; i < c.length; i++) expect(c[i]).toBeLessThan(c[i - 1]);
  });

  it('mean folding keeps rows on the simplex (stacked weights still sum to 1)', () => {
    const t = new SeriesTable(3, 'mean', 8);
    for (let i = 0; i < 100; i++) {
      const a = (i % 7) / 10;
      t.push(i, [a, 0.5 - a / 2, 0.5 - a / 2]);
    }
    expect(t.length).toBeLessThanOrEqual(8 + t.stepsPerBucket - 1);
    for (let i = 0; i < t.length; i++) {
      expect(t.col(0)[i] + t.col(1)[i] + t.col(2)[i]).toBeCloseTo(1, 12);
    }
    const shown = t.display(4);
    shown.x.forEach((_, i) => expect(shown.cols.reduce((s, c) => s + c[i], 0)).toBeCloseTo(1, 12));
  });

  it('keeps a uniform resolution: old history is not squeezed by new', () => {
    const t = new SeriesTable(1, 'minmax', 2000);
    for (let i = 1; i <= 20_000; i++) t.push(i, [Math.sin(i / 300)]);
    expect(t.length).toBeLessThanOrEqual(2000 + t.stepsPerBucket - 1);
    expect(t.length).toBeGreaterThan(1000);
    const early = t.x.filter((x) => x <= 10_000).length;
    const late = t.x.filter((x) => x > 10_000).length;
    expect(Math.abs(early - late)).toBeLessThan(0.05 * t.length);
    const shown = t.display(120);
    expect(shown.x.length).toBeLessThanOrEqual(120);
    expect(shown.x.filter((x) => x <= 10_000).length).toBeGreaterThan(50);
  });

  it('adds and removes task columns without losing the others', () => {
    const t = new SeriesTable(2, 'minmax', 8);
    t.push(1, [1, 2]);
    t.addColumn();
    t.push(2, [3, 4, 5]);
    expect(t.col(2)).toEqual([NaN, 5]);
    t.removeColumn(0);
    expect(t.col(0)).toEqual([2, 4]);
    expect(t.width).toBe(2);
  });
});
