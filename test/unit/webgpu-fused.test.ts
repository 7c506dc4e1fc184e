/**
 * The fused WGSL kernels (src/engine/model/webgpu-programs.ts) against the plain tfjs
 * formulation, on webgpu in Node (Dawn on SwiftShader): values and gradients within 1e-4 of the
 * largest magnitude, for the shapes the presets use and for edge shapes (one row, one position,
 * head size 64); head sizes over MAX_HEAD take the plain path and stay correct. Skipped, with the
 * reason printed, where no adapter can be had (see webgpu.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeWebGpu } from '../../src/cli/node-webgpu';
import {
  gelu,
  layerNorm,
  prepare,
  setKernelMode,
  softmaxCrossEntropy,
} from '../../src/engine/model/kernels';
import { attentionCore, causalMask } from '../../src/engine/model/attention';
import { MAX_HEAD } from '../../src/engine/model/webgpu-attention';
import { Optimizer } from '../../src/engine/optim';
import { optimizerConfigSchema } from '../../src/core/optim-config';
import { ownedVariable } from '../../src/engine/model/variables';
import { useBackend } from './helpers/backend';
import { Trainer, type MetricsBatch } from '../../src/engine/trainer';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import type { RunConfigInput } from '../../src/core/config/run-config';

let reason = '';
try {
  await useNodeWebGpu({ swiftshader: true });
} catch (e) {
  reason = (e as Error).message;
  console.warn(`webgpu fused-kernel tests skipped: ${reason}`);
}

/** Max |a − b| over max |b|: 0 when equal; the kernels must stay under 1e-4. */
function relErr(a: Float32Array | number[], b: Float32Array | number[]): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** f's value and gradients with respect to `inputs`, in `mode`, read back. */
async function valueAndGrads(
  mode: 'auto' | 'reference',
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
): Promise<{ values: Float32Array[]; kernels: string[] }> {
  setKernelMode(mode);
  prepare();
  const profile = await tf.profile(() => {
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => {
      // A weighted sum, so every output position gets its own upstream gradient.
      const y = f(...xs);
      return tf.sum(tf.mul(y, tf.reshape(tf.linspace(0.5, 1.5, y.size), y.shape)));
    })(inputs);
    return [f(...inputs), value, ...grads];
  });
  const outs = profile.result as tf.Tensor[];
  const values = await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(outs);
  setKernelMode('auto');
  prepare();
  return { values, kernels: profile.kernelNames };
}

async function compare(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  fusedKernel: string | null,
): Promise<void> {
  const fast = await valueAndGrads('auto', f, inputs);
  const ref = await valueAndGrads('reference', f, inputs);
  if (fusedKernel) expect(fast.kernels).toContain(fusedKernel);
  else expect(fast.kernels.filter((k) => k.startsWith('Pike'))).toEqual([]);
  expect(ref.kernels.filter((k) => k.startsWith('Pike'))).toEqual([]);
  fast.values.forEach((v, i) => expect(relErr(v, ref.values[i]), `output ${i}`).toBeLessThan(1e-4));
}

const normal = (shape: number[], seed: number, sd = 1) =>
  tf.randomNormal(shape, 0, sd, 'float32', seed);

