import { describe, expect, it } from 'vitest';
import { MIXER_DEFAULTS } from '../../src/core/mixers/defaults';
import { SURGERY_MIXERS } from '../../src/core/mixers/names';
import {
  createMixer,
  defaultKnobs,
  MIXER_NAMES,
  MIXERS,
  parseKnobs,
} from '../../src/core/mixers/registry';

const ctx = { numTasks: 4, batchSize: 16, poolSizes: [1, 2, 3, 4], seed: 3 };

describe('mixer registry', () => {
  it('lists every mixer once, each with a consistent definition', () => {
    expect([...MIXER_NAMES].sort()).toEqual(
      [
        'balanced-pike',
        'mix',
        'pike',
        'pike-kkt',
        'random',
        'round-robin',
        'static',
        'temperature',
        'famo',
        'odm',
        'doremi',
        'ado',
        'unimax',
        'aioli',
        'doge',
        'pcgrad',
        'cagrad',
      ].sort(),
    );
    for (const name of MIXER_NAMES) {
      const def = MIXERS[name];
      expect(def.name).toBe(name);
      expect(def.summary.length).toBeGreaterThan(10);
      expect(def.rule.length).toBeGreaterThan(10);
      const defaults = defaultKnobs(name);
      expect(Object.keys(defaults).sort()).toEqual(def.knobs.map((k) => k.name).sort());
      for (const spec of def.knobs) {
        expect(spec.min).toBeLessThanOrEqual(spec.default);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
        const value = defaults[spec.name];
        expect(typeof value === 'boolean' ? Number(value) : value).toBe(spec.default);
      }
      const names = ['a', 'b', 'c', 'd'];
      const reference = { label: 'r', tasks: names, steps: [10], valLoss: [[1, 2, 3, 4]] };
      if (def.usesReference) expect(() => createMixer(name, ctx)).toThrow(/reference run/);
      const m = createMixer(name, { ...ctx, taskNames: names, reference });
      expect(m.name).toBe(name);
      expect(m.surgery !== undefined).toBe(SURGERY_MIXERS.includes(name));
      // A periodic mixer's period is its T0 knob; aioli's schedule is its sweeps' boundaries.
      if (m.needs.at) expect(m.needs.every).toBe(defaults.lpSteps);
      else if (m.needs.every > 0) expect(m.needs.every).toBe(defaults.T0);
    }
  });

  it('fills in the shared defaults', () => {
    expect(defaultKnobs('pike')).toEqual(MIXER_DEFAULTS.pike);
    expect(defaultKnobs('balanced-pike')).toEqual(MIXER_DEFAULTS['balanced-pike']);
    expect(defaultKnobs('pike-kkt')).toEqual(MIXER_DEFAULTS['pike-kkt']);
    expect(defaultKnobs('temperature')).toEqual({ T: 2 });
  });

  it('accepts URL-style strings', () => {
    expect(parseKnobs('pike', { T0: '10', zeta1: '1e-1', scaleAware: 'false' })).toMatchObject({
      T0: 10,
      zeta1: 0.1,
      scaleAware: false,
    });
    expect(parseKnobs('pike', { scaleAware: 0 }).scaleAware).toBe(false);
  });

  it('names the valid mixers on an unknown name', () => {
    expect(() => createMixer('pik', ctx)).toThrow(
      'Unknown mixer "pik". Valid mixers: mix, static, temperature, random, round-robin, pike, pike-kkt, balanced-pike, famo, odm, doremi, ado, unimax, aioli, doge, pcgrad, cagrad.',
    );
  });

  it('gives clear errors for invalid knobs', () => {
    expect(() => createMixer('pike', ctx, { T0: -3 })).toThrow(
      'Invalid knobs for mixer "pike": T0: must be ≥ 1.',
    );
    expect(() => createMixer('pike', ctx, { T0: 2.5 })).toThrow(/T0: must be an integer/);
    expect(() => createMixer('pike', ctx, { floor: 0.3 })).toThrow(
      /floor: 0.3 is above 1\/K = 0.25 for K = 4 tasks/,
    );
    expect(() =>
      createMixer('pike', { ...ctx, numTasks: 2, poolSizes: [1, 1] }, { floor: 0.3 }),
    ).not.toThrow();
    expect(() => createMixer('pike', ctx, { zeta: 1 })).toThrow(/Unrecognized key/);
    expect(() => createMixer('temperature', ctx, { T: 0.5 })).toThrow(/T: must be ≥ 1/);
    expect(() => createMixer('pike-kkt', ctx, { eta: 'fast' })).toThrow(
      /eta: must be a finite number/,
    );
    expect(() => createMixer('pike', ctx, { scaleAware: 'maybe' })).toThrow(
      /scaleAware: must be true or false/,
    );
  });

  it('validates the context and the initial weights', () => {
    expect(() => createMixer('static', { ...ctx, initialWeights: [1, 2] })).toThrow(
      'Invalid initial weights: got 2 weights, expected one per task (K = 4).',
    );
    expect(() => createMixer('pike', { ...ctx, initialWeights: [1, -1, 0, 0] })).toThrow(
      /finite and ≥ 0 \(#1 = -1\)/,
    );
    expect(() => createMixer('pike-kkt', { ...ctx, initialWeights: [0, 0, 0, 0] })).toThrow(
      /at least one weight must be positive/,
    );
    expect(() => createMixer('balanced-pike', { ...ctx, initialWeights: [1, NaN, 1, 1] })).toThrow(
      /#1 = NaN/,
    );
    // Mixers that ignore initial weights do not reject stale ones.
    expect(() => createMixer('mix', { ...ctx, initialWeights: [1, 2] })).not.toThrow();
    const w = createMixer('pike', { ...ctx, initialWeights: [1, 1, 2, 4] }).weights(0);
    expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 12);
    expect(w[3]).toBeGreaterThan(w[0]);
    expect(() => createMixer('mix', { ...ctx, numTasks: 0, poolSizes: [] })).toThrow(
      /Invalid mixer context: numTasks: must be at least 1/,
    );
    expect(() => createMixer('mix', { ...ctx, poolSizes: [1] })).toThrow(
      /poolSizes: has 1 entries, expected one per task \(K = 4\)/,
    );
  });
});
