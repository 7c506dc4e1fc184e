/**
 * The engine on tfjs's webgpu backend in Node: Dawn through the `webgpu` package, on SwiftShader's
 * CPU Vulkan from Debian's chromium package (needs the Vulkan loader, Debian's libvulkan1; .ci/run
 * installs both). Skipped, with the reason printed, where no adapter can be had.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeWebGpu } from '../../src/cli/node-webgpu';
import type { RunConfigInput } from '../../src/core/config/run-config';
import { gelu, layerNorm, linear, prepare, setKernelMode } from '../../src/engine/model/kernels';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { Trainer, type MetricsBatch } from '../../src/engine/trainer';
import { warmUpPipelines } from '../../src/engine/warm-up';
import { useBackend } from './helpers/backend';

let reason = '';
try {
  await useNodeWebGpu({ swiftshader: true });
} catch (e) {
  reason = (e as Error).message;
  console.warn(`webgpu tests skipped: ${reason}`);
}

const corpus = createFsCorpusLoader();
const tiny: RunConfigInput = {
  tasks: [{ spec: 'copy', knobs: { difficulty: { length: 4 } } }, { spec: 'markov:1:0.5' }],
  mixer: { name: 'pike', knobs: { T0: 2 } },
  model: { layers: 2, heads: 2, width: 16, context: 16 },
  optimizer: { lr: 3e-3, warmupSteps: 0 },
  batchSize: 8,
  seed: 4,
  schedule: { metricsEvery: 3, evalEvery: 4, statsEvery: 2, probeHalf: 2 },
};

async function stepLosses(backend: string, steps: number, config = tiny): Promise<number[]> {
  await tf.setBackend(backend);
  const t = await Trainer.create(config, corpus);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    for (const e of await t.trainStep())
      if (e.type === 'metrics') out.push(...(e as MetricsBatch).taskLoss);
  }
  const last = await t.flush();
  if (last) out.push(...last.taskLoss);
  t.dispose();
  return out;
}

// SwiftShader compiles every pipeline on the CPU: minutes, not seconds, on a loaded 2-core machine.
describe.skipIf(reason !== '')(
  'the engine on webgpu (Node, SwiftShader)',
  { timeout: 240_000 },
  () => {
    beforeAll(async () => {
      await tf.setBackend('webgpu');
      prepare();
    });

    it('adds more inputs than the storage-buffer limit correctly (tfjs 4.22 AddN gives 0)', async () => {
      for (const n of [7, 8, 9, 20]) {
        const xs = Array.from({ length: n }, (_, i) => tf.fill([3], i + 1));
        const sum = tf.addN(xs);
        expect(Array.from(await sum.data())).toEqual([0, 1, 2].map(() => (n * (n + 1)) / 2));
        tf.dispose([...xs, sum]);
      }
    });

    it('LayerNorm, GELU and linear match the reference formulation, values and gradients', async () => {
      const x = tf.randomNormal([6, 8], 0, 2, 'float32', 1);
      const w = tf.randomNormal([8, 8], 0, 1, 'float32', 2);
      const g = tf.randomNormal([8], 1, 0.1, 'float32', 3);
      const f = (xi: tf.Tensor) => gelu(layerNorm(linear(xi as tf.Tensor2D, w, g), g, g));
      const run = async (mode: 'auto' | 'reference') => {
        setKernelMode(mode);
        const [y, dx] = tf.tidy(() => [f(x), tf.grad((xi: tf.Tensor) => tf.sum(f(xi)))(x)]);
        const out = [await y.data(), await dx.data()];
        tf.dispose([y, dx]);
        setKernelMode('auto');
        return out;
      };
      const fast = await run('auto');
      const ref = await run('reference');
      fast.forEach((a, i) => a.forEach((v, j) => expect(v).toBeCloseTo(ref[i][j], 4)));
      tf.dispose([x, w, g]);
    });

    it('trains like the cpu backend (same losses within 1e-3 over 6 steps) and leaks nothing', async () => {
      const gpu = await stepLosses('webgpu', 6);
      await tf.setBackend('webgpu');
      const before = tf.memory().numTensors;
      const t = await Trainer.create(tiny, corpus);
      for (let i = 0; i < 4; i++) await t.trainStep(); // statistics and an evaluation included
      await t.flush();
      t.dispose();
      expect(tf.memory().numTensors).toBe(before);
      await useBackend('cpu');
      const cpu = await stepLosses('cpu', 6);
      expect(gpu.length).toBe(cpu.length);
      gpu.forEach((v, i) => expect(Math.abs(v - cpu[i])).toBeLessThan(1e-3));
      await tf.setBackend('webgpu');
    });

    it('gradient surgery (pcgrad) trains like the cpu backend and leaks nothing', async () => {
      // Every step task by task (the fused step's per-task gradients), the Gram read back.
      const pc: RunConfigInput = { ...tiny, mixer: { name: 'pcgrad' } };
      const gpu = await stepLosses('webgpu', 4, pc);
      const before = tf.memory().numTensors;
      const t = await Trainer.create(pc, corpus);
      for (let i = 0; i < 3; i++) await t.trainStep();
      await t.flush();
      t.dispose();
      expect(tf.memory().numTensors).toBe(before);
      await useBackend('cpu');
      const cpu = await stepLosses('cpu', 4, pc);
      expect(gpu.length).toBe(cpu.length);
      gpu.forEach((v, i) => expect(Math.abs(v - cpu[i])).toBeLessThan(1e-3));
      await tf.setBackend('webgpu');
    });

    it('the compile-only warm-up leaves the model and the tensor count untouched', async () => {
      await tf.setBackend('webgpu');
      const before = tf.memory().numTensors;
      const ms = await warmUpPipelines(tiny, corpus);
      expect(ms).toBeGreaterThan(0);
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.env().getBool('WEBGPU_ENGINE_COMPILE_ONLY')).toBe(false);
      // A model of those shapes then trains to finite losses.
      const t = await Trainer.create(tiny, corpus);
      await t.trainStep();
      const m = await t.flush();
      expect(
        m === null || Array.from(m.taskLoss).every((v) => Number.isNaN(v) || Number.isFinite(v)),
      ).toBe(true);
      t.dispose();
    });
  },
);
