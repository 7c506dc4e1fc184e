import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../src/core/trainer-types';
import type { GradStats } from '../../src/core/types';
import { MAX_SAVED_RUNS } from '../../src/store/state';
import { createAppStore } from '../../src/store/store';
import { fakeClient, ONE_RUN } from './helpers/fake-client';
import type { TaskInfo, WorkerEvent } from '../../src/core/protocol';
import { localTaskInfo } from '../../src/core/config/validate';
import { buildRunFile } from '../../src/store/run-file';
import { gradStatsOf } from './helpers/grad-stats';
import { metricsBatch } from './helpers/metrics-batch';

/** A store wired to a fake worker client, with timers run by hand. */
function setup(hash = '', search = '') {
  const { client, sent, answer } = fakeClient();
  const timers: (() => void)[] = [];
  const store = createAppStore({
    createClient: () => client,
    setTimer: (fn) => void timers.push(fn),
  });
  const a = () => store.getState().actions;
  a().boot({ hash, search });
  const runTimers = () => {
    while (timers.length) timers.shift()!();
  };
  const tasksOf = (): TaskInfo[] =>
    store
      .getState()
      .config.tasks.map((t) => ({ ...localTaskInfo(t.spec, t.knobs), label: `L:${t.spec}` }));
  const ready = (step = 0) =>
    a().receive({
      type: 'ready',
      id: answer(),
      backend: { name: 'webgpu', choice: 'forced', candidates: [], adapter: 'swiftshader' },
      numParams: 1234,
      tasks: tasksOf(),
      runs: ONE_RUN,
      step,
    });
  return { store, sent, a, runTimers, ready, answer, emit: (e: WorkerEvent) => a().receive(e) };
}

const batch = (steps: number[], K: number, loss = (s: number, k: number) => 3 - s / 100 + k) =>
  metricsBatch(steps, K, loss);

const evalAt = (step: number, K: number, v = 2): EvalResult => ({
  type: 'eval',
  step,
  valLoss: Float64Array.from({ length: K }, (_, k) => v + k),
  accuracy: new Float64Array(K).fill(NaN),
});

const statsAt = (step: number, K: number): GradStats =>
  gradStatsOf(
    step,
    new Float64Array(K).fill(1),
    new Float64Array(K).fill(2),
    Float64Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0.2)),
  );

