/**
 * Decoder-only GPT (pre-LN, causal attention, GELU MLP, tied output head), as in nanoGPT.
 * `forward` is a pure function of the parameters and a token batch; the caller owns tidy scopes.
 */
import * as tf from '@tensorflow/tfjs';
import { mixSeeds } from '../rng';
import { block } from './block';
import type { GptConfig } from './config';
import { layerNorm } from './layers';
import type { GptParams } from './params';

export interface ForwardOptions {
  /** When set (training), dropout is on and seeded with it; undefined means evaluation mode. */
  dropoutSeed?: number;
}

/**
 * inputs: int32 [B, T] → logits [B·T, V] (flattened: the loss wants rows).
 * Token embedding as oneHot(inputs) · Wte rather than gather: the wasm backend has no gradient
 * kernel for gather (UnsortedSegmentSum), while matMul's gradient exists on every backend.
 * It costs a [B·T, V] one-hot (V = 273), small next to the attention.
 */
export function forward(
  params: GptParams,
  config: GptConfig,
  inputs: tf.Tensor2D,
  opts: ForwardOptions = {},
): tf.Tensor2D {
  const [B, T] = inputs.shape;
  if (T > config.context) throw new RangeError(`sequence length ${T} > context ${config.context}`);
  const V = params.wte.shape[0];
  const C = config.width;
  const oneHot = tf.oneHot(tf.reshape(inputs, [B * T]), V); // [B·T, V]
  const tok = tf.matMul(tf.cast(oneHot, 'float32'), params.wte); // [B·T, C]
  const pos = tf.slice(params.wpe, [0, 0], [T, C]); // [T, C]
  let x = tf.add(tf.reshape(tok, [B, T, C]), pos) as tf.Tensor3D; // [B, T, C]
  params.blocks.forEach((p, i) => {
    const seed = opts.dropoutSeed === undefined ? undefined : mixSeeds(opts.dropoutSeed, i * 3);
    x = block(x, p, config.heads, config.dropout, seed);
  });
  const h = layerNorm(x, params.lnfg, params.lnfb); // [B, T, C]
  return tf.matMul(tf.reshape(h, [B * T, C]) as tf.Tensor2D, params.wte, false, true); // [B·T, V]
}
