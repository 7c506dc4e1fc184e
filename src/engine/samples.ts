/**
 * "Watch the model write": one sampling round continues one held-out prompt per task.
 *
 * A round: `samplePrompts` takes row `pick mod n` of every task's validation set (the page bumps
 * `pick` per evaluation to rotate prompts) and cuts a prompt from it; `generateSamples` extends all
 * K prompts at once and returns plain strings. Language and Markov tasks get the start of a
 * held-out window and free continuation; algorithmic and anti tasks get their question, answer
 * greedily, and are judged by exact match against the held-out answer.
 *
 * One readback: the K prompts live in one int32 buffer on the device; each of the S = max budget
 * steps runs forward on it, picks one token per row, and writes it in with device ops, so nothing
 * is read until the loop ends. Then the buffer is read once (one `await data()`). Cost: S ≤ 40
 * forwards of [K, W_s], W_s ≤ context: step s runs only the positions some row still reads,
 * rounded up to 16 (few distinct shapes for the shader caches). They are full forwards, no KV
 * cache: ≈ the forward of 40·K rows at 3/4 of the context, i.e. less than one training step of
 * that many rows (no backward). On cpu (tests) a 4-task round of the default model is seconds.
 *
 * Gumbel-max: argmax_v(l_v/τ + g_v), g = −log(−log u), u ~ U(0, 1), draws v with probability
 * softmax(l/τ)_v. We compute argmax(l + τ·g) (the same argmax for τ > 0, no division), with all
 * S·K·256 uniforms drawn up front from one seeded tf.randomUniform (generated in JS and uploaded
 * once). Greedy rows (τ = 0, or accuracy tasks) get g = 0: plain argmax, as in evaluateTasks.
 * Sampling is restricted to the 256 byte tokens (the logits are sliced): PAD and task tokens are
 * never trained as targets, so there is no stop token; a row stops at its budget. An algorithmic
 * answer ends with the terminator byte "\n", which the budget (answer length) includes.
 *
 * Alignment: right-padded (prompts left-aligned: task token at position 0). forward() has learned
 * absolute positions and a causal mask but no padding mask, so training's layout (task token at
 * 0) is the only one it knows, and left padding would let a row attend to its PADs. With right
 * padding, causality hides the PADs after each row's end, and row k's next token is read from the
 * logits at its own last position P_k − 1 + s. Greedy decoding thus agrees with evaluateTasks'
 * teacher-forced exact match: the free-running answer equals the target iff argmax is right at
 * every answer position (up to float differences between batch shapes).
 *
 * UTF-8: bytes are decoded with one streaming TextDecoder (fatal: false): prompt first with
 * {stream: true}, then the output, so a character split by the prompt/output boundary is shown
 * whole in the output, and invalid bytes become U+FFFD. A language output cut mid-character by
 * its budget drops that incomplete tail instead of showing U+FFFD; accuracy outputs are flushed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GptConfig } from '../core/model-config';
import { forward } from './model/gpt';
import type { Weights } from './model/gpt';
import { mixSeeds } from '../core/rng';
import { BYTE_TOKENS, PAD } from '../core/tokenizer';
import type { Sample, Task, TaskKind } from '../core/types';

/** Bytes of held-out text a language prompt shows (fewer in a small context). */
export const PROMPT_BYTES = 24;
/** New tokens a language prompt asks for (fewer when the context is full). */
export const CONTINUATION_TOKENS = 40;

/** One task's prompt for a sampling round. Plain data (postMessage-safe). */
export interface Prompt {
  /** Task id (its spec string). */
  task: string;
  kind: TaskKind;
  /** Validation row the prompt came from. */
  row: number;
  /** The task token, then the prompt's bytes: the model's input [P]. */
  tokens: Int32Array;
  /** New tokens to generate (≤ context − P + 1, so every prediction fits the context). */
  budget: number;
  /** Accuracy tasks: the held-out answer bytes (the masked targets, terminator included). */
  expected?: Uint8Array;
  /** Decode by argmax whatever the temperature (accuracy tasks). */
  greedy: boolean;
}

export interface SampleOptions {
  /** Softmax temperature τ ≥ 0 for sampled rows; 0 is greedy. */
  temperature: number;
  /** Seeds the Gumbel noise: a seed reproduces a round (exactly on cpu). */
  seed: number;
}

/** The largest cut ≤ `cut` that starts a UTF-8 character of `bytes` (not a continuation byte). */
function charBoundary(bytes: ArrayLike<number>, cut: number): number {
  let p = cut;
  while (p > 0 && p < bytes.length && (bytes[p] & 0xc0) === 0x80) p--;
  return p > 0 ? p : cut;
}