describe('app store', () => {
  it('boots from the hash and ?backend, configuring the worker once', () => {
    const { store, sent } = setup('#preset=conflict&width=32', '?backend=wasm');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'configure', backend: 'wasm' });
    expect(store.getState().preset).toBe('conflict');
    expect(store.getState().config.model.width).toBe(32);
    expect(store.getState().error).toBeNull();
  });

  it('an invalid hash or backend shows one message and falls back to the default', () => {
    const { store, sent } = setup('#width=abc', '?backend=quantum');
    const s = store.getState();
    expect(s.error?.message).toMatch(/width: "abc" is not a number/);
    expect(s.error?.message).toMatch(/\?backend=quantum is not a backend/);
    expect(s.preset).toBe('multilingual');
    expect(s.config.model.width).toBe(64);
    expect(sent[0]).toEqual({ type: 'configure', config: s.config });
  });

  it('ingests metrics, eval and stats: the first losses at once, then at most once per flush', () => {
    const { store, ready, emit, runTimers } = setup();
    ready();
    const v0 = store.getState().metricsVersion;
    emit({ type: 'metrics', run: 0, batch: batch([1, 2, 3], 3) });
    expect(store.getState()).toMatchObject({ metricsVersion: v0 + 1, step: 3 });
    emit({ type: 'metrics', run: 0, batch: batch([4, 5], 3) });
    emit({ type: 'eval', run: 0, result: evalAt(5, 3) });
    emit({ type: 'stats', run: 0, stats: statsAt(5, 3) });
    expect(store.getState().metricsVersion).toBe(v0 + 1);
    runTimers();
    const s = store.getState();
    expect(s.metricsVersion).toBe(v0 + 2);
    expect(s.step).toBe(5);
    expect(s.tokensPerSec).toBeGreaterThan(0);
    expect(s.metrics.train.x).toEqual([1, 2, 3, 4, 5]);
    expect(s.metrics.train.col(2)[0]).toBeCloseTo(4.99, 5);
    expect(s.metrics.val.col(1)).toEqual([3]);
    expect(s.metrics.conflict).toHaveLength(1);
    expect(s.metrics.gradNormSq.x).toEqual([5]);
  });

  it('live changes send commands without a reset; model changes reset and clear history', () => {
    const { store, sent, a, ready, emit, runTimers } = setup();
    ready();
    emit({ type: 'metrics', run: 0, batch: batch([1, 2], 3) });
    sent.length = 0;
    a().setMixer('mix');
    a().setOptimizer({ lr: 0.01 });
    a().setMixerKnob('T0', 7); // not a knob of mix: refused
    expect(store.getState().error?.message).toMatch(/mix/);
    runTimers();
    expect(sent.map((c) => c.type)).toEqual(['setMixer', 'setOptimizer']);
    expect(store.getState().metrics.train.length).toBe(2);

    sent.length = 0;
    expect(a().setModel({ width: 32 })).toBe(true);
    expect(sent).toEqual([{ type: 'configure', config: store.getState().config }]);
    expect(store.getState().resetNote).toMatch(/width/);
    // Metrics from before the rebuild still land in the old history; the ready clears it.
    emit({ type: 'metrics', run: 0, batch: batch([3], 3) });
    expect(store.getState().metrics.train.length).toBe(3);
    ready();
    runTimers(); // a flush due from before the rebuild must not bring the old step back
    expect(store.getState().metrics.train.length).toBe(0);
    expect(store.getState().step).toBe(0);
    expect(store.getState().building).toBe(false);
  });

  it('a slider drag sends one setMixer with the latest knob values', () => {
    const { sent, a, ready, runTimers } = setup();
    ready();
    sent.length = 0;
    for (const z of [0.6, 0.7, 0.8]) expect(a().setMixerKnob('zeta1', z)).toBe(true);
    expect(sent).toEqual([]);
    runTimers();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'setMixer', name: 'pike', knobs: { zeta1: 0.8 } });
    expect(sent[0]).not.toHaveProperty('weights'); // PiKE continues from its current weights
  });

  it('NaN losses (a task with no examples that step) leave gaps, not zeros', () => {
    const { store, ready, emit } = setup();
    ready();
    emit({
      type: 'metrics',
      run: 0,
      batch: batch([1, 2], 3, (s, k) => (k === 1 && s === 2 ? NaN : 2)),
    });
    const m = store.getState().metrics;
    expect(m.train.col(1)).toEqual([2, NaN]);
    expect(m.trainSmooth.col(1)[1]).toBeNaN();
    expect(m.trainSmooth.col(0)[1]).toBeCloseTo(2, 12); // bias-corrected EMA of a constant
  });

  it('ignores metrics of a different task count and repeated steps', () => {
    const { store, ready, emit } = setup();
    ready();
    emit({ type: 'metrics', run: 0, batch: batch([1, 2], 3) });
    emit({ type: 'metrics', run: 0, batch: batch([2, 3], 3) });
    emit({ type: 'metrics', run: 0, batch: batch([4], 2) });
    expect(store.getState().metrics.train.x).toEqual([1, 2, 3]);
  });

  it('refuses invalid values with a message and changes nothing', () => {
    const { store, sent, a, ready } = setup();
    ready();
    const before = store.getState().config;
    sent.length = 0;
    expect(a().setModel({ width: 63 })).toBe(false);
    expect(a().setBatchSize(0)).toBe(false);
    expect(a().addTask({ spec: 'nonsense:1' })).toBe(false);
    expect(store.getState().config).toBe(before);
    expect(sent).toEqual([]);
    expect(store.getState().error?.title).toMatch(/not added/);
  });

  it('adds and removes tasks live, resizing the history on the worker’s ready', () => {
    const { store, sent, a, ready, emit } = setup();
    ready();
    emit({ type: 'metrics', run: 0, batch: batch([1], 3) });
    expect(a().addTask({ spec: 'copy' })).toBe(true);
    expect(sent[sent.length - 1]).toEqual({ type: 'addTask', setup: { spec: 'copy' } });
    expect(store.getState().tasks).toHaveLength(4);
    ready(1);
    expect(store.getState().metrics.train.width).toBe(4);
    expect(store.getState().metrics.train.length).toBe(1);
    a().removeTask(0);
    ready(1);
    expect(store.getState().config.tasks.map((t) => t.spec)).toEqual([
      'udhr:hi',
      'udhr:de',
      'copy',
    ]);
    expect(store.getState().metrics.train.col(0)).toEqual([expect.closeTo(3.99, 5)]);
  });

  it('a config error from the worker reverts to the setup it kept', () => {
    const { store, a, ready, emit } = setup();
    ready();
    a().addTask({ spec: 'udhr:xx' });
    expect(store.getState().config.tasks).toHaveLength(4);
    emit({
      type: 'error',
      kind: 'config',
      message: 'unknown UDHR language code "xx"',
      recoverable: false,
    });
    expect(store.getState().config.tasks).toHaveLength(3);
    expect(store.getState().error?.message).toMatch(/xx/);
    expect(store.getState().status).toBe('idle');
  });

  it('an error from a live mixer change reaches that change, not a task change sent after it', () => {
    const { store, a, ready, emit, answer } = setup();
    ready();
    emit({ type: 'metrics', run: 0, batch: batch([1, 2], 3) });
    a().setMixer('mix'); // live: the worker will refuse it
    expect(a().addTask({ spec: 'copy' })).toBe(true);
    // The worker answers in order: the refused mixer change, then the added task's ready.
    const id = answer(['setMixer']);
    emit({ type: 'error', kind: 'config', message: 'mixer refused', recoverable: false, id });
    expect(store.getState().config.mixer.name).toBe('pike'); // the mixer change is undone
    expect(store.getState().config.tasks.map((t) => t.spec)).toContain('copy'); // the add stays
    expect(store.getState().error?.title).toBe('That change was not applied');
    ready(2);
    // The ready answers the add: one more column, the history kept.
    expect(store.getState().metrics.train.width).toBe(4);
    expect(store.getState().metrics.train.length).toBe(2);
    expect(store.getState().building).toBe(false);
  });

  it('a refused live change is undone only when no newer change of the same part follows it', () => {
    const { store, a, ready, emit, answer } = setup();
    ready();
    a().setMixer('mix');
    a().setMixer('round-robin');
    const [first, second] = [answer(['setMixer']), answer(['setMixer'])];
    emit({ type: 'error', kind: 'config', message: 'no mix', recoverable: false, id: first });
    expect(store.getState().config.mixer.name).toBe('round-robin'); // the newer one stands
    emit({
      type: 'error',
      kind: 'config',
      message: 'no round-robin',
      recoverable: false,
      id: second,
    });
    expect(store.getState().config.mixer.name).toBe('pike'); // what the worker still has
    a().setMixer('mix');
    emit({ type: 'applied', id: answer(['setMixer']) as number });
    a().setMixer('random');
    const refused = answer(['setMixer']);
    emit({ type: 'error', kind: 'config', message: 'no random', recoverable: false, id: refused });
    expect(store.getState().config.mixer.name).toBe('mix'); // the applied one
  });

  it('a crash keeps the history; Restart continues it after a marked restart', () => {
    const { store, sent, a, ready, emit } = setup('', '?backend=webgpu');
    ready();
    a().train();
    expect(store.getState().status).toBe('running');
    emit({ type: 'metrics', run: 0, batch: batch([1, 2, 3], 3) });
    emit({ type: 'error', kind: 'device-lost', message: 'lost', recoverable: true });
    expect(store.getState().status).toBe('error');
    expect(store.getState().error?.recoverable).toBe(true);
    sent.length = 0;
    a().restart(true);
    expect(sent).toEqual([
      { type: 'restart' },
      { type: 'configure', config: store.getState().config, backend: 'wasm' },
    ]);
    expect(store.getState().error).toBeNull();
    ready();
    emit({ type: 'metrics', run: 0, batch: batch([1, 2], 3) });
    const m = store.getState().metrics;
    expect(m.train.x).toEqual([1, 2, 3, 4, 5]);
    expect(m.restarts).toEqual([3]);
  });

  it('saves up to MAX_SAVED_RUNS runs by average validation loss, dropping the oldest', () => {
    const { store, a, ready, emit } = setup();
    ready();
    a().saveRun();
    expect(store.getState().error?.title).toMatch(/Nothing to save/);
    emit({ type: 'eval', run: 0, result: evalAt(100, 3, 2) });
    for (let i = 0; i < MAX_SAVED_RUNS + 1; i++) a().saveRun();
    const runs = store.getState().savedRuns;
    expect(runs).toHaveLength(MAX_SAVED_RUNS);
    expect(runs[0]).toMatchObject({ mixer: 'pike', seed: 0, x: [100], y: [3] });
    expect(runs[0].label).toBe('PiKE · seed 0 (2)');
    expect(store.getState().warnings.at(-1)?.message).toMatch(/removed the oldest/);
  });

  it('imports a run file: a bad one changes nothing, a good one loads setup and curve', () => {
    const { store, sent, a, ready, emit } = setup();
    ready();
    const before = store.getState().config;
    expect(a().importRunFile('{"format":"something-else"}')).toBe(false);
    expect(a().importRunFile('not json')).toBe(false);
    expect(store.getState().error?.kind).toBe('import');
    expect(store.getState().config).toBe(before);
    emit({ type: 'eval', run: 0, result: evalAt(100, 3) });
    const s = store.getState();
    const file = buildRunFile(
      { ...s.config, seed: 9 },
      'multilingual',
      ['a', 'b', 'c'],
      100,
      s.metrics,
    );
    sent.length = 0;
    expect(a().importRunFile(JSON.stringify(file))).toBe(true);
    expect(store.getState().config.seed).toBe(9);
    expect(store.getState().savedRuns[0].label).toMatch(/imported/);
    expect(sent[0]).toMatchObject({ type: 'configure' });
  });

  it('doremi takes a saved run of the same tasks as its reference, or says how to make one', () => {
    const { store, sent, a, ready, emit, runTimers } = setup();
    ready();
    const before = store.getState().config;
    // No saved run yet: a clear message, and the mixer does not change.
    a().setMixer('doremi');
    expect(store.getState().error?.message).toMatch(/needs a reference run.*Save run/);
    expect(store.getState().config).toEqual(before);
    a().dismissError();
    // Train (the preset's PiKE), evaluate twice, save the run: it becomes doremi's reference.
    emit({ type: 'eval', run: 0, result: evalAt(10, 3, 2) });
    emit({ type: 'eval', run: 0, result: evalAt(20, 3, 1.5) });
    a().flushMetrics();
    a().saveRun();
    sent.length = 0;
    a().setMixer('doremi');
    const ref = store.getState().config.mixer.reference!;
    expect(ref).toEqual({
      label: 'PiKE · seed 0',
      tasks: before.tasks.map((t) => t.spec),
      steps: [10, 20],
      valLoss: [
        [2, 3, 4],
        [1.5, 2.5, 3.5],
      ],
    });
    expect(sent.at(-1)).toMatchObject({ type: 'setMixer', name: 'doremi', reference: ref });
    runTimers();
    // Choosing another saved run: a run whose tasks differ is refused.
    a().saveRun();
    const second = store.getState().savedRuns.at(-1)!;
    expect(a().setMixerReference(second.id)).toBe(true);
    expect(store.getState().config.mixer.reference?.label).toBe(second.label);
    expect(a().setMixerReference(999)).toBe(false);
    // Leaving doremi drops the reference from the setup.
    a().setMixer('mix');
    expect(store.getState().config.mixer.reference).toBeUndefined();
  });
});
