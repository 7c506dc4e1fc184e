/**
 * `npm run bench -- --soak`: a long run of a small model that checks the engine leaks nothing.
 * Prints, every tenth of the run, the live tensor count, the backend's bytes and the process's
 * resident memory, then the growth of each after warm-up (the first tenth).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createFsCorpusLoader } from '../core/tasks/corpus-node';
import { Trainer } from '../engine/trainer';

export async function runSoak(steps: number, log: (s: string) => void): Promise<void> {
  // Small enough for 20,000 steps in minutes; PiKE so the statistics path is exercised too,
  // and evaluation, task-knob changes would not be: the step loop is what runs for hours.
  const trainer = await Trainer.create(
    {
      tasks: [
        { spec: 'copy', knobs: { difficulty: { length: 4 } } },
        { spec: 'reverse', knobs: { difficulty: { length: 4 } } },
        { spec: 'udhr:en' },
      ],
      mixer: { name: 'pike', knobs: { T0: 50 } },
      model: { layers: 1, heads: 2, width: 16, context: 16, dropout: 0 },
      batchSize: 8,
      seed: 1,
      schedule: { metricsEvery: 10, evalEvery: 500, statsEvery: 100, probeHalf: 4 },
    },
    createFsCorpusLoader(),
  );
  const every = Math.max(1, Math.floor(steps / 10));
  const rows: { step: number; tensors: number; bytes: number; rss: number }[] = [];
  const t0 = performance.now();
  log(`soak: ${steps} steps of a ${trainer.numParams}-parameter model on ${tf.getBackend()}`);
  log('    step  tensors  backend MB  rss MB   ms/step');
  let last = performance.now();
  for (let s = 1; s <= steps; s++) {
    await trainer.trainStep();
    if (s % every === 0) {
      await trainer.flush();
      const now = performance.now();
      const row = {
        step: s,
        tensors: tf.memory().numTensors,
        bytes: tf.memory().numBytes,
        rss: process.memoryUsage().rss,
      };
      rows.push(row);
      log(
        `${String(s).padStart(8)}  ${String(row.tensors).padStart(7)}  ${(row.bytes / 2 ** 20).toFixed(2).padStart(10)}  ${(row.rss / 2 ** 20).toFixed(0).padStart(6)}  ${((now - last) / every).toFixed(2).padStart(8)}`,
      );
      last = now;
    }
  }
  trainer.dispose();
  const warm = rows[0];
  const end = rows[rows.length - 1];
  log(
    `soak done in ${((performance.now() - t0) / 1000).toFixed(0)} s; after warm-up (step ${warm.step}):`,
  );
  log(`tensors: ${warm.tensors} -> ${end.tensors} (growth ${end.tensors - warm.tensors})`);
  log(`backend bytes: ${warm.bytes} -> ${end.bytes} (growth ${end.bytes - warm.bytes})`);
  log(
    `rss MB: ${(warm.rss / 2 ** 20).toFixed(0)} -> ${(end.rss / 2 ** 20).toFixed(0)} (growth ${((end.rss - warm.rss) / 2 ** 20).toFixed(1)})`,
  );
  log(`tensors alive after dispose: ${tf.memory().numTensors}`);
}
