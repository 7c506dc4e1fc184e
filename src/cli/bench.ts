/**
 * npm run bench — engine throughput in Node on the `multilingual` preset model.
 *  1. ms/step of Mix and of PiKE (default T₀), measured interleaved in one process: blocks of
 *     T₀ steps alternate between the two trainers, so machine noise hits both alike and each
 *     PiKE block contains exactly one statistics step. Ends with "pike/mix ms-per-step ratio".
 *  2. tokens/s of Mix training on the wasm and cpu backends.
 * Figures, not assertions: compare ratios measured in one run on these shared machines.
 *
 * Other modes:
 *   --profile [--backend wasm|cpu] [--kernels auto|reference]   where a step's time goes (profile.ts)
 *   --soak [--soak-steps N]                                      memory over a long run (soak.ts)
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { presetConfig } from '../engine/config/presets';
import { MIXER_DEFAULTS } from '../engine/mixers/defaults';
import { createFsCorpusLoader } from '../engine/tasks/corpus-node';
import { Trainer } from '../engine/trainer';
import { useNodeBackend } from './node-backend';
import { mean } from './run-experiment';
import type { KernelMode } from '../engine/model/kernels';
import { runProfile } from './profile';
import { runSoak } from './soak';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    'cpu-steps': { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    kernels: { type: 'string', default: 'auto' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '5' },
    soak: { type: 'boolean', default: false },
    'soak-steps': { type: 'string', default: '20000' },
  },
});
const rounds = Number(values.rounds);
const cpuSteps = Number(values['cpu-steps']);
const corpus = createFsCorpusLoader();
const base = {
  ...presetConfig('multilingual'),
  schedule: { metricsEvery: 25, evalEvery: 0, statsEvery: 0, probeHalf: 8 },
};
const T0 = MIXER_DEFAULTS.pike.T0;

if (values.profile) {
  const backend = values.backend as 'wasm' | 'cpu';
  const kernels = values.kernels as KernelMode;
  if (!['wasm', 'cpu'].includes(backend) || !['auto', 'reference'].includes(kernels)) {
    console.error('--profile takes --backend wasm|cpu and --kernels auto|reference');
    process.exit(2);
  }
  await useNodeBackend(backend);
  await runProfile(
    {
      base,
      corpus,
      kernels,
      steps: Number(values.steps),
      top: Number(process.env.PROFILE_TOP ?? 15),
    },
    console.log,
  );
  process.exit(0);
}
if (values.soak) {
  await useNodeBackend('wasm');
  await runSoak(Number(values['soak-steps']), console.log);
  process.exit(0);
}

async function timeSteps(t: Trainer, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await t.trainStep();
  await t.flush();
  return performance.now() - t0;
}

await useNodeBackend('wasm');
const tokensPerStep = base.batchSize! * base.model!.context!;
console.log(
  `multilingual preset: ${base.tasks.map((t) => t.spec).join(', ')}; batch ${base.batchSize} x ${base.model!.context} tokens`,
);
const mix = await Trainer.create({ ...base, mixer: { name: 'mix', knobs: {} } }, corpus);
const pike = await Trainer.create({ ...base, mixer: { name: 'pike', knobs: {} } }, corpus);
console.log(
  `model: ${mix.numParams} parameters; PiKE T0 = ${T0}, probe 2 x ${base.schedule.probeHalf} per task`,
);
// Warm-up: kernel compilation, allocator growth, the first statistics step.
await timeSteps(mix, T0);
await timeSteps(pike, T0);
const ms = { mix: [] as number[], pike: [] as number[] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? (['mix', 'pike'] as const) : (['pike', 'mix'] as const);
  for (const name of order) ms[name].push((await timeSteps(name === 'mix' ? mix : pike, T0)) / T0);
}
mix.dispose();
pike.dispose();
const mixMs = mean(ms.mix);
const pikeMs = mean(ms.pike);
console.log(
  `wasm  mix : ${mixMs.toFixed(1)} ms/step (${rounds} blocks of ${T0} steps: ${ms.mix.map((x) => x.toFixed(0)).join(' ')})`,
);
console.log(
  `wasm  pike: ${pikeMs.toFixed(1)} ms/step (${rounds} blocks of ${T0} steps: ${ms.pike.map((x) => x.toFixed(0)).join(' ')})`,
);

for (const backend of ['wasm', 'cpu'] as const) {
  await useNodeBackend(backend);
  const t = await Trainer.create({ ...base, mixer: { name: 'mix', knobs: {} } }, corpus);
  const n = backend === 'cpu' ? cpuSteps : 2 * T0;
  await timeSteps(t, 2); // warm-up
  const elapsed = await timeSteps(t, n);
  t.dispose();
  console.log(
    `tokens/s ${backend}: ${((tokensPerStep * n * 1000) / elapsed).toFixed(0)} (${n} steps, ${(elapsed / n).toFixed(0)} ms/step)`,
  );
}
console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
console.log(`pike/mix ms-per-step ratio: ${(pikeMs / mixMs).toFixed(2)}`);
