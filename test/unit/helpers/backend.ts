/**
 * Test backend setup: the cpu backend by default (deterministic, always there); set
 * TFJS_BACKEND=wasm to run a file on wasm. Import this first in every tfjs test file.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers every kernel gradient (tfjs-core's ESM files cannot load in Node, and its Node
// bundle carries no gradients) and the cpu backend; the engine itself imports tfjs-core only.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useBackend(name = process.env.TFJS_BACKEND ?? 'cpu'): Promise<void> {
  // Silence tfjs's "install tfjs-node" banner. (Not IS_TEST: it turns on a kernel leak check
  // that misfires on wasm's composite ops.)
  tf.env().set('PROD', true);
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}
