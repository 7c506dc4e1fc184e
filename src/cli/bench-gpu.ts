/**
 * npm run bench:gpu — the engine on the webgpu backend in Node (Dawn, through the `webgpu`
 * package) against wasm on the same machine's CPU, on the multilingual preset at several widths.
 *  1. tokens/s per width on webgpu and on wasm (steady state, after warm-up);
 *  2. ms/step on webgpu for several WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE values;
 *  3. time from a fresh process's model build to the first step's losses, with and without the
 *     compile-only pipeline warm-up (src/engine/warm-up.ts), each in a fresh process.
 * --swiftshader uses SwiftShader's CPU Vulkan (no GPU needed; very slow: use small settings).
 * --count prints, instead, what a step asks of the GPU (gpu-count.ts): compute dispatches and
 * queue submits per plain training step, per statistics-window and statistics step, per
 * evaluation and per sampling round, the programs dispatched most, and the JS time to issue a
 * plain step (the CPU's share of a step when the GPU is fast).
 * Figures, not assertions.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { presetConfig } from '../core/config/presets';
import type { RunConfigInput } from '../core/config/run-config';
import { createFsCorpusLoader } from '../core/tasks/corpus-node';
import { Trainer } from '../engine/trainer';
import { warmUpPipelines } from '../engine/warm-up';
import { DEFERRED_SUBMIT_BATCH_SIZE } from '../engine/model/webgpu-kernels';
import { useNodeBackend } from './node-backend';
import { useNodeWebGpu } from './node-webgpu';
import { installGpuCounter, topPrograms } from './gpu-count';

const { values } = parseArgs({
  options: {
    swiftshader: { type: 'boolean', default: false },
    widths: { type: 'string', default: '64,128,256' },
    seconds: { type: 'string', default: '4' },
    'submit-batches': { type: 'string', default: '1,5,15,30,60,120' },
    'first-step': { type: 'string' }, // internal: one cold first-step measurement
    'skip-wasm': { type: 'boolean', default: false },
    count: { type: 'boolean', default: false },
    steps: { type: 'string', default: '20' },
  },
});
const seconds = Number(values.seconds);
const corpus = createFsCorpusLoader();

function config(width: number): RunConfigInput {
  const base = presetConfig('multilingual');
  return {
    ...base,
    mixer: { name: 'mix', knobs: {} },
    model: { ...base.model, width },
    schedule: { metricsEvery: 25, evalEvery: 0, statsEvery: 0, probeHalf: 8 },
  };
}
const tokensPerStep = (c: RunConfigInput) => c.batchSize! * c.model!.context!;

/** Steady-state ms/step: at least `seconds` and 5 steps after 3 warm-up steps. */
async function msPerStep(t: Trainer, secs: number): Promise<number> {
  for (let i = 0; i < 3; i++) await t.trainStep();
  await t.flush();
  const t0 = performance.now();
  let n = 0;
  while (n < 5 || performance.now() - t0 < secs * 1000) {
    await t.trainStep();
    n++;
    if (n % 10 === 0) await t.flush();
  }
  await t.flush();
  return (performance.now() - t0) / n;
}

async function firstStep(mode: string): Promise<void> {
  const gpu = await useNodeWebGpu({ swiftshader: values.swiftshader });
  const c = config(64);
  const t0 = performance.now();
  const warm = mode === 'compile-only' ? await warmUpPipelines(c, corpus) : null;
  const t = await Trainer.create(c, corpus);
  await t.trainStep(); // the first step is always read back (losses drawn at once)
  await t.flush();
  const ms = performance.now() - t0;
  t.dispose();
  console.log(
    JSON.stringify({ mode, ms, warmMs: warm, adapter: gpu.adapter }), // parsed by the parent
  );
}

if (values['first-step']) {
  await firstStep(values['first-step']);
  process.exit(0);
}

const gpu = await useNodeWebGpu({ swiftshader: values.swiftshader });
console.log(
  `webgpu adapter: ${gpu.adapter} (maxStorageBuffersPerShaderStage ${gpu.maxStorageBuffersPerShaderStage})`,
);

