/**
 * Causal attention in three fused WGSL kernels for tfjs's webgpu backend (the shape:
 * webgpu-program.ts), straight from the fused qkv projection (B batch, T positions, H heads,
 * D = C/H head size):
 * - PikeAttention       qkv [B·T,3C] → y [B·T,C]                the head split (transpose,
 *                       3 slices), q·kᵀ, scale, causal mask, softmax, att·v, transpose back
 * - PikeAttentionStats  qkv, dy [B·T,C] → [B·H·T,2] (lse, Δ = dy·y)   backward only
 * - PikeAttentionGrad   qkv, dy, stats → dqkv [B·T,3C]          ~14 kernels of autodiff
 *
 * Attention is FlashAttention's online softmax with one thread per (batch, head, position) and
 * its q, accumulator (and in the gradient k, v, dy) rows in registers: no [T, T] matrix is ever
 * stored. The backward pass recomputes the probabilities from the log-sum-exp of each row
 * (Dao et al. 2022, Algorithm 4 without tiling): with s_ts = (q_t·k_s)/√D for s ≤ t,
 * P_ts = exp(s_ts − lse_t), dP_ts = dy_t·v_s, Δ_t = Σ_s P_ts dP_ts = dy_t·y_t, dS = P∘(dP − Δ):
 *   dQ_i = Σ_{s≤i} dS_is k_s/√D,   dK_i = Σ_{t≥i} dS_ti q_t/√D,   dV_i = Σ_{t≥i} P_ti dy_t.
 * Head sizes up to MAX_HEAD (registers hold D floats); larger heads take the plain path.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { f, flatProgram, units, type Program, type Uniform } from './webgpu-program';

/** The largest head size the attention kernels hold in registers. */
export const MAX_HEAD = 64;

/** Shared preamble of the attention kernels: thread (b, h, t) and its rows' offsets. */
function attentionHead(D: number): string {
  return `
    let T = uniforms.T;
    let H = uniforms.H;
    let C = H * D;
    let C3 = 3 * C;
    let t = index % T;
    let bh = index / T;
    let h = bh % H;
    let b = bh / H;
    let scale = ${f(1 / Math.sqrt(D))};`;
}

/** Online softmax over s ≤ t: m, l and acc = Σ_s exp(score − m)·v_s (y_t = acc / l). */
const attentionForwardLoop = `
    var q : array<f32, D>;
    var acc : array<f32, D>;
    let qo = (b * T + t) * C3 + h * D;
    for (var d = 0; d < D; d++) { q[d] = qkv[qo + d] * scale; acc[d] = 0.0; }
    var m = -3.402823e+38;
    var l = 0.0;
    for (var s = 0; s <= t; s++) {
      let ko = (b * T + s) * C3 + C + h * D;
      var dot = 0.0;
      for (var d = 0; d < D; d++) { dot += q[d] * qkv[ko + d]; }
      let mNew = max(m, dot);
      let corr = exp(m - mNew);
      let p = exp(dot - mNew);
      l = l * corr + p;
      for (var d = 0; d < D; d++) { acc[d] = acc[d] * corr + p * qkv[ko + C + d]; }
      m = mNew;
    }`;

function attention(B: number, T: number, H: number, D: number): Program {
  const n = B * H * T;
  return flatProgram(
    `pikeAttention_${D}`,
    ['qkv'],
    [B * T, H * D],
    n,
    `${attentionHead(D)}
    ${attentionForwardLoop}
    let yo = (b * T + t) * C + h * D;
    for (var d = 0; d < D; d++) { result[yo + d] = acc[d] / l; }`,
    'T : i32, H : i32,',
    `const D = ${D};`,
  );
}

