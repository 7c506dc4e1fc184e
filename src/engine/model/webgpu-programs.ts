/**
 * Fused WGSL kernels for tfjs's webgpu backend: each replaces a chain of tfjs kernels (each one
 * a compute dispatch, with its own uniform buffer and bind group) by one dispatch. Issue 18 counted
 * 379 dispatches in a plain training step of the multilingual model (`npm run bench:gpu --
 * --swiftshader --count`); at a few tens of µs of CPU per dispatch that, not the GPU, set the
 * step's time.
 *
 * Each kernel is a program in tfjs's WebGPUProgram shape (webgpu-program.ts), registered as a
 * tfjs kernel for 'webgpu' (named `Pike…`) and run through `tf.engine().runKernel`, so
 * tf.profile names it and tidy owns its output. kernels.ts, attention.ts and optim.ts call them
 * (inside tf.customGrad) on webgpu only; every other backend keeps the plain formulation.
 *
 * Shapes (N rows, C columns, V vocabulary, P parameters):
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
 * - PikeAttention…        causal attention: webgpu-attention.ts
 * - PikeClipScale         g [P] → [2] (‖g‖₂, min(1, c/(‖g‖₂+1e-6)) or 1)  square, sum, sqrt, …
 * - PikeAdamMoment        g [P], m [P], ns [2] → m' [P] (β g·scale or β (g·scale)²)
 * - PikeAdamApply         p [n], m [P], v [P] → p' [n]           slice, reshape, div, sqrt, sub…
 */
import * as tf from '@tensorflow/tfjs-core';
import { ATTENTION_BUILDS } from './webgpu-attention';
import {
  f,
  flatProgram,
  rowProgram,
  units,
  WG,
  type Program,
  type Uniform,
  type WebGpuRunner,
} from './webgpu-program';

const LN_EPS = '1e-5';
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

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
  ...ATTENTION_BUILDS,
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
