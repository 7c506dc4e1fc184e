/**
 * The tfjs backends the worker can run on, and switching between them. The worker bundles
 * tfjs-core, the gradients and four backends (not the tfjs union package: layers, converter,
 * data). The wasm binaries are bundled and served by the app (offline); on a cross-origin-
 * isolated page (COOP + COEP headers) tfjs-backend-wasm loads the threaded SIMD binary by itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { softwareWebGpuReason, type AdapterInfoLike } from './backend-detect';
import type { BackendName, WasmBinary } from '../core/protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/**
 * Firefox (Gecko): no wasm threads. On a cross-origin-isolated page tfjs loads the threaded SIMD
 * binary, whose Emscripten runtime starts a pool of 8 nested `blob:` workers from the training
 * worker and waits until every one reports "loaded". In Firefox ESR 153 here that start never
 * finished on about a third of page loads: 0 or 1 of the 8 pool workers ever answered, with no
 * error, and sometimes the training worker itself stopped answering. A page with nothing but
 * tfjs-core and the wasm backend in a module worker (the README's "Firefox" note has the
 * figures) hung in 3 of 7 loads under load with threads, and in 0 of 7 with the same page on the
 * SIMD binary without threads or without cross-origin isolation. tfjs's Emscripten glue is
 * prebuilt (no option to start the pool differently), so in Firefox the worker asks tfjs for the
 * SIMD binary without threads. What it costs: on a machine with 4 or more cores, threads would
 * run XNNPACK's matmuls on up to half of them; with 2 cores tfjs uses one thread anyway.
 */
const GECKO = /\bFirefox\//.test(globalThis.navigator?.userAgent ?? '');
const GECKO_NOTE =
  'no threads in Firefox: its start of the threaded binary hangs on some page loads (README, "Browser support")';
if (GECKO) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

/** Why wasm runs without threads on a page that could have them, if it does. */
export function wasmThreadsNote(): string | undefined {
  return GECKO && globalThis.crossOriginIsolated ? GECKO_NOTE : undefined;
}

/**
 * Makes `name` tfjs's backend (initialising it on first use); throws if it cannot start.
 *
 * wasm threads: tfjs gives XNNPACK min(requested, 8, logical cores / 2) threads (it assumes
 * hyper-threads), and `setThreadsCount` can only lower that, so the default is kept. On these
 * 2-core machines that is 1 thread; forcing 2 (by reporting more cores to tfjs) measured 0.55x
 * the tokens/s of 1, as the training thread then competes with the page and the pool's helper.
 */
export async function switchTo(name: BackendName): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to initialise`);
  await tf.ready();
}

/** Which wasm binary tfjs loads here: threaded SIMD needs a cross-origin-isolated page. */
export async function wasmBinary(): Promise<WasmBinary> {
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  return simd && threads ? 'threaded-simd' : simd ? 'simd' : 'plain';
}

/** Threads the wasm backend runs on (1 unless the page is cross-origin isolated), if started. */
export function wasmThreads(): number | undefined {
  try {
    return getThreadsCount();
  } catch {
    return undefined; // not initialised
  }
}

/** Frees a backend the worker will not use (a GPU context or device), keeping the current one. */
export function releaseBackend(name: BackendName): void {
  if (name === tf.getBackend() || !tf.engine().registry[name]) return;
  try {
    tf.removeBackend(name);
  } catch {
    // Freeing is best effort: a backend that fails to dispose only keeps its memory.
  }
}

/** The parts of tfjs's WebGPU backend object we read (it is not exported with types). */
interface WebGpuBackendLike {
  device?: { lost?: Promise<{ reason?: string; message?: string }> };
  adapterInfo?: AdapterInfoLike;
}

/** True when tfjs runs on webgpu through a hardware adapter (not SwiftShader or a fallback). */
export function onHardwareWebGpu(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const info = (tf.backend() as unknown as WebGpuBackendLike).adapterInfo ?? {};
  return softwareWebGpuReason(info) === undefined;
}

/** Live tensors and their bytes on the current backend. */
export function memoryInUse(): { tensors: number; bytes: number } {
  const m = tf.memory();
  return { tensors: m.numTensors, bytes: m.numBytes };
}

/** Resolves when the WebGPU device is lost (never, on other backends). */
export function deviceLost(): Promise<string> {
  const lost = (tf.backend() as unknown as WebGpuBackendLike).device?.lost;
  return lost
    ? lost.then((i) => i.message || i.reason || 'the GPU device was lost')
    : new Promise(() => {});
}
