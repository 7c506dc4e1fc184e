/**
 * Task specs, contestant specs and mixer knob values searched for holes with seeded property
 * tests: the pure parsers (parseTaskSpec, setTaskKnob, parseContestants, parseKnobs,
 * validateConfig) answer with a value or an Error that names the spec or knob, never a crash.
 * The store's config actions are searched in fuzz-config-actions.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultKnobs, parseTaskSpec } from '../../src/core/config/catalogue';
import { presetConfig } from '../../src/core/config/presets';
import {
  formatBraceSpec,
  parseContestants,
  setTaskKnob,
  TASK_KNOB_KEYS,
} from '../../src/core/config/spec';
import { isMixerName, MIXER_NAMES, MIXERS, parseKnobs } from '../../src/core/mixers/registry';
import type { TaskKnobs } from '../../src/core/types';
import { validateConfig } from '../../src/core/config/validate';
import {
  anyUnits,
  INTERNAL_ERROR,
  knobsArb,
  names,
  nastyValue,
  SEED,
  specLike,
  validConfigArb,
} from './helpers/fuzz-arbitraries';

const KNOB_NAMES = [...new Set(MIXER_NAMES.flatMap((n) => MIXERS[n].knobs.map((k) => k.name)))];

/** Runs `f`; a throw must be an Error with a readable message (returned), never a crash. */
function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; message: string } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`, { cause: e });
    expect(e.message.trim()).not.toBe('');
    expect(e.message).not.toMatch(INTERNAL_ERROR);
    return { ok: false, message: e.message };
  }
}

describe('the pure parsers', () => {
  it('parseTaskSpec: a parsed spec with default knobs, or an Error quoting the spec', () => {
    fc.assert(
      fc.property(specLike, (spec) => {
        const r = attempt(() => parseTaskSpec(spec));
        if (r.ok) expect(() => defaultKnobs(spec)).not.toThrow();
        else expect(r.message).toContain(spec.trim());
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('setTaskKnob: sets the one knob it names, or fails through `fail` with the raw text', () => {
    const key = fc.oneof(
      fc.constantFrom('pool', 'noise', 'enabled', 'length', 'digits'),
      fc.string({ maxLength: 6 }),
    );
    const raw = fc.oneof(fc.string({ maxLength: 8 }), nastyValue.map(String));
    fc.assert(
      fc.property(key, raw, (k, v) => {
        const knobs: Partial<TaskKnobs> = {};
        const reason = new Error('sentinel');
        let why = '';
        try {
          setTaskKnob(knobs, k, v, (w) => ((why = w), reason));
        } catch (e) {
          expect(e).toBe(reason); // only `fail`'s error comes out
          expect(why).toContain(v);
          expect(knobs).toEqual({});
          return;
        }
        const long = (TASK_KNOB_KEYS as Record<string, string>)[k];
        const set = Object.entries(knobs);
        expect(set).toHaveLength(1);
        if (k === 'enabled') expect(typeof knobs.enabled).toBe('boolean');
        else if (long) expect(set[0]).toEqual([long, Number(v)]);
        else expect(knobs.difficulty).toEqual({ [k]: Number(v) });
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  const contestantText = fc.oneof(
    anyUnits(24),
    fc
      .array(
        fc.oneof(
          fc.constantFrom(
            ...MIXER_NAMES,
            'pike{zeta2=0}',
            'pike{zeta2=abc}',
            'mix{T0=5}',
            'pike{__proto__=1}',
            'pike{constructor=1}',
            'pike{=1}',
            'pike{a=}',
            'pike{{}}',
            'magic',
          ),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 6 },
      )
      .map((xs) => xs.join(',')),
  );

  it('parseContestants: mixers with text knobs, or an Error; never a crash', () => {
    fc.assert(
      fc.property(contestantText, (text) => {
        const r = attempt(() => parseContestants(text));
        if (!r.ok) return;
        for (const c of r.value) {
          expect(isMixerName(c.name)).toBe(true);
          for (const [k, v] of Object.entries(c.knobs)) {
            expect(k).toMatch(/^[A-Za-z]\w*$/);
            expect(typeof v).toBe('string');
          }
        }
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('formatBraceSpec → parseContestants round-trips contestants with knobs in range', () => {
    const contestant = fc
      .constantFrom(...MIXER_NAMES)
      .chain((name) => fc.record({ name: fc.constant(name), knobs: knobsArb(name, 2) }));
    fc.assert(
      fc.property(fc.array(contestant, { minLength: 1, maxLength: 4 }), (cs) => {
        const back = parseContestants(cs.map((c) => formatBraceSpec(c.name, c.knobs)).join(','));
        expect(back).toEqual(
          cs.map((c) => ({
            name: c.name,
            knobs: Object.fromEntries(Object.entries(c.knobs).map(([k, v]) => [k, String(v)])),
          })),
        );
        for (const [i, b] of back.entries())
          expect(parseKnobs(b.name, b.knobs)).toEqual(parseKnobs(b.name, cs[i].knobs));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('a contestant knob that is not its mixer’s is refused, naming the knob', () => {
    const key = fc.oneof(
      fc.constantFrom(...KNOB_NAMES, '__proto__', 'constructor', 'toString', 'valueOf'),
      fc.stringMatching(/^[A-Za-z_]\w{0,8}$/),
    );
    fc.assert(
      fc.property(fc.constantFrom(...MIXER_NAMES), key, (name, k) => {
        if (MIXERS[name].knobs.some((s) => s.name === k)) return;
        const r = attempt(() => {
          const race = parseContestants(`${name}{${k}=1},mix`);
          const v = validateConfig({ ...presetConfig('algorithmic'), race });
          if (!v.ok) throw new Error(v.message);
          return v.config;
        });
        if (r.ok) throw new Error(`${name}{${k}=1} was accepted: ${JSON.stringify(r.value.race)}`);
        expect(names(r.message, k)).toBe(true);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('parseKnobs: values inside the declared range, or an Error naming the mixer and knob', () => {
    const pick = fc
      .constantFrom(...MIXER_NAMES)
      .chain((name) =>
        fc.tuple(
          fc.constant(name),
          fc.oneof(fc.constantFrom(...KNOB_NAMES), fc.string({ maxLength: 6 })),
          nastyValue,
          fc.integer({ min: 1, max: 16 }),
        ),
      );
    fc.assert(
      fc.property(pick, ([name, knob, value, K]) => {
        const r = attempt(() => parseKnobs(name, { [knob]: value }, K));
        if (!r.ok) {
          expect(r.message).toContain(`"${name}"`);
          if (knob !== '__proto__') expect(r.message).toContain(knob);
          return;
        }
        for (const spec of MIXERS[name].knobs) {
          const v = r.value[spec.name];
          if (spec.kind === 'boolean') expect(typeof v).toBe('boolean');
          else {
            expect(typeof v).toBe('number');
            expect(v as number).toBeGreaterThanOrEqual(spec.min);
            expect(v as number).toBeLessThanOrEqual(spec.max);
            if (spec.kind === 'integer') expect(Number.isInteger(v)).toBe(true);
          }
        }
        expect(Object.keys(r.value).sort()).toEqual(MIXERS[name].knobs.map((s) => s.name).sort());
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('validateConfig on anything: never throws; a config that validates again, or a message', () => {
    const input = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      validConfigArb
        .chain(({ config }) =>
          fc.tuple(
            fc.constant(config),
            fc.constantFrom(
              'tasks',
              'mixer',
              'model',
              'optimizer',
              'schedule',
              'race',
              'seed',
              'batchSize',
            ),
            nastyValue,
          ),
        )
        .map(([c, key, v]) => ({ ...c, [key]: v })),
    );
    fc.assert(
      fc.property(input, (x) => {
        const v = validateConfig(x);
        if (!v.ok) {
          expect(v.message.trim()).not.toBe('');
          expect(v.message).not.toMatch(INTERNAL_ERROR);
          return;
        }
        const again = validateConfig(v.config);
        expect(again.ok && again.config).toEqual(v.config);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
