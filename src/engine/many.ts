/**
 * addN / concat / stack over many tensors, in groups of at most MAX_INPUTS.
 *
 * Why: tfjs-backend-webgpu 4.22 binds one storage buffer per kernel input, and with 8 or more
 * inputs (the WebGPU default limit maxStorageBuffersPerShaderStage is 8) addN and concat
 * silently return wrong numbers — measured in Chromium on SwiftShader: addN of 8 scalars 1..8
 * gave 28, concat of 8 vectors garbled them. Every variable-length reduction in the engine
 * (gradient norms, flattened gradients, per-step losses) goes through these helpers.
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

/** Σ xs (same shapes), as a tree of addN calls of at most MAX_INPUTS inputs. */
export function addMany<T extends tf.Tensor>(xs: T[]): T {
  return grouped(xs, (g) => tf.addN(g) as T);
}

/** Concatenation along `axis`, as nested concats of at most MAX_INPUTS inputs (order kept). */
export function concatMany<T extends tf.Tensor>(xs: T[], axis = 0): T {
  return grouped(xs, (g) => tf.concat(g, axis) as T);
}

/** Stack along a new first axis. */
export function stackMany(xs: tf.Tensor[]): tf.Tensor {
  return concatMany(xs.map((x) => tf.expandDims(x, 0)));
}
