/**
 * The whole training step of the GPT on webgpu as one schedule of fused WGSL programs, with the
 * parameters in one flat vector θ (the optimizer's state, optim.ts) and the backward pass written
 * out by hand instead of recorded by tfjs's autodiff: 55 dispatches for the multilingual model
 * (19 forward and loss, 33 backward, 3 in optim.ts) where tfjs's kernels and tape took 162
 * (issue 18; `npm run bench:gpu -- --swiftshader --count`).
 *
 * θ's layout is paramList's order (params.ts): wte [V,C], wpe [context,C], then per block
 * ln1 g,b · Wqkv [C,3C], bqkv · Wo [C,C], bo · ln2 g,b · Wfc [C,4C], bfc · Wproj [4C,C], bproj,
 * then lnf g,b. Each weight is followed by its bias, so a weight's and its bias's gradient are
 * one [Cin + 1, Cout] block, written by one product (webgpu-matmul.ts's bias row).
 *
 * Forward, per block (x: the residual stream [R, C], R = B·T rows):
 *   a = LN₁(x) → qkv = a·Wqkv + b → y = attention(qkv) → x₁ = x + y·Wo + b
 *   → a₂ = LN₂(x₁) → u = a₂·Wfc + b → x₂ = x₁ + gelu(u)·Wproj + b                    (7)
 * then h = LN_f(x), logits = h·wteᵀ (tied head), and the loss's value and logits gradient in one
 * kernel: with token weights w_n = exW_i·mask_n / (b·max(1, Σ_t mask_it)) (computed on the host,
 * the derivative of batch-losses' Σ_i exW_i·ℓ_i / b), dlogits = w·(softmax − onehot).
 * Backward, per block, in reverse (dx: the gradient of the block's output):
 *   du = (dx·Wprojᵀ)∘gelu′(u);  [dWproj; dbproj] = [gelu(u) | 1]ᵀ·dx
 *   da₂ = du·Wfcᵀ;              [dWfc; dbfc] = [a₂ | 1]ᵀ·du
 *   dx₁ = dx + LN₂′(da₂);       [dg; db]₂ (one kernel)
 *   dy = dx₁·Woᵀ;               [dWo; dbo] = [y | 1]ᵀ·dx₁
 *   dqkv = attention′(dy) (two kernels: webgpu-attention.ts)
 *   da = dqkv·Wqkvᵀ;            [dWqkv; dbqkv] = [a | 1]ᵀ·dqkv
 *   dx ← dx₁ + LN₁′(da);        [dg; db]₁                                                  (14)
 * and last the embeddings: dwpe = Σ_b dx₀, dwte = dlogitsᵀ·h + Σ_{n: id_n = v} dx₀[n] as ONE
 * product whose store adds the scatter (each id's rows listed by the host).
 *
 * The same maths as the tfjs path (gpt.ts, kernels.ts), to rounding: webgpu-step.test.ts checks
 * the gradient against tfjs's autodiff. Taken when the backend is webgpu in 'auto' kernel mode,
 * dropout is 0 and the head size fits the attention kernels (`fusedStepFits`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MixedBatch } from '../../core/batch';
import type { GptConfig } from '../../core/model-config';
import { fusedWebGpu, prepare } from './kernels';
import { MAX_HEAD } from './webgpu-attention';
import { matMulProgram, matMulUniforms, type MatMulSpec } from './webgpu-matmul';
import type { Program, Uniform, WebGpuRunner } from './webgpu-program';
import { units } from './webgpu-program';
import { runPike } from './webgpu-programs';
import * as P from './webgpu-step-programs';

export interface BlockOffsets {
  ln1: number;
  qkv: number;
  o: number;
  ln2: number;
  fc: number;
  proj: number;
}

/** Offsets of each parameter block in θ (paramList order), and P. */
export interface Layout {
  C: number;
  H: number;
  V: number;
  context: number;
  wte: number;
  wpe: number;
  blocks: BlockOffsets[];
  lnf: number;
  P: number;
}

export function stepLayout(config: GptConfig, V: number): Layout {
  const C = config.width;
  let o = 0;
  const take = (n: number) => {
    const at = o;
    o += n;
    return at;
  };
  const wte = take(V * C);
  const wpe = take(config.context * C);
  const blocks: BlockOffsets[] = [];
  for (let i = 0; i < config.layers; i++) {
    blocks.push({
      ln1: take(2 * C),
      qkv: take((C + 1) * 3 * C),
      o: take((C + 1) * C),
      ln2: take(2 * C),
      fc: take((C + 1) * 4 * C),
      proj: take((4 * C + 1) * C),
    });
  }
  const lnf = take(2 * C);
  return { C, H: config.heads, V, context: config.context, wte, wpe, blocks, lnf, P: o };
}

