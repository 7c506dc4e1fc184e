import { describe, expect, it } from 'vitest';
import { createBalancedPikeMixer, tiltedLossWeights } from '../../src/core/mixers/balanced-pike';
import type { MixerContext } from '../../src/core/mixers/context';
import { isUpdateStep } from '../../src/core/mixers/observation';
import { createPikeMixer, pikeExponents, type PikeOptions } from '../../src/core/mixers/pike';
import type { MixerObservation } from '../../src/core/types';
import { gradStatsOf } from './helpers/grad-stats';

function observation(
  g: number[],
  s: number[],
  batchSize: number,
  losses?: number[],
  step = 0,
): MixerObservation {
  const k = g.length;
  return {
    step,
    batchSize,
    taskLosses: Float64Array.from(losses ?? new Array<number>(k).fill(NaN)),
    stats: gradStatsOf(step, g, s),
  };
}

const ctx = (k: number, initialWeights?: number[]): MixerContext => ({
  numTasks: k,
  batchSize: 8,
  poolSizes: new Array<number>(k).fill(100),
  seed: 1,
  initialWeights,
});
const opts = (o: Partial<PikeOptions> = {}): PikeOptions => ({
  T0: 5,
  zeta1: 0.3,
  zeta2: 0.2,
  floor: 0,
  scaleAware: false,
  smooth: 0,
  ...o,
});

// w₀ = [0.5, 0.3, 0.2], G = [1, 2, 0.5], S = [10, 0, 40], b = 8, ζ₁ = 0.3, ζ₂ = 0.2:
// e = ζ₁G − ζ₂S/(2b) = [0.175, 0.6, −0.35]; w ∝ w₀·exp(e) (numbers from the formula by hand).
const G = [1, 2, 0.5];
const S = [10, 0, 40];
const W0 = [0.5, 0.3, 0.2];

