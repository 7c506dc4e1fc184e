/**
 * The shape the engine's fused WGSL kernels take (webgpu-programs.ts, webgpu-attention.ts):
 * plain objects in tfjs-backend-webgpu's WebGPUProgram form, run by the backend's
 * runWebGPUProgram. `variableNames` are the input bindings, read as flat arrays; `result` is
 * the one output; anything baked into the WGSL text must be in `shaderKey`. WebGPU's 'auto'
 * layout drops bindings a shader never reads, and the bind group tfjs makes for every input is
 * then invalid (the output stays zeros): every declared input must be read.
 */
import type * as tf from '@tensorflow/tfjs-core';

export const WG = 64; // threads per workgroup: one row per workgroup in the row kernels

export type Uniform = { type: 'int32' | 'float32'; data: number[] };

export interface Program {
  /** The kernel's name, for counts (`bench:gpu --count` names tfjs's programs by class). */
  label?: string;
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  getUserCode(): string;
}

export interface WebGpuRunner {
  runWebGPUProgram(
    program: Program,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: Uniform[],
    /** Writes into this tensor's buffer instead of a new one (the fused step's flat vectors). */
    output?: tf.TensorInfo,
  ): tf.TensorInfo;
}

/** A workgroup-wide sum and max over WG threads (tree reduction in workgroup memory). */
const REDUCE = `
  var<workgroup> red : array<f32, ${WG}>;
  fn wgSum(v : f32, tid : i32) -> f32 {
    red[tid] = v;
    workgroupBarrier();
    for (var s = ${WG / 2}; s > 0; s = s >> 1) {
      if (tid < s) { red[tid] = red[tid] + red[tid + s]; }
      workgroupBarrier();
    }
    let r = red[0];
    workgroupBarrier();
    return r;
  }
  fn wgMax(v : f32, tid : i32) -> f32 {
    red[tid] = v;
    workgroupBarrier();
    for (var s = ${WG / 2}; s > 0; s = s >> 1) {
      if (tid < s) { red[tid] = max(red[tid], red[tid + s]); }
      workgroupBarrier();
    }
    let r = red[0];
    workgroupBarrier();
    return r;
  }
`;

/** One workgroup of WG threads per output row (or per `groups` units). */
export function rowProgram(
  key: string,
  variableNames: string[],
  outputShape: number[],
  groups: number,
  body: string,
  uniforms?: string,
): Program {
  return {
    label: key,
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [groups, 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms,
    getUserCode: () => `${REDUCE}
      fn main(index : i32) {
        let row = index / ${WG};
        let tid = i32(localId.x);
        ${body}
      }`,
  };
}

/** One thread per unit of `units`, WG to a workgroup. */
export function flatProgram(
  key: string,
  variableNames: string[],
  outputShape: number[],
  units: number,
  body: string,
  uniforms = '',
  prelude = '',
): Program {
  return {
    label: key,
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(units / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms: `units : i32, ${uniforms}`,
    getUserCode: () => `${prelude}
      fn main(index : i32) {
        if (index >= uniforms.units) { return; }
        ${body}
      }`,
  };
}

/** A number as a WGSL float literal. */
export const f = (x: number) => x.toPrecision(9);

/** A one-int uniform (the thread count of a flat program). */
export const units = (n: number): Uniform => ({ type: 'int32', data: [n] });
