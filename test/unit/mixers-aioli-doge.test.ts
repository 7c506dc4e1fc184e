/**
 * Aioli's matrix and weights and DoGE's scores and weights against hand-derived values (the
 * worked examples of the reference code's rules, docs in aioli.ts / doge.ts), and each mixer's
 * schedule and bookkeeping through its update.
 */
import { describe, expect, it } from 'vitest';
import {
  aioliMatrix,
  aioliRoundSteps,
  aioliWeights,
  createAioliMixer,
} from '../../src/core/mixers/aioli';
import { dogeScores, dogeStep } from '../../src/core/mixers/doge';
import { createMixer } from '../../src/core/mixers/registry';
import type { MixerObservation } from '../../src/core/types';
import { gradStatsOf } from './helpers/grad-stats';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
};
const ctx = (K: number) => ({
  numTasks: K,
  batchSize: 8,
  poolSizes: new Array<number>(K).fill(100),
  seed: 11,
});

describe('Aioli', () => {
  // Two groups, f = 0.75, one sweep each: ℓ = (3, 4) → sweep on 0 → (2.8, 3.9) → sweep on 1
  // → (2.75, 3.6). M = [[.2, .05], [.1, .3]] (row: the loss, column: the sweep).
  const M = [0.2, 0.05, 0.1, 0.3];

  it('A = M·W⁻¹, shifted and normalised (hand-derived)', () => {
    // W⁻¹ = [[1.5, −.5], [−.5, 1.5]]: A = [[.275, −.025], [0, .4]] → + .025 → / .75.
    close(aioliMatrix(M, 2, 0.75)!, [0.4, 0, 0.1 / 3, 1.7 / 3]);
    // Three groups, f = 0.5: W⁻¹ = [[3,−1,−1],[−1,3,−1],[−1,−1,3]]; M = I gives A = W⁻¹ → +1 → /15.
    const A3 = aioliMatrix([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 0.5)!;
    close(
      A3,
      [4, 0, 0, 0, 4, 0, 0, 0, 4].map((x) => x / 12),
    );
    expect(aioliMatrix([0, 0, 0, 0], 2, 0.75)).toBeNull(); // nothing learned
  });

  it('p_j ∝ exp(η·Σ_i A_ij), and the EMA over rounds (hand-derived)', () => {
    const A0 = aioliMatrix(M, 2, 0.75)!;
    close(aioliWeights(A0, 2, 0.2), [0.4933337, 0.5066663]);
    close(aioliWeights(A0, 2, 1), [0.466716, 0.533284]);
    const A1 = [0.1, 0.2, 0.3, 0.4];
    const E = A1.map((x, k) => 0.9 * x + 0.1 * A0[k]);
    close(aioliWeights(E, 2, 0.2), [0.4903345, 0.5096655]);
  });

  it('sweeps, measures at the sweeps’ ends and updates once a round', () => {
    const opts = { roundSteps: 10, lpRounds: 1, lpSteps: 2, ohf: 0.75, ema: 0.1, eta: 0.2 };
    const m = createAioliMixer(ctx(2), opts);
    const due = Array.from({ length: 30 }, (_, s) => s).filter((s) => m.needs.at!(s));
    expect(due).toEqual([1, 3, 5, 11, 13, 15, 21, 23, 25]);
    // Step 0 trains at uniform weights; steps 1-2 and 3-4 are the sweeps; 5-10 at p.
    expect(Array.from(m.weights(0))).toEqual([0.5, 0.5]);
    const first = m.weights(1);
    expect(Math.max(...first)).toBe(0.75);
    expect(Array.from(m.weights(2))).toEqual(Array.from(first));
    const swept = [first[0] === 0.75 ? 0 : 1, first[0] === 0.75 ? 1 : 0];
    expect(m.weights(3)[swept[1]]).toBe(0.75);
    // The losses of the example above, in the mixer's own sweep order.
    const after = (j: number, l: number[]) =>
      j === 0 ? [l[0] - 0.2, l[1] - 0.1] : [l[0] - 0.05, l[1] - 0.3];
    const l0 = [3, 4];
    const l1 = after(swept[0], l0);
    const l2 = after(swept[1], l1);
    const obs = (step: number, v: number[]): MixerObservation => ({
      step,
      batchSize: 8,
      taskLosses: new Float64Array(2),
      valLoss: Float64Array.from(v),
    });
    expect(m.update(obs(1, l0)).changed).toBe(false);
    expect(m.update(obs(3, l1)).changed).toBe(false);
    expect(m.update(obs(5, l2)).changed).toBe(true);
    close(m.weights(5), [0.4933337, 0.5066663]);
    close(m.weights(10), [0.4933337, 0.5066663]);
    // Non-finite losses: kept, with a warning that says why.
    const bad = m.update(obs(11, [NaN, 1]));
    expect(bad.changed).toBe(false);
    expect(bad.warning).toMatch(/aioli: kept the previous weights at step 11/);
  });

  it('makes a round long enough for its sweeps', () => {
    const o = { roundSteps: 10, lpRounds: 2, lpSteps: 5, ohf: 0.75, ema: 0.1, eta: 1 };
    expect(aioliRoundSteps(3, o)).toBe(35);
    expect(aioliRoundSteps(1, { ...o, lpRounds: 1 })).toBe(10);
    // One task: nothing to sweep or learn.
    const m = createMixer('aioli', ctx(1));
    expect(Array.from(m.weights(3))).toEqual([1]);
    expect(m.needs.at!(1)).toBe(false);
  });
});

describe('DoGE', () => {
  // g1 = (1,0), g2 = (0,2), g3 = (−1,1): Gram [[1,0,−1],[0,4,2],[−1,2,2]], mean ‖g‖ = (1+2+√2)/3.
  const A = [1, 0, -1, 0, 4, 2, -1, 2, 2];
  const norm = (1 + 2 + Math.SQRT2) / 3;

  it('scores ⟨g_i, Σ_j g_j⟩ / mean ‖g‖, clipped to [0, dw_max] (hand-derived)', () => {
    close(dogeScores(A, 3, 5, true), [0, 6 / norm, 3 / norm], 1e-5);
    // Without the self term the sums are (−1, 2, 1); −1 is clipped to 0.
    close(dogeScores(A, 3, 5, false), [0, 2 / norm, 1 / norm], 1e-5);
    close(dogeScores(A, 3, 2, true), [0, 2, 2], 1e-12);
  });

  it('moves log-weights by η·s (the reference’s lr/μ = 1e-3/0.01, hand-derived)', () => {
    const u = [1 / 3, 1 / 3, 1 / 3];
    close(dogeStep(u, dogeScores(A, 3, 5, true), 0.1, 0), [0.2681234, 0.4031146, 0.328762]);
    close(dogeStep(u, dogeScores(A, 3, 5, false), 0.1, 0), [0.310953, 0.3562263, 0.3328207]);
    // Two tasks without the self term: equal scores, so nothing ever moves; with it the larger
    // gradient gains: g1 = (2,0), g2 = (1,1).
    const B = [4, 2, 2, 2];
    close(dogeStep([0.5, 0.5], dogeScores(B, 2, 5, false), 0.1, 0), [0.5, 0.5], 1e-15);
    close(dogeStep([0.5, 0.5], dogeScores(B, 2, 5, true), 0.1, 0), [0.5292558, 0.4707442]);
  });

  it('reads the statistics’ inner products, with G on the diagonal, and keeps a floor', () => {
    const m = createMixer('doge', ctx(3), { T0: 5, eta: 0.1, floor: 0 });
    expect(m.needs).toMatchObject({ stats: true, every: 5 });
    const stats = gradStatsOf(5, [1, 4, 2], [0, 0, 0]);
    stats.meanGram = Float64Array.from([9, 0, -1, 0, 9, 2, -1, 2, 9]); // noisy diagonal, unused
    const r = m.update({ step: 5, batchSize: 8, taskLosses: new Float64Array(3), stats });
    expect(r.changed).toBe(true);
    close(m.weights(5), [0.2681234, 0.4031146, 0.328762]);
    const floored = createMixer('doge', ctx(3), { eta: 100, floor: 0.05 });
    floored.update({ step: 25, batchSize: 8, taskLosses: new Float64Array(3), stats });
    expect(Math.min(...floored.weights(25))).toBeCloseTo(0.05, 12);
    // No inner products (statistics from a file): kept, and said so.
    const bare = { ...stats, meanGram: undefined };
    const k = m.update({ step: 10, batchSize: 8, taskLosses: new Float64Array(3), stats: bare });
    expect(k).toEqual({ changed: false, warning: expect.stringMatching(/no inner products/) });
  });
});
