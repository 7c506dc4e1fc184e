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
 *   --stats [--preset NAME | --tasks SPEC,...] [--at S,S,...] [--repeats R] [--probe M] [--chunks C] [--window L] [--smooth β]
 *                                        how noisy PiKE's statistics are (stats-bench.ts)
 *   --mixers SPEC,SPEC,... [--block N=50] [--rounds R]   each mixer's ms/step relative to the
 *                                        first, interleaved in one process (mixer-bench.ts)
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { isPresetName, PRESET_NAMES, presetConfig, type PresetName } from '../core/config/presets';
import type { RunConfigInput } from '../core/config/run-config';
import { parseTaskWithKnobs, splitSpecs } from '../core/config/spec';
import { MIXER_DEFAULTS } from '../core/mixers/defaults';
import { createFsCorpusLoader } from '../core/tasks/corpus-node';
import { Trainer } from '../engine/trainer';
import { useNodeBackend } from './node-backend';
import { mean } from './run-experiment';
import type { KernelMode } from '../engine/model/kernels';
import { runProfile } from './profile';
import { runMixerBench } from './mixer-bench';
import { runSoak } from './soak';
import { runStatsBench } from './stats-bench';

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
    stats: { type: 'boolean', default: false },
    preset: { type: 'string' },
    tasks: { type: 'string' },
    at: { type: 'string', default: '0,100,300' },
    repeats: { type: 'string', default: '12' },
    probe: { type: 'string' },
    chunks: { type: 'string' },
    smooth: { type: 'string' },
    window: { type: 'string' },
    mixers: { type: 'string' },
    block: { type: 'string', default: '50' },
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
if (values.stats) {
  const fail = (msg: string): never => {
    console.error(`error: ${msg}`);
    process.exit(2);
  };
  if (values.preset && values.tasks) fail('give at most one of --preset or --tasks');
  if (values.preset && !isPresetName(values.preset)) {
    fail(`unknown preset "${values.preset}"; presets: ${PRESET_NAMES.join(', ')}`);
  }
  const at = values.at.split(',').map(Number);
  const repeats = Number(values.repeats);
  if (
    !at.every((x) => Number.isInteger(x) && x >= 0) ||
    at.some((x, i) => i > 0 && x <= at[i - 1])
  ) {
    fail(`--at takes increasing steps, e.g. 0,100,300; got "${values.at}"`);
  }
  if (!(Number.isInteger(repeats) && repeats >= 2)) fail('--repeats must be an integer ≥ 2');
  let statsBase: RunConfigInput = presetConfig((values.preset ?? 'multilingual') as PresetName);
  if (values.tasks) {
    try {
      statsBase = { ...statsBase, tasks: splitSpecs(values.tasks).map(parseTaskWithKnobs) };
    } catch (e) {
      fail(`--tasks: ${(e as Error).message}`);
    }
  }
  const schedule = { ...statsBase.schedule };
  if (values.probe !== undefined) schedule.probeHalf = Number(values.probe);
  if (values.chunks !== undefined) schedule.probeChunks = Number(values.chunks);
  if (values.window !== undefined) schedule.statsWindow = Number(values.window);
  statsBase = { ...statsBase, schedule };
  const smooth = values.smooth === undefined ? MIXER_DEFAULTS.pike.smooth : Number(values.smooth);
  if (!(smooth >= 0 && smooth < 1)) fail('--smooth takes β in [0, 1)');
  await useNodeBackend('wasm');
  // runStatsBench checks --at against T₀ and the config (--probe, --chunks, --window) first.
  try {
    await runStatsBench({ base: statsBase, corpus, at, repeats, every: T0, smooth }, console.log);
  } catch (e) {
    fail((e as Error).message);
  }
  process.exit(0);
}
if (values.mixers) {
  const block = Number(values.block);
  if (!(Number.isInteger(block) && block >= 1) || !(Number.isInteger(rounds) && rounds >= 1)) {
    console.error('--block and --rounds take positive integers');
    process.exit(2);
  }
  await useNodeBackend('wasm');
  try {
    await runMixerBench({ base, corpus, mixers: values.mixers, block, rounds }, console.log);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  }
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
const pike = await Trainer.create(
  { ...base, mixer: { name: 'pike', knobs: {} } }, // the default statistics window
  corpus,
);
// PiKE measuring from its probe alone (statsWindow = 0), to price the window in the same run.
const probeOnly = await Trainer.create(
  { ...base, schedule: { ...base.schedule, statsWindow: 0 }, mixer: { name: 'pike', knobs: {} } },
  corpus,
);
console.log(
  `model: ${mix.numParams} parameters; PiKE T0 = ${T0}, statistics window ${pike.config.schedule.statsWindow} steps, ` +
    `probe at least 2 x ${base.schedule.probeHalf} per task`,
);
const contestants = { mix, pike, 'pike, probe only': probeOnly };
type Name = keyof typeof contestants;
const names = Object.keys(contestants) as Name[];
// Warm-up: kernel compilation, allocator growth, the first statistics step.
for (const n of names) await timeSteps(contestants[n], T0);
const ms = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? names : [...names].reverse();
  for (const n of order) ms[n].push((await timeSteps(contestants[n], T0)) / T0);
}
for (const n of names) contestants[n].dispose();
for (const n of names) {
  console.log(
    `wasm  ${n.padEnd(16)}: ${mean(ms[n]).toFixed(1)} ms/step (${rounds} blocks of ${T0} steps: ${ms[n].map((x) => x.toFixed(0)).join(' ')})`,
  );
}
const mixMs = mean(ms.mix);
const pikeMs = mean(ms.pike);
const probeOnlyMs = mean(ms['pike, probe only']);

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
console.log(`pike (probe only)/mix ms-per-step ratio: ${(probeOnlyMs / mixMs).toFixed(3)}`);
console.log(`pike/mix ms-per-step ratio: ${(pikeMs / mixMs).toFixed(3)}`);
