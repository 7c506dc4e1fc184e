/**
 * The machinery every task shares: a compact store of byte examples, the layout of an example in
 * a TaskBatch, label noise, and a generic Task built from a training pool and a validation set.
 *
 * Sequence layout (every task): the full sequence of example e is s = [taskToken, b_0 .. b_{L-1}]
 * with L <= contextLength bytes. Row i of a batch holds
 *   inputs[i, t]  = s[t]      for t < min(L + 1, contextLength), PAD after,
 *   targets[i, t] = s[t + 1]  = b_t for t < L, PAD after,
 *   mask[i, t]    = 1 where answerStart <= t < L (the target is an answer byte), else 0.
 * So a language example fills every position (L = contextLength), and an algorithmic example
 * "abcd>abcd\n" masks only the targets "abcd\n" (answerStart = index of the first answer byte).
 */
import { PAD } from '../tokenizer';
import type { KnobSpec, Rng, Task, TaskBatch, TaskKind, TaskKnobs } from '../types';

/** Up to `capacity` examples of at most `stride` bytes each, stored flat (no per-example objects). */
export class ExampleSet {
  readonly bytes: Uint8Array;
  readonly lengths: Uint16Array;
  readonly answerStarts: Uint16Array;
  private n = 0;

  constructor(
    readonly stride: number,
    readonly capacity: number,
  ) {
    this.bytes = new Uint8Array(stride * capacity);
    this.lengths = new Uint16Array(capacity);
    this.answerStarts = new Uint16Array(capacity);
  }

  /** Number of examples stored so far. */
  get count(): number {
    return this.n;
  }

  /** Appends one example; `answerStart` is the index of the first byte whose prediction counts. */
  push(example: ArrayLike<number>, answerStart: number): void {
    if (this.n >= this.capacity) throw new RangeError('ExampleSet is full');
    if (example.length > this.stride) {
      throw new RangeError(`example of ${example.length} bytes exceeds ${this.stride}`);
    }
    if (answerStart < 0 || answerStart >= example.length) {
      throw new RangeError(`answerStart ${answerStart} outside example of ${example.length} bytes`);
    }
    this.bytes.set(example, this.n * this.stride);
    this.lengths[this.n] = example.length;
    this.answerStarts[this.n] = answerStart;
    this.n++;
  }

  /** The bytes of example i (a view, do not mutate). */
  example(i: number): Uint8Array {
    const start = i * this.stride;
    return this.bytes.subarray(start, start + this.lengths[i]);
  }

  /** A copy whose answer bytes (index >= answerStart) are passed through `map` (0..255 -> 0..255). */
  mapAnswers(map: Uint8Array): ExampleSet {
    const out = new ExampleSet(this.stride, this.n);
    for (let i = 0; i < this.n; i++) {
      const ex = Uint8Array.from(this.example(i));
      for (let t = this.answerStarts[i]; t < ex.length; t++) ex[t] = map[ex[t]];
      out.push(ex, this.answerStarts[i]);
    }
    return out;
  }
}

/** Lays out examples `indices` of `set` as a TaskBatch (see the layout in this file's header). */
export function layoutBatch(
  set: ExampleSet,
  indices: ArrayLike<number>,
  taskToken: number,
  contextLength: number,
): TaskBatch {
  const n = indices.length;
  const inputs = new Int32Array(n * contextLength).fill(PAD);
  const targets = new Int32Array(n * contextLength).fill(PAD);
  const mask = new Float32Array(n * contextLength);
  for (let row = 0; row < n; row++) {
    const e = indices[row];
    const ex = set.example(e);
    const a = set.answerStarts[e];
    const base = row * contextLength;
    inputs[base] = taskToken;
    for (let t = 0; t < ex.length; t++) {
      if (t + 1 < contextLength) inputs[base + t + 1] = ex[t];
      targets[base + t] = ex[t];
      if (t >= a) mask[base + t] = 1;
    }
  }
  return { n, contextLength, inputs, targets, mask };
}

/**
 * Label noise: independently for every masked target, with probability `p` replace it by a
 * token drawn uniformly from `alphabet` (which may equal the clean token). Mutates `batch`.
 * Draws nothing from `rng` when p = 0.
 */
export function applyLabelNoise(batch: TaskBatch, p: number, alphabet: Uint8Array, rng: Rng): void {
  if (!(p > 0) || alphabet.length === 0) return;
  const { targets, mask } = batch;
  for (let k = 0; k < targets.length; k++) {
    if (mask[k] !== 0 && rng.next() < p) targets[k] = alphabet[rng.int(alphabet.length)];
  }
}

/** The distinct byte values of `bytes`, ascending. */
export function byteAlphabet(bytes: ArrayLike<number>): Uint8Array {
  const seen = new Uint8Array(256);
  for (let i = 0; i < bytes.length; i++) seen[bytes[i]] = 1;
  const out: number[] = [];
  for (let b = 0; b < 256; b++) if (seen[b]) out.push(b);
  return Uint8Array.from(out);
}

/** Everything that defines a task's data, before it is bound to a slot. */
export interface TaskData {
  label: string;
  kind: TaskKind;
  metric: 'accuracy' | 'none';
  difficultySpecs: readonly KnobSpec[];
  /** The finite training pool. */
  pool: ExampleSet;
  /** The fixed held-out set. */
  validation: ExampleSet;
  /** Tokens label noise draws from (e.g. the answer symbols plus the terminator). */
  noiseAlphabet: Uint8Array;
}

/** What binds TaskData to a run: spec, slot token, context and knobs. */
export interface TaskBinding {
  id: string;
  taskToken: number;
  contextLength: number;
  knobs: TaskKnobs;
}

/** Builds a Task from its data: uniform sampling from the pool with replacement, noisy targets. */
export function buildTask(data: TaskData, bind: TaskBinding): Task {
  if (data.pool.count === 0) throw new Error(`task ${bind.id} has an empty training pool`);
  if (data.validation.count === 0) throw new Error(`task ${bind.id} has no validation examples`);
  if (data.pool.stride > bind.contextLength) {
    throw new Error(`task ${bind.id}: examples are longer than contextLength`);
  }
  const allVal = Int32Array.from({ length: data.validation.count }, (_, i) => i);
  const val = layoutBatch(data.validation, allVal, bind.taskToken, bind.contextLength);
  const knobs: TaskKnobs = { ...bind.knobs, difficulty: { ...bind.knobs.difficulty } };
  return {
    id: bind.id,
    label: data.label,
    kind: data.kind,
    metric: data.metric,
    knobs,
    difficultySpecs: data.difficultySpecs,
    taskToken: bind.taskToken,
    contextLength: bind.contextLength,
    sample(rng: Rng, n: number): TaskBatch {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample needs n >= 0, got ${n}`);
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) idx[i] = rng.int(data.pool.count);
      const batch = layoutBatch(data.pool, idx, bind.taskToken, bind.contextLength);
      applyLabelNoise(batch, knobs.labelNoise, data.noiseAlphabet, rng);
      return batch;
    },
    validation(): TaskBatch {
      // Copies, so a caller that mutates its batch cannot change the next call's answer.
      return {
        n: val.n,
        contextLength: val.contextLength,
        inputs: val.inputs.slice(),
        targets: val.targets.slice(),
        mask: val.mask.slice(),
      };
    },
  };
}