/** Whether the fused step serves this model here (webgpu, 'auto' kernels, no dropout, D ≤ 64). */
export function fusedStepFits(config: GptConfig): boolean {
  return fusedWebGpu() && config.dropout === 0 && config.width / config.heads <= MAX_HEAD;
}

// ---- the matrix products -------------------------------------------------------------------------
// Uniforms: o0 = the weight's offset in θ (or the gradient's in grad), o1 = A's row stride.

const rowsA = 'a[m * uniforms.o1 + k]';
const W = 'theta[uniforms.o0 + k * uniforms.N + n]'; // W [K, N] as stored
const WT = 'theta[uniforms.o0 + n * uniforms.K + k]'; // W [N, K] read transposed
const bias = 'theta[uniforms.o0 + uniforms.K * uniforms.N + n]'; // b follows W
const out = 'result[m * uniforms.N + n]';
const MM: Record<string, MatMulSpec> = {
  /** x·W + b */
  linear: {
    key: 'linear',
    inputs: ['a', 'theta'],
    loadA: rowsA,
    loadB: W,
    store: `${out} = v + ${bias};`,
  },
  /** res + x·W + b */
  linearRes: {
    key: 'linearRes',
    inputs: ['a', 'theta', 'res'],
    loadA: rowsA,
    loadB: W,
    store: `${out} = v + ${bias} + res[m * uniforms.N + n];`,
  },
  /** res + gelu(u)·W + b */
  geluLinearRes: {
    key: 'geluLinearRes',
    inputs: ['a', 'theta', 'res'],
    prelude: P.GELU_WGSL,
    loadA: `geluOf(${rowsA})`,
    loadB: W,
    store: `${out} = v + ${bias} + res[m * uniforms.N + n];`,
  },
  /** x·Wᵀ (the tied head, and dx = dy·Wᵀ) */
  timesWT: {
    key: 'timesWT',
    inputs: ['a', 'theta'],
    loadA: rowsA,
    loadB: WT,
    store: `${out} = v;`,
  },
  /** dy·W (the head's backward: dh = dlogits·wte) */
  timesW: { key: 'timesW', inputs: ['a', 'theta'], loadA: rowsA, loadB: W, store: `${out} = v;` },
  /** (dy·Wᵀ)∘gelu′(u) */
  timesWTGelu: {
    key: 'timesWTGelu',
    inputs: ['a', 'theta', 'u'],
    prelude: P.GELU_WGSL,
    loadA: rowsA,
    loadB: WT,
    store: `${out} = v * geluPrime(u[m * uniforms.N + n]);`,
  },
  /** grad[o0..] = [Xᵀ·dy; Σ_rows dy] (weight gradient, then the bias's as row M) */
  weightGrad: {
    key: 'weightGrad',
    inputs: ['a', 'dy'],
    loadA: 'a[k * uniforms.o1 + m]',
    loadB: 'dy[k * uniforms.N + n]',
    store: 'result[uniforms.o0 + m * uniforms.N + n] = v;',
    biasRow: true,
  },
  /** grad[o0..] = [gelu(U)ᵀ·dy; Σ_rows dy] */
  geluWeightGrad: {
    key: 'geluWeightGrad',
    inputs: ['a', 'dy'],
    prelude: P.GELU_WGSL,
    loadA: 'geluOf(a[k * uniforms.o1 + m])',
    loadB: 'dy[k * uniforms.N + n]',
    store: 'result[uniforms.o0 + m * uniforms.N + n] = v;',
    biasRow: true,
  },
  /**
   * grad[wte] = dlogitsᵀ·h + Σ_{n: id_n = v} dx₀[n]: the head's product (o1: ce's row stride
   * V + 1, o2: h's C + 2), the embedding's scatter in the store, over the rows the host listed
   * per token id (rowsOf: counting-sort offsets [V + 1], then the rows).
   */
  embeddingGrad: {
    key: 'embeddingGrad',
    inputs: ['ce', 'h', 'dx', 'rowsOf'],
    loadA: 'ce[k * uniforms.o1 + m]',
    loadB: 'h[k * uniforms.o2 + n]',
    store: `var s = v;
      let first = uniforms.M + 1;
      for (var j = rowsOf[m]; j < rowsOf[m + 1]; j++) { s += dx[rowsOf[first + j] * uniforms.N + n]; }
      result[uniforms.o0 + m * uniforms.N + n] = s;`,
  },
};

