import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gptConfig, type GptConfig } from '../../src/core/model-config';
import { forward } from '../../src/engine/model/gpt';
import { disposeParams, initParams, type GptParams } from '../../src/engine/model/params';
import {
  CONTINUATION_TOKENS,
  decodePair,
  generateSamples,
  generateTokens,
  isCorrect,
  PROMPT_BYTES,
  samplePrompts,
  toSamples,
  type Prompt,
} from '../../src/engine/samples';
import { createTask } from '../../src/core/tasks/catalogue';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { buildTask, ExampleSet } from '../../src/core/tasks/examples';
import { BYTE_TOKENS, decode, encode, PAD, taskToken } from '../../src/core/tokenizer';
import type { Task } from '../../src/core/types';
import { useBackend } from './helpers/backend';

const CTX = 64;
const SPECS = ['udhr:en', 'markov:1:0.5', 'add', 'anti:copy'];
const tiny = gptConfig({ layers: 1, heads: 2, width: 16, context: CTX });

let tasks: Task[];
let params: GptParams;

beforeAll(async () => {
  await useBackend();
  const corpus = createFsCorpusLoader();
  tasks = await Promise.all(
    SPECS.map((spec, slot) => createTask(spec, { slot, contextLength: CTX, seed: 3, corpus })),
  );
  params = initParams(tiny, 11);
});

afterAll(() => disposeParams(params));

/** Validation row r of a task, as plain arrays. */
function row(task: Task, r: number) {
  const v = task.validation();
  const at = (a: ArrayLike<number>) => Array.from(a).slice(r * CTX, (r + 1) * CTX);
  return { inputs: at(v.inputs), targets: at(v.targets), mask: at(v.mask), n: v.n };
}

/** Greedy reference: one forward of the single prompt per step, argmax over the bytes. */
async function greedyReference(p: GptParams, cfg: GptConfig, prompt: Prompt): Promise<number[]> {
  const seq = Array.from(prompt.tokens);
  for (let s = 0; s < prompt.budget; s++) {
    const padded = Int32Array.from({ length: cfg.context }, (_, t) => seq[t] ?? PAD);
    const logits = tf.tidy(() => {
      const all = forward(p, cfg, tf.tensor2d(padded, [1, cfg.context], 'int32'));
      return tf.slice(all, [seq.length - 1, 0], [1, BYTE_TOKENS]);
    });
    const values = await logits.data();
    logits.dispose();
    let best = 0;
    for (let v = 1; v < BYTE_TOKENS; v++) if (values[v] > values[best]) best = v;
    seq.push(best);
  }
  return seq.slice(prompt.tokens.length);
}

/** Milliseconds of one sampling round (for `npm run bench`-style measurements later). */
async function timeRound(p: GptParams, cfg: GptConfig, prompts: Prompt[]): Promise<number> {
  const t0 = performance.now();
  await generateSamples(p, cfg, prompts, { temperature: 1, seed: 1 });
  return performance.now() - t0;
}

describe('samplePrompts', () => {
  it('gives a language task the start of a held-out window and a continuation budget', () => {
    const [prompt] = samplePrompts([tasks[0]], CTX, 2);
    const { inputs } = row(tasks[0], 2);
    expect(prompt.row).toBe(2);
    expect(prompt.tokens[0]).toBe(taskToken(0));
    expect(Array.from(prompt.tokens)).toEqual(inputs.slice(0, prompt.tokens.length));
    expect(prompt.tokens.length - 1).toBeLessThanOrEqual(PROMPT_BYTES);
    expect(prompt.tokens.length - 1).toBeGreaterThan(PROMPT_BYTES - 4); // cut on a char boundary
    expect(prompt.budget).toBe(Math.min(CONTINUATION_TOKENS, CTX - prompt.tokens.length + 1));
    expect(prompt.expected).toBeUndefined();
    expect(prompt.greedy).toBe(false);
    const sample = toSamples([prompt], [new Int32Array(0)])[0];
    expect(decode(inputs.slice(1)).startsWith(sample.prompt)).toBe(true);
  });

  it('rotates through the validation rows with pick', () => {
    const n = row(tasks[1], 0).n;
    const rows = (pick: number) => samplePrompts(tasks, CTX, pick).map((p) => p.row);
    expect(rows(n)[1]).toBe(0);
    expect(rows(1)[1]).toBe(1);
    expect(samplePrompts(tasks, CTX, 0)[1].tokens).not.toEqual(
      samplePrompts(tasks, CTX, 1)[1].tokens,
    );
  });

  it('gives an algorithmic task its question, and the masked targets as the expected answer', () => {
    for (const k of [2, 3]) {
      const prompt = samplePrompts(tasks, CTX, 5)[k];
      const { inputs, targets, mask } = row(tasks[k], 5);
      const first = mask.indexOf(1);
      expect(Array.from(prompt.tokens)).toEqual(inputs.slice(0, first + 1));
      expect(Array.from(prompt.expected!)).toEqual(targets.filter((_, t) => mask[t] === 1));
      expect(prompt.budget).toBe(prompt.expected!.length);
      expect(prompt.greedy).toBe(true);
      const sample = toSamples([prompt], [new Int32Array(prompt.budget)])[0];
      expect(sample.prompt).toMatch(k === 2 ? /^\d+\+\d+=$/ : /^[a-z]+>$/);
      expect(sample.expected).toMatch(k === 2 ? /^\d+\n$/ : /^[a-z]+\n$/);
    }
  });

  it('cuts a language prompt on a UTF-8 character boundary and caps it in a small context', () => {
    // 1 + 3k bytes; the prompt may take a third of the context (21 bytes at 64), and byte 21 is
    // inside a '€': the cut goes back to 19.
    const text = encode('a' + '€'.repeat(20));
    const set = new ExampleSet(CTX, 1);
    set.push(text, 0);
    const bind = { taskToken: taskToken(0), contextLength: CTX, knobs: tasks[0].knobs };
    const data = { label: 'euro', kind: 'language' as const, metric: 'none' as const };
    const extra = { difficultySpecs: [], pool: set, validation: set, noiseAlphabet: text };
    const task = buildTask({ ...data, ...extra }, { ...bind, id: 'euro' });
    const [prompt] = samplePrompts([task], CTX, 0);
    expect(prompt.tokens.length - 1).toBe(19);
    expect(toSamples([prompt], [new Int32Array(0)])[0].prompt).toBe('a' + '€'.repeat(6));
    const [small] = samplePrompts([task], 16, 0);
    expect(small.tokens.length + small.budget - 1).toBeLessThanOrEqual(16);
  });
});

