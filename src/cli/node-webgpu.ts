/**
 * tfjs's webgpu backend in Node, through the `webgpu` package (Dawn's Node bindings): the engine
 * on a real GPU without a browser (`npm run bench:gpu`), and on SwiftShader's CPU Vulkan for
 * tests on machines without one. Needs a Vulkan loader (Debian's libvulkan1) and a driver: the
 * GPU's, or SwiftShader's ICD from Debian's chromium package (`swiftshader: true`).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // every kernel gradient, as in node-backend.ts

/** SwiftShader's Vulkan driver as Debian's chromium package ships it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface NodeWebGpu {
  /** Vendor and architecture as the adapter reports them, e.g. "nvidia hopper". */
  adapter: string;
  maxStorageBuffersPerShaderStage: number;
}

interface WebGpuBackendLike {
  adapterInfo?: { vendor?: string; architecture?: string; device?: string; description?: string };
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
}

/**
 * Gives Node a navigator.gpu, registers and selects the webgpu backend. Throws with the reason
 * when no adapter is found. tfjs-backend-webgpu registers itself at import only when
 * navigator.gpu exists, so it is imported here, after the globals are in place.
 */
export async function useNodeWebGpu(opts: { swiftshader?: boolean } = {}): Promise<NodeWebGpu> {
  if (opts.swiftshader) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (!nav?.gpu) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(nav ?? {}), gpu: create([]) },
      configurable: true,
      writable: true,
    });
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  tf.env().set('PROD', true);
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) {
    throw new Error(
      'no WebGPU adapter in Node (needs a Vulkan loader, libvulkan1, and a GPU driver' +
        (opts.swiftshader ? `, or SwiftShader at ${SWIFTSHADER_ICD}` : '') +
        ')',
    );
  }
  await tf.ready();
  const b = tf.backend() as unknown as WebGpuBackendLike;
  const info = b.adapterInfo ?? {};
  return {
    adapter: [info.vendor, info.architecture, info.device, info.description]
      .filter((x) => x)
      .join(' '),
    maxStorageBuffersPerShaderStage: b.device.limits.maxStorageBuffersPerShaderStage,
  };
}