describe('pike', () => {
  it('applies the paper formula literally when scaleAware = false', () => {
    const m = createPikeMixer(ctx(3, W0), opts());
    expect(Array.from(m.weights(0))).toEqual(W0);
    const report = m.update(observation(G, S, 8));
    expect(report.changed).toBe(true);
    expect(report.warning).toBeUndefined();
    const w = m.weights(1);
    const expected = [0.4641714424367327, 0.4259953148595346, 0.10983324270373261];
    for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo(expected[k], 14);
    const e = [0.175, 0.6, -0.35].map((x, k) => W0[k] * Math.exp(x));
    const z = e.reduce((a, x) => a + x, 0);
    for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo(e[k] / z, 14);
  });

  it('divides the exponent by s = mean max(G, 0) when scaleAware', () => {
    const m = createPikeMixer(ctx(3, W0), opts({ scaleAware: true }));
    m.update(observation(G, S, 8));
    const expected = [0.471978066813931, 0.4076433322466352, 0.12037860093943387]; // s = 7/6
    const w = m.weights(0);
    for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo(expected[k], 14);
    // Scaling every statistic by 1e6 leaves the scale-aware update unchanged.
    const big = createPikeMixer(ctx(3, W0), opts({ scaleAware: true }));
    big.update(
      observation(
        G.map((x) => x * 1e6),
        S.map((x) => x * 1e6),
        8,
      ),
    );
    const wb = big.weights(0);
    for (let k = 0; k < 3; k++) expect(wb[k]).toBeCloseTo(expected[k], 12);
  });

  it('mixes in the floor: w ← (1 − K·f)·w + f', () => {
    const m = createPikeMixer(ctx(3, W0), opts({ floor: 0.05 }));
    // The initial weights are floored too.
    expect(Array.from(m.weights(0)).map((x) => +x.toFixed(12))).toEqual([0.475, 0.305, 0.22]);
    const m0 = createPikeMixer(ctx(3, [0.475, 0.305, 0.22]), opts());
    m0.update(observation(G, S, 8));
    m.update(observation(G, S, 8));
    const w = m.weights(0);
    const w0 = m0.weights(0);
    for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo(0.85 * w0[k] + 0.05, 14);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(0.05);
  });

  it('centres and clips the exponent to [−5, 5]', () => {
    const r = pikeExponents(Float64Array.from([1e6, 0]), new Float64Array(2), 8, opts());
    expect('exponents' in r && Array.from(r.exponents)).toEqual([5, -5]);
  });

  it('skips a scale-aware update when no task has a positive gradient norm²', () => {
    const m = createPikeMixer(ctx(2), opts({ scaleAware: true }));
    const r = m.update(observation([0, -3], [1, 1], 8));
    expect(r.changed).toBe(false);
    expect(r.warning).toMatch(/not a positive finite number/);
    expect(Array.from(m.weights(0))).toEqual([0.5, 0.5]);
  });

  it('updates only at multiples of T₀ when driven by the trainer schedule', () => {
    const m = createPikeMixer(ctx(3), opts({ T0: 5 }));
    expect(m.needs).toEqual({ stats: true, losses: false, every: 5 });
    const changedAt: number[] = [];
    let prev = m.weights(0);
    for (let step = 0; step < 23; step++) {
      if (isUpdateStep(m.needs, step)) m.update(observation(G, S, 8, undefined, step));
      const w = m.weights(step);
      if (w.some((x, k) => x !== prev[k])) changedAt.push(step);
      prev = w;
    }
    expect(changedAt).toEqual([0, 5, 10, 15, 20]);
    expect(isUpdateStep({ stats: false, losses: false, every: 0 }, 0)).toBe(false);
  });

  it('reports each task’s two terms, exponent and weights of the update (the mixer panel)', () => {
    const m = createPikeMixer(ctx(3, W0), opts());
    const { detail } = m.update(observation(G, S, 8));
    // ζ₁ = 0.3, ζ₂ = 0.2, b = 8, s = 1: gradient term 0.3·G_k, variance term −0.2·S_k/16.
    G.forEach((g, k) => expect(detail!.gradTerm[k]).toBeCloseTo(0.3 * g, 14));
    S.forEach((v, k) => expect(detail!.varianceTerm[k]).toBeCloseTo((-0.2 * v) / 16, 14));
    const raw = G.map((_, k) => detail!.gradTerm[k] + detail!.varianceTerm[k]);
    const mean = raw.reduce((a, x) => a + x, 0) / 3;
    raw.forEach((x, k) => expect(detail!.exponent[k]).toBeCloseTo(x - mean, 14));
    expect(detail!.before).toEqual(W0);
    expect(detail!.after).toEqual(Array.from(m.weights(1)));
    expect(detail!.gradNormSq).toEqual(G);
  });

  it('with smooth = β, acts on the bias-corrected average of the statistics so far', () => {
    // β = 0.5: after two updates the average is (0.5·0.5·x₁ + 0.5·x₂)/(1 − 0.25) = (x₁ + 2x₂)/3.
    const G2 = [0.2, 1.4, 0.9];
    const S2 = [3, 0.5, 8];
    const smoothed = createPikeMixer(ctx(3, W0), opts({ smooth: 0.5 }));
    const plain = createPikeMixer(ctx(3, W0), opts());
    smoothed.update(observation(G, S, 8));
    plain.update(observation(G, S, 8)); // the first update uses its own statistics
    expect(Array.from(smoothed.weights(1))).toEqual(Array.from(plain.weights(1)));
    const avg = (a: number[], b: number[]) => a.map((x, k) => (x + 2 * b[k]) / 3);
    const d = smoothed.update(observation(G2, S2, 8, undefined, 5)).detail!;
    plain.update(observation(avg(G, G2), avg(S, S2), 8, undefined, 5));
    const w = smoothed.weights(6);
    const p = plain.weights(6);
    for (let k = 0; k < 3; k++) {
      expect(w[k]).toBeCloseTo(p[k], 14);
      expect(d.gradNormSq[k]).toBeCloseTo(avg(G, G2)[k], 14);
    }
    // An unusable observation never enters the average.
    smoothed.update(observation([NaN, 1, 1], [1, 1, 1], 8, undefined, 10));
    expect(Array.from(smoothed.weights(11))).toEqual(Array.from(w));
  });

  it('reports unusable observations and keeps the weights', () => {
    const m = createPikeMixer({ ...ctx(3), taskNames: ['en', 'fr', 'add'] }, opts());
    const before = m.weights(0);
    const r = m.update(observation([1, NaN, 2], [1, 1, Infinity], 8));
    expect(r.changed).toBe(false);
    expect(r.warning).toMatch(/task 1 \(fr\)/);
    expect(r.warning).toMatch(/task 2 \(add\)/);
    expect(r.warning).not.toMatch(/task 0/);
    expect(m.weights(0)).toEqual(before);
    expect(m.update({ step: 3, batchSize: 8, taskLosses: new Float64Array(3) }).warning).toMatch(
      /no gradient statistics/,
    );
    expect(m.update(observation([1, 1], [1, 1], 8)).warning).toMatch(/expected 3/);
  });
});