describe.skipIf(reason !== '')(
  'fused webgpu kernels (Node, SwiftShader)',
  { timeout: 240_000 },
  () => {
    beforeAll(async () => {
      await tf.setBackend('webgpu');
      prepare();
    });

    it('LayerNorm: values, dx, dg and db', async () => {
      for (const [N, C] of [
        [6, 8],
        [1, 64],
        [33, 100],
      ]) {
        const x = normal([N, C], 1, 3);
        const g = normal([C], 2);
        const b = normal([C], 3);
        await compare((xi, gi, bi) => layerNorm(xi, gi, bi), [x, g, b], 'PikeLayerNorm');
        tf.dispose([x, g, b]);
      }
    });

    it('GELU: values and gradient, far into both tails', async () => {
      const x = tf.concat([normal([200], 4, 3), tf.tensor1d([-30, -8, 0, 8, 30])]);
      await compare((xi) => gelu(xi), [x], 'PikeGelu');
      x.dispose();
    });

    it('cross-entropy: values and gradient, large logits included', async () => {
      for (const [N, V] of [
        [5, 7],
        [40, 300],
      ]) {
        const z = normal([N, V], 5, 4);
        const targets = tf.randomUniform([N], 0, V, 'int32', 6) as tf.Tensor1D;
        await compare(
          (zi) => softmaxCrossEntropy(zi as tf.Tensor2D, targets),
          [z],
          'PikeCrossEntropy',
        );
        tf.dispose([z, targets]);
      }
    });

    /** attentionCore on a random qkv of (B, T, H, D) against the plain path. */
    async function attentionCase(shape: number[], seed: number, fused: string | null) {
      const [B, T, H, D] = shape;
      const qkv = normal([B * T, 3 * H * D], seed, 1.5);
      const mask = () => causalMask(T);
      await compare(
        (x) => attentionCore(x as tf.Tensor2D, B, T, H, mask, (a) => a, false),
        [qkv],
        fused,
      );
      qkv.dispose();
    }

    it('attention: values and dqkv at the presets’ shape and edge shapes', async () => {
      for (const shape of [
        [2, 32, 4, 16], // the presets: width 64, 4 heads, context 32
        [2, 5, 2, 4],
        [1, 1, 1, 8], // one position
        [1, 8, 1, MAX_HEAD],
      ]) {
        await attentionCase(shape, 7, 'PikeAttention');
      }
    });

    it('attention with a head over MAX_HEAD takes the plain path and stays correct', async () => {
      await attentionCase([1, 4, 1, MAX_HEAD + 8], 8, null);
    });

    it('AdamW with clipping: the fused update gives the plain one’s parameters and norm', async () => {
      const shapes = [[5, 7], [7], [3, 3, 2]];
      const run = async (mode: 'auto' | 'reference') => {
        setKernelMode(mode);
        prepare();
        const vars = shapes.map((s, i) => ownedVariable(() => normal(s, 10 + i)));
        const cfg = optimizerConfigSchema.parse({
          name: 'adamw',
          lr: 0.05,
          warmupSteps: 0,
          clipNorm: 1,
          weightDecay: 0.1,
        });
        const opt = new Optimizer(cfg, vars, (v) => v.shape.length > 1);
        const norms: number[] = [];
        for (let step = 0; step < 3; step++) {
          const grads = shapes.map((s, i) => normal(s, 20 + step * 5 + i, 2));
          const norm = opt.apply(grads);
          norms.push((await norm.data())[0]);
          tf.dispose([norm, ...grads]);
        }
        const values = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
        opt.dispose();
        tf.dispose(vars);
        setKernelMode('auto');
        prepare();
        return { norms, values };
      };
      const before = tf.memory().numTensors;
      const fast = await run('auto');
      const ref = await run('reference');
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(fast.norms, ref.norms)).toBeLessThan(1e-5);
      fast.values.forEach((v, i) => expect(relErr(v, ref.values[i])).toBeLessThan(1e-5));
    });

    it('100 training steps give the cpu backend’s losses within 1e-3, and leak nothing', async () => {
      const config: RunConfigInput = {
        tasks: [{ spec: 'copy', knobs: { difficulty: { length: 4 } } }, { spec: 'markov:1:0.5' }],
        mixer: { name: 'mix', knobs: {} },
        model: { layers: 2, heads: 2, width: 16, context: 16 },
        optimizer: { name: 'adamw', lr: 3e-3, warmupSteps: 5 },
        batchSize: 8,
        seed: 7,
        schedule: { metricsEvery: 10, evalEvery: 0, statsEvery: 0, probeHalf: 2 },
      };
      const corpus = createFsCorpusLoader();
      const losses = async (backend: string) => {
        await useBackend(backend);
        prepare();
        const before = tf.memory().numTensors;
        const t = await Trainer.create(config, corpus);
        const out: number[] = [];
        for (let i = 0; i < 100; i++) {
          for (const e of await t.trainStep())
            if (e.type === 'metrics') out.push(...(e as MetricsBatch).taskLoss);
        }
        const last = await t.flush();
        if (last) out.push(...last.taskLoss);
        t.dispose();
        expect(tf.memory().numTensors, `${backend} leaks`).toBe(before);
        return out;
      };
      const gpu = await losses('webgpu');
      const cpu = await losses('cpu');
      await tf.setBackend('webgpu');
      expect(gpu.length).toBeGreaterThanOrEqual(20);
      expect(gpu.length).toBe(cpu.length);
      const worst = Math.max(...gpu.map((v, i) => Math.abs(v - cpu[i])));
      console.log(
        `100 steps: ${gpu.length} task losses, largest |webgpu − cpu| ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(1e-3);
      expect(cpu[cpu.length - 1] + cpu[cpu.length - 2]).toBeLessThan(cpu[0] + cpu[1]); // it learns
    });
  },
);
