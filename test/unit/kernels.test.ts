/**
 * The backend-specific kernels (src/engine/model/kernels.ts, wasm-kernels.ts) against the plain
 * tfjs formulation (reference mode): values and gradients on cpu and wasm, the wasm kernel
 * replacements on awkward shapes, and 100 training steps that give the same losses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/core/config/run-config';
import {
  embed,
  gelu,
  layerNorm,
  linear,
  matMul,
  setKernelMode,
  softmaxCrossEntropy,
} from '../../src/engine/model/kernels';
import { splitHeads } from '../../src/engine/model/attention';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { Trainer, type MetricsBatch } from '../../src/engine/trainer';
import { useBackend } from './helpers/backend';

afterEach(() => setKernelMode('auto'));

/** A seeded normal tensor. */
const rand = (shape: number[], seed: number, scale = 1) =>
  tf.randomNormal(shape, 0, scale, 'float32', seed);

/**
 * Value and gradients of Σ f(inputs)·r (r a fixed random cotangent) in one kernel mode, so every
 * gradient path is exercised with a non-trivial upstream gradient.
 */
async function valueAndGrads(
  mode: 'auto' | 'reference',
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
): Promise<Float32Array[]> {
  setKernelMode(mode);
  const out = tf.tidy(() => {
    const y = f(...inputs);
    const r = rand(y.shape, 99);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
    return [y, ...grads];
  });
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  return data;
}

function expectClose(a: Float32Array, b: Float32Array, tol: number, what: string) {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  }
  expect(worst, `${what}: largest difference ${worst}`).toBeLessThan(tol);
}

/** Each kernel's value and every input gradient equal the reference formulation's. */
async function compare(
  name: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  tol = 1e-5,
) {
  const fast = await valueAndGrads('auto', f, inputs);
  const ref = await valueAndGrads('reference', f, inputs);
  fast.forEach((x, i) => expectClose(x, ref[i], tol, `${name} ${i === 0 ? 'value' : `grad ${i}`}`));
  tf.dispose(inputs);
}

for (const backend of ['cpu', 'wasm']) {
  describe(`kernels on ${backend}`, () => {
    it('matMul with every transpose combination: values and gradients', async () => {
      await useBackend(backend);
      for (const [tA, tB] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ]) {
        // Shapes chosen so both transpose strategies of aᵀ·b are taken somewhere.
        const a = rand(tA ? [7, 5] : [5, 7], 1);
        const b = rand(tB ? [3, 7] : [7, 3], 2);
        await compare(
          `matMul(${tA}, ${tB})`,
          (x, y) => matMul(x as tf.Tensor2D, y as tf.Tensor2D, tA, tB),
          [a, b],
        );
      }
      await compare('matMul wide', (x, y) => matMul(x as tf.Tensor2D, y as tf.Tensor2D), [
        rand([40, 3], 3),
        rand([3, 50], 4),
      ]);
    });

    it('linear, embedding, GELU, LayerNorm and cross-entropy: values and gradients', async () => {
      await useBackend(backend);
      await compare('linear', (x, w, b) => linear(x as tf.Tensor2D, w, b), [
        rand([12, 6], 1),
        rand([6, 9], 2),
        rand([9], 3),
      ]);
      const ids = tf.tensor1d([0, 3, 3, 9, 1, 0], 'int32');
      await compare('embed', (w) => embed(w as tf.Tensor2D, ids), [rand([10, 4], 4)]);
      ids.dispose();
      await compare('gelu', (x) => gelu(x), [rand([6, 8], 5, 3)]);
      await compare('layerNorm', (x, g, b) => layerNorm(x, g, b), [
        rand([2, 3, 8], 6, 2),
        rand([8], 7),
        rand([8], 8),
      ]);
      const targets = tf.tensor1d([2, 0, 6, 6, 1], 'int32');
      await compare('softmaxCrossEntropy', (z) => softmaxCrossEntropy(z as tf.Tensor2D, targets), [
        rand([5, 7], 9, 4),
      ]);
      targets.dispose();
      // B = 2, T = 3, 2 heads of D = 2: qkv [6, 12] → q, k, v [2, 2, 3, 2]
      await compare(
        'splitHeads',
        (x) => tf.concat(splitHeads(x as tf.Tensor2D, 2, 3, 2).map((t) => tf.reshape(t, [-1]))),
        [rand([6, 12], 10)],
      );
    });

    it('leaves no tensor behind', async () => {
      await useBackend(backend);
      const x = rand([6, 4], 1);
      const w = rand([4, 3], 2);
      const b = rand([3], 3);
      const before = tf.memory().numTensors;
      const [y, g] = tf.tidy(() => {
        const f = (xi: tf.Tensor) => gelu(layerNorm(linear(xi as tf.Tensor2D, w, b), b, b));
        return [f(x), tf.grad((xi: tf.Tensor) => tf.sum(f(xi)))(x)];
      });
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([x, w, b, y, g]);
    });
  });
}

