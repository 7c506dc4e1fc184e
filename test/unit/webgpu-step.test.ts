/**
 * The fused training step (src/engine/model/webgpu-step.ts) on webgpu in Node (Dawn on
 * SwiftShader): its flat gradient against tfjs's autodiff of the plain formulation (reference
 * kernels) within 1e-4 of the largest magnitude, per parameter tensor, for the presets' shape and
 * for edge shapes (context 8 and 128, head size 8 and 64, batch 1, one layer); its per-task loss
 * sums; the flat optimizer state against the plain update; what falls back; the dispatch count of
 * a plain step; and a trainer whose statistics, evaluation and sampling read the variables the
 * flat state writes back. Skipped, with the reason printed, where no adapter can be had.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeWebGpu } from '../../src/cli/node-webgpu';
import { installGpuCounter } from '../../src/cli/gpu-count';
import { gptConfig, type GptConfig } from '../../src/core/model-config';
import { forward } from '../../src/engine/model/gpt';
import { prepare, setKernelMode } from '../../src/engine/model/kernels';
import { perExampleLoss } from '../../src/engine/model/loss';
import { disposeParams, initParams, paramList } from '../../src/engine/model/params';
import { ownedVariable } from '../../src/engine/model/variables';
import { fusedLossAndGrad, fusedStepFits, stepLayout } from '../../src/engine/model/webgpu-step';
import { flatten, Optimizer } from '../../src/engine/optim';
import { optimizerConfigSchema } from '../../src/core/optim-config';
import { taskSums } from '../../src/engine/step-losses';
import { presetConfig } from '../../src/core/config/presets';
import type { RunConfigInput } from '../../src/core/config/run-config';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { Trainer, type MetricsBatch } from '../../src/engine/trainer';
import { useBackend } from './helpers/backend';

let reason = '';
try {
  await useNodeWebGpu({ swiftshader: true });
} catch (e) {
  reason = (e as Error).message;
  console.warn(`webgpu fused-step tests skipped: ${reason}`);
}

/** Max |a − b| over max |b| (a floor of 1e-6 keeps an all-zero reference meaningful). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** A seeded batch of B examples over K tasks with partly masked targets and loss weights. */
function makeBatch(B: number, T: number, K: number, V: number, seed: number) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const inputs = Int32Array.from({ length: B * T }, () => Math.floor(rand() * V));
  const targets = Int32Array.from({ length: B * T }, () => Math.floor(rand() * V));
  // Masks: the first positions off (prompts), one example wholly masked when B > 2.
  const mask = Float32Array.from({ length: B * T }, (_, n) =>
    n % T >= Math.min(2, T - 1) && !(B > 2 && Math.floor(n / T) === 1) ? 1 : 0,
  );
  const membership = new Float32Array(B * K);
  for (let i = 0; i < B; i++) membership[i * K + Math.min(K - 1, Math.floor((i * K) / B))] = 1;
  const exampleWeights = Float32Array.from({ length: B }, (_, i) => 0.5 + (i % 3) * 0.75);
  return { b: B, T, K, inputs, targets, mask, membership, exampleWeights };
}

/** The fused step's gradient and per-task sums, and tfjs autodiff's in reference mode. */
async function compareStep(model: Partial<GptConfig>, B: number, K = 2, V = 61) {
  const cfg = gptConfig(model);
  const T = cfg.context;
  const batch = makeBatch(B, T, K, V, 11 + B + T);
  const params = initParams(cfg, 5, V);
  const vars = paramList(params);
  const before = tf.memory().numTensors;
  const layout = stepLayout(cfg, V);
  const fused = tf.tidy(() => {
    const theta = tf.concat([flatten(vars), tf.zeros([2 * layout.P])]);
    const r = fusedLossAndGrad(theta, layout, batch);
    return [r.grad, r.perTask];
  });
  const [grad, perTask] = await Promise.all(fused.map((t) => t.data()));
  tf.dispose(fused);
  expect(tf.memory().numTensors, 'the step leaks').toBe(before);
  setKernelMode('reference');
  const ref = tf.tidy(() => {
    let sums: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = forward(params, cfg, tf.tensor2d(batch.inputs, [B, T], 'int32'));
      const ex = perExampleLoss(
        logits,
        tf.tensor1d(batch.targets, 'int32'),
        tf.tensor1d(batch.mask),
        B,
      );
      sums = tf.keep(taskSums(ex, tf.tensor2d(batch.membership, [B, K]))); // variableGrads tidies the rest
      return tf.div(tf.sum(tf.mul(ex, tf.tensor1d(batch.exampleWeights))), B) as tf.Scalar;
    }, vars);
    value.dispose();
    return [flatten(vars.map((v) => grads[v.name])), sums!];
  });
  setKernelMode('auto');
  prepare();
  const [refGrad, refSums] = await Promise.all(ref.map((t) => t.data()));
  tf.dispose(ref);
  let o = 0;
  for (const v of vars) {
    const err = relErr(grad.subarray(o, o + v.size), refGrad.subarray(o, o + v.size));
    expect(err, `gradient of ${v.name}`).toBeLessThan(1e-4);
    o += v.size;
  }
  expect(o).toBe(layout.P);
  expect(relErr(perTask, refSums), 'per-task loss sums').toBeLessThan(1e-5);
  disposeParams(params);
}

