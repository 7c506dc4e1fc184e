import { describe, expect, it } from 'vitest';
import {
  BACKEND_STORAGE_KEY,
  browserFingerprint,
  createBackendMemory,
  type StorageLike,
} from '../../src/store/backend-choice';
import { createAppStore } from '../../src/store/store';
import { fakeClient, ONE_RUN } from './helpers/fake-client';
import { localTaskInfo } from '../../src/core/config/validate';
import type { BackendInfo } from '../../src/core/protocol';
import { metricsBatch } from './helpers/metrics-batch';

function mapStorage(): StorageLike & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const FP = browserFingerprint({ userAgent: 'TestBrowser/1', cores: 2, isolated: true });

const measured: BackendInfo = {
  name: 'wasm',
  choice: 'measured',
  candidates: [
    { name: 'webgpu', note: 'skipped: software WebGPU adapter' },
    { name: 'wasm', tokensPerSec: 2300 },
  ],
  measuredAt: '2026-11-22T10:00:00.000Z',
  threads: 1,
};

function setup(search = '', storage = mapStorage(), fingerprint = FP) {
  const { client, sent, answer } = fakeClient();
  const timers: (() => void)[] = [];
  const store = createAppStore({
    createClient: () => client,
    setTimer: (fn) => void timers.push(fn),
    backendMemory: createBackendMemory(storage, fingerprint),
  });
  const a = () => store.getState().actions;
  a().boot({ hash: '', search });
  const ready = (backend: BackendInfo) =>
    a().receive({
      type: 'ready',
      id: answer(),
      backend,
      numParams: 10,
      runs: ONE_RUN,
      tasks: store.getState().config.tasks.map((t) => localTaskInfo(t.spec, t.knobs)),
      step: 0,
    });
  const runTimers = () => {
    while (timers.length) timers.shift()!();
  };
  return { store, sent, a, ready, storage, runTimers };
}

describe('the remembered backend', () => {
  it('stores a measured choice, and the next page passes it to the worker', () => {
    const first = setup();
    expect(first.sent[0]).not.toHaveProperty('remembered');
    expect(first.sent[0]).not.toHaveProperty('backend');
    first.ready(measured);
    const stored = JSON.parse(first.storage.map.get(BACKEND_STORAGE_KEY)!);
    expect(stored).toMatchObject({ fingerprint: FP, name: 'wasm' });

    const second = setup('', first.storage);
    expect(second.sent[0]).toMatchObject({
      type: 'configure',
      remembered: { name: 'wasm', candidates: measured.candidates },
    });
  });

  it('is ignored after a browser update, and never written or used with ?backend', () => {
    const s = setup();
    s.ready(measured);
    const updated = setup('', s.storage, browserFingerprint({ userAgent: 'TestBrowser/2' }));
    expect(updated.sent[0]).not.toHaveProperty('remembered');

    const forced = setup('?backend=cpu', mapStorage());
    expect(forced.sent[0]).toMatchObject({ backend: 'cpu' });
    expect(forced.sent[0]).not.toHaveProperty('remembered');
    forced.ready({ ...measured, fallbackReason: 'cpu failed' });
    expect(forced.storage.map.size).toBe(0);
  });

  it('does not store a forced or remembered choice; survives broken storage', () => {
    const s = setup();
    s.ready({ name: 'cpu', choice: 'forced', candidates: [] });
    s.ready({ ...measured, choice: 'remembered' });
    expect(s.storage.map.size).toBe(0);
    const broken: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    const b = setup('', broken as ReturnType<typeof mapStorage>);
    expect(() => b.ready(measured)).not.toThrow();
    expect(b.store.getState().backend?.name).toBe('wasm');
  });

  it('re-measure forgets the choice and measures in a fresh worker', () => {
    const s = setup();
    s.ready(measured);
    s.sent.length = 0;
    s.a().remeasureBackend();
    expect(s.storage.map.size).toBe(0);
    expect(s.sent.map((c) => c.type)).toEqual(['restart', 'configure']);
    expect(s.sent[1]).not.toHaveProperty('remembered');
    expect(s.sent[1]).not.toHaveProperty('backend');
    expect(s.store.getState()).toMatchObject({ backend: null, building: true });
  });

  it('restart keeps the backend as remembered (not re-measured); the fallback is forced', () => {
    const s = setup();
    s.ready(measured);
    s.sent.length = 0;
    s.a().restart(false);
    expect(s.sent[1]).toMatchObject({ remembered: { name: 'wasm' } });
    s.ready({ ...measured, choice: 'remembered' });
    s.sent.length = 0;
    s.a().restart(true);
    expect(s.sent[1]).toMatchObject({ backend: 'cpu' });
  });

  it('?measure=all asks the worker to measure software adapters too, and is never remembered', () => {
    const first = setup();
    first.ready(measured);
    const s = setup('?measure=all', first.storage);
    expect(s.sent[0]).toMatchObject({ includeSoftware: true });
    expect(s.sent[0]).not.toHaveProperty('remembered');
    s.storage.map.clear();
    s.ready({ ...measured, includedSoftware: true });
    expect(s.storage.map.size).toBe(0);
    s.sent.length = 0;
    s.a().remeasureBackend();
    expect(s.sent[1]).toMatchObject({ type: 'configure', includeSoftware: true });
  });

  it('shows what the worker is measuring until it is ready', () => {
    const s = setup();
    s.a().receive({ type: 'measuring', message: 'measuring wasm (2 of 2)' });
    expect(s.store.getState().measuring).toBe('measuring wasm (2 of 2)');
    s.ready(measured);
    expect(s.store.getState().measuring).toBeNull();
  });
});

describe('the step counter', () => {
  const batch = (steps: number[]) => metricsBatch(steps);

  it('moves with progress events at once, and a later readback never moves it back', () => {
    const s = setup();
    s.ready(measured);
    s.a().train();
    s.a().receive({ type: 'progress', step: 1 });
    expect(s.store.getState().step).toBe(1);
    s.a().receive({ type: 'progress', step: 7 });
    s.a().receive({ type: 'metrics', run: 0, batch: batch([1, 2, 3]) });
    s.runTimers();
    expect(s.store.getState().step).toBe(7);
    s.a().receive({ type: 'metrics', run: 0, batch: batch([4, 5, 6, 7, 8]) });
    s.runTimers();
    expect(s.store.getState().step).toBe(8);
  });
});
