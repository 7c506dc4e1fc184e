/**
 * The store's config actions searched for holes with seeded property tests on a booted store
 * (a fake worker that answered `ready`): addTask, updateTask, setMixerKnob, setContestant and
 * setRace, given arbitrary specs and values (NaN, ±Infinity, -0, huge, fractional, wrong types),
 * either apply a config that validates, or return false with a message naming the spec or knob
 * and leave the setup, the task cards, the saved runs, the charts and the worker untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIXER_NAMES, MIXERS } from '../../src/core/mixers/registry';
import type { TaskKnobs } from '../../src/core/types';
import { validateConfig } from '../../src/core/config/validate';
import { bootedStore } from './helpers/fake-client';
import {
  contestantSpecArb,
  INTERNAL_ERROR,
  names,
  nastyValue,
  SEED,
  specLike,
} from './helpers/fuzz-arbitraries';

const KNOB_NAMES = [...new Set(MIXER_NAMES.flatMap((n) => MIXERS[n].knobs.map((k) => k.name)))];

type Booted = ReturnType<typeof bootedStore>;

/** A booted store (the worker answered `ready`), optionally racing. */
function booted(race = false): Booted {
  const s = bootedStore();
  s.ready();
  if (race) {
    s.a().startRace();
    s.ready([
      { id: 0, label: 'PiKE', spec: 'pike', mixer: 'pike' },
      { id: 1, label: 'Uniform mix', spec: 'mix', mixer: 'mix' },
    ]);
  }
  s.a().dismissError();
  s.sent.length = 0;
  return s;
}

/** What a refused change must leave as it was: the setup, the task cards, saved runs, charts. */
function snapshot(s: Booted): string {
  const st = s.store.getState();
  return JSON.stringify({
    config: st.config,
    preset: st.preset,
    tasks: st.tasks,
    savedRuns: st.savedRuns,
    metrics: st.metrics,
    runs: st.runs,
    selectedRun: st.selectedRun,
    building: st.building,
    sent: s.sent.length,
  });
}

/**
 * Calls a store action on `s` and checks its answer: true with a config that validates, or
 * false with the setup untouched and a message (which `named` must accept, when given).
 */
function checkAction(s: Booted, act: () => boolean, named?: (message: string) => boolean): boolean {
  const before = snapshot(s);
  let r: boolean;
  try {
    r = act();
  } catch (e) {
    throw new Error(`the action threw: ${String(e)}`, { cause: e });
  }
  const st = s.store.getState();
  if (r) {
    const v = validateConfig(st.config);
    if (!v.ok) throw new Error(`applied a config that does not validate: ${v.message}`);
    return true;
  }
  expect(r).toBe(false);
  expect(snapshot(s)).toBe(before);
  const message = st.error?.message ?? '';
  expect(message.trim()).not.toBe('');
  expect(message).not.toMatch(INTERNAL_ERROR);
  if (named && !named(message)) throw new Error(`"${message}" does not name what was refused`);
  s.a().dismissError();
  return false;
}

describe('the store’s config actions on a booted store', () => {
  it('addTask({spec}): adds a valid task, or refuses naming the spec and changes nothing', () => {
    let s = booted();
    fc.assert(
      fc.property(
        specLike,
        fc.option(fc.record({ poolSize: nastyValue }, { requiredKeys: [] }), { nil: undefined }),
        (spec, knobs) => {
          const setup = { spec, ...(knobs ? { knobs: knobs as Partial<TaskKnobs> } : {}) };
          const full = s.store.getState().config.tasks.length >= 16;
          const added = checkAction(
            s,
            () => s.a().addTask(setup),
            (m) => full || m.includes(spec.trim()) || names(m, 'poolSize', true),
          );
          if (added) s = booted();
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('updateTask(i, patch): applies valid knobs, or refuses naming the knob and changes nothing', () => {
    const s = booted();
    const patch = fc.record(
      {
        poolSize: fc.oneof(nastyValue, fc.integer({ min: 1, max: 100_000 })),
        labelNoise: fc.oneof(nastyValue, fc.double({ min: 0, max: 1, noNaN: true })),
        enabled: fc.oneof(nastyValue, fc.boolean()),
        difficulty: fc.oneof(
          nastyValue,
          fc.dictionary(
            fc.constantFrom('length', 'digits', 'x', 'constructor', '__proto__'),
            nastyValue,
            {
              maxKeys: 2,
            },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), patch, (i, p) => {
        const applied = checkAction(
          s,
          () => s.a().updateTask(i, p as Partial<TaskKnobs>),
          (m) =>
            [
              'poolSize',
              'labelNoise',
              'enabled',
              'difficulty',
              ...Object.keys((p.difficulty as object) ?? {}),
            ].some((k) => names(m, k, true)),
        );
        // Applied: every difficulty knob of the patch is in the task's knobs (none dropped).
        const difficulty = s.store.getState().config.tasks[i].knobs?.difficulty ?? {};
        if (applied && p.difficulty && typeof p.difficulty === 'object') {
          for (const k of Object.keys(p.difficulty))
            expect(Object.hasOwn(difficulty, k)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('setMixerKnob(name, value): sets a knob of the mixer, or refuses naming it', () => {
    const s = booted();
    const name = fc.oneof(
      fc.constantFrom(...KNOB_NAMES, 'constructor', 'toString', '__proto__'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...MIXER_NAMES), name, nastyValue, (mixer, knob, value) => {
        if (s.store.getState().config.mixer.name !== mixer && !MIXERS[mixer].usesReference)
          s.a().setMixer(mixer);
        s.a().dismissError();
        const current = s.store.getState().config.mixer.name;
        const set = checkAction(
          s,
          () => s.a().setMixerKnob(knob, value as number),
          (m) => names(m, knob) || m.includes(`"${knob}"`),
        );
        if (set) expect(MIXERS[current as 'pike'].knobs.map((k) => k.name)).toContain(knob);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('setContestant(i, spec) in a race: a valid contestant, or refused naming it; nothing changes', () => {
    const s = booted(true);
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 4 }), contestantSpecArb, (i, spec) => {
        checkAction(s, () => s.a().setContestant(i, spec));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('setRace(specs): a valid race, or refused with a message; nothing changes', () => {
    const s = booted(true);
    fc.assert(
      fc.property(fc.array(contestantSpecArb, { maxLength: 6 }), (specs) => {
        checkAction(s, () => s.a().setRace(specs));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
