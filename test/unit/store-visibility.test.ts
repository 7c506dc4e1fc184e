/** A background tab: the history keeps filling, the charts wait; coming back redraws once. */
import { describe, expect, it } from 'vitest';
import type { MetricsBatch } from '../../src/engine/trainer-types';
import { storedPoints } from '../../src/store/metrics';
import { bootedStore } from './helpers/fake-client';

const batch = (step: number): MetricsBatch => ({
  type: 'metrics',
  steps: Int32Array.from([step]),
  numTasks: 3,
  counts: Int32Array.from([3, 3, 2]),
  msPerStep: 10,
  taskLoss: Float32Array.from([1, 2, 3]),
  weights: Float32Array.from([0.3, 0.3, 0.4]),
  lr: Float32Array.from([0.001]),
  gradNorm: Float32Array.from([1]),
  tokensPerSec: 100,
});

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
