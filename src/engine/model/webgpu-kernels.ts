/**
 * A replacement for tfjs-backend-webgpu 4.22's AddN, which binds every input as a storage
 * buffer: with more inputs than the device's maxStorageBuffersPerShaderStage − 1 (7 on the
 * default limit of 8) the pipeline is invalid and the sum silently comes out wrong (0 for eight
 * scalars 1..8, seen in Chromium and in Node through Dawn). tfjs's own webgpu Concat already
 * splits its inputs by that limit; this AddN does the same: partial sums of groups that fit, then
 * the sum of the partials. Installed when the engine first runs on webgpu; restored in
 * reference mode.
 *
 * The install also raises WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (dispatches recorded before a
 * submit) from tfjs's 15 to 60: on an NVIDIA H100 through Dawn (`npm run bench:gpu`) a training
 * step of the default model took 168 ms at 1, 140 at 15, 135 at 30, 132 at 60, 130 at 120.
 * Readbacks submit anyway, so a larger batch delays nothing the page waits for.
 */
import * as tf from '@tensorflow/tfjs-core';

interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: tf.DataId): void;
}

let original: tf.KernelConfig | null = null;

/** Measured: see above. */
export const DEFERRED_SUBMIT_BATCH_SIZE = 60;

function addN(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  const backend = args.backend as WebGpuBackendLike;
  const fits = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
  const run = (xs: tf.TensorInfo[]) =>
    original!.kernelFunc({ inputs: xs as never, backend: args.backend as never }) as tf.TensorInfo;
  if (inputs.length <= fits) return run(inputs);
  const partials: tf.TensorInfo[] = [];
  for (let i = 0; i < inputs.length; i += fits) partials.push(run(inputs.slice(i, i + fits)));
  const out = addN({ inputs: partials as never, backend: args.backend });
  for (const p of partials) backend.disposeData(p.dataId);
  return out;
}

/** Installs the grouped AddN if the webgpu backend's kernels are registered; idempotent. */
export function installWebGpuKernels(): void {
  if (original) return;
  const own = tf.getKernel('AddN', 'webgpu');
  if (!own) return;
  original = own;
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', DEFERRED_SUBMIT_BATCH_SIZE);
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({
    kernelName: 'AddN',
    backendName: 'webgpu',
    kernelFunc: addN as tf.KernelFunc,
  });
}

/** Puts tfjs's own webgpu AddN back. */
export function restoreWebGpuKernels(): void {
  if (!original) return;
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel(original);
  original = null;
}
