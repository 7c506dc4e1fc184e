/**
 * npm run bench -- --mixers SPEC,SPEC,... [--block N] [--rounds R]: each mixer's ms/step on the
 * multilingual preset model (wasm), measured interleaved in one process as the PiKE/Mix figure
 * is: blocks of N steps take turns across the mixers (the order reversed every other round), so
 * machine noise hits all alike and each block holds whole periods of the periodic mixers (the
 * default N = 50 is PiKE's T₀, two of DoGE's, half an Aioli round: over R = 6 rounds three whole
 * rounds). Prints each mixer's ms/step and its ratio to the first one's (give mix first).
 * Figures, not assertions.
 */
import type { RunConfigInput } from '../core/config/run-config';
import { parseContestants } from '../core/config/spec';
import type { CorpusLoader } from '../core/tasks/corpus';
import { Trainer } from '../engine/trainer';
import { mean } from './run-experiment';

export interface MixerBenchOptions {
  base: RunConfigInput;
  corpus: CorpusLoader;
  mixers: string;
  block: number;
  rounds: number;
}

export async function runMixerBench(o: MixerBenchOptions, log: (s: string) => void): Promise<void> {
  const specs = parseContestants(o.mixers);
  const labels = o.mixers.split(/,(?![^{]*})/);
  const trainers = await Promise.all(
    specs.map((m) =>
      Trainer.create({ ...o.base, mixer: { name: m.name, knobs: m.knobs } }, o.corpus),
    ),
  );
  const time = async (t: Trainer) => {
    const t0 = performance.now();
    for (let i = 0; i < o.block; i++) await t.trainStep();
    await t.flush();
    return (performance.now() - t0) / o.block;
  };
  log(`blocks of ${o.block} steps, ${o.rounds} rounds, one process (wasm)`);
  for (const t of trainers) await time(t); // warm-up: kernels, allocator, first updates
  const ms: number[][] = trainers.map(() => []);
  for (let r = 0; r < o.rounds; r++) {
    const order = trainers.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) ms[i].push(await time(trainers[i]));
  }
  for (const t of trainers) t.dispose();
  const first = mean(ms[0]);
  for (const [i, label] of labels.entries()) {
    const m = mean(ms[i]);
    log(
      `${label.padEnd(14)} ${m.toFixed(1).padStart(7)} ms/step  ×${(m / first).toFixed(2)} of ${labels[0]}` +
        `  (blocks: ${ms[i].map((x) => x.toFixed(0)).join(' ')})`,
    );
  }
}
