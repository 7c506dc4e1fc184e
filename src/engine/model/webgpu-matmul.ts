/**
 * A tiled matrix product for the fused training step (webgpu-step.ts) whose loads and store are
 * WGSL snippets, so that one program does what tfjs needs several dispatches for:
 *
 *   result ← store(m, n, Σ_k loadA(m, k) · loadB(k, n))   for m < M, n < N
 *
 * - loads read the operands where they lie: a weight straight out of the flat parameter vector
 *   θ at its offset (no slice), transposed by index (no transpose kernel), an activation row with
 *   any stride (LayerNorm outputs carry their row statistics in two extra columns), or GELU
 *   applied on load (the MLP's hidden layer is stored before its activation);
 * - `biasRow` stores B's column sums as one more output row, so that a weight gradient
 *   [Cin, Cout] = Xᵀ·dy and its bias gradient [Cout] = Σ_rows dy come out of ONE product as the
 *   [Cin + 1, Cout] block they occupy in θ (W then b);
 * - the store adds a bias and a residual, multiplies by GELU′ (the backward through the
 *   activation), or writes into the flat gradient vector at an offset (the output binding is then
 *   that vector, passed to runWebGPUProgram as its output).
 * It replaces tfjs's matMul + bias add + residual add + transpose + column-sum kernels, and the
 * slices and concats a flat parameter vector would otherwise cost.
 *
 * Tiling: a workgroup of 64 threads computes a 32×32 tile of the result, each thread a 4×4 block
 * in four vec4 registers; A and B go through workgroup memory as vec4s, 32 values of k at a
 * time (vec4 arithmetic made it 1.9x faster than scalar code on SwiftShader, and faster than
 * tfjs's own packed matmul: 160 vs 248 ms for [1024, 64]·[64, 256], 56 vs 103 ms for a
 * [64, 1024]·[1024, 256] weight gradient; scratch measurement, one run each). Workgroups are
 * numbered along N first. M, N, K and four offsets (o0..o3, meaning what the snippets say) are
 * uniforms, so every layer of a model shares one compiled pipeline per variant.
 */
import type { Program } from './webgpu-program';

const TILE = 32;

export interface MatMulSpec {
  /** Names the variant (the snippets): part of the shader key. */
  key: string;
  /** Input bindings, in the order the inputs are passed. Every one must be read. */
  inputs: string[];
  /** WGSL expression of (m, k) → f32; inside the bounds only. */
  loadA: string;
  /** WGSL expression of (k, n) → f32. */
  loadB: string;
  /** WGSL statements storing `v` (the sum) for output (m, n), e.g. `result[m * uniforms.N + n] = v;` */
  store: string;
  /** Extra WGSL (helper functions) the snippets use. */
  prelude?: string;
  /**
   * Also store row M as the column sums of B (Σ_k loadB(k, n)): the bias gradient under a
   * weight gradient, i.e. [A; 1]·B with A's ones row never multiplied. Summed from the B tiles
   * already in workgroup memory by one row of threads.
   */
  biasRow?: boolean;
}

/** The program of `spec`; run it with `matMulUniforms(M, N, K, offsets)`. */
export function matMulProgram(
  spec: MatMulSpec,
  M: number,
  N: number,
  outputShape: number[],
): Program {
  const groups = Math.ceil(M / TILE) * Math.ceil(N / TILE);
  return {
    label: `PikeMatMul_${spec.key}`,
    variableNames: spec.inputs,
    outputShape,
    shaderKey: `pikeMatMul_${spec.key}`, // the spec's snippets are fixed per key
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [groups, 1, 1],
    workgroupSize: [64, 1, 1],
    uniforms: 'M : i32, N : i32, K : i32, o0 : i32, o1 : i32, o2 : i32, o3 : i32,',
    getUserCode: () => `
      // Tiles in workgroup memory as vec4s: As[k][rows 4r..4r+3], Bs[k][cols 4c..4c+3].
      var<workgroup> As : array<vec4<f32>, ${TILE * (TILE / 4)}>;
      var<workgroup> Bs : array<vec4<f32>, ${TILE * (TILE / 4)}>;
      ${spec.prelude ?? ''}
      fn loadA(m : i32, k : i32) -> f32 { return ${spec.loadA}; }
      fn loadB(k : i32, n : i32) -> f32 { return ${spec.loadB}; }
      fn main(index : i32) {
        let tid = i32(localId.x);
        let g = index / 64;
        let tilesN = (uniforms.N + ${TILE - 1}) / ${TILE};
        let m0 = (g / tilesN) * ${TILE};
        let n0 = (g % tilesN) * ${TILE};
        let ty = tid / 8; // rows m0 + 4·ty ..
        let tx = tid % 8; // columns n0 + 4·tx ..
        var acc : array<vec4<f32>, 4>; // acc[j][i]: row 4·ty + i, column 4·tx + j
        var bsum = vec4<f32>(0.0);
        for (var k0 = 0; k0 < uniforms.K; k0 += ${TILE}) {
          for (var e = tid; e < ${TILE * TILE}; e += 64) {
            let r = e / ${TILE}; // A: row r, k c; B: k r, column c
            let c = e % ${TILE};
            var a = 0.0;
            if (m0 + r < uniforms.M && k0 + c < uniforms.K) { a = loadA(m0 + r, k0 + c); }
            As[c * ${TILE / 4} + r / 4][r % 4] = a;
            var b = 0.0;
            if (k0 + r < uniforms.K && n0 + c < uniforms.N) { b = loadB(k0 + r, n0 + c); }
            Bs[r * ${TILE / 4} + c / 4][c % 4] = b;
          }
          workgroupBarrier();
          for (var kk = 0; kk < ${TILE}; kk++) {
            let a4 = As[kk * ${TILE / 4} + ty];
            let b4 = Bs[kk * ${TILE / 4} + tx];
            acc[0] += a4 * b4.x;
            acc[1] += a4 * b4.y;
            acc[2] += a4 * b4.z;
            acc[3] += a4 * b4.w;
            ${spec.biasRow ? 'if (ty == 0) { bsum += b4; }' : ''}
          }
          workgroupBarrier();
        }
        for (var j = 0; j < 4; j++) {
          for (var i = 0; i < 4; i++) {
            let m = m0 + ty * 4 + i;
            let n = n0 + tx * 4 + j;
            if (m < uniforms.M && n < uniforms.N) {
              let v = acc[j][i];
              ${spec.store}
            }
          }
        }
        ${
          spec.biasRow
            ? `if (m0 == 0 && ty == 0) {
          for (var j = 0; j < 4; j++) {
            let m = uniforms.M;
            let n = n0 + tx * 4 + j;
            if (n < uniforms.N) {
              let v = bsum[j];
              ${spec.store}
            }
          }
        }`
            : ''
        }
      }`,
  };
}

/** The uniforms of a matMulProgram run: sizes and up to four offsets. */
export function matMulUniforms(M: number, N: number, K: number, offsets: number[] = []) {
  const o = [...offsets, 0, 0, 0, 0].slice(0, 4);
  return [M, N, K, ...o].map((x) => ({ type: 'int32' as const, data: [x] }));
}
