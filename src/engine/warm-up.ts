/**
 * WebGPU pipeline warm-up. On webgpu every distinct kernel (shader and shapes) is compiled the
 * first time it runs, one after another, so the first training step of a fresh page is mostly
 * compilation. With tfjs's WEBGPU_ENGINE_COMPILE_ONLY flag kernels are compiled (asynchronously,
 * in parallel: createComputePipelineAsync) but not run; then checkCompileCompletionAsync waits
 * for all of them. The pass runs on a throwaway trainer with the same config: same shapes, same
 * shader keys, so the real trainer finds every pipeline cached, and compile-only outputs (never
 * written) touch nothing that is kept. No-op on other backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfigInput } from '../core/config/run-config';
import type { CorpusLoader } from '../core/tasks/corpus';
import { Trainer } from './trainer';

interface CompilingBackend {
  checkCompileCompletionAsync(): Promise<void>;
}

/**
 * Compiles the pipelines of a training step, a statistics step and an evaluation of `config`.
 * Returns the milliseconds it took, or null when the backend is not webgpu.
 */
export async function warmUpPipelines(
  config: RunConfigInput,
  corpus: CorpusLoader,
): Promise<number | null> {
  if (tf.getBackend() !== 'webgpu') return null;
  const t0 = performance.now();
  const scratch = await Trainer.create(config, corpus);
  tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', true);
  try {
    // Readbacks in these calls return unwritten buffers: their numbers are meaningless and a
    // "diverged" verdict on them is expected; only the compiled pipelines matter.
    await scratch.trainStep().catch(() => undefined);
    await scratch.gradStats().catch(() => undefined);
    await scratch.evaluate().catch(() => undefined);
  } finally {
    tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', false);
    scratch.dispose();
  }
  await (tf.backend() as unknown as CompilingBackend).checkCompileCompletionAsync();
  return performance.now() - t0;
}
