import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../src/core/trainer-types';
import { decodeHash, encodeHash } from '../../src/store/url-hash';
import { rank, standing } from '../../src/ui/race/race-data';
import type { RunInfo } from '../../src/core/protocol';
import { bootedStore } from './helpers/fake-client';
import { metricsBatch } from './helpers/metrics-batch';

const setup = (hash = '') => bootedStore({ hash });

const info = (id: number, spec: string, label: string): RunInfo => ({
  id,
  spec,
  label,
  mixer: spec.replace(/\{.*$/, '') as RunInfo['mixer'],
});

const batch = metricsBatch;

const evalAt = (step: number, vals: number[]): EvalResult => ({
  type: 'eval',
  step,
  valLoss: Float64Array.from(vals),
  accuracy: new Float64Array(vals.length).fill(NaN),
});

describe('race mode in the store', () => {
  it('starts a race from the current mixer against Uniform mix, as a reset', () => {
    const s = setup();
    s.ready([info(0, 'pike', 'PiKE')]);
    s.a().startRace();
    const c = s.store.getState().config;
    expect(c.race).toEqual([
      { name: 'pike', knobs: {} },
      { name: 'mix', knobs: {} },
    ]);
    const sent = s.sent.findLast((x) => x.type === 'configure')!;
    expect(s.sent.at(-1)).toEqual({ type: 'setSampling', run: 0, temperature: 0.8 });
    expect((sent as { config: { race?: unknown } }).config.race).toEqual(c.race);
  });

  it('keeps one history per contestant; the selected one drives the per-run charts', () => {
    const s = setup('#race=mix,pike{zeta2=0}');
    expect(s.store.getState().config.race).toEqual([
      { name: 'mix', knobs: {} },
      { name: 'pike', knobs: { zeta2: 0 } },
    ]);
    s.ready([info(0, 'mix', 'Uniform mix'), info(1, 'pike{zeta2=0}', 'PiKE {zeta2=0}')]);
    const st = () => s.store.getState();
    expect(st().runMetrics).toHaveLength(2);
    s.emit({ type: 'metrics', run: 0, batch: batch([1, 2], 3, 3) });
    s.emit({ type: 'metrics', run: 1, batch: batch([1, 2, 3], 3, 2) });
    s.emit({ type: 'eval', run: 1, result: evalAt(3, [2, 2.5, 3]) });
    s.emit({ type: 'eval', run: 0, result: evalAt(3, [3, 3, 3]) });
    expect(st().runMetrics[0].lastStep).toBe(2);
    expect(st().runMetrics[1].lastStep).toBe(3);
    expect(st().metrics).toBe(st().runMetrics[0]);
    s.a().selectRun(1);
    expect(st().selectedRun).toBe(1);
    expect(st().metrics).toBe(st().runMetrics[1]);
    // Leaderboard: the lower average validation loss first, with its worst task.
    const rows = rank(st().runMetrics.map((m, i) => standing(i, m)));
    expect(rows.map((r) => r.run)).toEqual([1, 0]);
    expect(rows[0].avgVal).toBeCloseTo(2.5);
    expect(rows[0].worstVal).toBe(3);
    // Saving a race keeps every contestant's curve.
    s.a().saveRun();
    expect(st().savedRuns.map((r) => r.label)).toEqual([
      'Uniform mix · seed 0 (race)',
      'PiKE {zeta2=0} · seed 0 (race)',
    ]);
    expect(st().savedRuns.map((r) => r.mixer)).toEqual(['mix', 'pike{zeta2=0}']);
  });

  it('adds, changes and removes contestants; a race of one ends with that mixer', () => {
    const s = setup('#race=mix,pike');
    const race = () => s.store.getState().config.race;
    expect(s.a().addContestant()).toBe(true);
    expect(race()?.map((c) => c.name)).toEqual(['mix', 'pike', 'balanced-pike']);
    expect(s.a().setContestant(2, 'balanced-pike{tau=3}')).toBe(true);
    expect(race()?.[2]).toEqual({ name: 'balanced-pike', knobs: { tau: 3 } });
    // A bad spec is refused with a message and changes nothing.
    expect(s.a().setContestant(2, 'pike{zeta2=-1}')).toBe(false);
    expect(s.store.getState().error?.message).toMatch(/contestant 3.*zeta2/);
    expect(race()?.[2]).toEqual({ name: 'balanced-pike', knobs: { tau: 3 } });
    expect(s.a().setContestant(0, 'nonsense')).toBe(false);
    expect(s.store.getState().error?.message).toMatch(/not a mixer/);
    s.a().addContestant();
    expect(race()).toHaveLength(4);
    expect(s.a().addContestant()).toBe(false);
    expect(race()).toHaveLength(4);
    s.a().removeContestant(0);
    s.a().removeContestant(0);
    s.a().removeContestant(0);
    const c = s.store.getState().config;
    expect(c.race).toBeUndefined();
    expect(c.mixer.name).toBe('balanced-pike');
    expect(c.mixer.knobs.tau).toBe(1);
  });

  it('the link holds the race and round-trips it', () => {
    const s = setup('#race=mix,pike{zeta2=0},balanced-pike{tau=3}');
    const { config, preset } = s.store.getState();
    const hash = encodeHash(config, preset);
    expect(hash).toContain('race=mix,pike{zeta2=0},balanced-pike{tau=3}');
    const back = decodeHash(`#${hash}`);
    expect(back.ok && back.config.race).toEqual(config.race);
    expect(decodeHash('#race=mix').ok).toBe(false);
    const bad = decodeHash('#race=mix,pike{zeta2=-1}');
    expect(!bad.ok && bad.message).toMatch(/race contestant 2.*zeta2/);
    expect(decodeHash('#race=mix,pike{').ok).toBe(false);
  });
});