describe.skipIf(reason !== '')(
  'the fused webgpu training step (Node, SwiftShader)',
  { timeout: 300_000 },
  () => {
    beforeAll(async () => {
      await tf.setBackend('webgpu');
      prepare();
    });

    it('gradient = autodiff’s at the presets’ shape (2 layers, width 64, 4 heads)', async () => {
      await compareStep({ layers: 2, width: 64, heads: 4, context: 32 }, 6, 3);
    });

    it('gradient = autodiff’s at context 8, batch 1, head size 8', async () => {
      await compareStep({ layers: 2, width: 64, heads: 8, context: 8 }, 1, 1);
    });

    it('gradient = autodiff’s at context 128, head size 64, one layer', async () => {
      await compareStep({ layers: 1, width: 64, heads: 1, context: 128 }, 2, 2);
    });

    it('gradient = autodiff’s at a width no tile divides (48, 3 heads)', async () => {
      await compareStep({ layers: 3, width: 48, heads: 3, context: 24 }, 5, 4, 37);
    });

    it('falls back where it does not fit: head over 64, dropout, reference kernels', () => {
      expect(fusedStepFits(gptConfig({ width: 128, heads: 1 }))).toBe(false);
      expect(fusedStepFits(gptConfig({ dropout: 0.1 }))).toBe(false);
      expect(fusedStepFits(gptConfig({}))).toBe(true);
      setKernelMode('reference');
      expect(fusedStepFits(gptConfig({}))).toBe(false);
      setKernelMode('auto');
    });

    it('the flat optimizer state updates as the plain optimizer does (AdamW clipped, SGD)', async () => {
      const shapes = [[5, 7], [7], [3, 3, 2]];
      for (const name of ['adamw', 'sgd'] as const) {
        const run = async (flat: boolean) => {
          setKernelMode(flat ? 'auto' : 'reference');
          const vars = shapes.map((s, i) =>
            ownedVariable(() => tf.randomNormal(s, 0, 1, 'float32', 10 + i)),
          );
          const cfg = optimizerConfigSchema.parse({
            name,
            lr: 0.05,
            warmupSteps: 0,
            clipNorm: 1,
            weightDecay: 0.1,
          });
          const opt = new Optimizer(cfg, vars, (v) => v.shape.length > 1, flat);
          const norms: number[] = [];
          for (let step = 0; step < 3; step++) {
            const grads = shapes.map((s, i) =>
              tf.randomNormal(s, 0, 2, 'float32', 20 + step * 5 + i),
            );
            const norm = opt.apply(grads);
            norms.push((await norm.data())[0]);
            tf.dispose([norm, ...grads]);
          }
          opt.sync();
          const values = await Promise.all(vars.map((v) => v.data()));
          opt.dispose();
          tf.dispose(vars);
          setKernelMode('auto');
          return { norms, values };
        };
        const before = tf.memory().numTensors;
        const flat = await run(true);
        const ref = await run(false);
        expect(tf.memory().numTensors, `${name} leaks`).toBe(before);
        expect(relErr(flat.norms, ref.norms), `${name} norms`).toBeLessThan(1e-5);
        flat.values.forEach((v, i) =>
          expect(relErr(v, ref.values[i]), `${name} param ${i}`).toBeLessThan(1e-5),
        );
      }
      prepare();
    });

    it('a plain step of the multilingual preset takes at most 60 dispatches', async () => {
      const base = presetConfig('multilingual');
      const t = await Trainer.create(
        {
          ...base,
          mixer: { name: 'mix', knobs: {} },
          schedule: { ...base.schedule, evalEvery: 0, statsEvery: 0 },
        },
        createFsCorpusLoader(),
      );
      for (let i = 0; i < 2; i++) await t.trainStep();
      await t.flush();
      const counter = installGpuCounter();
      counter.take();
      await t.trainStep();
      const c = counter.take();
      t.dispose();
      console.log(`plain step: ${c.dispatches} dispatches, ${c.submits} submits`);
      expect(c.programs.get('PikeMatMul_linear')).toBe(4); // the fused path ran
      expect(c.dispatches).toBeLessThanOrEqual(60);
    });

    it('with statistics, evaluation and sampling, webgpu’s losses stay within 1e-3 of cpu’s', async () => {
      const config: RunConfigInput = {
        tasks: [{ spec: 'copy', knobs: { difficulty: { length: 4 } } }, { spec: 'markov:1:0.5' }],
        mixer: { name: 'pike', knobs: {} },
        model: { layers: 2, heads: 2, width: 16, context: 16 },
        optimizer: { name: 'adamw', lr: 3e-3, warmupSteps: 5 },
        batchSize: 8,
        seed: 3,
        schedule: { metricsEvery: 5, evalEvery: 10, statsEvery: 10, probeHalf: 2 },
      };
      const corpus = createFsCorpusLoader();
      const run = async (backend: string) => {
        await useBackend(backend);
        prepare();
        const before = tf.memory().numTensors;
        const t = await Trainer.create(config, corpus);
        const losses: number[] = [];
        const evals: number[] = [];
        for (let i = 0; i < 30; i++) {
          for (const e of await t.trainStep()) {
            if (e.type === 'metrics') losses.push(...(e as MetricsBatch).taskLoss);
            if (e.type === 'eval') evals.push(...e.valLoss);
          }
        }
        const samples = await t.sample(0, 0);
        t.dispose();
        expect(tf.memory().numTensors, `${backend} leaks`).toBe(before);
        return { losses, evals, samples: samples.map((s) => s.output).join('|') };
      };
      const gpu = await run('webgpu');
      const cpu = await run('cpu');
      await tf.setBackend('webgpu');
      expect(gpu.losses.length).toBe(cpu.losses.length);
      expect(gpu.evals.length).toBeGreaterThanOrEqual(2);
      expect(relErr(gpu.losses, cpu.losses)).toBeLessThan(1e-3);
      expect(relErr(gpu.evals, cpu.evals)).toBeLessThan(1e-3);
      expect(gpu.samples).toBe(cpu.samples); // greedy samples from the same weights
    });
  },
);
