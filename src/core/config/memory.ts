/**
 * How much memory a setup needs before it is built, and whether it fits a backend's budget.
 * All tensors are float32 (4 bytes). With P parameters (countParams), B examples of T tokens,
 * width C, H heads, L blocks, vocabulary V, K tasks and R runs (a race's contestants):
 *
 * - parameters: R·P
 * - optimizer state: R·2P for Adam/AdamW (m and v), 0 for SGD
 * - gradients: 4P for one step at a time (the gradients, their flat copy, the clipped copy and
 *   the update; optim.ts), whichever run steps
 * - activations: what the backward pass keeps of the forward, per token
 *     L·(33C + 3·H·T) + 5C + 3V
 *   (per block: LayerNorms 4C, q/k/v and their head layout 6C, attention scores, masked scores
 *   and probabilities 3·H·T, attention output and projection 4C, residuals 2C, the MLP's 4C
 *   hidden state and GELU's intermediates 20C; embeddings 3C, final LayerNorm 2C, logits,
 *   log-probabilities and their gradient 3V), times 1.5 for the gradients of the backward pass
 *   alive at once, for B·T tokens of a step or the ⌈2m/c⌉·T tokens of one probe chunk
 *   (whichever is larger: they run one after the other)
 * - statistics probes: (2c + 1)·K·P for a statistics step with c chunks (each chunk's flat
 *   gradient, their stacked copy per task, and the K task means), plus the statistics window:
 *   up to `statsWindow` steps of K·P kept gradients per run, at most WINDOW_BYTES
 * - gradient surgery (pcgrad, cagrad, a run's or a contestant's): 2K·P + P for one step at a
 *   time (each task's share of the gradient, their stacked copy, the combination; surgery.ts)
 *
 * - fixed: 1 MiB (the causal mask, the batch and the held-out sets on the device)
 *
 * The figure is an estimate of the peak, checked against tfjs's measured peak on the cpu
 * backend (test/unit/memory.test.ts): it errs high, never low by more than a few percent.
 */
import type { RunConfig } from './run-config';
import { countParams } from '../model-config';
import { VOCAB_SIZE } from '../tokenizer';
import { SURGERY_MIXERS } from '../mixers/names';

/** Most bytes the statistics window may keep (per-task gradients of its steps: task-stats.ts). */
export const WINDOW_BYTES = 128 * 2 ** 20;

const F32 = 4;
const BACKWARD_FACTOR = 1.5;
/** The causal mask, a step's batch and the held-out sets on the device, and tfjs's own. */
const FIXED_BYTES = 2 ** 20;

/** Bytes of each part of a setup's peak memory, and their total. */
export interface MemoryEstimate {
  params: number;
  optimizer: number;
  gradients: number;
  activations: number;
  probes: number;
  total: number;
  /** Trainable parameters of one model. */
  numParams: number;
}

/** The parts a setup needs (what memory.ts reads of a RunConfig). */
type Sized = Pick<
  RunConfig,
  'model' | 'batchSize' | 'optimizer' | 'schedule' | 'tasks' | 'race'
> & {
  mixer?: Pick<RunConfig['mixer'], 'name'>;
};

function activationsPerToken(c: RunConfig['model']): number {
  const C = c.width;
  return c.layers * (33 * C + 3 * c.heads * c.context) + 5 * C + 3 * VOCAB_SIZE;
}

export function estimateMemory(config: Sized): MemoryEstimate {
  const P = countParams(config.model);
  const R = config.race?.length ?? 1;
  const K = config.tasks.length;
  const { probeHalf, probeChunks, statsEvery, statsWindow } = config.schedule;
  const T = config.model.context;
  const perToken = activationsPerToken(config.model) * BACKWARD_FACTOR * F32;
  const probeChunk = Math.ceil((2 * probeHalf) / probeChunks);
  const activations = perToken * T * Math.max(config.batchSize, statsEvery > 0 ? probeChunk : 0);
  const window =
    statsEvery > 0 && config.model.dropout === 0
      ? Math.min(WINDOW_BYTES, statsWindow * K * P * F32)
      : 0;
  const probes = statsEvery > 0 ? (2 * probeChunks + 1) * K * P * F32 + R * window : 0;
  const params = R * P * F32;
  const optimizer = config.optimizer.name === 'sgd' ? 0 : R * 2 * P * F32;
  const mixers = [config.mixer?.name, ...(config.race ?? []).map((c) => c.name)];
  const surgery = mixers.some((m) => m !== undefined && SURGERY_MIXERS.includes(m));
  const gradients = (4 + (surgery ? 2 * K + 1 : 0)) * P * F32;
  const total = params + optimizer + gradients + activations + probes + FIXED_BYTES;
  return { params, optimizer, gradients, activations, probes, total, numParams: P };
}

/**
 * Memory budgets per backend (bytes), chosen to stay well inside what each can hold:
 * - wasm: the heap of tfjs's wasm32 build can grow to 4 GiB but never shrinks, and growing
 *   copies it; 1 GiB leaves room for that and for the tab on a 4 GiB laptop.
 * - cpu: typed arrays in the worker's JS heap; the same 1 GiB (it is also the slowest backend).
 * - webgl: textures in GPU memory the page cannot query; 1 GiB fits integrated GPUs that share
 *   a few GiB with the system.
 * - webgpu: buffers in GPU memory, also not queryable; 1.5 GiB, as WebGPU frees buffers
 *   promptly and discrete and integrated GPUs alike have more than that to spare.
 */
export const MEMORY_BUDGETS: Readonly<Record<string, number>> = {
  wasm: 2 ** 30,
  cpu: 2 ** 30,
  webgl: 2 ** 30,
  webgpu: 1.5 * 2 ** 30,
};

/** The strictest budget: for a setup checked before the backend is known. */
export const MIN_BUDGET = Math.min(...Object.values(MEMORY_BUDGETS));

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(n >= 100 * 2 ** 20 ? 0 : 1)} MiB`;
  return `${Math.max(1, Math.round(n / 2 ** 10))} KiB`;
}

/**
 * Why `config` does not fit `backend`'s budget (unknown backend: the strictest), naming what to
 * shrink first (the largest part); null when it fits.
 */
export function memoryProblem(config: Sized, backend?: string): string | null {
  const e = estimateMemory(config);
  const budget = (backend && MEMORY_BUDGETS[backend]) || MIN_BUDGET;
  if (e.total <= budget) return null;
  const where = backend ? `the ${backend} backend's` : 'the';
  const m = config.model;
  const { probeHalf, probeChunks } = config.schedule;
  const probeChunk = Math.ceil((2 * probeHalf) / probeChunks);
  const byProbe = config.schedule.statsEvery > 0 && probeChunk > config.batchSize;
  const parts: [number, string][] = [
    [
      e.activations,
      byProbe
        ? `lower the probe size (${probeHalf}) or raise its chunks (${probeChunks}), or lower the context (${m.context}) or the width (${m.width})`
        : `lower the batch size (${config.batchSize}), the context (${m.context}) or the width (${m.width})`,
    ],
    [
      e.probes,
      `lower the probe size (${config.schedule.probeHalf}) or chunks (${config.schedule.probeChunks}), or train fewer tasks (${config.tasks.length})`,
    ],
    [
      e.params + e.optimizer + e.gradients,
      `lower the width (${m.width}) or the layers (${m.layers})${config.race ? ', or race fewer contestants' : ''}`,
    ],
  ];
  parts.sort((a, b) => b[0] - a[0]);
  return (
    `this setup needs about ${formatBytes(e.total)}, over ${where} budget of ` +
    `${formatBytes(budget)}: ${parts[0][1]}`
  );
}
