/**
 * Decoder-only GPT (pre-LN, causal attention, GELU MLP, tied output head), as in nanoGPT.
 * `forward` is a pure function of the parameters and a token batch; the caller owns tidy scopes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mixSeeds } from '../../core/rng';
import { causalMask } from './attention';
import { block } from './block';
import type { GptConfig } from '../../core/model-config';
import { embed, matMul } from './kernels';
import { layerNorm } from './layers';
import type { GptParams } from './params';
import { fusedForward, type Layout } from './webgpu-step';

/**
 * The weights a forward pass reads: the variables, or the fused webgpu step's flat θ (the
 * optimizer's state, whose first P entries are the parameters in paramList order) and its layout.
 */
export type Weights = GptParams | { theta: tf.Tensor; layout: Layout };

export interface ForwardOptions {
  /** When set (training), dropout is on and seeded with it; undefined means evaluation mode. */
  dropoutSeed?: number;
}

/**
 * inputs: int32 [B, T] → logits [B·T, V] (flattened: the loss wants rows).
 * Token embedding by `embed` (gather, or oneHot · Wte on wasm, which has no gather gradient);
 * the tied output head h · Wteᵀ by the kernels' `matMul` (plain matmuls only on wasm).
 * Flat weights (webgpu's fused step, which only serves models without dropout) take
 * webgpu-step.ts's forward pass.
 */
export function forward(
  weights: Weights,
  config: GptConfig,
  inputs: tf.Tensor2D,
  opts: ForwardOptions = {},
): tf.Tensor2D {
  const [B, T] = inputs.shape;
  if (T > config.context) throw new RangeError(`sequence length ${T} > context ${config.context}`);
  if ('theta' in weights) return fusedForward(weights.theta, weights.layout, inputs); // no dropout
  const params = weights;
  const C = config.width;
  const tok = embed(params.wte as tf.Tensor2D, tf.reshape(inputs, [B * T]) as tf.Tensor1D); // [B·T, C]
  const pos = tf.slice(params.wpe, [0, 0], [T, C]); // [T, C]
  let x = tf.add(tf.reshape(tok, [B, T, C]), pos) as tf.Tensor3D; // [B, T, C]
  let built: tf.Tensor2D | undefined;
  const mask = () => (built ??= causalMask(T)); // [T, T], shared by the blocks, built if used
  params.blocks.forEach((p, i) => {
    const seed = opts.dropoutSeed === undefined ? undefined : mixSeeds(opts.dropoutSeed, i * 3);
    x = block(x, p, config.heads, config.dropout, seed, mask);
  });
  const h = layerNorm(x, params.lnfg, params.lnfb); // [B, T, C]
  return matMul(tf.reshape(h, [B * T, C]) as tf.Tensor2D, params.wte as tf.Tensor2D, false, true); // [B·T, V]
}
