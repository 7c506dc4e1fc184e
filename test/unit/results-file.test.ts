/**
 * Importing a results.json from `npm run experiment` into Compare runs: the pure parser
 * (results-file.ts) and the store action (a good file adds one banded curve per mixer label and
 * keeps the setup; a bad one changes nothing).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../src/core/trainer-types';
import type { Results, RunResult } from '../../src/core/config/results-schema';
import { looksLikeResults, parseResultsFile } from '../../src/store/results-file';
import { buildRunFile } from '../../src/store/run-file';
import { bandPath } from '../../src/ui/charts/paths';
import { MAX_SAVED_RUNS } from '../../src/store/state';
import { createAppStore } from '../../src/store/store';
import { localTaskInfo } from '../../src/core/config/validate';
import { fakeClient, ONE_RUN } from './helpers/fake-client';

const FIXTURE = readFileSync(
  new URL('../e2e/fixtures/results-small.json', import.meta.url),
  'utf8',
);

const TASKS = ['a', 'b'];

/** One run: `losses[i]` = [task a, task b] validation loss at `steps[i]`. */
function run(mixer: string, seed: number, steps: number[], losses: number[][]): RunResult {
  const curve = steps.map((step, i) => {
    const [a, b] = losses[i];
    return {
      step,
      avgValLoss: (a + b) / 2,
      worstValLoss: Math.max(a, b),
      valLoss: { a, b },
      weights: [0.5, 0.5],
    };
  });
  const last = curve[curve.length - 1];
  return {
    mixer,
    seed,
    steps: steps[steps.length - 1],
    msPerStep: 10,
    tokensPerSec: 1000,
    stepsToMixFinal: null,
    final: {
      avgValLoss: last.avgValLoss,
      worstValLoss: last.worstValLoss,
      valLoss: last.valLoss,
      accuracy: {},
    },
    curve,
  };
}

function results(runs: RunResult[]): Results {
  return {
    config: {
      tasks: TASKS,
      mixers: [...new Set(runs.map((r) => r.mixer))],
      steps: 30,
      seeds: 3,
      backend: 'wasm',
      evalEvery: 10,
      knobs: {},
      run: {},
    },
    runs,
  };
}

const parse = (r: unknown) => parseResultsFile(JSON.stringify(r));

function okCurves(r: unknown) {
  const p = parse(r);
  if (!p.ok) throw new Error(`expected ok, got: ${p.message}`);
  return p.curves;
}

function message(r: unknown): string {
  const p = typeof r === 'string' ? parseResultsFile(r) : parse(r);
  if (p.ok) throw new Error('expected a failure');
  return p.message;
}

