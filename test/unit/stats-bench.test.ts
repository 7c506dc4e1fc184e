/**
 * `npm run bench -- --stats`: the measurement of PiKE's statistics (issue 8 part 1) on a tiny
 * model: one row per task and step, finite relative standard errors computed from the repeats,
 * smoothing that narrows the spread, the variance share in [0, 1], and the closing median line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { median, relSE, runStatsBench } from '../../src/cli/stats-bench';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { useBackend } from './helpers/backend';

beforeAll(() => useBackend('cpu'));

describe('bench --stats', () => {
  it('relSE and median are what they say', () => {
    // [1, 3]: mean 2, sample standard deviation √2, so relSE = √2/2.
    expect(relSE([1, 3])).toBeCloseTo(Math.SQRT2 / 2, 12);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('measures every task at every step from repeated statistics steps', async () => {
    const lines: string[] = [];
    const { rows, medianRelSE } = await runStatsBench(
      {
        base: {
          tasks: [{ spec: 'copy', knobs: { difficulty: { length: 4 } } }, { spec: 'markov:1:0.5' }],
          mixer: { name: 'mix' },
          model: { layers: 1, heads: 2, width: 16, context: 16 },
          batchSize: 8,
          seed: 1,
          schedule: { probeHalf: 2 },
        },
        corpus: createFsCorpusLoader(),
        at: [0, 4],
        repeats: 4,
        every: 2,
        smooth: 0.7,
      },
      (l) => lines.push(l),
    );
    expect(rows.map((r) => `${r.step}/${r.task}`)).toEqual([
      '0/copy',
      '0/markov:1:0.5',
      '4/copy',
      '4/markov:1:0.5',
    ]);
    for (const r of rows) {
      expect(Number.isFinite(r.gradNormSq.relSE) && r.gradNormSq.relSE > 0).toBe(true);
      expect(Number.isFinite(r.variance.mean) && r.variance.mean > 0).toBe(true);
      expect(r.varianceShare).toBeGreaterThanOrEqual(0);
      expect(r.varianceShare).toBeLessThanOrEqual(1);
    }
    // At step 0 each chain has one estimate: smoothed = one-step, no lag.
    for (const r of rows.filter((x) => x.step === 0)) {
      expect(r.gradNormSq.smoothedRelSE).toBeCloseTo(r.gradNormSq.relSE, 12);
      expect(r.gradNormSq.lag).toBeCloseTo(0, 12);
    }
    for (const r of rows.filter((x) => x.step === 4)) {
      expect(Number.isFinite(r.gradNormSq.smoothedRelSE)).toBe(true);
      expect(Number.isFinite(r.gradNormSq.lag)).toBe(true);
    }
    expect(medianRelSE).toBe(median(rows.map((r) => r.gradNormSq.smoothedRelSE)));
    expect(lines.at(-1)).toBe(`median relative SE of gradNormSq: ${medianRelSE.toFixed(3)}`);
  });

  it('refuses measurement steps that are not PiKE statistics steps', async () => {
    await expect(
      runStatsBench(
        {
          base: { tasks: [{ spec: 'copy' }, { spec: 'reverse' }], mixer: { name: 'mix' } },
          corpus: createFsCorpusLoader(),
          at: [0, 3],
          repeats: 2,
          every: 2,
          smooth: 0,
        },
        () => {},
      ),
    ).rejects.toThrow(/multiples of T₀ = 2/);
  });
});
