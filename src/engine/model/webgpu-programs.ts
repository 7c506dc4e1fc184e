/**
 * Fused WGSL kernels for tfjs's webgpu backend: each replaces a chain of tfjs kernels (each one
 * a compute dispatch, with its own uniform buffer and bind group) by one dispatch. Issue 18 counted
 * 379 dispatches in a plain training step of the multilingual model (`npm run bench:gpu --
 * --swiftshader --count`); at a few tens of µs of CPU per dispatch that, not the GPU, set the
 * step's time.
 *
 * Each kernel is a class in tfjs's WebGPUProgram shape (variableNames are the input bindings,
 * read as flat arrays; `result` is the one output; anything baked into the WGSL text is in
 * shaderKey), registered as a tfjs kernel for 'webgpu' (named `Pike…`) and run through
 * `tf.engine().runKernel`, so tf.profile names it and tidy owns its output. kernels.ts calls
 * them inside tf.customGrad on webgpu only; every other backend keeps the plain formulation.
 *
 * Shapes (N rows, C columns; B batch, T positions, H heads, D = C/H head size, P parameters):
 * - PikeLayerNorm         x [N,C], g [C], b [C] → y [N,C]       replaces mean, sub, square, mean,
 *                                                                add, rsqrt, mul, mul, add (9)
 * - PikeLayerNormStats    x [N,C] → [N,2] (mean, 1/√(var+ε))     backward only
 * - PikeLayerNormGradX    x, g, dy [N,C], stats → dx [N,C]        ~8 kernels
 * - PikeLayerNormGradG    x, dy [N,C], stats → dg [C];  PikeLayerNormGradB  dy → db [C]
 *                                                                mul and two column sums
 * - PikeGelu / PikeGeluGrad  elementwise; 6 and 8 kernels
 * - PikeCrossEntropy      z [N,V], targets i32 [N] → [N]          oneHot, cast, max, sub, exp,
 *                                                                sum, log, mul, sum, sub, div
 * - PikeCrossEntropyGrad  z, targets, dy [N] → [N,V]             sub, mul (and the saved softmax)
 * - PikeAttention         qkv [B·T,3C] → y [B·T,C]                the head split (transpose,
 *                         3 slices), q·kᵀ, scale, causal mask, softmax, att·v, transpose back
 * - PikeAttentionStats    qkv, dy [B·T,C] → [B·H·T,2] (lse, Δ = dy·y)   backward only
 * - PikeAttentionGrad     qkv, dy, stats → dqkv [B·T,3C]          ~14 kernels of autodiff
 * - PikeClipScale         g [P] → [2] (‖g‖₂, min(1, c/(‖g‖₂+1e-6)) or 1)  square, sum, sqrt, …
 * - PikeAdamMoment        g [P], m [P], ns [2] → m' [P] (β g·scale or β (g·scale)²)
 * - PikeAdamApply         p [n], m [P], v [P] → p' [n]           slice, reshape, div, sqrt, sub…
 *
 * Attention is FlashAttention's online softmax with one thread per (batch, head, position) and
 * its q, accumulator (and in the gradient k, v, dy) rows in registers: no [T, T] matrix is ever
 * stored. The backward pass recomputes the probabilities from the log-sum-exp of each row
 * (Dao et al. 2022, Algorithm 4 without tiling): with s_ts = (q_t·k_s)/√D for s ≤ t,
 * P_ts = exp(s_ts − lse_t), dP_ts = dy_t·v_s, Δ_t = Σ_s P_ts dP_ts = dy_t·y_t, dS = P∘(dP − Δ):
 *   dQ_i = Σ_{s≤i} dS_is k_s/√D,   dK_i = Σ_{t≥i} dS_ti q_t/√D,   dV_i = Σ_{t≥i} P_ti dy_t.
 * Head sizes up to MAX_HEAD (registers hold D floats); larger heads take the plain path.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The largest head size the attention kernels hold in registers. */
export const MAX_HEAD = 64;
const WG = 64; // threads per workgroup: one row per workgroup in the row kernels

