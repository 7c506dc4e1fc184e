/**
 * Race actions: start a race from the current setup, add, remove or change contestants, end it,
 * and choose which contestant the per-run charts follow. A race lives in the config
 * (`config.race`), so the link, run files and the worker all carry it; every change of the
 * contestants is a reset (the contestants start together from the same initial weights).
 */
import type { Contestant, RunConfig } from '../core/config/run-config';
import { MAX_CONTESTANTS } from '../core/config/run-config';
import { parseContestants } from '../core/config/spec';
import type { MixerName } from '../core/types';
import { rejectChange, sendReset, validOrError } from './config-helpers';
import type { Actions, StoreContext } from './state';

type RaceActions = Pick<
  Actions,
  | 'startRace'
  | 'addContestant'
  | 'removeContestant'
  | 'setContestant'
  | 'setRace'
  | 'endRace'
  | 'selectRun'
  | 'setTemperature'
  | 'setPresent'
>;

/** Mixers offered, in order, when a contestant is added. */
const ADD_ORDER: readonly MixerName[] = [
  'mix',
  'pike',
  'balanced-pike',
  'famo',
  'odm',
  'ado',
  'unimax',
  'aioli',
  'doge',
  'pcgrad',
  'cagrad',
  'random',
  'round-robin',
];

export function createRaceActions(ctx: StoreContext): RaceActions {
  const { get, set } = ctx;
  const cfg = () => get().config;

  const fail = (message: string) => rejectChange(ctx, message);

  /** Rebuilds with these contestants (none: a single run); false and a message if invalid. */
  const rebuild = (
    race: Contestant[] | undefined,
    why: string,
    mixer?: RunConfig['mixer'],
  ): boolean => {
    const { race: _old, ...rest } = cfg();
    void _old;
    const v = validOrError(ctx, {
      ...rest,
      ...(mixer ? { mixer } : {}),
      ...(race ? { race } : {}),
    });
    if (!v.ok) return false;
    set({ config: v.config, selectedRun: 0, samples: [] });
    sendReset(ctx, v.config, why);
    ctx.client?.setSampling(0, get().temperature);
    return true;
  };

  return {
    startRace() {
      const c = cfg();
      // validateConfig keeps only a contestant's non-default knobs.
      const current = { name: c.mixer.name, knobs: c.mixer.knobs };
      const rival: MixerName = c.mixer.name === 'mix' ? 'pike' : 'mix';
      rebuild([current, { name: rival, knobs: {} }], 'race started');
    },
    addContestant() {
      const race = cfg().race;
      if (!race) return fail('Start a race first.');
      if (race.length >= MAX_CONTESTANTS) {
        return fail(`A race has at most ${MAX_CONTESTANTS} contestants: remove one first.`);
      }
      const taken = new Set(
        race.filter((r) => Object.keys(r.knobs).length === 0).map((r) => r.name),
      );
      const name = ADD_ORDER.find((n) => !taken.has(n)) ?? 'mix';
      return rebuild([...race, { name, knobs: {} }], 'contestant added');
    },
    removeContestant(index) {
      const race = cfg().race;
      if (!race || !race[index]) return;
      const left = race.filter((_, i) => i !== index);
      if (left.length >= 2) {
        rebuild(left, 'contestant removed');
        return;
      }
      const last = left[0];
      rebuild(undefined, 'race ended', { ...cfg().mixer, name: last.name, knobs: last.knobs });
    },
    setContestant(index, spec) {
      const race = cfg().race;
      if (!race || !race[index]) return fail(`There is no contestant ${index + 1}.`);
      let c: Contestant;
      try {
        const all = parseContestants(spec);
        if (all.length !== 1) throw new Error(`give one mixer spec, not ${all.length}`);
        c = all[0];
      } catch (e) {
        return fail(`Contestant ${index + 1}: ${(e as Error).message}`);
      }
      return rebuild(
        race.map((r, i) => (i === index ? c : r)),
        'contestant changed',
      );
    },
    setRace(specs) {
      let race: Contestant[];
      try {
        race = parseContestants(specs.join(','));
      } catch (e) {
        return fail((e as Error).message);
      }
      return rebuild(race, 'race started');
    },
    endRace() {
      const race = cfg().race;
      if (!race) return;
      const keep = race[get().selectedRun] ?? race[0];
      rebuild(undefined, 'race ended', { ...cfg().mixer, name: keep.name, knobs: keep.knobs });
    },
    selectRun(index) {
      const s = get();
      const m = s.runMetrics[index];
      if (!m || index === s.selectedRun) return;
      set({ selectedRun: index, metrics: m, metricsVersion: s.metricsVersion + 1, samples: [] });
      ctx.client?.setSampling(index, s.temperature, true);
    },
    setPresent: (present) => set({ present }),
    setTemperature(t) {
      if (!Number.isFinite(t)) return;
      const temperature = Math.min(2, Math.max(0, t));
      set({ temperature });
      const run = get().selectedRun;
      ctx.client?.setSampling(run, temperature, true);
    },
  };
}
