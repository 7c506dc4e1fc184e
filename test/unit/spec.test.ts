/** The brace syntax the command line shares with the link (src/core/config/spec.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatTaskWithKnobs,
  parseBraceSpec,
  parseTaskWithKnobs,
  splitSpecs,
} from '../../src/core/config/spec';
import { isNumeric } from '../../src/core/config/numeric';

describe('spec syntax', () => {
  it('splits lists on commas outside braces and names bad braces', () => {
    expect(splitSpecs('pike{zeta2=0;T0=5}, mix ,add{digits=4}')).toEqual([
      'pike{zeta2=0;T0=5}',
      'mix',
      'add{digits=4}',
    ]);
    expect(() => splitSpecs('pike{zeta2=0')).toThrow(/never closed/);
    expect(() => splitSpecs('pike}')).toThrow(/closes no/);
    expect(() => splitSpecs('mix,,pike')).toThrow(/empty entry/);
    expect(() => parseBraceSpec('pike{a=1}{b=2}')).toThrow(/one pair of braces/);
    expect(() => parseBraceSpec('pike{a=1;a=2}')).toThrow(/a is given twice/);
  });

  it('reads task knobs by the link names and writes them back', () => {
    expect(parseTaskWithKnobs('udhr:hi{noise=0.3;pool=500;enabled=false;length=6}')).toEqual({
      spec: 'udhr:hi',
      knobs: { labelNoise: 0.3, poolSize: 500, enabled: false, difficulty: { length: 6 } },
    });
    expect(() => parseTaskWithKnobs('add{digits=four}')).toThrow(/digits: "four" is not a number/);
    expect(() => parseTaskWithKnobs('add{enabled=yes}')).toThrow(/"yes" is not true or false/);
    expect(isNumeric(' 1e-3 ')).toBe(true);
    for (const bad of ['', '0x10', '1,5', 'Infinity', 'NaN']) expect(isNumeric(bad)).toBe(false);
  });

  it('round-trips: parse(format(setup)) = setup', () => {
    const knobs = fc.record(
      {
        poolSize: fc.integer({ min: 1, max: 100_000 }),
        labelNoise: fc.double({ min: 0, max: 1, noNaN: true }),
        enabled: fc.boolean(),
        difficulty: fc.dictionary(
          fc.constantFrom('length', 'digits', 'modulus'),
          fc.integer({ min: 1, max: 99 }),
          {
            minKeys: 1,
          },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('add', 'udhr:en', 'markov:3:0.5', 'anti:copy'),
        knobs,
        (spec, k) => {
          const setup = Object.keys(k).length ? { spec, knobs: k } : { spec };
          expect(parseTaskWithKnobs(formatTaskWithKnobs(setup))).toEqual(setup);
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});