describe('balanced-pike', () => {
  const bOpts = (tau: number) => ({ ...opts({ scaleAware: true, floor: 0.02 }), tau });

  it('reduces to pike as τ → 0', () => {
    for (const scaleAware of [true, false]) {
      const p = createPikeMixer(ctx(3, W0), opts({ scaleAware, floor: 0.02 }));
      const b = createBalancedPikeMixer(ctx(3, W0), {
        ...opts({ scaleAware, floor: 0.02 }),
        tau: 1e-8,
      });
      for (let t = 0; t < 3; t++) {
        const obs = observation(G, S, 8, [4, 1, 2.5], t * 5);
        p.update(obs);
        b.update(obs);
      }
      const wp = p.weights(0);
      const wb = b.weights(0);
      for (let k = 0; k < 3; k++) expect(wb[k]).toBeCloseTo(wp[k], 7);
    }
  });

  it('moves weight toward the higher-loss task as τ grows', () => {
    const share = (tau: number) => {
      const m = createBalancedPikeMixer(ctx(2), bOpts(tau));
      for (let t = 0; t < 4; t++) m.update(observation([1, 1], [0.1, 0.1], 8, [3, 1], t * 5));
      return m.weights(0)[0];
    };
    const low = share(0.1);
    const high = share(3);
    expect(low).toBeGreaterThan(0.5);
    expect(high).toBeGreaterThan(low + 0.1);
  });

  it('exposes loss weights y = K·softmax(τL), ordered like the losses', () => {
    const m = createBalancedPikeMixer(ctx(3), bOpts(1));
    expect(m.needs).toEqual({ stats: true, losses: true, every: 5 });
    expect(Array.from(m.lossWeights!())).toEqual([1, 1, 1]);
    m.update(observation([1, 1, 1], [1, 1, 1], 8, [2, 0.5, 1]));
    const y = m.lossWeights!();
    expect(y.reduce((a, x) => a + x, 0)).toBeCloseTo(3, 12);
    expect(y[0]).toBeGreaterThan(y[2]);
    expect(y[2]).toBeGreaterThan(y[1]);
    const z = Math.exp(2) + Math.exp(0.5) + Math.exp(1);
    expect(y[0]).toBeCloseTo((3 * Math.exp(2)) / z, 12);
  });

  it('replaces unknown losses by the mean of the known ones', () => {
    expect(Array.from(tiltedLossWeights([NaN, NaN], 2))).toEqual([1, 1]);
    expect(Array.from(tiltedLossWeights([1, 5], 0))).toEqual([1, 1]);
    const y = tiltedLossWeights([1, NaN, 3], 1); // NaN → 2
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(y[1]).toBeCloseTo((3 * Math.exp(2)) / z, 12);
    const huge = tiltedLossWeights([1e6, 0], 10);
    expect(Array.from(huge)).toEqual([2, 0]);
  });

  it('keeps w and y on unusable statistics', () => {
    const m = createBalancedPikeMixer(ctx(2), bOpts(1));
    const r = m.update(observation([NaN, 1], [1, 1], 8, [5, 1]));
    expect(r.warning).toMatch(/task 0/);
    expect(Array.from(m.lossWeights!())).toEqual([1, 1]);
    expect(Array.from(m.weights(0))).toEqual([0.5, 0.5]);
  });
});
