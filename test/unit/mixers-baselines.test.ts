import { describe, expect, it } from 'vitest';
import { createMixMixer } from '../../src/core/mixers/mix';
import { createRandomMixer, randomTaskAt } from '../../src/core/mixers/random';
import { createRoundRobinMixer } from '../../src/core/mixers/round-robin';
import { applyFloor, normalize } from '../../src/core/mixers/simplex';
import { createStaticMixer } from '../../src/core/mixers/static';
import { createTemperatureMixer, temperatureWeights } from '../../src/core/mixers/temperature';

const ctx = (k: number, extra: object = {}) => ({
  numTasks: k,
  batchSize: 16,
  poolSizes: Array.from({ length: k }, (_, i) => 100 * (i + 1)),
  seed: 12345,
  ...extra,
});

describe('simplex helpers', () => {
  it('normalize falls back to uniform on unusable input', () => {
    expect(Array.from(normalize([1, 3]))).toEqual([0.25, 0.75]);
    expect(Array.from(normalize([0, 0]))).toEqual([0.5, 0.5]);
    expect(Array.from(normalize([1, NaN]))).toEqual([0.5, 0.5]);
    expect(Array.from(normalize([-1, 1]))).toEqual([0, 1]);
  });

  it('applyFloor mixes with uniform and clamps the floor to [0, 1/K]', () => {
    expect(Array.from(applyFloor([1, 0], 0.1))).toEqual([0.9, 0.1]);
    expect(Array.from(applyFloor([1, 0], 0.9))).toEqual([0.5, 0.5]); // clamped to 1/K
    expect(Array.from(applyFloor([1, 0], -1))).toEqual([1, 0]);
  });
});

describe('fixed mixers', () => {
  it('mix is uniform and static normalises the user weights', () => {
    expect(Array.from(createMixMixer(ctx(4)).weights(9))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const s = createStaticMixer(ctx(3, { initialWeights: [2, 0, 6] }));
    expect(Array.from(s.weights(0))).toEqual([0.25, 0, 0.75]);
    expect(Array.from(createStaticMixer(ctx(2)).weights(0))).toEqual([0.5, 0.5]);
    expect(s.needs).toEqual({ stats: false, losses: false, every: 0 });
  });

  it('temperature: T = 1 is proportional, large T is near uniform', () => {
    const p = createTemperatureMixer(ctx(3, { poolSizes: [100, 300, 600] }), { T: 1 }).weights(0);
    [0.1, 0.3, 0.6].forEach((x, k) => expect(p[k]).toBeCloseTo(x, 14));
    const sq = temperatureWeights([100, 400], 2); // ∝ √n: 10 : 20
    expect(sq[0]).toBeCloseTo(1 / 3, 14);
    const flat = temperatureWeights([1, 1e6, 30], 1e6);
    for (const x of flat) expect(Math.abs(x - 1 / 3)).toBeLessThan(1e-4);
    expect(Array.from(temperatureWeights([0, 5], 3))).toEqual([0, 1]);
    expect(Array.from(temperatureWeights([0, 0], 3))).toEqual([0.5, 0.5]);
  });
});

describe('random', () => {
  it('is one-hot, reproducible per (seed, step), and roughly uniform', () => {
    const a = createRandomMixer(ctx(4));
    const b = createRandomMixer(ctx(4));
    const counts = [0, 0, 0, 0];
    const steps = 20000;
    let mismatches = 0;
    for (let t = 0; t < steps; t++) {
      const w = a.weights(t);
      const k = w.indexOf(1);
      if (w.some((x, i) => x !== (i === k ? 1 : 0))) mismatches++; // not one-hot
      if (a.weights(t)[k] !== 1 || b.weights(t)[k] !== 1) mismatches++; // not reproducible
      counts[k]++;
    }
    expect(mismatches).toBe(0);
    for (const c of counts) expect(Math.abs(c / steps - 0.25)).toBeLessThan(0.02);
    const other = Array.from({ length: 64 }, (_, t) => randomTaskAt(999, t, 4));
    const mine = Array.from({ length: 64 }, (_, t) => randomTaskAt(12345, t, 4));
    expect(other).not.toEqual(mine);
    expect(createRandomMixer(ctx(1)).weights(5)[0]).toBe(1);
  });
});

describe('round-robin', () => {
  it('cycles through the tasks', () => {
    const m = createRoundRobinMixer(ctx(3));
    const seq = Array.from({ length: 7 }, (_, t) => m.weights(t).indexOf(1));
    expect(seq).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(m.weights(-1).indexOf(1)).toBe(2);
  });
});
