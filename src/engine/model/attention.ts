/** Causal multi-head self-attention (nanoGPT's CausalSelfAttention) as a plain function. */
import * as tf from '@tensorflow/tfjs-core';
import { attentionCore } from './kernels';
import { dropout, linear } from './layers';
import type { BlockParams } from './params';

/**
 * Additive causal mask [T, T]: 0 on and below the diagonal, −1e9 above, so position t attends
 * only to positions ≤ t. Built once per forward pass (gpt.ts) inside the caller's tidy and shared
 * by every block: bandPart is a dozen kernels, each a dispatch on webgpu.
 */
export function causalMask(T: number): tf.Tensor2D {
  const lower = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  return tf.mul(tf.sub(1, lower), -1e9) as tf.Tensor2D;
}

/**
 * x: [B, T, C] → [B, T, C].
 * q, k, v = split(x·Wqkv + b) each [B, H, T, D];  att = softmax(q·kᵀ/√D + mask) [B, H, T, T];
 * y = att·v, heads concatenated back to [B, T, C], then the output projection. The middle
 * (attentionCore) is one fused kernel on webgpu; `mask` builds the causal mask on first use.
 */
export function attention(
  x: tf.Tensor3D,
  p: BlockParams,
  heads: number,
  dropoutRate: number,
  seed: number | undefined,
  mask: () => tf.Tensor2D,
): tf.Tensor3D {
  const [B, T, C] = x.shape;
  const qkv = linear(tf.reshape(x, [B * T, C]), p.wqkv, p.bqkv); // [B·T, 3C]
  const dropoutActive = dropoutRate > 0 && seed !== undefined;
  const y = attentionCore(
    qkv,
    B,
    T,
    heads,
    mask,
    (att) => dropout(att, dropoutRate, seed),
    dropoutActive,
  );
  const out = linear(y, p.wo, p.bo);
  return tf.reshape(out, [B, T, C]);
}
