import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../src/core/config/run-config';
import { contestantLabel, RunSet, type RunEvent } from '../../src/engine/run-set';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import type { MetricsBatch } from '../../src/engine/trainer';
import { useBackend } from './helpers/backend';
import { tiny as tinyConfig } from './helpers/tiny-config';

beforeAll(() => useBackend('cpu'));
afterEach(() => vi.restoreAllMocks());
const corpus = createFsCorpusLoader();

/** No display statistics or evaluation unless a test asks: the readbacks are the race's own. */
const tiny = (over: Partial<RunConfigInput> = {}): RunConfigInput =>
  tinyConfig({ schedule: { metricsEvery: 5, evalEvery: 0, statsEvery: 0, probeHalf: 2 }, ...over });

async function rounds(set: RunSet, n: number): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for (let i = 0; i < n; i++) out.push(...(await set.round()));
  out.push(...(await set.flush()));
  return out;
}

const batchesOf = (events: RunEvent[], run: number) =>
  events
    .filter((e) => e.run === run && e.event.type === 'metrics')
    .map((e) => e.event as MetricsBatch);

describe('RunSet', () => {
  it('a single run is run 0 and trains like before', async () => {
    const set = await RunSet.create(tiny(), corpus);
    expect(set.isRace).toBe(false);
    expect(set.infos).toEqual([{ id: 0, label: 'PiKE', spec: 'pike', mixer: 'pike' }]);
    const ev = await rounds(set, 6);
    expect(set.step).toBe(6);
    expect(ev.every((e) => e.run === 0)).toBe(true);
    expect(batchesOf(ev, 0).flatMap((b) => Array.from(b.steps))).toEqual([1, 2, 3, 4, 5, 6]);
    set.dispose();
  });

  it('contestants start from the same weights and data: identical first-step losses', async () => {
    // Mix and Random both sample uniformly at step 1 (Random's first draw aside, Mix vs PiKE:
    // PiKE starts uniform and updates only at T₀), so step 1 sees the same batch and weights.
    const set = await RunSet.create(
      tiny({
        race: [
          { name: 'mix', knobs: {} },
          { name: 'pike', knobs: { zeta2: 0 } },
        ],
      }),
      corpus,
    );
    expect(set.infos.map((r) => r.label)).toEqual(['Uniform mix', 'PiKE {zeta2=0}']);
    expect(set.infos.map((r) => r.spec)).toEqual(['mix', 'pike{zeta2=0}']);
    const ev = await rounds(set, 7);
    const [a, b] = [batchesOf(ev, 0), batchesOf(ev, 1)];
    expect(a[0].steps[0]).toBe(1);
    expect(b[0].steps[0]).toBe(1);
    // Step 1 and every step before PiKE's first update (T₀ = 5): same weights, same losses.
    for (let k = 0; k < 2; k++) expect(b[0].taskLoss[k]).toBeCloseTo(a[0].taskLoss[k], 5);
    expect(set.step).toBe(7);
    set.dispose();
  });

  it('reads every contestant back in one readback when the routine readback is due', async () => {
    const set = await RunSet.create(
      tiny({
        race: [
          { name: 'mix', knobs: {} },
          { name: 'random', knobs: {} },
        ],
      }),
      corpus,
    );
    await set.round(); // the first step is read at once (both contestants, one readback)
    const data = vi.spyOn(tf.Tensor.prototype, 'data');
    const ev: RunEvent[] = [];
    for (let i = 0; i < 4; i++) ev.push(...(await set.round())); // steps 2..5: due at 5
    expect(data).toHaveBeenCalledTimes(1);
    const [a, b] = [batchesOf(ev, 0), batchesOf(ev, 1)];
    expect(Array.from(a[0].steps)).toEqual([2, 3, 4, 5]);
    expect(Array.from(b[0].steps)).toEqual([2, 3, 4, 5]);
    // Each contestant's ms/step is its own share, not the time of the whole round.
    expect(a[0].msPerStep).toBeGreaterThan(0);
    expect(b[0].msPerStep).toBeGreaterThan(0);
    set.dispose();
  });

  it('applies task changes to every contestant and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const set = await RunSet.create(
      tiny({
        race: [
          { name: 'mix', knobs: {} },
          { name: 'pike', knobs: {} },
          { name: 'balanced-pike', knobs: { tau: 3 } },
        ],
        schedule: { metricsEvery: 3, evalEvery: 4, statsEvery: 3, probeHalf: 2 },
      }),
      corpus,
    );
    await rounds(set, 5);
    await set.apply({ kind: 'add-task', setup: { spec: 'markov:2:0.5' } });
    expect(set.taskList.length).toBe(3);
    for (let i = 0; i < 3; i++) expect(set.trainer(i).taskList.length).toBe(3);
    const ev = await rounds(set, 4);
    const evals = ev.filter((e) => e.event.type === 'eval');
    expect(new Set(evals.map((e) => e.run))).toEqual(new Set([0, 1, 2]));
    await expect(set.apply({ kind: 'mixer', mixer: { name: 'mix', knobs: {} } })).rejects.toThrow(
      /contestant/,
    );
    // Each contestant reads the shared config with its own mixer.
    expect(set.trainer(2).config.tasks).toBe(set.config.tasks);
    expect(set.trainer(2).config.mixer).toMatchObject({ name: 'balanced-pike', knobs: { tau: 3 } });
    set.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a bad contestant is refused naming it, and nothing is left allocated', async () => {
    const before = tf.memory().numTensors;
    await expect(
      RunSet.create(
        tiny({
          race: [
            { name: 'mix', knobs: {} },
            { name: 'pike', knobs: { zeta2: -1 } },
          ],
        }),
        corpus,
      ),
    ).rejects.toThrow(/PiKE.*zeta2/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a race has 2 to 4 contestants', () => {
    const c = { name: 'mix' as const, knobs: {} };
    expect(runConfigSchema.safeParse(tiny({ race: [c] })).success).toBe(false);
    expect(runConfigSchema.safeParse(tiny({ race: [c, c, c, c, c] })).success).toBe(false);
    expect(runConfigSchema.safeParse(tiny({ race: [c, c] })).success).toBe(true);
    expect(contestantLabel({ name: 'balanced-pike', knobs: { tau: 3 } })).toBe(
      'Balanced-PiKE {tau=3}',
    );
  });
});