describe('decoding and judging', () => {
  it('shows an invalid byte as U+FFFD and drops special tokens', () => {
    const out = decodePair(encode('ab'), [0x63, 0xff, PAD, 0x64], true);
    expect(out).toEqual({ prompt: 'ab', output: 'c\uFFFDd' });
  });

  it('shows a character split at the prompt/output boundary whole in the output', () => {
    const euro = Array.from(encode('€')); // e2 82 ac
    const out = decodePair([0x78, euro[0], euro[1]], [euro[2], 0x61], true);
    expect(out).toEqual({ prompt: 'x', output: '€a' });
  });

  it('drops a character cut off by the budget unless asked to flush it', () => {
    const euro = Array.from(encode('€'));
    expect(decodePair([], [0x61, euro[0]], false).output).toBe('a');
    expect(decodePair([], [0x61, euro[0]], true).output).toBe('a\uFFFD');
  });

  it('judges exact match on bytes', () => {
    expect(isCorrect([0x35, 0x0a], encode('5\n'))).toBe(true);
    expect(isCorrect([0x35], encode('5\n'))).toBe(false);
    expect(isCorrect([0x36, 0x0a], encode('5\n'))).toBe(false);
  });
});

describe('generateSamples', () => {
  it('matches a step-by-step greedy reference, first token = argmax of forward at the prompt end', async () => {
    const prompts = samplePrompts(tasks, CTX, 0);
    const got = await generateTokens(params, tiny, prompts, { temperature: 0, seed: 1 });
    for (const [k, p] of prompts.entries()) {
      const ref = await greedyReference(params, tiny, p);
      expect(got[k].length).toBe(p.budget);
      expect(got[k][0]).toBe(ref[0]);
      expect(Array.from(got[k])).toEqual(ref);
    }
  });

  it('samples only bytes, keeps accuracy tasks greedy, and is deterministic for a seed', async () => {
    const prompts = samplePrompts(tasks, CTX, 3);
    const opts = { temperature: 1, seed: 7 };
    const a = await generateTokens(params, tiny, prompts, opts);
    const b = await generateTokens(params, tiny, prompts, opts);
    const c = await generateTokens(params, tiny, prompts, { ...opts, seed: 8 });
    const greedy = await generateTokens(params, tiny, prompts, { temperature: 0, seed: 7 });
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]); // 40 near-uniform draws from an untrained model
    expect(a[0]).not.toEqual(greedy[0]);
    expect(a.slice(2)).toEqual(greedy.slice(2));
    for (const t of a) expect(t.every((x) => x >= 0 && x < BYTE_TOKENS)).toBe(true);
  });

  it('leaks no tensors', async () => {
    const prompts = samplePrompts(tasks, CTX, 1);
    await generateSamples(params, tiny, prompts, { temperature: 0.8, seed: 1 }); // warm up
    const before = tf.memory().numTensors;
    await generateSamples(params, tiny, prompts, { temperature: 0.8, seed: 2 });
    await generateSamples(params, tiny, prompts, { temperature: 0, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('marks an output correct exactly when it equals the expected answer', async () => {
    const prompts = samplePrompts(tasks, CTX, 4);
    const opts = { temperature: 0, seed: 1 };
    const tokens = await generateTokens(params, tiny, prompts, opts);
    const samples = await generateSamples(params, tiny, prompts, opts);
    for (const k of [2, 3]) {
      expect(samples[k].correct).toBe(isCorrect(tokens[k], prompts[k].expected!));
      // The model's own answer as the expected one: judged correct.
      const own = { ...prompts[k], expected: Uint8Array.from(tokens[k]) };
      const [sample] = await generateSamples(params, tiny, [own], opts);
      expect(sample.correct).toBe(true);
      expect(sample.output).toBe(sample.expected);
    }
    expect(samples[0].correct).toBeUndefined();
    expect(samples.map((s) => s.task)).toEqual(SPECS);
  });

  // Seconds on cpu, so opt-in: SAMPLES_TIMING=1 npx vitest run test/unit/samples.test.ts
  it.skipIf(!process.env.SAMPLES_TIMING)('times a round at the default model size', async () => {
    const cfg = gptConfig({ context: CTX });
    const p = initParams(cfg, 1);
    const prompts = samplePrompts(tasks, CTX, 0);
    await timeRound(p, cfg, prompts); // warm up
    const ms = await timeRound(p, cfg, prompts);
    disposeParams(p);
    console.info(`sampling round: ${prompts.length} tasks, ${ms.toFixed(0)} ms (cpu)`);
    expect(ms).toBeGreaterThan(0);
  });
});
