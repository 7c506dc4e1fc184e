/** Variable creation that leaks nothing. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * tf.variable(x) shares x's data but leaves the tensor x itself alive (one tensor counted by
 * tf.memory() forever). This builds x in a tidy, wraps it, and disposes x.
 */
export function ownedVariable(make: () => tf.Tensor, trainable = true, name?: string): tf.Variable {
  const init = tf.tidy(make);
  const v = tf.variable(init, trainable, name);
  init.dispose();
  return v;
}
