/**
 * The model's losses on given batches, without gradients or an update: per-example losses (the
 * building block of the statistics' and probes' closures), mean losses of several batches, and
 * the held-out evaluation of every task. Each readback is one `data()` of a packed tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stackMany } from './many';
import type { GptConfig } from '../core/model-config';
import { forward } from './model/gpt';
import { exactMatch, perExampleLoss } from './model/loss';
import type { Weights } from './model/gpt';
import type { EvalResult } from '../core/trainer-types';
import type { Task, TaskBatch } from '../core/types';

/**
 * The model's logits and per-example losses on a batch (no dropout); call inside a tidy.
 * logits [n·T, V], loss [n].
 */
export function exampleLosses(
  params: Weights,
  model: GptConfig,
  batch: Pick<TaskBatch, 'n' | 'inputs' | 'targets' | 'mask'>,
) {
  const targets = tf.tensor1d(batch.targets, 'int32');
  const mask = tf.tensor1d(batch.mask);
  const logits = forward(
    params,
    model,
    tf.tensor2d(batch.inputs, [batch.n, model.context], 'int32'),
  );
  return { logits, targets, mask, loss: perExampleLoss(logits, targets, mask, batch.n) };
}

/** Each batch's mean per-example loss at the current parameters (one readback). */
export async function meanLosses(
  params: Weights,
  model: GptConfig,
  batches: TaskBatch[],
): Promise<Float64Array> {
  const packed = tf.tidy(() =>
    stackMany(batches.map((p) => tf.mean(exampleLosses(params, model, p).loss) as tf.Scalar)),
  );
  const loss = Float64Array.from(await packed.data());
  packed.dispose();
  return loss;
}

/** Held-out loss (and exact-match accuracy where the task defines it) of every task. */
export async function evaluateTasks(
  params: Weights,
  model: GptConfig,
  tasks: readonly Task[],
  step: number,
): Promise<EvalResult> {
  const packed = tf.tidy(() =>
    stackMany(
      tasks.map((t) => {
        const v = t.validation();
        const { logits, targets, mask, loss } = exampleLosses(params, model, v);
        return tf.stack([tf.mean(loss), tf.mean(exactMatch(logits, targets, mask, v.n))]);
      }),
    ),
  );
  const data = await packed.data();
  packed.dispose();
  const K = tasks.length;
  return {
    type: 'eval',
    step,
    valLoss: Float64Array.from({ length: K }, (_, k) => data[2 * k]),
    accuracy: Float64Array.from({ length: K }, (_, k) =>
      tasks[k].metric === 'accuracy' ? data[2 * k + 1] : NaN,
    ),
  };
}
