/** Small building blocks of the GPT as plain functions on tensors (no state, no classes). */
import * as tf from '@tensorflow/tfjs';

/** LayerNorm over the last axis: (x − mean) / sqrt(var + 1e-5) · g + b.  x: [..., C] */
export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (as GPT-2): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 * tfjs-core has no gelu op; autodiff through these ops works on every backend. x³ is written
 * x·x², not pow(x, 3): WGSL's pow is undefined for negative bases, so on WebGPU pow turns
 * negative activations into NaN.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const cube = tf.mul(x, tf.square(x));
  const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** x @ w + b for x: [N, Cin], w: [Cin, Cout], b: [Cout] → [N, Cout]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.matMul(x, w as tf.Tensor2D), b);
}

/** Dropout that is a no-op at rate 0 or outside training (keeps the graph small). */
export function dropout(x: tf.Tensor, rate: number, seed: number | undefined): tf.Tensor {
  return rate > 0 && seed !== undefined ? tf.dropout(x, rate, undefined, seed) : x;
}
