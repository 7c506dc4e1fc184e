/** The transformer's position-wise MLP: C → 4C → GELU → C. */
import * as tf from '@tensorflow/tfjs-core';
import { gelu, linear } from './layers';
import type { BlockParams } from './params';

/** x: [B, T, C] → [B, T, C]. */
export function mlp(x: tf.Tensor3D, p: BlockParams): tf.Tensor3D {
  const [B, T, C] = x.shape;
  const h = gelu(linear(tf.reshape(x, [B * T, C]), p.wfc, p.bfc)) as tf.Tensor2D; // [B·T, 4C]
  return tf.reshape(linear(h, p.wproj, p.bproj), [B, T, C]);
}
