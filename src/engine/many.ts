/**
 * concat / stack over many tensors, in groups of at most MAX_INPUTS.
 *
 * Why: tfjs-backend-webgpu 4.22 binds one storage buffer per kernel input, and the WebGPU
 * default limit maxStorageBuffersPerShaderStage is 8. Its AddN breaks past 7 inputs (fixed at
 * the kernel: model/webgpu-kernels.ts). Its Concat splits its inputs by that limit itself, and did
 * so correctly in Node through Dawn; concat of 8 vectors was seen garbled once in Chromium on
 * SwiftShader, so the engine's variable-length concatenations (flattened gradients, per-step
 * losses) keep to small groups here: a few extra dispatches, no risk.
 */
import * as tf from '@tensorflow/tfjs-core';

export const MAX_INPUTS = 4;

function grouped<T extends tf.Tensor>(xs: T[], op: (group: T[]) => T): T {
  if (xs.length === 0) throw new Error('no tensors to combine');
  let level = xs;
  while (level.length > 1) {
    const next: T[] = [];
    for (let i = 0; i < level.length; i += MAX_INPUTS) {
      const group = level.slice(i, i + MAX_INPUTS);
      next.push(group.length === 1 ? group[0] : op(group));
    }
    level = next;
  }
  return level[0];
}

/** Concatenation along `axis`, as nested concats of at most MAX_INPUTS inputs (order kept). */
export function concatMany<T extends tf.Tensor>(xs: T[], axis = 0): T {
  return grouped(xs, (g) => tf.concat(g, axis) as T);
}

/** Stack along a new first axis. */
export function stackMany(xs: tf.Tensor[]): tf.Tensor {
  return concatMany(xs.map((x) => tf.expandDims(x, 0)));
}