// ---- running programs ----------------------------------------------------------------------------

const backend = () => tf.backend() as unknown as WebGpuRunner;

/** Runs `program` into a new tensor (owned by the caller's tidy) or, given `into`, in place. */
function run(
  program: Program,
  inputs: tf.Tensor[],
  uniforms: Uniform[],
  into?: tf.Tensor,
): tf.Tensor {
  if (into) {
    backend().runWebGPUProgram(program, inputs, 'float32', uniforms, into);
    return into;
  }
  const info = backend().runWebGPUProgram(program, inputs, 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info);
}

const ints = (...xs: number[]): Uniform[] => xs.map((x) => ({ type: 'int32', data: [x] }));

/** op = MM[name]; result [M, N] (or into `into` at o0); K the summed dimension. */
function mm(
  name: keyof typeof MM,
  inputs: tf.Tensor[],
  M: number,
  N: number,
  K: number,
  offsets: number[],
  into?: tf.Tensor,
): tf.Tensor {
  const program = matMulProgram(MM[name], M, N, into ? into.shape : [M, N]);
  return run(program, inputs, matMulUniforms(M, N, K, offsets), into);
}

/**
 * The rows of each token id, by counting sort: [V + 1] offsets, then the R row numbers grouped
 * by id (rows of id v: out[V + 1 + out[v] .. V + 1 + out[v + 1])). The embedding gradient's
 * scatter then reads only its own rows.
 */
function rowsOf(ids: Int32Array, V: number): Int32Array {
  const out = new Int32Array(V + 1 + ids.length);
  for (const id of ids) out[id + 1]++;
  for (let v = 0; v < V; v++) out[v + 1] += out[v];
  const next = out.slice(0, V);
  ids.forEach((id, n) => (out[V + 1 + next[id]++] = n));
  return out;
}

/** Host-side inputs of one step: what the device needs beyond θ. */
function stepInputs(batch: MixedBatch, V: number) {
  const { b, T, K } = batch;
  const w = new Float32Array(b * T);
  const taskOf = new Int32Array(b).fill(-1);
  for (let i = 0; i < b; i++) {
    let den = 0;
    for (let t = 0; t < T; t++) den += batch.mask[i * T + t];
    const scale = batch.exampleWeights[i] / (b * Math.max(1, den));
    for (let t = 0; t < T; t++) w[i * T + t] = batch.mask[i * T + t] * scale;
    for (let k = 0; k < K; k++) if (batch.membership[i * K + k] === 1) taskOf[i] = k;
  }
  return {
    ids: tf.tensor1d(batch.inputs, 'int32'),
    targets: tf.tensor1d(batch.targets, 'int32'),
    mask: tf.tensor1d(batch.mask, 'float32'),
    w: tf.tensor1d(w, 'float32'),
    taskOf: tf.tensor1d(taskOf, 'int32'),
    rowsOf: tf.tensor1d(rowsOf(batch.inputs, V), 'int32'),
  };
}

/** The forward pass of ids [B·T] on θ, keeping what the backward pass reads. */
function forwardPass(theta: tf.Tensor, L: Layout, ids: tf.Tensor, B: number, T: number) {
  const { C, V, H } = L;
  const R = B * T;
  const F = 4 * C;
  const S = C + 2;
  const ln = (x: tf.Tensor, go: number) => run(P.layerNorm(R, C), [x, theta], ints(C, go));
  const attn = { T, H };
  let x = run(P.embed(R, C), [theta, ids], [units(R * C), ...ints(C, T, L.wte, L.wpe)]);
  const saved = L.blocks.map((o) => {
    const x0 = x;
    const a = ln(x0, o.ln1);
    const qkv = mm('linear', [a, theta], R, 3 * C, C, [o.qkv, S]);
    const y = runPike('PikeAttention', { qkv }, attn);
    const x1 = mm('linearRes', [y, theta, x0], R, C, C, [o.o, C]);
    const a2 = ln(x1, o.ln2);
    const u = mm('linear', [a2, theta], R, F, C, [o.fc, S]);
    x = mm('geluLinearRes', [u, theta, x1], R, C, F, [o.proj, F]);
    return { x0, a, qkv, y, x1, a2, u };
  });
  const h = ln(x, L.lnf);
  const logits = mm('timesWT', [h, theta], R, V, C, [L.wte, S]); // [R, V]
  return { x, h, logits, saved };
}