function attentionStats(B: number, T: number, H: number, D: number): Program {
  return flatProgram(
    `pikeAttentionStats_${D}`,
    ['qkv', 'dy'],
    [B * H * T, 2],
    B * H * T,
    `${attentionHead(D)}
    ${attentionForwardLoop}
    let yo = (b * T + t) * C + h * D;
    var delta = 0.0;
    for (var d = 0; d < D; d++) { delta += dy[yo + d] * acc[d] / l; }
    result[index * 2] = m + log(l);
    result[index * 2 + 1] = delta;`,
    'T : i32, H : i32,',
    `const D = ${D};`,
  );
}

function attentionGrad(B: number, T: number, H: number, D: number): Program {
  // Thread (b, h, i) writes dQ_i, dK_i and dV_i of head h: row b·T + i of dqkv.
  return flatProgram(
    `pikeAttentionGrad_${D}`,
    ['qkv', 'dy', 'stats'],
    [B * T, 3 * H * D],
    B * H * T,
    `${attentionHead(D)}
    let i = t;
    let row = (b * T + i) * C3 + h * D;
    let base = bh * T; // stats row of (b, h, 0)
    var qi : array<f32, D>;
    var dyi : array<f32, D>;
    var ki : array<f32, D>;
    var vi : array<f32, D>;
    var dq : array<f32, D>;
    var dk : array<f32, D>;
    var dv : array<f32, D>;
    let yo = (b * T + i) * C + h * D;
    for (var d = 0; d < D; d++) {
      qi[d] = qkv[row + d];
      ki[d] = qkv[row + C + d];
      vi[d] = qkv[row + 2 * C + d];
      dyi[d] = dy[yo + d];
      dq[d] = 0.0; dk[d] = 0.0; dv[d] = 0.0;
    }
    let lseI = stats[(base + i) * 2];
    let deltaI = stats[(base + i) * 2 + 1];
    for (var s = 0; s <= i; s++) {
      let ko = (b * T + s) * C3 + C + h * D;
      var dot = 0.0;
      var dp = 0.0;
      for (var d = 0; d < D; d++) { dot += qi[d] * qkv[ko + d]; dp += dyi[d] * qkv[ko + C + d]; }
      let p = exp(dot * scale - lseI);
      let ds = p * (dp - deltaI) * scale;
      for (var d = 0; d < D; d++) { dq[d] += ds * qkv[ko + d]; }
    }
    for (var t2 = i; t2 < T; t2++) {
      let qo = (b * T + t2) * C3 + h * D;
      let go = (b * T + t2) * C + h * D;
      var dot = 0.0;
      var dp = 0.0;
      for (var d = 0; d < D; d++) { dot += qkv[qo + d] * ki[d]; dp += dy[go + d] * vi[d]; }
      let p = exp(dot * scale - stats[(base + t2) * 2]);
      let ds = p * (dp - stats[(base + t2) * 2 + 1]) * scale;
      for (var d = 0; d < D; d++) { dk[d] += ds * qkv[qo + d]; dv[d] += p * dy[go + d]; }
    }
    for (var d = 0; d < D; d++) {
      result[row + d] = dq[d];
      result[row + C + d] = dk[d];
      result[row + 2 * C + d] = dv[d];
    }`,
    'T : i32, H : i32,',
    `const D = ${D};`,
  );
}

type Make = (B: number, T: number, H: number, D: number) => Program;

/** The kernel's program and uniforms for inputs whose first is qkv, with attributes T and H. */
function build(make: Make) {
  return ([qkv]: tf.TensorInfo[], a: Record<string, number>): [Program, Uniform[]] => {
    const [B, T, H, D] = [qkv.shape[0] / a.T, a.T, a.H, qkv.shape[1] / (3 * a.H)];
    const uniforms: Uniform[] = [
      units(B * H * T),
      { type: 'int32', data: [T] },
      { type: 'int32', data: [H] },
    ];
    return [make(B, T, H, D), uniforms];
  };
}

export const ATTENTION_BUILDS = {
  PikeAttention: build(attention),
  PikeAttentionStats: build(attentionStats),
  PikeAttentionGrad: build(attentionGrad),
};