type Uniform = { type: 'int32' | 'float32'; data: number[] };

interface Program {
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

interface WebGpuRunner {
  runWebGPUProgram(
    program: Program,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: Uniform[],
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
function rowProgram(
  key: string,
  variableNames: string[],
  outputShape: number[],
  groups: number,
  body: string,
  uniforms?: string,
): Program {
  return {
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
function flatProgram(
  key: string,
  variableNames: string[],
  outputShape: number[],
  units: number,
  body: string,
  uniforms = '',
  prelude = '',
): Program {
  return {
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

const LN_EPS = '1e-5';
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;
const f = (x: number) => x.toPrecision(9);

// ---- programs ----------------------------------------------------------------------------------

const layerNormRowStats = `
  let C = uniforms.xShape[1];
  var s = 0.0;
  for (var c = tid; c < C; c += ${WG}) { s += x[row * C + c]; }
  let mean = wgSum(s, tid) / f32(C);
  var q = 0.0;
  for (var c = tid; c < C; c += ${WG}) { let d = x[row * C + c] - mean; q += d * d; }
  let r = inverseSqrt(wgSum(q, tid) / f32(C) + ${LN_EPS});`;

function layerNorm(N: number, C: number): Program {
  return rowProgram(
    'pikeLayerNorm',
    ['x', 'g', 'b'],
    [N, C],
    N,
    `${layerNormRowStats}
    for (var c = tid; c < C; c += ${WG}) {
      result[row * C + c] = (x[row * C + c] - mean) * r * g[c] + b[c];
    }`,
  );
}

function layerNormStats(N: number): Program {
  return rowProgram(
    'pikeLayerNormStats',
    ['x'],
    [N, 2],
    N,
    `${layerNormRowStats}
    if (tid == 0) { result[row * 2] = mean; result[row * 2 + 1] = r; }`,
  );
}

function layerNormGradX(N: number, C: number): Program {
  return rowProgram(
    'pikeLayerNormGradX',
    ['x', 'g', 'dy', 'stats'],
    [N, C],
    N,
    `let C = uniforms.xShape[1];
    let mean = stats[row * 2];
    let r = stats[row * 2 + 1];
    var a = 0.0;
    var bx = 0.0;
    for (var c = tid; c < C; c += ${WG}) {
      let d = dy[row * C + c] * g[c];
      a += d;
      bx += d * (x[row * C + c] - mean) * r;
    }
    let meanD = wgSum(a, tid) / f32(C);
    let meanDX = wgSum(bx, tid) / f32(C);
    for (var c = tid; c < C; c += ${WG}) {
      let xhat = (x[row * C + c] - mean) * r;
      result[row * C + c] = r * (dy[row * C + c] * g[c] - meanD - xhat * meanDX);
    }`,
  );
}

/** dg_c = Σ_n dy·x̂: one workgroup per column c. */
function layerNormGradG(C: number): Program {
  return rowProgram(
    'pikeLayerNormGradG',
    ['x', 'dy', 'stats'],
    [C],
    C,
    `let N = uniforms.xShape[0];
    let C = uniforms.xShape[1];
    var s = 0.0;
    for (var n = tid; n < N; n += ${WG}) {
      s += dy[n * C + row] * (x[n * C + row] - stats[n * 2]) * stats[n * 2 + 1];
    }
    let total = wgSum(s, tid);
    if (tid == 0) { result[row] = total; }`,
  );
}

/** db_c = Σ_n dy: one workgroup per column c. (Every binding must be read: WebGPU's 'auto'
 * layout drops unused ones and the bind group tfjs makes for all inputs is then invalid.) */
function layerNormGradB(C: number): Program {
  return rowProgram(
    'pikeLayerNormGradB',
    ['dy'],
    [C],
    C,
    `let N = uniforms.dyShape[0];
    let C = uniforms.dyShape[1];
    var s = 0.0;
    for (var n = tid; n < N; n += ${WG}) { s += dy[n * C + row]; }
    let total = wgSum(s, tid);
    if (tid == 0) { result[row] = total; }`,
  );
}

// GELU as x·σ(2u), u = √(2/π)(x + 0.044715x³): see kernels.ts gelu.
const geluSigma = `
  let v = x[index];
  let s = 1.0 / (1.0 + exp(-v * (${f(2 * GELU_C)} + ${f(2 * GELU_C * GELU_A)} * v * v)));`;

function gelu(shape: number[], n: number): Program {
  return flatProgram('pikeGelu', ['x'], shape, n, `${geluSigma} result[index] = v * s;`);
}

function geluGrad(shape: number[], n: number): Program {
  return flatProgram(
    'pikeGeluGrad',
    ['x', 'dy'],
    shape,
    n,
    `${geluSigma}
    let slope = ${f(2 * GELU_C)} + ${f(6 * GELU_C * GELU_A)} * v * v;
    result[index] = dy[index] * (s + s * (1.0 - s) * v * slope);`,
  );
}

const crossEntropyRow = `
  let V = uniforms.zShape[1];
  var mx = -3.402823e+38;
  for (var c = tid; c < V; c += ${WG}) { mx = max(mx, z[row * V + c]); }
  let zmax = wgMax(mx, tid);
  var s = 0.0;
  for (var c = tid; c < V; c += ${WG}) { s += exp(z[row * V + c] - zmax); }
  let total = wgSum(s, tid);
  let tgt = targets[row];`;

function crossEntropy(N: number): Program {
  return rowProgram(
    'pikeCrossEntropy',
    ['z', 'targets'],
    [N],
    N,
    `${crossEntropyRow}
    if (tid == 0) { result[row] = zmax + log(total) - z[row * V + tgt]; }`,
  );
}

function crossEntropyGrad(N: number, V: number): Program {
  return rowProgram(
    'pikeCrossEntropyGrad',
    ['z', 'targets', 'dy'],
    [N, V],
    N,
    `${crossEntropyRow}
    for (var c = tid; c < V; c += ${WG}) {
      let hot = select(0.0, 1.0, c == tgt);
      result[row * V + c] = (exp(z[row * V + c] - zmax) / total - hot) * dy[row];
    }`,
  );
}

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

function clipScale(): Program {
  // One workgroup: Σ g² over all P, then the clip factor.
  return rowProgram(
    'pikeClipScale',
    ['g'],
    [2],
    1,
    `let P = uniforms.gShape;
    var s = 0.0;
    for (var i = tid; i < P; i += ${WG}) { s += g[i] * g[i]; }
    let norm = sqrt(wgSum(s, tid));
    if (tid == 0) {
      result[0] = norm;
      result[1] = select(1.0, min(1.0, uniforms.clip / (norm + 1e-6)), uniforms.clip > 0.0);
    }`,
    'clip : f32,',
  );
}

function adamMoment(P: number, squared: boolean): Program {
  return flatProgram(
    `pikeAdamMoment_${squared ? 'v' : 'm'}`,
    ['g', 'm', 'ns'],
    [P],
    P,
    `let gi = g[index] * ns[1];
    result[index] = uniforms.beta * m[index] + (1.0 - uniforms.beta) * ${squared ? 'gi * gi' : 'gi'};`,
    'beta : f32,',
  );
}

function adamApply(shape: number[], n: number): Program {
  return flatProgram(
    'pikeAdamApply',
    ['p', 'm', 'v'],
    shape,
    n,
    `let j = uniforms.offset + index;
    let u = uniforms.lrc1 * m[j] / (sqrt(v[j] * uniforms.ic2) + uniforms.eps);
    result[index] = p[index] - u - uniforms.decay * p[index];`,
    'offset : i32, lrc1 : f32, ic2 : f32, eps : f32, decay : f32,',
  );
}

// ---- kernels: registration and calls ------------------------------------------------------------

type Attrs = Record<string, number>;
type Build = (inputs: tf.TensorInfo[], attrs: Attrs) => [Program, Uniform[]];

const units = (n: number): Uniform => ({ type: 'int32', data: [n] });
const attentionUniforms = (n: number, a: Attrs): Uniform[] => [
  units(n),
  { type: 'int32', data: [a.T] },
  { type: 'int32', data: [a.H] },
];

const BUILDS: Record<string, Build> = {
  PikeLayerNorm: ([x]) => [layerNorm(x.shape[0], x.shape[1]), []],
  PikeLayerNormStats: ([x]) => [layerNormStats(x.shape[0]), []],
  PikeLayerNormGradX: ([x]) => [layerNormGradX(x.shape[0], x.shape[1]), []],
  PikeLayerNormGradG: ([x]) => [layerNormGradG(x.shape[1]), []],
  PikeLayerNormGradB: ([dy]) => [layerNormGradB(dy.shape[1]), []],
  PikeGelu: ([x]) => {
    const n = tf.util.sizeFromShape(x.shape);
    return [gelu(x.shape, n), [units(n)]];
  },
  PikeGeluGrad: ([x]) => {
    const n = tf.util.sizeFromShape(x.shape);
    return [geluGrad(x.shape, n), [units(n)]];
  },
  PikeCrossEntropy: ([z]) => [crossEntropy(z.shape[0]), []],
  PikeCrossEntropyGrad: ([z]) => [crossEntropyGrad(z.shape[0], z.shape[1]), []],
  PikeAttention: ([qkv], a) => {
    const [B, T, H, D] = [qkv.shape[0] / a.T, a.T, a.H, qkv.shape[1] / (3 * a.H)];
    return [attention(B, T, H, D), attentionUniforms(B * H * T, a)];
  },
  PikeAttentionStats: ([qkv], a) => {
    const [B, T, H, D] = [qkv.shape[0] / a.T, a.T, a.H, qkv.shape[1] / (3 * a.H)];
    return [attentionStats(B, T, H, D), attentionUniforms(B * H * T, a)];
  },
  PikeAttentionGrad: ([qkv], a) => {
    const [B, T, H, D] = [qkv.shape[0] / a.T, a.T, a.H, qkv.shape[1] / (3 * a.H)];
    return [attentionGrad(B, T, H, D), attentionUniforms(B * H * T, a)];
  },
  PikeClipScale: (_, a) => [clipScale(), [{ type: 'float32', data: [a.clip] }]],
  PikeAdamMoment: ([g], a) => {
    const P = g.shape[0];
    return [adamMoment(P, a.squared === 1), [units(P), { type: 'float32', data: [a.beta] }]];
  },
  PikeAdamApply: ([p], a) => {
    const n = tf.util.sizeFromShape(p.shape);
    return [
      adamApply(p.shape, n),
      [
        units(n),
        { type: 'int32', data: [a.offset] },
        ...[a.lrc1, a.ic2, a.eps, a.decay].map((x): Uniform => ({ type: 'float32', data: [x] })),
      ],
    ];
  },
};

let registered = false;

/** Registers the Pike… kernels for 'webgpu' (once; they stay registered, unused elsewhere). */
export function registerWebGpuPrograms(): void {
  if (registered) return;
  registered = true;
  for (const [name, build] of Object.entries(BUILDS)) {
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const infos = Object.values(inputs) as tf.TensorInfo[];
        const [program, uniforms] = build(infos, (attrs ?? {}) as Attrs);
        program.label = name;
        return (backend as unknown as WebGpuRunner).runWebGPUProgram(
          program,
          infos,
          'float32',
          uniforms,
        );
      },
    });
  }
}

/** Runs one of the kernels above on named inputs (in order) with numeric attributes. */
export function runPike<T extends tf.Tensor>(
  name: keyof typeof BUILDS,
  inputs: Record<string, tf.Tensor>,
  attrs: Attrs = {},
): T {
  registerWebGpuPrograms();
  return tf.engine().runKernel(name, inputs as never, attrs as never) as T;
}
