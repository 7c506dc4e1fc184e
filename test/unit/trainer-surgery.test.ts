/**
 * The four methods of issue 21 inside the real training loop (cpu backend): gradient surgery's
 * device side against the plain formulation, pcgrad and cagrad steps (one task: Mix's run;
 * the Gram the rule sees is the shares' own), aioli's evaluations at its sweeps' ends, doge on
 * the statistics' inner products; weights stay on the simplex and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/core/config/run-config';
import { pcgradCoefficients } from '../../src/core/mixers/pcgrad';
import { createRng, mixSeeds, permutation } from '../../src/core/rng';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import type { GradientSurgery } from '../../src/core/types';
import { surgeryGradient } from '../../src/engine/surgery';
import { Trainer, type MetricsBatch, type TrainerEvent } from '../../src/engine/trainer';
import { useBackend } from './helpers/backend';
import { innerMixer, run, spy } from './helpers/trainer-run';

beforeAll(() => useBackend('cpu'));
const corpus = createFsCorpusLoader();

const TASKS = [
  { spec: 'copy', knobs: { difficulty: { length: 4 } } },
  { spec: 'reverse', knobs: { difficulty: { length: 4 } } },
  { spec: 'markov:1:0.5' },
];
/** The conflict preset's tasks: one prompt, opposite targets, no task token. */
const BLIND = { difficulty: { length: 2, symbols: 4 } };
const CONFLICT = [
  { spec: 'blind:copy', knobs: BLIND },
  { spec: 'blind:anti:copy', knobs: BLIND },
  { spec: 'reverse', knobs: { difficulty: { length: 4 } } },
];
const tiny = (mixer: RunConfigInput['mixer'], tasks = TASKS): RunConfigInput => ({
  tasks,
  mixer,
  model: { layers: 1, heads: 2, width: 16, context: 16 },
  optimizer: { lr: 3e-3, warmupSteps: 0 },
  batchSize: 9,
  seed: 4,
  schedule: { metricsEvery: 4, evalEvery: 0, statsEvery: 0, probeHalf: 2 },
});

const losses = (ev: TrainerEvent[]) =>
  ev
    .filter((e): e is MetricsBatch => e.type === 'metrics')
    .flatMap((m) => Array.from(m.taskLoss).filter(Number.isFinite));

describe('gradient surgery on the device', () => {
  it('forms the shares’ Gram and Σ β_k g_k as the plain formulation does', async () => {
    const rows = [
      [1, 2, -1, 0.5],
      [-2, 0.5, 1, 1],
      [0.25, -1, 3, -0.5],
    ];
    const shares = rows.map((r) => tf.tensor1d(r));
    let seen: Float64Array | null = null;
    const beta = [0.5, 2, -1];
    const surgery: GradientSurgery = {
      coefficients: (gram) => ((seen = gram), Float64Array.from([0, ...beta.slice(1)])),
    };
    const before = tf.memory().numTensors;
    // Task 0 had no examples: the Gram has a zero row for it and its share is absent.
    const g = await surgeryGradient(shares.slice(1), [1, 2], 3, surgery, 7);
    expect(tf.memory().numTensors).toBe(before + 1);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
    const want = [0, 1, 2].flatMap((i) =>
      [0, 1, 2].map((j) => (i && j ? dot(rows[i], rows[j]) : 0)),
    );
    expect(Array.from(seen!)).toEqual(want);
    const out = await g.data();
    rows[0].forEach((_, d) => {
      expect(out[d]).toBeCloseTo(2 * rows[1][d] - rows[2][d], 5);
    });
    tf.dispose([g, ...shares]);
  });
});

