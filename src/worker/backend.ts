/**
 * Picks the tfjs backend in the worker: webgpu → webgl → wasm → cpu, the first that initialises
 * wins; a forced backend (?backend=NAME) is tried first. Reports the WebGPU adapter and why any
 * earlier backend was skipped. The wasm binaries are bundled and served by the app (offline).
 */
import * as tf from '@tensorflow/tfjs-core';
// The worker bundles tfjs-core, the gradients and four backends: not the tfjs union package
// (layers, converter, data).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_CHAIN, type BackendInfo, type BackendName } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** The parts of tfjs's WebGPU backend object we read (it is not exported with types). */
interface WebGpuBackendLike {
  device?: { lost?: Promise<{ reason?: string; message?: string }> };
  adapterInfo?: { vendor?: string; architecture?: string };
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  if (name === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
    if (!(await gpu.requestAdapter())) throw new Error('no WebGPU adapter is available');
  }
  if (!(await tf.setBackend(name))) throw new Error('failed to initialise');
  await tf.ready();
  if (name !== 'webgpu') return undefined;
  const info = (tf.backend() as unknown as WebGpuBackendLike).adapterInfo;
  const parts = [info?.vendor, info?.architecture].filter((x) => x);
  return parts.length > 0 ? parts.join(' ') : 'WebGPU adapter (no description given)';
}

/** Initialises the first working backend; throws only when none works. */
export async function initBackend(forced?: BackendName): Promise<BackendInfo> {
  const chain = forced ? [forced, ...BACKEND_CHAIN.filter((b) => b !== forced)] : BACKEND_CHAIN;
  const skipped: string[] = [];
  for (const name of chain) {
    try {
      const adapter = await tryBackend(name);
      return {
        name,
        ...(adapter ? { adapter } : {}),
        ...(skipped.length ? { fallbackReason: skipped.join('; ') } : {}),
      };
    } catch (e) {
      skipped.push(`${name}${name === forced ? ' (requested)' : ''}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend could start (${skipped.join('; ')})`);
}

/** Resolves when the WebGPU device is lost (never, on other backends). */
export function deviceLost(): Promise<string> {
  const lost = (tf.backend() as unknown as WebGpuBackendLike).device?.lost;
  return lost
    ? lost.then((i) => i.message || i.reason || 'the GPU device was lost')
    : new Promise(() => {});
}
