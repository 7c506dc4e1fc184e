/**
 * The adaptive baselines inside the real training loop (cpu backend): the trainer feeds famo
 * its fixed-probe losses, doremi held-out losses against a reference run, odm and ado training
 * losses and sample counts; weights move, stay on the simplex, and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceCurve, RunConfigInput } from '../../src/core/config/run-config';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { Trainer, type EvalResult } from '../../src/engine/trainer';
import { useBackend } from './helpers/backend';
import { run, spy } from './helpers/trainer-run';

beforeAll(() => useBackend('cpu'));
const corpus = createFsCorpusLoader();

const TASKS = [{ spec: 'copy', knobs: { difficulty: { length: 4 } } }, { spec: 'markov:1:0.5' }];
const tiny = (mixer: RunConfigInput['mixer']): RunConfigInput => ({
  tasks: TASKS,
  mixer,
  model: { layers: 1, heads: 2, width: 16, context: 16 },
  optimizer: { lr: 3e-3, warmupSteps: 0 },
  batchSize: 8,
  seed: 3,
  schedule: { metricsEvery: 4, evalEvery: 10, statsEvery: 0, probeHalf: 2 },
});

describe('adaptive baselines in the trainer', () => {
  it('famo gets the same fixed probe before and after each update interval', async () => {
    const t = await Trainer.create(tiny({ name: 'famo', knobs: { T0: 3 } }), corpus);
    const obs = spy(t);
    const before = tf.memory().numTensors;
    await run(t, 9);
    await t.flush();
    expect(tf.memory().numTensors).toBe(before);
    expect(obs.map((o) => o.step)).toEqual([3, 6, 9]);
    // "after" of one update is "before" of the next: the same examples at the same parameters.
    expect(Array.from(obs[1].probeLoss!.before)).toEqual(Array.from(obs[0].probeLoss!.after));
    expect(Array.from(obs[2].probeLoss!.before)).toEqual(Array.from(obs[1].probeLoss!.after));
    // Training lowers the loss on the fixed probe.
    const first = obs[0].probeLoss!.before;
    const last = obs[2].probeLoss!.after;
    expect(last[0] + last[1]).toBeLessThan(first[0] + first[1]);
    const w = t.currentWeights();
    expect(Math.abs(w[0] + w[1] - 1)).toBeLessThan(1e-12);
    expect(Math.abs(w[0] - 0.5)).toBeGreaterThan(1e-6);
    t.dispose();
  });

  it('odm and ado see smoothed losses and cumulative sample counts', async () => {
    for (const name of ['odm', 'ado'] as const) {
      const knobs = name === 'odm' ? { T0: 2, uniformSteps: 4 } : { T0: 2, fitEvery: 4, start: 8 };
      const t = await Trainer.create(tiny({ name, knobs }), corpus);
      const obs = spy(t);
      await run(t, 12);
      expect(obs.map((o) => o.step)).toEqual([2, 4, 6, 8, 10, 12]);
      // Every step draws 8 examples: the counts add up to 8 per step.
      obs.forEach((o) => expect(o.samplesSeen!.reduce((a, b) => a + b, 0)).toBe(8 * o.step));
      expect(obs.every((o) => o.taskLosses.every(Number.isFinite))).toBe(true);
      const w = t.currentWeights();
      expect(Math.abs(w[0] + w[1] - 1)).toBeLessThan(1e-12);
      if (name === 'odm') expect(Math.abs(w[0] - 0.5)).toBeGreaterThan(1e-4);
      t.dispose();
    }
  });

  it('doremi compares held-out losses with a reference run of the same tasks', async () => {
    // The reference: a uniform-mix run of the same tasks and seed, evaluated every 10 steps.
    const ref = await Trainer.create(tiny({ name: 'mix' }), corpus);
    const evals = (await run(ref, 20)).filter((e): e is EvalResult => e.type === 'eval');
    ref.dispose();
    const reference: ReferenceCurve = {
      label: 'Uniform mix · seed 3',
      tasks: TASKS.map((s) => s.spec),
      steps: evals.map((e) => e.step),
      valLoss: evals.map((e) => Array.from(e.valLoss)),
    };
    expect(reference.steps).toEqual([10, 20]);
    await expect(Trainer.create(tiny({ name: 'doremi' }), corpus)).rejects.toThrow(
      /needs a reference run/,
    );
    const t = await Trainer.create(
      tiny({ name: 'doremi', knobs: { T0: 5, eta: 5 }, reference }),
      corpus,
    );
    const obs = spy(t);
    const ev = await run(t, 20);
    expect(obs.map((o) => o.step)).toEqual([5, 10, 15, 20]);
    // The held-out losses it gets are the evaluation's own at the steps both happen.
    const at10 = ev.find((e): e is EvalResult => e.type === 'eval' && e.step === 10)!;
    expect(Array.from(obs[1].valLoss!)).toEqual(Array.from(at10.valLoss));
    // Step 5 comes before the reference's first evaluation (10): the weights wait.
    expect(ev.filter((e) => e.type === 'warning')).toEqual([]);
    expect(t.config.mixer.reference?.label).toBe('Uniform mix · seed 3');
    t.dispose();
  });
});