describe('wasm kernel replacements', () => {
  it('slice, split and clone give tfjs values on every rank and on strided slices', async () => {
    await useBackend('wasm');
    const x = tf.range(0, 2 * 3 * 4 * 5).reshape([2, 3, 4, 5]);
    const cases: [string, (t: tf.Tensor) => tf.Tensor | tf.Tensor[]][] = [
      ['slice 4-D strided', (t) => tf.slice(t, [1, 0, 1, 2], [1, 3, 2, 3])],
      ['slice 2-D columns', (t) => tf.slice(t.reshape([6, 20]), [1, 5], [4, 7])],
      ['slice 1-D', (t) => tf.slice(t.reshape([-1]), [17], [40])],
      ['slice empty', (t) => tf.slice(t, [0, 0, 0, 0], [0, 3, 4, 5])],
      ['split uneven, last axis', (t) => tf.split(t, [1, 3, 1], 3)],
      ['split axis 1', (t) => tf.split(t, 3, 1)],
      ['clone', (t) => tf.clone(t)],
      ['int32 slice', (t) => tf.slice(t.cast('int32'), [0, 1, 0, 0], [2, 2, 4, 5])],
    ];
    // Run each case with and without the replacements (linear() installs them on first use).
    const run = async (mode: 'auto' | 'reference') => {
      setKernelMode(mode);
      tf.dispose(linear(rand([2, 2], 1) as tf.Tensor2D, rand([2, 2], 2), rand([2], 3)));
      const out: number[][] = [];
      for (const [, f] of cases) {
        const r = f(x);
        for (const t of Array.isArray(r) ? r : [r]) {
          out.push(Array.from(await t.data()));
          t.dispose();
        }
      }
      return out;
    };
    const fast = await run('auto');
    const ref = await run('reference');
    expect(fast).toEqual(ref);
    x.dispose();
  });
});

describe('training with the fast kernels', () => {
  const corpus = createFsCorpusLoader();
  const config: RunConfigInput = {
    tasks: [{ spec: 'copy', knobs: { difficulty: { length: 4 } } }, { spec: 'udhr:en' }],
    mixer: { name: 'mix', knobs: {} },
    model: { layers: 2, heads: 2, width: 16, context: 16 },
    optimizer: { name: 'adamw', lr: 3e-3, warmupSteps: 10, clipNorm: 1 },
    batchSize: 8,
    seed: 5,
    schedule: { metricsEvery: 10, evalEvery: 0, statsEvery: 0, probeHalf: 2 },
  };

  async function losses(mode: 'auto' | 'reference'): Promise<number[]> {
    setKernelMode(mode);
    const t = await Trainer.create(config, corpus);
    const out: number[] = [];
    for (let i = 0; i < 100; i++) {
      for (const e of await t.trainStep()) {
        if (e.type === 'metrics') out.push(...(e as MetricsBatch).taskLoss);
      }
    }
    const last = await t.flush();
    if (last) out.push(...last.taskLoss);
    t.dispose();
    return out;
  }

  for (const backend of ['cpu', 'wasm']) {
    it(`100 steps on ${backend} give the reference formulation's losses within 1e-3`, async () => {
      await useBackend(backend);
      const fast = await losses('auto');
      const ref = await losses('reference');
      expect(fast.length).toBe(200);
      const worst = Math.max(...fast.map((x, i) => Math.abs(x - ref[i])));
      expect(worst).toBeLessThan(1e-3);
      // And the run learned something (the comparison is not between two flat lines).
      expect(fast[fast.length - 2]).toBeLessThan(fast[0] - 0.5);
    });
  }
});
