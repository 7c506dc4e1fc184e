/** A background tab: the history keeps filling, the charts wait; coming back redraws once. */
import { describe, expect, it } from 'vitest';
import { storedPoints } from '../../src/store/metrics';
import { bootedStore } from './helpers/fake-client';
import { metricsBatch } from './helpers/metrics-batch';

const batch = (step: number) => metricsBatch([step]);

describe('setVisible', () => {
  it('hidden: metrics land in the history but the charts are not told; visible: one flush', () => {
    const { store, a, ready, emit } = bootedStore();
    ready();
    const m = store.getState().metrics;
    emit({ type: 'metrics', run: 0, batch: batch(1) }); // the first: flushed at once
    const v0 = store.getState().metricsVersion;
    a().setVisible(false);
    emit({ type: 'metrics', run: 0, batch: batch(2) });
    a().flushMetrics(); // the timer fires while hidden
    expect(store.getState().metricsVersion).toBe(v0);
    expect(m.train.length).toBe(2); // ingested all the same
    const points = storedPoints(m);
    expect(points).toBeGreaterThan(0);
    a().setVisible(true);
    expect(store.getState().metricsVersion).toBe(v0 + 1);
  });

  it('keeps the worker’s memory report', () => {
    const { store, emit } = bootedStore();
    emit({ type: 'memory', tensors: 42, bytes: 1234 });
    expect(store.getState().workerMemory).toEqual({ tensors: 42, bytes: 1234 });
  });
});
