/** Small building blocks of the GPT as plain functions on tensors (no state, no classes). */
import * as tf from '@tensorflow/tfjs-core';

// LayerNorm, GELU and the linear layer have backend-specific forms: see kernels.ts.
export { gelu, layerNorm, linear } from './kernels';

/** Dropout that is a no-op at rate 0 or outside training (keeps the graph small). */
export function dropout(x: tf.Tensor, rate: number, seed: number | undefined): tf.Tensor {
  return rate > 0 && seed !== undefined ? tf.dropout(x, rate, undefined, seed) : x;
}
