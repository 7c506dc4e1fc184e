/** Sets up tfjs in Node for the CLI: wasm (fast) or cpu; tfjs-node cannot install here. */
import * as tf from '@tensorflow/tfjs-core';
// Registers every kernel gradient (tfjs-core's ESM files cannot load in Node, and its Node
// bundle carries no gradients) and the cpu backend; the engine itself imports tfjs-core only.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useNodeBackend(name: 'wasm' | 'cpu'): Promise<void> {
  tf.env().set('PROD', true); // no debug checks, no "install tfjs-node" banner
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to initialise`);
  await tf.ready();
}