/**
 * Logits [B·T, V] of int32 inputs [B, T] on θ (evaluation and sampling under the fused step:
 * gpt.ts `forward` given flat weights). 19 dispatches for the multilingual model.
 */
export function fusedForward(theta: tf.Tensor, L: Layout, inputs: tf.Tensor2D): tf.Tensor2D {
  prepare();
  const [B, T] = inputs.shape;
  return forwardPass(theta, L, tf.reshape(inputs, [B * T]), B, T).logits as tf.Tensor2D;
}

/**
 * One forward and backward pass of the batch on θ (the first P entries of `theta`). Returns the
 * flat gradient [P] of Σ_i exW_i·ℓ_i / b (the trainer's training loss) and the per-task loss
 * sums [1, K]. Tensors belong to the caller's tidy.
 */
export function fusedLossAndGrad(
  theta: tf.Tensor,
  L: Layout,
  batch: MixedBatch,
): { grad: tf.Tensor1D; perTask: tf.Tensor } {
  prepare(); // the backend's settings (the deferred-submit batch) as the other kernels have them
  const { b: B, T, K } = batch;
  const { C, V, H } = L;
  const R = B * T;
  const F = 4 * C;
  const S = C + 2; // LayerNorm outputs' row stride
  const { ids, targets, mask, w, taskOf, rowsOf: rows } = stepInputs(batch, V);
  const attn = { T, H };
  const { x, h, logits, saved } = forwardPass(theta, L, ids, B, T);
  const ce = run(P.crossEntropy(R, V), [logits, targets, w], ints(V)); // [R, V + 1]
  const perTask = run(P.taskSums(K), [ce, mask, taskOf], [units(K), ...ints(B, T, V)]);

  // backward
  const grad = tf
    .engine()
    .makeTensorFromTensorInfo(
      (
        tf.backend() as unknown as { makeTensorInfo(s: number[], d: string): tf.TensorInfo }
      ).makeTensorInfo([L.P], 'float32'),
    ) as tf.Tensor1D;
  const lnBack = (x0: tf.Tensor, a: tf.Tensor, d: tf.Tensor, go: number, res?: tf.Tensor) => {
    run(P.layerNormDgb(C, L.P), [x0, a, d], ints(C, R, go), grad);
    return run(
      P.layerNormDx(R, C, res !== undefined),
      [x0, a, theta, d, ...(res ? [res] : [])],
      ints(C, go),
    );
  };
  const dh = mm('timesW', [ce, theta], R, C, V, [L.wte, V + 1]);
  let dx = lnBack(x, h, dh, L.lnf);
  for (let i = L.blocks.length - 1; i >= 0; i--) {
    const o = L.blocks[i];
    const s = saved[i];
    const du = mm('timesWTGelu', [dx, theta, s.u], R, F, C, [o.proj, C]);
    mm('geluWeightGrad', [s.u, dx], F, C, R, [o.proj, F], grad);
    const da2 = mm('timesWT', [du, theta], R, C, F, [o.fc, F]);
    mm('weightGrad', [s.a2, du], C, F, R, [o.fc, S], grad);
    const dx1 = lnBack(s.x1, s.a2, da2, o.ln2, dx);
    const dy = mm('timesWT', [dx1, theta], R, C, C, [o.o, C]);
    mm('weightGrad', [s.y, dx1], C, C, R, [o.o, C], grad);
    const stats = runPike('PikeAttentionStats', { qkv: s.qkv, dy }, attn);
    const dqkv = runPike('PikeAttentionGrad', { qkv: s.qkv, dy, stats }, attn);
    const da = mm('timesWT', [dqkv, theta], R, C, 3 * C, [o.qkv, 3 * C]);
    mm('weightGrad', [s.a, dqkv], C, 3 * C, R, [o.qkv, S], grad);
    dx = lnBack(s.x0, s.a, da, o.ln1, dx1);
  }
  run(
    P.positionGrad(L.context, C, L.P),
    [dx],
    [units(L.context * C), ...ints(C, T, B, L.wpe)],
    grad,
  );
  mm('embeddingGrad', [ce, h, dx, rows], V, C, R, [L.wte, V + 1, S], grad);
  return { grad, perTask };
}
