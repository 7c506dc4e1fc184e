import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../src/core/config/presets';
import { advance, guideOf, RACE_STEPS, type LessonRun } from '../../src/ui/lessons/guide';

const base = (over: Partial<LessonRun> = {}): LessonRun => ({
  step: 0,
  mixer: 'pike',
  specs: ['udhr:en', 'udhr:hi', 'udhr:de'],
  weights: [NaN, NaN, NaN],
  cosine: null,
  race: null,
  contestants: [],
  ...over,
});

/** The multilingual lesson's race (PiKE, Mix, DoGE) at `steps`, with PiKE's and Mix's averages. */
const racing = (steps: number, pike: number, mix: number, val: number[][] = [[], []]) =>
  base({
    step: steps,
    mixer: null,
    race: ['pike', 'mix', 'doge'],
    contestants: [
      { spec: 'pike', steps, avgVal: pike, val: val[0] },
      { spec: 'mix', steps, avgVal: mix, val: val[1] },
      { spec: 'doge', steps, avgVal: 1.8, val: [] },
    ],
  });

describe('guided lessons', () => {
  const steps = guideOf('multilingual');

  it('every preset has 3 to 5 steps, starting with Train and ending with the race', () => {
    for (const p of PRESET_NAMES) {
      const g = guideOf(p);
      expect(g.length).toBeGreaterThanOrEqual(3);
      expect(g.length).toBeLessThanOrEqual(5);
      expect(g[0].text).toMatch(/Train/);
      expect(g.at(-1)!.text).toMatch(/leaderboard/);
    }
  });

  it('goes in order: Train, then the watch step, which waits for PiKE', () => {
    let p = advance(steps, [], base());
    expect([p.current, p.results.map((r) => r.state)]).toEqual([
      0,
      ['waiting', 'waiting', 'waiting', 'waiting'],
    ]);
    p = advance(steps, p.results, base({ step: 5, mixer: 'mix', weights: [0.3, 0.3, 0.4] }));
    expect(p.current).toBe(1);
    expect(p.results[0].state).toBe('done');
    expect(p.results[1]).toEqual({
      state: 'waiting',
      hint: 'this step watches PiKE: choose PiKE in the mixer panel',
    });
  });

  it('ticks the claim when it shows, keeps the tick, and says so when it does not hold by the deadline', () => {
    const done = advance(steps, [], base({ step: 60, weights: [0.4, 0.2, 0.4] }));
    expect(done.results[1]).toEqual({ state: 'done', detail: 'Hindi has 20% at step 60' });
    // Later weights do not take the tick back.
    const later = advance(steps, done.results, base({ step: 90, weights: [0.3, 0.5, 0.2] }));
    expect(later.results[1].state).toBe('done');
    const failed = advance(steps, [], base({ step: 400, weights: [0.3, 0.4, 0.3] }));
    expect(failed.results[1]).toMatchObject({ state: 'failed' });
    expect((failed.results[1] as { detail: string }).detail).toContain(
      'not by step 400 on this run: Hindi has 40% now',
    );
    // A failed step ends too: the lesson goes on to the race.
    expect(failed.current).toBe(2);
  });

  it('waits for the race and its steps, then reads the leaderboard against the claim', () => {
    const watched = advance(steps, [], base({ step: 60, weights: [0.4, 0.2, 0.4] })).results;
    let p = advance(steps, watched, base({ step: 70, weights: [0.4, 0.2, 0.4] }));
    expect(p.results[2]).toEqual({ state: 'waiting', hint: 'the race is not set up' });
    p = advance(steps, p.results, racing(RACE_STEPS - 1, 1.5, 1.52));
    expect(p.results[2]).toEqual({ state: 'waiting', hint: `${RACE_STEPS - 1} of 300 steps` });
    const close = advance(steps, p.results, racing(RACE_STEPS, 1.5, 1.52));
    expect(close.current).toBe(4);
    expect(close.results[3]).toEqual({
      state: 'done',
      detail: 'pike 1.500, mix 1.520: about the same',
    });
    const apart = advance(steps, p.results, racing(RACE_STEPS, 1.2, 1.5));
    expect(apart.results[3]).toEqual({
      state: 'failed',
      detail: 'pike 1.200, mix 1.500: 20% apart on this run, not “about the same”',
    });
  });

  it('the conflict lesson reads the blind pair’s cell of the matrix', () => {
    const g = guideOf('conflict');
    const specs = ['blind:copy', 'blind:anti:copy', 'reverse'];
    const cos = (c: number) => ({ k: 3, values: [1, c, 0.1, c, 1, 0, 0.1, 0, 1] });
    const started = advance(g, [], base({ step: 1, specs })).results;
    expect(advance(g, started, base({ step: 80, specs, cosine: cos(-0.1) })).results[1].state).toBe(
      'waiting',
    );
    expect(advance(g, started, base({ step: 80, specs, cosine: cos(-0.62) })).results[1]).toEqual({
      state: 'done',
      detail: 'cosine -0.62 at step 80',
    });
    expect(
      advance(g, started, base({ step: 300, specs, cosine: cos(0.05) })).results[1].state,
    ).toBe('failed');
    expect(advance(g, started, base({ step: 80, cosine: cos(-0.62) })).results[1]).toMatchObject({
      state: 'waiting',
      hint: expect.stringContaining('blind tasks'),
    });
  });

  it('the saturating lesson compares German’s loss between the contestants', () => {
    const g = guideOf('saturating');
    const specs = ['copy', 'udhr:hi', 'udhr:de'];
    const prior = advance(g, [], base({ step: 200, specs, weights: [0.1, 0.3, 0.6] })).results;
    const race = (de: [number, number]) => ({
      ...racing(RACE_STEPS, 2, 2, [
        [0.1, 1, de[0]],
        [0.1, 1, de[1]],
      ]),
      specs,
      race: ['pike', 'mix', 'balanced-pike'],
      contestants: [
        { spec: 'pike', steps: RACE_STEPS, avgVal: 2, val: [0.1, 1, de[0]] },
        { spec: 'mix', steps: RACE_STEPS, avgVal: 2, val: [0.1, 1, de[1]] },
        { spec: 'balanced-pike', steps: RACE_STEPS, avgVal: 2, val: [0.1, 1, 2] },
      ],
    });
    expect(advance(g, prior, race([1.8, 2.0])).results[3]).toEqual({
      state: 'done',
      detail: 'German: pike 1.800 < mix 2.000',
    });
    expect(advance(g, prior, race([2.1, 2.0])).results[3].state).toBe('failed');
  });
});
