/** One pre-LN transformer block: x + attn(LN(x)), then + mlp(LN(x)). */
import * as tf from '@tensorflow/tfjs-core';
import { attention } from './attention';
import { dropout, layerNorm } from './layers';
import { mlp } from './mlp';
import type { BlockParams } from './params';

/**
 * x: [B, T, C] → [B, T, C]. `seed` (training only) drives dropout; undefined disables it.
 * `mask`: the additive causal mask [T, T] (attention.ts causalMask), built on first use and
 * shared by all blocks.
 */
export function block(
  x: tf.Tensor3D,
  p: BlockParams,
  heads: number,
  dropoutRate: number,
  seed: number | undefined,
  mask: () => tf.Tensor2D,
): tf.Tensor3D {
  const a = attention(
    layerNorm(x, p.ln1g, p.ln1b) as tf.Tensor3D,
    p,
    heads,
    dropoutRate,
    seed,
    mask,
  );
  const x1 = tf.add(x, dropout(a, dropoutRate, seed === undefined ? undefined : seed + 1));
  const m = mlp(layerNorm(x1, p.ln2g, p.ln2b) as tf.Tensor3D, p);
  return tf.add(x1, dropout(m, dropoutRate, seed === undefined ? undefined : seed + 2));
}