describe('parseResultsFile', () => {
  it('averages over seeds at each step, with the min–max band and per-task means (hand-checked)', () => {
    // Average losses per seed: step 10 → 3, 4, 5; step 20 → 2, 2.5, 3.5.
    const file = results([
      run(
        'pike',
        0,
        [10, 20],
        [
          [2, 4],
          [1, 3],
        ],
      ),
      run(
        'pike',
        1,
        [10, 20],
        [
          [3, 5],
          [2, 3],
        ],
      ),
      run(
        'pike',
        2,
        [10, 20],
        [
          [4, 6],
          [3, 4],
        ],
      ),
    ]);
    const [c] = okCurves(file);
    expect(c.mixer).toBe('pike');
    expect(c.seeds).toBe(3);
    expect(c.x).toEqual([10, 20]);
    expect(c.y[0]).toBeCloseTo(4, 12);
    expect(c.y[1]).toBeCloseTo(8 / 3, 12);
    expect(c.band).toEqual({ lo: [3, 2], hi: [5, 3.5] });
    expect(c.tasks).toEqual(['a', 'b']);
    // Task a: (2+3+4)/3 = 3, (1+2+3)/3 = 2; task b: (4+5+6)/3 = 5, (3+3+4)/3 = 10/3.
    expect(c.perTask[0]).toEqual([3, 2]);
    expect(c.perTask[1][0]).toBeCloseTo(5, 12);
    expect(c.perTask[1][1]).toBeCloseTo(10 / 3, 12);
  });

  it('groups runs by their mixer label (a spec), in order of first appearance', () => {
    const l = [
      [1, 1],
      [1, 1],
    ];
    const file = results([
      run('pike', 0, [10, 20], l),
      run('pike{zeta2=0}', 0, [10, 20], l),
      run('balanced-pike{tau=3}', 0, [10, 20], l),
      run('pike', 1, [10, 20], l),
      run('pike{zeta2=0}', 1, [10, 20], l),
      run('pike', 2, [10, 20], l),
    ]);
    const curves = okCurves(file);
    expect(curves.map((c) => [c.mixer, c.seeds])).toEqual([
      ['pike', 3],
      ['pike{zeta2=0}', 2],
      ['balanced-pike{tau=3}', 1],
    ]);
    // One seed: the band is the line itself.
    expect(curves[2].band).toEqual({ lo: curves[2].y, hi: curves[2].y });
  });

  it('uses only the steps every seed of a label has; a task missing at a step is NaN', () => {
    const s0 = run(
      'mix',
      0,
      [10, 20, 30],
      [
        [1, 3],
        [1, 2],
        [1, 1],
      ],
    );
    const s1 = run(
      'mix',
      1,
      [30, 10],
      [
        [3, 3],
        [3, 5],
      ],
    );
    const other = run(
      'pike',
      0,
      [10, 20, 30],
      [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
    );
    delete (other.curve[1].valLoss as Record<string, number>).b;
    const curves = okCurves(results([s0, s1, other]));
    expect(curves[0].x).toEqual([10, 30]); // seed 1 skipped step 20; its points come unordered
    expect(curves[0].y).toEqual([3, 2]); // step 10: (2 + 4) / 2; step 30: (1 + 3) / 2
    expect(curves[0].band).toEqual({ lo: [2, 1], hi: [4, 3] });
    expect(curves[0].perTask).toEqual([
      [2, 2],
      [4, 2],
    ]);
    expect(curves[1].x).toEqual([10, 20, 30]);
    expect(curves[1].perTask[1][1]).toBeNaN();
    expect(curves[1].perTask[0]).toEqual([1, 1, 1]);
  });

  it('reads the experiment fixture: mix and pike, 2 seeds each, 3 tasks', () => {
    const p = parseResultsFile(FIXTURE);
    if (!p.ok) throw new Error(p.message);
    expect(p.curves.map((c) => `${c.mixer}/${c.seeds}`)).toEqual(['mix/2', 'pike/2']);
    for (const c of p.curves) {
      expect(c.tasks).toEqual(['udhr:en', 'udhr:hi', 'udhr:de']);
      expect(c.x).toEqual([10, 20]);
      c.x.forEach((_, i) => {
        expect(c.band.lo[i]).toBeLessThanOrEqual(c.y[i]);
        expect(c.band.hi[i]).toBeGreaterThanOrEqual(c.y[i]);
        expect(c.band.hi[i]).toBeGreaterThan(c.band.lo[i]); // two seeds differ
        // The CLI's avgValLoss is the mean over tasks, so the means commute.
        const tasksMean = c.perTask.reduce((s, col) => s + col[i], 0) / c.perTask.length;
        expect(tasksMean).toBeCloseTo(c.y[i], 9);
      });
    }
  });

  it('a truncated file, wrong types, and inconsistent runs: one message naming the path', () => {
    expect(message(FIXTURE.slice(0, FIXTURE.length / 2))).toMatch(/not JSON/);
    const good = () =>
      results([run('mix', 0, [10], [[1, 1]]), run('mix', 1, [10], [[1, 1]])]) as unknown as {
        runs: Record<string, unknown>[] & { curve: Record<string, unknown>[] }[];
        config: Record<string, unknown>;
      };
    const f1 = good();
    f1.runs[1].seed = '1';
    expect(message(f1)).toMatch(/^results\.json: runs\.1\.seed: /);
    const f2 = good();
    f2.runs[0].curve[0].avgValLoss = 'x';
    expect(message(f2)).toMatch(/runs\.0\.curve\.0\.avgValLoss/);
    const f3 = good();
    delete f3.config.tasks;
    expect(message(f3)).toMatch(/config\.tasks/);
    const f4 = good();
    f4.runs = [];
    expect(message(f4)).toMatch(/runs/);
    const f5 = good();
    f5.runs[1].seed = 0;
    expect(message(f5)).toMatch(/runs\.1: mixer "mix" seed 0 appears twice \(also runs\.0\)/);
    const f6 = results([
      run(
        'mix',
        0,
        [10, 10],
        [
          [1, 1],
          [1, 1],
        ],
      ),
    ]);
    expect(message(f6)).toMatch(/runs\.0\.curve\.1\.step: step 10 appears twice/);
    const f7 = results([run('mix', 0, [10], [[1, 1]])]);
    f7.config.tasks = ['a', 'c'];
    expect(message(f7)).toMatch(/runs\.0\.curve\.0\.valLoss: task "b" is not in config\.tasks/);
    const f8 = results([run('mix', 0, [10], [[1, 1]]), run('mix', 1, [20], [[1, 1]])]);
    expect(message(f8)).toMatch(/runs\.0, runs\.1 \(mixer "mix"\): the seeds share no/);
    // Many problems: the first three, then a count.
    const f9 = good();
    f9.runs[0].seed = 'a';
    f9.runs[0].steps = 'b';
    f9.runs[0].msPerStep = 'c';
    f9.runs[1].seed = 'd';
    expect(message(f9)).toMatch(/; and 1 more$/);
  });

  it('tells a run file from a results.json by its shape', () => {
    const { store } = setup();
    const s = store.getState();
    const runFile = buildRunFile(s.config, 'multilingual', ['a', 'b', 'c'], 0, s.metrics);
    expect(looksLikeResults(runFile)).toBe(false);
    expect(looksLikeResults(JSON.parse(FIXTURE))).toBe(true);
    expect(looksLikeResults({ runs: 'nope' })).toBe(true);
    expect(looksLikeResults({ config: { mixers: [] } })).toBe(true);
    for (const v of [null, 3, 'x', [], {}, { format: 'x', runs: [] }]) {
      expect(looksLikeResults(v)).toBe(false);
    }
    expect(message(runFile)).toMatch(/results\.json: (config|runs)/);
  });

  it('never throws: any JSON, and any cut or edit of the fixture', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(typeof parse(v).ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.nat(FIXTURE.length),
        fc.nat(FIXTURE.length),
        fc.string({ maxLength: 3 }),
        (at, len, insert) => {
          const text = FIXTURE.slice(0, at) + insert + FIXTURE.slice(at + (len % 8));
          const p = parseResultsFile(text);
          if (!p.ok) expect(p.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A store wired to a fake worker client, with timers run by hand (as in store.test.ts). */
function setup() {
  const { client, sent, answer } = fakeClient();
  const store = createAppStore({ createClient: () => client, setTimer: () => {} });
  const a = () => store.getState().actions;
  a().boot({ hash: '', search: '' });
  a().receive({
    type: 'ready',
    id: answer(),
    backend: { name: 'wasm', choice: 'forced', candidates: [] },
    numParams: 1234,
    runs: ONE_RUN,
    tasks: store
      .getState()
      .config.tasks.map((t) => ({ ...localTaskInfo(t.spec, t.knobs), label: `L:${t.spec}` })),
    step: 0,
  });
  const evalAt = (step: number, K: number, v = 2): EvalResult => ({
    type: 'eval',
    step,
    valLoss: Float64Array.from({ length: K }, (_, k) => v + k),
    accuracy: new Float64Array(K).fill(NaN),
  });
  return { store, sent, a, evalAt };
}

describe('importing a results.json into the store', () => {
  it('a bad results.json shows the import error and changes neither setup, saved runs nor metrics', () => {
    const { store, sent, a, evalAt } = setup();
    a().receive({ type: 'eval', run: 0, result: evalAt(10, 3) });
    a().saveRun();
    const before = store.getState();
    const valBefore = before.metrics.val.snapshot();
    sent.length = 0;
    const bad = JSON.parse(FIXTURE);
    bad.runs[1].curve[0].valLoss['udhr:en'] = 'oops';
    for (const text of [JSON.stringify(bad), FIXTURE.slice(0, 900)]) {
      expect(a().importRunFile(text)).toBe(false);
      const s = store.getState();
      expect(s.error?.kind).toBe('import');
      expect(s.config).toBe(before.config);
      expect(s.preset).toBe(before.preset);
      expect(s.tasks).toBe(before.tasks);
      expect(s.savedRuns).toBe(before.savedRuns);
      expect(s.metrics).toBe(before.metrics);
      expect(s.metricsVersion).toBe(before.metricsVersion);
      expect(s.metrics.val.snapshot()).toEqual(valBefore);
      expect(s.warnings).toEqual(before.warnings);
    }
    expect(store.getState().error?.message).toMatch(/not JSON/);
    a().dismissError();
    expect(a().importRunFile(JSON.stringify(bad))).toBe(false);
    expect(store.getState().error?.message).toMatch(/runs\.1\.curve\.0\.valLoss\.udhr:en/);
    expect(sent).toEqual([]);
  });

  it('a good one adds one banded curve per mixer and keeps the setup', () => {
    const { store, sent, a } = setup();
    const before = store.getState();
    sent.length = 0;
    expect(a().importRunFile(FIXTURE)).toBe(true);
    const s = store.getState();
    expect(s.error).toBeNull();
    expect(s.config).toBe(before.config);
    expect(s.tasks).toBe(before.tasks);
    expect(s.metrics).toBe(before.metrics);
    expect(sent).toEqual([]);
    expect(s.savedRuns.map((r) => r.label)).toEqual([
      'mix · 2 seeds (results.json)',
      'pike · 2 seeds (results.json)',
    ]);
    const [mix] = s.savedRuns;
    expect(mix).toMatchObject({ mixer: 'mix', seed: 0, seeds: 2, x: [10, 20] });
    expect(mix.band?.lo).toHaveLength(2);
    expect(mix.tasks).toEqual(['udhr:en', 'udhr:hi', 'udhr:de']);
    expect(mix.perTask).toHaveLength(3);
    // A second import of the same file: unique labels.
    a().importRunFile(FIXTURE);
    expect(store.getState().savedRuns.map((r) => r.label)[3]).toBe(
      'pike · 2 seeds (results.json) (2)',
    );
  });

  it(`keeps the first ${MAX_SAVED_RUNS} labels of a larger file and says how many were left out`, () => {
    const { store, a, evalAt } = setup();
    a().receive({ type: 'eval', run: 0, result: evalAt(10, 3) });
    a().saveRun();
    const l = [[1, 2]];
    const labels = Array.from({ length: MAX_SAVED_RUNS + 2 }, (_, i) => `pike{T0=${i + 1}}`);
    expect(a().importRunFile(JSON.stringify(results(labels.map((m) => run(m, 0, [10], l)))))).toBe(
      true,
    );
    const s = store.getState();
    expect(s.savedRuns.map((r) => r.mixer)).toEqual(labels.slice(0, MAX_SAVED_RUNS));
    const notices = s.warnings.map((w) => w.message);
    expect(notices.some((m) => /removed the oldest, "PiKE · seed 0"/.test(m))).toBe(true);
    expect(notices.at(-1)).toMatch(
      /has 10 mixers .* keeps 8: left out 2 \("pike\{T0=9\}", "pike\{T0=10\}"\)/,
    );
    expect(new Set(s.warnings.map((w) => w.id)).size).toBe(s.warnings.length);
  });

  it('every saved run carries its task specs and per-task validation loss', () => {
    const { store, a, evalAt } = setup();
    a().receive({ type: 'eval', run: 0, result: evalAt(10, 3, 2) });
    a().receive({ type: 'eval', run: 0, result: evalAt(20, 3, 1) });
    a().saveRun();
    const live = store.getState().savedRuns[0];
    expect(live.tasks).toEqual(store.getState().config.tasks.map((t) => t.spec));
    expect(live.x).toEqual([10, 20]);
    expect(live.perTask).toEqual([
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    expect(live.y).toEqual([3, 2]);
    // A run file exported from that run imports with the same per-task curves.
    const s = store.getState();
    const file = buildRunFile(s.config, 'multilingual', ['a', 'b', 'c'], 20, s.metrics);
    file.curves.valLoss.cols[1][0] = null;
    expect(a().importRunFile(JSON.stringify(file))).toBe(true);
    const imported = store.getState().savedRuns[1];
    expect(imported.label).toMatch(/imported/);
    expect(imported.tasks).toEqual(live.tasks);
    expect(imported.perTask).toEqual([
      [2, 1],
      [NaN, 2],
      [4, 3],
    ]);
  });
});

describe('bandPath', () => {
  it('draws one closed piece per run of finite points: along hi, back along lo', () => {
    const sx = (v: number) => v * 10;
    const sy = (v: number) => 100 - v;
    expect(bandPath([0, 1, 2, 3, 4], [1, 2, NaN, 3, 4], [5, 6, 7, 8, 9], sx, sy)).toBe(
      'M0 95L10 94L10 98L0 99Z' + 'M30 92L40 91L40 96L30 97Z',
    );
    expect(bandPath([], [], [], sx, sy)).toBe('');
  });
});
