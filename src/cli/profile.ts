/**
 * `npm run bench -- --profile`: where one training step and one statistics step spend their time
 * on a synchronous backend (wasm by default, or cpu).
 *  - phases of a training step: batch assembly, forward, backward, optimizer, readback;
 *  - the top kernels by time (tfjs's profiler) of a training step and of a statistics step.
 * `--kernels reference` profiles the plain tfjs formulation of every op (the engine before the
 * backend-specific kernels), for a before/after comparison in one process.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfigInput } from '../core/config/run-config';
import { setKernelMode, type KernelMode } from '../engine/model/kernels';
import type { CorpusLoader } from '../core/tasks/corpus';
import { Trainer, type StepPhase } from '../engine/trainer';

export interface ProfileOptions {
  base: RunConfigInput;
  corpus: CorpusLoader;
  kernels: KernelMode;
  /** Steps averaged for the phase split (after warm-up). */
  steps: number;
  top: number;
}

interface KernelRow {
  name: string;
  shapes: string;
  ms: number;
  calls: number;
}

/** Sums tfjs profiler entries per kernel and input shapes; composite ops (not kernels) dropped. */
type KernelInfo = Awaited<ReturnType<typeof tf.profile>>['kernels'][number];

function kernelTable(kernels: KernelInfo[], backend: string, repeats: number): KernelRow[] {
  const rows = new Map<string, KernelRow>();
  for (const k of kernels) {
    if (!tf.getKernel(k.name, backend)) continue; // customGrad / composite entries double-count
    const shapes = JSON.stringify(k.inputShapes);
    const key = `${k.name} ${shapes}`;
    const row = rows.get(key) ?? { name: k.name, shapes, ms: 0, calls: 0 };
    row.ms += (k.kernelTimeMs as number) / repeats;
    row.calls += 1 / repeats;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.ms - a.ms);
}

function printKernels(title: string, rows: KernelRow[], top: number, log: (s: string) => void) {
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const calls = rows.reduce((s, r) => s + r.calls, 0);
  log(`\n${title}: ${total.toFixed(1)} ms in ${Math.round(calls)} kernel calls`);
  const byName = new Map<string, number>();
  for (const r of rows) byName.set(r.name, (byName.get(r.name) ?? 0) + r.ms);
  log(
    '  by kernel: ' +
      [...byName.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([n, ms]) => `${n} ${ms.toFixed(1)}`)
        .join(', '),
  );
  log('       ms  calls  kernel  input shapes');
  for (const r of rows.slice(0, top)) {
    log(
      `  ${r.ms.toFixed(2).padStart(7)}  ${r.calls.toFixed(0).padStart(5)}  ${r.name}  ${r.shapes}`,
    );
  }
}

export async function runProfile(o: ProfileOptions, log: (s: string) => void): Promise<void> {
  setKernelMode(o.kernels);
  const backend = tf.getBackend();
  const trainer = await Trainer.create({ ...o.base, mixer: { name: 'mix', knobs: {} } }, o.corpus);
  try {
    log(
      `profile on ${backend}, kernels: ${o.kernels}; ${trainer.numParams} parameters, batch ${o.base.batchSize} x ${o.base.model?.context} tokens`,
    );
    for (let i = 0; i < 3; i++) await trainer.trainStep(); // warm-up
    await trainer.flush();
    const phase: Record<StepPhase | 'forward', number> = {
      batch: 0,
      forward: 0,
      'forward+backward': 0,
      optimizer: 0,
      readback: 0,
    };
    trainer.onPhase = (p, ms) => (phase[p] += ms / o.steps);
    let wall = 0;
    for (let i = 0; i < o.steps; i++) {
      const t0 = performance.now();
      await trainer.trainStep();
      await trainer.flush(); // one readback per step here, to time it
      wall += (performance.now() - t0) / o.steps;
      const f0 = performance.now();
      trainer.forwardOnly();
      phase.forward += (performance.now() - f0) / o.steps;
    }
    trainer.onPhase = undefined;
    const backward = phase['forward+backward'] - phase.forward;
    log(`\ntraining step: ${wall.toFixed(1)} ms (mean of ${o.steps})`);
    for (const [name, ms] of [
      ['batch assembly', phase.batch],
      ['forward', phase.forward],
      ['backward', backward],
      ['optimizer', phase.optimizer],
      ['readback', phase.readback],
    ] as const) {
      log(
        `  ${name.padEnd(15)} ${ms.toFixed(1).padStart(7)} ms  ${((100 * ms) / wall).toFixed(0).padStart(3)}%`,
      );
    }
    const reps = 2;
    let step: KernelInfo[] = [];
    let stats: KernelInfo[] = [];
    for (let i = 0; i < reps; i++) {
      step = step.concat((await tf.profile(async () => void (await trainer.trainStep()))).kernels);
      stats = stats.concat(
        (await tf.profile(async () => void (await trainer.gradStats()))).kernels,
      );
    }
    printKernels('training step, kernels', kernelTable(step, backend, reps), o.top, log);
    printKernels('statistics step, kernels', kernelTable(stats, backend, reps), o.top, log);
  } finally {
    trainer.dispose();
    setKernelMode('auto');
  }
}
