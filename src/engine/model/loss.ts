/** Masked next-token cross-entropy, per example, and exact-match accuracy. */
import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropy } from './kernels';

/**
 * logits [B·T, V], targets int32 [B·T], mask [B·T] → per-example loss [B]:
 *   ℓ_i = Σ_t mask_it · (−log softmax(logits_it)[target_it]) / max(1, Σ_t mask_it).
 * Each example counts once whatever its number of answer tokens, so a task's batch gradient is
 * the mean of its examples' gradients (ḡ_k in PiKE's bound, where a batch's gradient is Σ_k (b_k/b)·ḡ_k).
 */
export function perExampleLoss(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  mask: tf.Tensor1D,
  B: number,
): tf.Tensor1D {
  const nll = softmaxCrossEntropy(logits, targets); // [B·T]
  const m = tf.reshape(mask, [B, -1]); // [B, T]
  const num = tf.sum(tf.mul(tf.reshape(nll, [B, -1]), m), 1);
  return tf.div(num, tf.maximum(tf.sum(m, 1), 1)) as tf.Tensor1D;
}

/**
 * Exact match per example [B]: 1 when the argmax prediction equals the target at every masked
 * position (teacher forcing), else 0.
 */
export function exactMatch(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  mask: tf.Tensor1D,
  B: number,
): tf.Tensor1D {
  const wrong = tf.mul(tf.cast(tf.notEqual(tf.argMax(logits, 1), targets), 'float32'), mask);
  return tf.cast(tf.equal(tf.sum(tf.reshape(wrong, [B, -1]), 1), 0), 'float32') as tf.Tensor1D;
}