describe('issue 21’s methods in the trainer', () => {
  it('pcgrad with one task trains like Mix (its one share is the whole gradient)', async () => {
    const one = [TASKS[2]];
    const mix = await Trainer.create(tiny({ name: 'mix' }, one), corpus);
    const pc = await Trainer.create(tiny({ name: 'pcgrad' }, one), corpus);
    const a = losses(await run(mix, 8));
    const b = losses(await run(pc, 8));
    expect(b.length).toBe(a.length);
    b.forEach((x, i) => expect(Math.abs(x - a[i])).toBeLessThan(1e-4));
    mix.dispose();
    pc.dispose();
  });

  it('pcgrad and cagrad combine the batch’s per-task shares every step, leak-free', async () => {
    for (const name of ['pcgrad', 'cagrad'] as const) {
      // A high learning rate: the blind pair's gradients oppose within a dozen steps.
      const base = tiny({ name }, CONFLICT);
      const config = { ...base, optimizer: { lr: 3e-2, warmupSteps: 0 } };
      const t = await Trainer.create(
        { ...config, schedule: { ...config.schedule, statsEvery: 3 } },
        corpus,
      );
      const surgery = innerMixer(t).surgery!;
      const grams: Float64Array[] = [];
      const betas: Float64Array[] = [];
      const coefficients = surgery.coefficients.bind(surgery);
      surgery.coefficients = (gram, step) => {
        grams.push(gram);
        const b = coefficients(gram, step);
        betas.push(b);
        return b;
      };
      await run(t, 1);
      const held = () => tf.memory().numTensors - t.statsWindowChunks;
      const before = held();
      const ev = await run(t, 11); // statistics every 3 steps: the window's steps too
      await t.flush();
      expect(held()).toBe(before);
      expect(ev.some((e) => e.type === 'stats')).toBe(true);
      expect(grams.length).toBe(12);
      for (const [s, A] of grams.entries()) {
        expect(A.length).toBe(9);
        for (let i = 0; i < 3; i++) {
          expect(A[i * 3 + i]).toBeGreaterThan(0);
          for (let j = 0; j < 3; j++) expect(A[i * 3 + j]).toBeCloseTo(A[j * 3 + i], 6);
        }
        expect(betas[s].every(Number.isFinite)).toBe(true);
        if (name === 'pcgrad' && A.every((x) => x >= 0))
          expect(Array.from(betas[s])).toEqual([1, 1, 1]);
      }
      // The blind pair conflicts: pcgrad projects on some steps, not all.
      const conflicted = grams.filter((A) => A.some((x) => x < 0)).length;
      expect(conflicted).toBeGreaterThan(0);
      if (name === 'pcgrad') {
        // β is the rule's on that Gram with the orders of the run's seed and the step.
        const seed = mixSeeds(config.seed!, 7);
        grams.forEach((A, s) => {
          const rng = createRng(mixSeeds(seed, 0x9c + s + 1));
          const orders = [0, 1, 2].map(() => permutation(3, rng));
          expect(betas[s]).toEqual(pcgradCoefficients(A, orders));
        });
        expect(betas.some((b) => b.some((x) => x !== 1))).toBe(true);
      }
      expect(Array.from(t.currentWeights())).toEqual([1 / 3, 1 / 3, 1 / 3]);
      const l = losses(ev);
      expect(l.every(Number.isFinite)).toBe(true);
      t.dispose();
    }
  });

  it('aioli sweeps and is evaluated at its sweeps’ ends only', async () => {
    const t = await Trainer.create(
      tiny({ name: 'aioli', knobs: { roundSteps: 10, lpSteps: 2, eta: 5 } }),
      corpus,
    );
    const seen = spy(t);
    const weights: number[][] = [];
    const held = () => tf.memory().numTensors - t.statsWindowChunks;
    let before = 0;
    for (let i = 0; i < 12; i++) {
      weights.push(Array.from(t.currentWeights()));
      await t.trainStep();
      if (i === 0) before = held();
    }
    await t.flush();
    expect(held()).toBe(before);
    expect(seen.map((o) => o.step)).toEqual([1, 3, 5, 7, 11]);
    expect(seen.every((o) => o.valLoss!.length === 3 && o.valLoss!.every(Number.isFinite))).toBe(
      true,
    );
    // Step 1 trains at uniform weights; steps 2-7 are three sweeps of 2 steps at f = 0.75.
    expect(weights[0]).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const swept = [1, 3, 5].map((s) => weights[s].indexOf(0.75));
    expect([...swept].sort()).toEqual([0, 1, 2]);
    expect(weights[2]).toEqual(weights[1]);
    // After the round's update (step 7) the learned mixture, off uniform, on the simplex.
    const p = weights[8];
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(Math.max(...p) - Math.min(...p)).toBeGreaterThan(1e-3);
    expect(weights[10]).toEqual(p);
    t.dispose();
  });

  it('doge reads the statistics’ inner products and moves the weights', async () => {
    const t = await Trainer.create(tiny({ name: 'doge', knobs: { T0: 4, eta: 1 } }), corpus);
    const seen = spy(t);
    const held = () => tf.memory().numTensors - t.statsWindowChunks;
    await run(t, 1);
    const before = held();
    const ev = await run(t, 8);
    await t.flush();
    expect(held()).toBe(before);
    expect(ev.filter((e) => e.type === 'warning')).toEqual([]);
    expect(seen.map((o) => o.step)).toEqual([4, 8]);
    const G = seen[0].stats!;
    expect(G.meanGram!.length).toBe(9);
    // ⟨ĝ_j, ĝ_k⟩ over the norms is the cosine the conflict matrix shows.
    const M = G.meanGram!;
    const cos01 = M[1] / Math.sqrt(M[0] * M[4]);
    expect(cos01).toBeCloseTo(G.cosine[1], 4);
    const w = t.currentWeights();
    expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(Math.max(...w) - Math.min(...w)).toBeGreaterThan(1e-3);
    t.dispose();
  });
});