/** --count: dispatches and submits per kind of step on the multilingual preset (see the top). */
async function count(): Promise<void> {
  const counter = installGpuCounter();
  const steps = Number(values.steps);
  const base = presetConfig('multilingual');
  const plain: RunConfigInput = {
    ...base,
    mixer: { name: 'mix', knobs: {} },
    schedule: { ...base.schedule, evalEvery: 0, statsEvery: 0 },
  };
  console.log(
    `\ncounts, multilingual preset (width ${base.model?.width}, ${base.model?.layers} layers), Uniform mix`,
  );
  const t = await Trainer.create(plain, corpus);
  for (let i = 0; i < 3; i++) await t.trainStep(); // first steps compile and read back
  await t.flush();
  counter.take();
  for (let i = 0; i < steps; i++) await t.trainStep();
  await t.flush(); // the readbacks a run makes every metricsEvery steps are part of the cost
  const c = counter.take();
  console.log(
    `   plain training step: ${(c.dispatches / steps).toFixed(1)} dispatches, ${(c.submits / steps).toFixed(2)} submits (${steps} steps, readbacks included)`,
  );
  console.log(`   programs per plain step: ${topPrograms(c, 12, steps)}`);
  // The CPU side alone: JS time to issue a step with no readback in it (the GPU works behind).
  t.deferMetrics = true;
  const issue: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await t.trainStep();
    issue.push(performance.now() - t0);
    if (i % 5 === 4) await t.flush();
  }
  await t.flush();
  t.deferMetrics = false;
  counter.take();
  issue.sort((a, b) => a - b);
  console.log(
    `   JS time to issue a plain step, no readback: median ${issue[steps >> 1].toFixed(1)} ms (min ${issue[0].toFixed(1)}, ${steps} steps)`,
  );
  await t.evaluate();
  const e = counter.take();
  console.log(
    `   evaluation: ${e.dispatches} dispatches, ${e.submits} submits; ${topPrograms(e, 6)}`,
  );
  await t.sample(0.8, 0);
  const sm = counter.take();
  console.log(`   sampling round: ${sm.dispatches} dispatches, ${sm.submits} submits`);
  t.dispose();

  // Statistics: every 10 steps, the window's steps before it take per-task gradients.
  const every = 10;
  const ts = await Trainer.create(
    { ...plain, schedule: { ...plain.schedule, statsEvery: every } },
    corpus,
  );
  await ts.trainStep();
  await ts.flush();
  counter.take();
  const per: number[] = [];
  for (let i = 0; i < 2 * every; i++) {
    await ts.trainStep();
    per.push(counter.take().dispatches);
  }
  await ts.flush();
  ts.dispose();
  const sorted = [...per].sort((a, b) => a - b);
  console.log(
    `   with statistics every ${every} steps, dispatches of steps 2..${2 * every + 1}: ${per.join(' ')}`,
  );
  console.log(
    `   fewest ${sorted[0]} (a plain step), most ${sorted[sorted.length - 1]} (the statistics step), window steps in between`,
  );
}

if (values.count) {
  await count();
  process.exit(0);
}

const widths = values.widths.split(',').map(Number);

console.log('\n1. tokens/s, multilingual preset (2 layers, 4 heads, batch 32 x 32 tokens)');
console.log('   width  params   webgpu tok/s  wasm tok/s  webgpu/wasm');
for (const w of widths) {
  const c = config(w);
  await tf.setBackend('webgpu');
  const tg = await Trainer.create(c, corpus);
  const params = tg.numParams;
  const gpuMs = await msPerStep(tg, seconds);
  tg.dispose();
  let wasmTps = NaN;
  if (!values['skip-wasm']) {
    await useNodeBackend('wasm');
    const tw = await Trainer.create(c, corpus);
    wasmTps = (tokensPerStep(c) * 1000) / (await msPerStep(tw, seconds));
    tw.dispose();
  }
  const gpuTps = (tokensPerStep(c) * 1000) / gpuMs;
  console.log(
    `   ${String(w).padStart(5)}  ${String(params).padStart(7)}  ${gpuTps.toFixed(0).padStart(12)}  ${wasmTps.toFixed(0).padStart(10)}  ${(gpuTps / wasmTps).toFixed(2).padStart(11)}`,
  );
}

console.log('\n2. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (width 64): ms/step');
await tf.setBackend('webgpu');
const tb = await Trainer.create(config(64), corpus);
for (const n of values['submit-batches'].split(',').map(Number)) {
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', n);
  console.log(`   ${String(n).padStart(4)}: ${(await msPerStep(tb, seconds)).toFixed(2)} ms/step`);
}
tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', DEFERRED_SUBMIT_BATCH_SIZE);
tb.dispose();

console.log('\n3. fresh process: model build to first losses (width 64), webgpu');
for (const mode of ['none', 'compile-only', 'none', 'compile-only']) {
  const args = [...process.execArgv, process.argv[1], '--first-step', mode];
  if (values.swiftshader) args.push('--swiftshader');
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; warmMs: number | null };
  console.log(
    `   warm-up ${mode.padEnd(12)} first step after ${r.ms.toFixed(0)} ms` +
      (r.warmMs !== null ? ` (of which warm-up ${r.warmMs.toFixed(0)} ms)` : ''),
  );
}
