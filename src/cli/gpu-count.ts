/**
 * Counts what the engine asks of the GPU on tfjs's webgpu backend in Node (Dawn, through the
 * `webgpu` package): compute dispatches and queue submits, and which tfjs programs issue them.
 * Works on SwiftShader (no GPU needed): `npm run bench:gpu -- --swiftshader --count`.
 *
 * How: Dawn's `GPUComputePassEncoder.prototype.dispatchWorkgroups` and `GPUQueue.prototype.submit`
 * are wrapped to count calls, and the backend's `runWebGPUProgram` to name the program of each
 * dispatch (its class name, e.g. MatMulPackedProgram). Counts only, no timing: the figure that
 * sets a GPU step's speed when the GPU itself idles (issue 18: 378 dispatches a step).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface GpuCount {
  dispatches: number;
  submits: number;
  /** Dispatches per tfjs program class. */
  programs: Map<string, number>;
}

interface Counter {
  /** Counts since the last `take()`, and resets them. */
  take(): GpuCount;
}

type Proto = Record<string, (...args: unknown[]) => unknown>;

/** Wraps Dawn's dispatch and submit and tfjs's program runner; call once, on webgpu. */
export function installGpuCounter(): Counter {
  let current: GpuCount = { dispatches: 0, submits: 0, programs: new Map() };
  const g = globalThis as unknown as Record<string, { prototype: Proto } | undefined>;
  const pass = g.GPUComputePassEncoder?.prototype;
  const queue = g.GPUQueue?.prototype;
  if (!pass || !queue) throw new Error('no WebGPU classes in this process (useNodeWebGpu first)');
  const dispatch = pass.dispatchWorkgroups;
  pass.dispatchWorkgroups = function (this: unknown, ...args: unknown[]) {
    current.dispatches++;
    return dispatch.apply(this, args);
  };
  const submit = queue.submit;
  queue.submit = function (this: unknown, ...args: unknown[]) {
    current.submits++;
    return submit.apply(this, args);
  };
  const backend = tf.backend() as unknown as { runWebGPUProgram: (...args: unknown[]) => unknown };
  const run = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (...args: unknown[]) => {
    const program = args[0] as { label?: string; constructor: { name: string } };
    const name = program.label ?? program.constructor.name; // label: the engine's Pike… kernels
    current.programs.set(name, (current.programs.get(name) ?? 0) + 1);
    return run(...args);
  };
  return {
    take() {
      const out = current;
      current = { dispatches: 0, submits: 0, programs: new Map() };
      return out;
    },
  };
}

/** "MatMulPackedProgram 96, BinaryOpProgram 80, …": the `n` programs dispatched most. */
export function topPrograms(c: GpuCount, n = 10, per = 1): string {
  return [...c.programs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${(v / per).toFixed(per === 1 ? 0 : 1)}`)
    .join(', ');
}
