/**
 * The GPT's trainable variables, created once and owned by the model (disposed by `disposeParams`).
 * Initialisation follows GPT-2: N(0, 0.02), residual projections scaled by 1/√(2·layers),
 * LayerNorm gain 1 and bias 0. Seeded, so a seed reproduces the initial weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mixSeeds } from '../../core/rng';
import { VOCAB_SIZE } from '../../core/tokenizer';
import type { GptConfig } from '../../core/model-config';
import { ownedVariable } from './variables';

export interface BlockParams {
  ln1g: tf.Variable;
  ln1b: tf.Variable;
  wqkv: tf.Variable; // [C, 3C]
  bqkv: tf.Variable; // [3C]
  wo: tf.Variable; // [C, C]
  bo: tf.Variable; // [C]
  ln2g: tf.Variable;
  ln2b: tf.Variable;
  wfc: tf.Variable; // [C, 4C]
  bfc: tf.Variable; // [4C]
  wproj: tf.Variable; // [4C, C]
  bproj: tf.Variable; // [C]
}

export interface GptParams {
  wte: tf.Variable; // [V, C] token embedding, tied with the output head
  wpe: tf.Variable; // [T, C] learned positions
  blocks: BlockParams[];
  lnfg: tf.Variable;
  lnfb: tf.Variable;
}

let modelCounter = 0;

export function initParams(config: GptConfig, seed: number, vocabSize = VOCAB_SIZE): GptParams {
  const C = config.width;
  let counter = 0;
  // Each tensor gets its own derived seed so adding a layer does not shift the others. tfjs's
  // randomNormal takes seed 0 as "no seed" (Math.random), so a derived 0 becomes 1.
  const normal = (shape: number[], std: number, name: string) =>
    ownedVariable(
      () => tf.randomNormal(shape, 0, std, 'float32', mixSeeds(seed, ++counter) || 1),
      true,
      name,
    );
  const fill = (shape: number[], v: number, name: string) =>
    ownedVariable(() => tf.fill(shape, v), true, name);
  // tfjs variable names must be unique in the engine: number each model instance.
  const uid = `gpt${++modelCounter}`;
  const projStd = 0.02 / Math.sqrt(2 * config.layers);
  const blocks: BlockParams[] = [];
  for (let i = 0; i < config.layers; i++) {
    const p = `${uid}/h${i}`;
    blocks.push({
      ln1g: fill([C], 1, `${p}/ln1g`),
      ln1b: fill([C], 0, `${p}/ln1b`),
      wqkv: normal([C, 3 * C], 0.02, `${p}/wqkv`),
      bqkv: fill([3 * C], 0, `${p}/bqkv`),
      wo: normal([C, C], projStd, `${p}/wo`),
      bo: fill([C], 0, `${p}/bo`),
      ln2g: fill([C], 1, `${p}/ln2g`),
      ln2b: fill([C], 0, `${p}/ln2b`),
      wfc: normal([C, 4 * C], 0.02, `${p}/wfc`),
      bfc: fill([4 * C], 0, `${p}/bfc`),
      wproj: normal([4 * C, C], projStd, `${p}/wproj`),
      bproj: fill([C], 0, `${p}/bproj`),
    });
  }
  return {
    wte: normal([vocabSize, C], 0.02, `${uid}/wte`),
    wpe: normal([config.context, C], 0.01, `${uid}/wpe`),
    blocks,
    lnfg: fill([C], 1, `${uid}/lnfg`),
    lnfb: fill([C], 0, `${uid}/lnfb`),
  };
}

/** Every variable in a fixed order (the order of gradient vectors in the statistics). */
export function paramList(p: GptParams): tf.Variable[] {
  const out: tf.Variable[] = [p.wte, p.wpe];
  for (const b of p.blocks) {
    out.push(
      b.ln1g,
      b.ln1b,
      b.wqkv,
      b.bqkv,
      b.wo,
      b.bo,
      b.ln2g,
      b.ln2b,
      b.wfc,
      b.bfc,
      b.wproj,
      b.bproj,
    );
  }
  out.push(p.lnfg, p.lnfb);
  return out;
}

/** Weight matrices (decayed by AdamW); biases, gains and position embeddings are not. */
export function isDecayed(v: tf.Variable): boolean {
  return v.shape.length === 2 && !v.name.endsWith('/wpe');
}

export function disposeParams(p: GptParams): void {
  for (const v of paramList(p)) v.dispose();
}