/**
 * One prompt per task from row `pick mod n` of its validation set. Language and Markov: the task
 * token and the window's first ≤ PROMPT_BYTES bytes (at most a third of the context, cut on a character boundary), continued by up
 * to CONTINUATION_TOKENS. Accuracy tasks: inputs up to and including the position of the first
 * masked target (task token + question); expected = the masked targets; budget = their count.
 */
export function samplePrompts(
  tasks: readonly Task[],
  contextLength: number,
  pick: number,
): Prompt[] {
  if (!Number.isInteger(pick)) throw new RangeError(`pick must be an integer, got ${pick}`);
  return tasks.map((task) => {
    const v = task.validation();
    const T = v.contextLength;
    const row = ((pick % v.n) + v.n) % v.n;
    const inputs = v.inputs.subarray(row * T, (row + 1) * T);
    let tokens: Int32Array;
    let budget: number;
    let expected: Uint8Array | undefined;
    if (task.metric === 'accuracy') {
      const mask = v.mask.subarray(row * T, (row + 1) * T);
      const first = mask.indexOf(1);
      if (first < 0) throw new Error(`task ${task.id}: validation row ${row} has no answer`);
      tokens = inputs.slice(0, first + 1);
      const answer: number[] = [];
      for (let t = first; t < T && mask[t] !== 0; t++) answer.push(v.targets[row * T + t]);
      expected = Uint8Array.from(answer);
      budget = answer.length;
    } else {
      let end = 1;
      while (end < T && inputs[end] !== PAD) end++;
      const text = inputs.subarray(1, end);
      // A third of the context for the prompt, the rest for the continuation.
      const room = Math.max(1, Math.floor((contextLength - 1) / 3));
      const cut = charBoundary(text, Math.min(PROMPT_BYTES, room, text.length));
      tokens = inputs.slice(0, 1 + cut);
      budget = CONTINUATION_TOKENS;
    }
    if (tokens.length > contextLength) {
      throw new RangeError(
        `task ${task.id}: prompt of ${tokens.length} > context ${contextLength}`,
      );
    }
    budget = Math.min(budget, contextLength - tokens.length + 1);
    const greedy = task.metric === 'accuracy';
    return { task: task.id, kind: task.kind, row, tokens, budget, expected, greedy };
  });
}

/** Exact match of an output against the expected answer, byte by byte. */
export function isCorrect(output: ArrayLike<number>, expected: ArrayLike<number>): boolean {
  if (output.length !== expected.length) return false;
  for (let i = 0; i < output.length; i++) if (output[i] !== expected[i]) return false;
  return true;
}

/**
 * Decodes prompt and output bytes with one streaming decoder (see the header). Tokens ≥ 256
 * (PAD, task tokens) are dropped. `flush`: show an incomplete final character as U+FFFD.
 */
export function decodePair(
  prompt: ArrayLike<number>,
  output: ArrayLike<number>,
  flush: boolean,
): { prompt: string; output: string } {
  const bytes = (xs: ArrayLike<number>) =>
    Uint8Array.from(Array.from(xs).filter((b) => b < BYTE_TOKENS));
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const p = decoder.decode(bytes(prompt), { stream: true });
  return { prompt: p, output: decoder.decode(bytes(output), { stream: !flush }) };
}

/** Gumbel noise τ·g for every step, row and byte [S, K, 256]; zero on greedy rows. */
function gumbelNoise(S: number, greedy: boolean[], temperature: number, seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const K = greedy.length;
    const u = tf.randomUniform([S, K, BYTE_TOKENS], 0, 1, 'float32', mixSeeds(seed, 0x5a4d) || 1);
    // Clip: float32 rounds some draws to 0 or 1, where −log(−log u) is infinite.
    const g = tf.neg(tf.log(tf.neg(tf.log(tf.clipByValue(u, 1e-7, 1 - 1e-7)))));
    const scale = tf.tensor3d(
      greedy.map((gr) => (gr ? 0 : temperature)),
      [1, K, 1],
    );
    return tf.mul(g, scale) as tf.Tensor3D;
  });
}

/** Step s's forward width rounds up to a multiple of this: few shapes (shader caches), less work. */
const WIDTH_BUCKET = 16;

/**
 * Positions step s must run: up to the last read position P − 1 + s of every row still
 * generating, rounded up to a bucket (causal: positions after it cannot change what is read).
 */
