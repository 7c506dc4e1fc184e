import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, presetConfig } from '../../src/core/config/presets';
import { MIXER_NAMES, MIXERS } from '../../src/core/mixers/registry';
import { decodeHash, encodeHash, FIELDS } from '../../src/store/url-hash';
import { canonical, valid } from './helpers/valid-config';

describe('URL hash', () => {
  it('has no key that is also a mixer knob name', () => {
    const knobNames = MIXER_NAMES.flatMap((n) => MIXERS[n].knobs.map((k) => k.name));
    for (const f of FIELDS) expect(knobNames).not.toContain(f.key);
  });

  it('a doremi link without its reference, or with part of it, names what is missing', () => {
    const d = decodeHash('#mixer=doremi');
    expect(d.ok).toBe(false);
    expect(!d.ok && d.message).toMatch(/DoReMi \(online\) needs a reference run.*Save run/);
    const part = decodeHash('#mixer=doremi&ref=mix&refSteps=10');
    expect(!part.ok && part.message).toMatch(/ref, refSteps and refLoss .* come together/);
    const bad = decodeHash('#tasks=copy,sort&mixer=doremi&ref=mix&refSteps=10,20&refLoss=1/2,1/x');
    expect(!bad.ok && bad.message).toMatch(/refLoss: "x" is not a number/);
    const short = decodeHash('#tasks=copy,sort&mixer=doremi&ref=mix&refSteps=10,20&refLoss=1/2,1');
    expect(!short.ok && short.message).toMatch(/refLoss: has 1 losses for 2 tasks/);
    const ok = decodeHash(
      '#tasks=copy,sort&mixer=doremi&ref=mix&refSteps=10,20&refLoss=1/2,0.5/1.5',
    );
    expect(ok.ok && ok.config.mixer.reference).toEqual({
      label: 'mix',
      tasks: ['copy', 'sort'],
      steps: [10, 20],
      valLoss: [
        [1, 2],
        [0.5, 1.5],
      ],
    });
  });

  it('an empty hash is the multilingual preset', () => {
    const d = decodeHash('');
    expect(d.ok && d.preset).toBe('multilingual');
    expect(d.ok && canonical(d.config)).toEqual(canonical(valid(presetConfig('multilingual'))));
  });

  it.each(PRESET_NAMES)('round-trips preset %s with every mixer', (preset) => {
    for (const mixer of MIXER_NAMES) {
      const base = presetConfig(preset);
      // doremi carries its reference run in the link (losses kept to 4 significant digits).
      const tasks = base.tasks.map((t) => t.spec);
      const reference = MIXERS[mixer].usesReference
        ? {
            label: 'Uniform mix · seed 0 (2)',
            tasks,
            steps: [50, 100],
            valLoss: [tasks.map(() => 2.5), tasks.map((_, k) => 1.25 + k / 8)],
          }
        : undefined;
      const c = valid({
        ...base,
        mixer: { name: mixer, knobs: {}, ...(reference ? { reference } : {}) },
      });
      const hash = encodeHash(c, preset);
      const d = decodeHash(`#${hash}`);
      if (!d.ok) throw new Error(`${hash}: ${d.message}`);
      expect(d.preset).toBe(preset);
      expect(canonical(d.config)).toEqual(canonical(c));
    }
  });

  it('round-trips every field: task knobs, mixer knobs and weights, model, optimizer, schedule', () => {
    const arb = fc.record({
      noise: fc.double({ min: 0, max: 1, noNaN: true }),
      pool: fc.integer({ min: 1, max: 100_000 }),
      enabled: fc.boolean(),
      length: fc.integer({ min: 1, max: 12 }),
      T0: fc.integer({ min: 1, max: 1000 }),
      zeta1: fc.double({ min: 0, max: 100, noNaN: true }),
      tau: fc.double({ min: 0, max: 10, noNaN: true }),
      scaleAware: fc.boolean(),
      weights: fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), {
        minLength: 3,
        maxLength: 3,
      }),
      lr: fc.double({ min: 1e-6, max: 1, noNaN: true }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      opt: fc.constantFrom('adam', 'adamw', 'sgd'),
      decay: fc.constantFrom('none', 'cosine'),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const c = valid({
          tasks: [
            { spec: 'copy', knobs: { labelNoise: a.noise, difficulty: { length: a.length } } },
            { spec: 'markov:7:0.25', knobs: { poolSize: a.pool, enabled: a.enabled } },
            { spec: 'udhr:hi' },
          ],
          mixer: {
            name: 'balanced-pike',
            knobs: { T0: a.T0, zeta1: a.zeta1, tau: a.tau, scaleAware: a.scaleAware },
            weights: a.weights,
          },
          model: { layers: 1, heads: 2, width: 32, context: 16, dropout: 0.1 },
          optimizer: {
            name: a.opt,
            lr: a.lr,
            warmupSteps: 7,
            decay: a.decay,
            totalSteps: 999,
            clipNorm: 0,
            weightDecay: 0.2,
            beta1: 0.8,
            beta2: 0.99,
            eps: 1e-7,
          },
          batchSize: 8,
          seed: a.seed,
          schedule: { metricsEvery: 5, evalEvery: 20, statsEvery: 0, probeHalf: 4 },
        });
        const d = decodeHash(encodeHash(c, 'algorithmic'));
        if (!d.ok) throw new Error(d.message);
        expect(canonical(d.config)).toEqual(canonical(c));
      }),
      { numRuns: 60 },
    );
  });

  it('is readable: task specs, commas and colons are not escaped', () => {
    const c = valid(presetConfig('imbalanced'));
    const hash = encodeHash(c, 'imbalanced');
    expect(hash).toContain('preset=imbalanced&tasks=udhr:en,udhr:fr,udhr:sw&t0.pool=3000');
    expect(hash).toContain('mixer=pike&T0=');
    expect(hash).toContain('width=64');
  });

  it('a short link overrides its preset', () => {
    const d = decodeHash('#preset=conflict&mixer=mix&layers=1&width=32&context=16&batch=8');
    if (!d.ok) throw new Error(d.message);
    expect(d.preset).toBe('conflict');
    expect(d.config.tasks.map((t) => t.spec)).toEqual(['blind:copy', 'blind:anti:copy', 'reverse']);
    expect(d.config.mixer).toEqual({ name: 'mix', knobs: {} });
    expect(d.config.model).toMatchObject({ layers: 1, width: 32, context: 16 });
    expect(d.config.batchSize).toBe(8);
  });

  it('reports every problem of a link, not just the first', () => {
    const d = decodeHash('#width=999&colour=red&lr=fast');
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.message).toMatch(/"colour" is not a setting/);
      expect(d.message).toMatch(/lr: "fast" is not a number/);
    }
  });

  it.each([
    ['#width=abc', /width: "abc" is not a number/],
    ['#width=999', /width: .*256/],
    ['#heads=3&width=64', /width: width must be divisible by heads/],
    ['#preset=nope', /preset: "nope" is not one of multilingual/],
    ['#mixer=magic', /mixer: "magic" is not one of mix, static/],
    ['#mixer=mix&T0=5', /T0: not a knob of mixer "mix"/],
    ['#mixer=pike&zeta1=-1', /zeta1/],
    ['#colour=red', /"colour" is not a setting/],
    ['#width=32&width=64', /width is given twice/],
    ['#tasks=copy,bogus:1', /unknown task family "bogus"/],
    ['#tasks=copy&t3.pool=5', /t3.pool: there is no task 3/],
    ['#tasks=copy&t0.pool=0', /t0.pool/],
    ['#tasks=copy&t0.wobble=2', /unknown difficulty knob "wobble"/],
    ['#tasks=copy&t0.enabled=maybe', /t0.enabled: "maybe" is not true or false/],
    ['#tasks=copy,reverse&weights=1', /1 weights for 2 tasks/],
    ['#lr=%E0%A4%A', /not valid URL encoding/],
    ['#justakey', /not of the form key=value/],
  ])('rejects %s with a message naming the field', (hash, pattern) => {
    const d = decodeHash(hash);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.message).toMatch(pattern);
  });
});
