/**
 * Causal multi-head self-attention (nanoGPT's CausalSelfAttention) as a plain function, and its
 * backend-specific middle: the head split (splitHeads) and the attention proper (attentionCore,
 * fused on webgpu).
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedWebGpu, isWasm, kernelMode, prepare, withGrad } from './kernels';
import { MAX_HEAD } from './webgpu-attention';
import { runPike } from './webgpu-programs';
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

/**
 * Splits the fused projection qkv [B·T, 3C] into q, k, v, each [B, H, T, D] (C = H·D).
 * wasm: split along the columns, then a 4-D transpose each (wasm's 5-D transpose took 18 ms at
 * this size, its 4-D one 0.06 ms). Elsewhere: one transpose of [B, T, 3, H, D] to [3, B, H, T, D]
 * and contiguous slices along the first axis (cpu's strided split took 106 ms at [1024, 192];
 * and 4 kernels instead of 6, each a dispatch on webgpu).
 */
export function splitHeads(
  qkv: tf.Tensor2D,
  B: number,
  T: number,
  heads: number,
): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
  prepare();
  const D = qkv.shape[1] / (3 * heads);
  if (kernelMode() === 'reference' || isWasm()) {
    return tf
      .split(qkv, 3, 1)
      .map((t) => tf.transpose(tf.reshape(t, [B, T, heads, D]), [0, 2, 1, 3])) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ];
  }
  return tf.unstack(tf.transpose(tf.reshape(qkv, [B, T, 3, heads, D]), [2, 0, 3, 1, 4])) as [
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor4D,
  ];
}

/**
 * The attention of qkv [B·T, 3C] (q, k, v side by side, C = heads·D) → y [B·T, C], heads
 * concatenated: y = softmax(q·kᵀ/√D + causal mask)·v per (batch, head).
 * On webgpu with D ≤ MAX_HEAD and no attention dropout: one fused dispatch forward and two
 * backward (webgpu-programs.ts), never storing the [T, T] matrix. Otherwise the plain path:
 * splitHeads, two batched matmuls, the additive `mask` (built on first use) and softmax.
 */
export function attentionCore(
  qkv: tf.Tensor2D,
  B: number,
  T: number,
  heads: number,
  mask: () => tf.Tensor2D,
  dropout: (att: tf.Tensor) => tf.Tensor,
  dropoutActive: boolean,
): tf.Tensor2D {
  prepare();
  const C = qkv.shape[1] / 3;
  const D = C / heads;
  if (fusedWebGpu() && D <= MAX_HEAD && !dropoutActive) {
    const attrs = { T, H: heads };
    return withGrad<tf.Tensor2D>(([x], save) => {
      save([x]);
      return {
        value: runPike('PikeAttention', { qkv: x }, attrs),
        gradFunc: (dy, [sx]) => {
          const stats = runPike('PikeAttentionStats', { qkv: sx, dy }, attrs); // lse, Δ
          return [runPike('PikeAttentionGrad', { qkv: sx, dy, stats }, attrs)];
        },
      };
    }, qkv);
  }
  const [q, k, v] = splitHeads(qkv, B, T, heads); // each [B, H, T, D]
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), mask());
  const att = dropout(tf.softmax(scores)); // [B, H, T, T]
  const y = tf.transpose(tf.matMul(att as tf.Tensor4D, v), [0, 2, 1, 3]); // [B, T, H, D]
  return tf.reshape(y, [B * T, C]);
}