function stepWidth(prompts: readonly Prompt[], s: number, W: number): number {
  let need = 1;
  for (const p of prompts) if (s < p.budget) need = Math.max(need, p.tokens.length + s);
  return Math.min(W, Math.ceil(need / WIDTH_BUCKET) * WIDTH_BUCKET);
}

/**
 * Continues every prompt by its budget in one batched pass, reading back once (see the header).
 * Each step: logits at row k's last position, sliced to the bytes; token = argmax(l + τ·g).
 * Returns each prompt's generated tokens (bytes 0..255), `budget` of them.
 */
export async function generateTokens(
  params: Weights,
  model: GptConfig,
  prompts: readonly Prompt[],
  opts: SampleOptions,
): Promise<Int32Array[]> {
  const { temperature, seed } = opts;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`temperature must be finite and >= 0, got ${temperature}`);
  }
  const K = prompts.length;
  if (K === 0) return [];
  prompts.forEach((p) => {
    if (p.tokens.length < 1 || p.budget < 0 || p.budget > model.context - p.tokens.length + 1) {
      throw new RangeError(`task ${p.task}: prompt and budget do not fit the context`);
    }
  });
  const lens = prompts.map((p) => p.tokens.length);
  const S = Math.max(...prompts.map((p) => p.budget));
  // Forward width: every prompt, and every read position P − 1 + s (s < budget): W ≤ context.
  const W = Math.max(...prompts.map((p) => p.tokens.length + Math.max(0, p.budget - 1)));

  // The buffer has one column more than the forward reads, for the last token of a full row.
  const init = new Int32Array(K * (W + 1)).fill(PAD);
  prompts.forEach((p, k) => init.set(p.tokens, k * (W + 1)));
  let seq = tf.tensor2d(init, [K, W + 1], 'int32');
  const greedy = prompts.map((p) => p.greedy || temperature === 0);
  const noise = S === 0 || greedy.every(Boolean) ? null : gumbelNoise(S, greedy, temperature, seed);
  const columns = tf.tidy(() => tf.reshape(tf.range(0, W + 1, 1, 'int32'), [1, W + 1])); // [1, W+1]
  let out: Int32Array;
  try {
    for (let s = 0; s < S; s++) {
      const next = tf.tidy(() => {
        const Ws = stepWidth(prompts, s, W);
        const x = tf.slice(seq, [0, 0], [K, Ws]) as tf.Tensor2D; // [K, Ws]
        const logits = forward(params, model, x); // [K·Ws, V]
        const read = lens.map((P, k) => k * Ws + Math.min(P - 1 + s, Ws - 1));
        const last = tf.gather(logits, tf.tensor1d(read, 'int32')); // [K, V]
        const bytes = tf.slice(last, [0, 0], [K, BYTE_TOKENS]); // [K, 256]: bytes only
        const g = noise
          ? tf.reshape(tf.slice(noise, [s, 0, 0], [1, K, BYTE_TOKENS]), [K, -1])
          : null;
        const scores = g ? tf.add(bytes, g) : bytes; // l + τ·g
        const token = tf.cast(tf.reshape(tf.argMax(scores, 1), [K, 1]), 'int32'); // [K, 1]
        const write = lens.map((P, k) => (s < prompts[k].budget ? P + s : -1));
        const at = tf.equal(columns, tf.tensor2d(write, [K, 1], 'int32')); // [K, W+1]
        return tf.where(at, token, seq) as tf.Tensor2D;
      });
      seq.dispose();
      seq = next;
    }
    out = await seq.data<'int32'>(); // the round's one readback
  } finally {
    seq.dispose();
    columns.dispose();
    noise?.dispose();
  }
  return prompts.map((p, k) => out.slice(k * (W + 1) + lens[k], k * (W + 1) + lens[k] + p.budget));
}

/** Samples from prompts and their generated tokens: decoded text, and exact match where judged. */
export function toSamples(prompts: readonly Prompt[], generated: readonly Int32Array[]): Sample[] {
  return prompts.map((p, k) => {
    const judged = p.expected !== undefined;
    const text = decodePair(p.tokens.subarray(1), generated[k], judged);
    const sample: Sample = { task: p.task, kind: p.kind, prompt: text.prompt, output: text.output };
    if (p.expected) {
      sample.expected = decodePair([], p.expected, true).output;
      sample.correct = isCorrect(generated[k], p.expected);
    }
    return sample;
  });
}

/** One sampling round: generateTokens, then toSamples. */
export async function generateSamples(
  params: Weights,
  model: GptConfig,
  prompts: readonly Prompt[],
  opts: SampleOptions,
): Promise<Sample[]> {
  return toSamples(prompts, await generateTokens(params, model, prompts, opts));
}
