import type { RunConfigInput } from '../../../src/core/config/run-config';

/** A model small enough for the cpu backend: copy and one Markov language, PiKE with T₀ = 5. */
export const tiny = (over: Partial<RunConfigInput> = {}): RunConfigInput => ({
  tasks: [{ spec: 'copy', knobs: { difficulty: { length: 4 } } }, { spec: 'markov:1:0.5' }],
  mixer: { name: 'pike', knobs: { T0: 5 } },
  model: { layers: 1, heads: 2, width: 16, context: 16 },
  optimizer: { lr: 3e-3, warmupSteps: 0 },
  batchSize: 8,
  seed: 3,
  schedule: { metricsEvery: 4, evalEvery: 10, statsEvery: 5, probeHalf: 2 },
  ...over,
});
