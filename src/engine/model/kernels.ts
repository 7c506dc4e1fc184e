/**
 * The engine's backend-specific kernels: the few ops whose fastest formulation differs between
 * tfjs backends. The rest of the model is backend-agnostic and calls these.
 *
 * Why each one exists (measured with `npm run bench -- --profile`, tfjs 4.22; wasm figures from a
 * 2-core x86 machine, one 1024-row batch of the multilingual model):
 * - wasm runs a matMul through XNNPACK only when neither input is transposed and there is no
 *   batch dimension (tfjs-backend-wasm src/cc/batch_mat_mul_impl.cc); anything else falls to a
 *   plain blocked loop, about 10x slower. tfjs's own matMul gradient always sets a transpose flag.
 *   So on wasm `matMul` and `linear` are customGrads whose forward and backward hand XNNPACK only
 *   plain 2-D products, with explicit transposes chosen so that the large [rows, ≥256] operands
 *   are never transposed (a 2-D wasm transpose of [1024, 256] costs 1.7 ms, of [1024, 64] 0.3 ms).
 * - Summing over the leading axis on wasm transposes first (1.9 ms at [1024, 256]); a ones-row
 *   matmul gives the same column sums in 0.1 ms. Used for bias and LayerNorm-gain gradients.
 * - wasm's Identity, Slice and SplitV copy far more than they must; wasm-kernels.ts replaces them.
 *   webgpu's AddN breaks past 7 inputs; webgpu-kernels.ts replaces it. Both are installed by
 *   `prepare()` on first use on their backend.
 * - GELU: wasm's tanh is scalar libm (5.8 ms at [1024, 256]); XNNPACK's sigmoid takes 0.35 ms, and
 *   0.5·x·(1 + tanh(u)) = x·σ(2u) exactly. With a hand-written gradient it is 3 kernels forward.
 * - LayerNorm and cross-entropy have hand-written gradients: a handful of kernels instead of the
 *   dozens autodiff records through tf.moments or logSoftmax·oneHot, which matters most on webgpu
 *   where every kernel is a dispatch. Cross-entropy computes exp once and saves the softmax.
 * - The head split and attention itself are attention.ts's (one fused kernel on webgpu); the
 *   fused webgpu kernels are webgpu-programs.ts and webgpu-attention.ts. On webgpu the trainer's
 *   steps bypass this module altogether where the model fits webgpu-step.ts (the whole step as
 *   one hand-written WGSL schedule on a flat parameter vector); these kernels then serve
 *   evaluation, sampling and the models it does not cover.
 * - Embeddings: `gather` on the GPU backends (webgpu, webgl). Its gradient (UnsortedSegmentSum)
 *   does not exist on wasm, and on cpu it took 2.8 s for one [1024, 64] gradient (2x the whole
 *   rest of the step), so there the embedding is oneHot · W (an XNNPACK matmul on wasm).
 *
 * `setKernelMode('reference')` restores the plain tfjs formulation of every op on every backend
 * (and wasm's own Identity); the tests compare the two, and `bench --profile --kernels reference`
 * profiles the engine as it was before these kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { installWasmKernels, restoreWasmKernels } from './wasm-kernels';
import { installWebGpuKernels, restoreWebGpuKernels } from './webgpu-kernels';
import { runPike } from './webgpu-programs';

export type KernelMode = 'auto' | 'reference';
let mode: KernelMode = 'auto';

/** The current mode (attention.ts's kernels follow it too). */
export const kernelMode = (): KernelMode => mode;

/** 'reference': the plain tfjs formulation everywhere (tests, before/after profiles). */
export function setKernelMode(m: KernelMode): void {
  mode = m;
  if (m === 'reference') {
    restoreWasmKernels();
    restoreWebGpuKernels();
  }
}

export const isWasm = () => tf.getBackend() === 'wasm';

/**
 * On webgpu in 'auto' mode the fused WGSL kernels of webgpu-programs.ts replace chains of tfjs
 * kernels (LayerNorm, GELU, cross-entropy here; attention in attention.ts; the optimizer in
 * optim.ts).
 */
export const fusedWebGpu = () => mode === 'auto' && tf.getBackend() === 'webgpu';

/**
 * Installs the kernel replacements of the active backend (wasm-kernels.ts on wasm,
 * webgpu-kernels.ts on webgpu). The kernels below call it on first use; a host may call it
 * right after choosing a backend so that plain tf ops (tf.addN) are fixed too.
 */
export function prepare(): void {
  if (mode !== 'auto') return;
  const backend = tf.getBackend();
  if (backend === 'wasm') installWasmKernels();
  else if (backend === 'webgpu') installWebGpuKernels();
}

// ---- helpers ---------------------------------------------------------------------------------

type Forward = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/**
 * tf.customGrad with the inputs as an array (its own typing wants a rest list of unions).
 * Tensors the gradient needs must go through `save`: the forward runs in its own tidy.
 */
export function withGrad<T extends tf.Tensor>(forward: Forward, ...inputs: tf.Tensor[]): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    forward(args.slice(0, -1) as tf.Tensor[], args[args.length - 1] as tf.GradSaveFunc),
  );
  return f(...inputs) as T;
}

const T2 = (x: tf.Tensor2D) => tf.transpose(x) as tf.Tensor2D;
const size = (x: tf.Tensor) => x.size;

/** a·b, both plain: the only matmul XNNPACK serves on wasm. */
const mm = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.matMul(a, b) as tf.Tensor2D;

/**
 * aᵀ·b for a: [N, K], b: [N, M] → [K, M], transposing whichever is cheaper:
 * transpose(a)·b moves N·K numbers; transpose(transpose(b)·a) moves N·M + K·M.
 */
function mmTA(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [, K] = a.shape;
  const [, M] = b.shape;
  return size(a) <= size(b) + K * M ? mm(T2(a), b) : T2(mm(T2(b), a));
}

/** a·bᵀ for a: [N, K], b: [M, K] → [N, M]; b is a weight-sized operand in every use here. */
const mmTB = (a: tf.Tensor2D, b: tf.Tensor2D) => mm(a, T2(b));

/** Column sums of x [N, C] → [C]. On wasm a ones-row matmul (an axis-0 Sum transposes first). */
function colSum(x: tf.Tensor2D): tf.Tensor1D {
  if (!isWasm()) return tf.sum(x, 0);
  return tf.reshape(mm(tf.ones([1, x.shape[0]]), x), [-1]);
}

/** x viewed as rows [N, C] over its last axis. */
const rows = (x: tf.Tensor) => tf.reshape(x, [-1, x.shape[x.shape.length - 1]]) as tf.Tensor2D;

// ---- kernels -----------------------------------------------------------------------------------

/**
 * op(a)·op(b) for 2-D a, b, with op = transpose where the flag says so.
 * Gradients of y = op(A)·op(B):
 *   y = A·B:    dA = dy·Bᵀ,   dB = Aᵀ·dy
 *   y = A·Bᵀ:   dA = dy·B,    dB = dyᵀ·A
 *   y = Aᵀ·B:   dA = B·dyᵀ,   dB = A·dy
 *   y = Aᵀ·Bᵀ:  dA = Bᵀ·dyᵀ,  dB = dyᵀ·Aᵀ
 * On wasm each product is a plain XNNPACK matmul of explicit transposes; elsewhere tf.matMul.
 */
export function matMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transposeA = false,
  transposeB = false,
): tf.Tensor2D {
  prepare();
  if (mode === 'reference' || !isWasm()) return tf.matMul(a, b, transposeA, transposeB);
  return withGrad<tf.Tensor2D>(
    ([x, y], save) => {
      const A = x as tf.Tensor2D;
      const B = y as tf.Tensor2D;
      save([A, B]);
      return {
        value: mm(transposeA ? T2(A) : A, transposeB ? T2(B) : B),
        gradFunc: (dy, saved) => {
          const [sa, sb] = saved as tf.Tensor2D[];
          const g = dy as tf.Tensor2D;
          if (!transposeA && !transposeB) return [mmTB(g, sb), mmTA(sa, g)];
          if (!transposeA && transposeB) return [mm(g, sb), mmTA(g, sa)];
          if (transposeA && !transposeB) return [mmTB(sb, g), mm(sa, g)];
          return [T2(mm(g, sb)), T2(mm(sa, g))];
        },
      };
    },
    a,
    b,
  );
}

/**
 * x·w + bias for x: [N, Cin], w: [Cin, Cout], bias: [Cout] → [N, Cout].
 * On wasm one fused XNNPACK call forward (bias inside the matmul); backward
 * dx = dy·wᵀ, dw = xᵀ·dy, dbias = Σ_rows dy, all plain products.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  prepare();
  if (fusedWebGpu()) return tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias }) as tf.Tensor2D; // bias epilogue
  if (mode === 'reference' || !isWasm()) return tf.add(tf.matMul(x, w as tf.Tensor2D), bias);
  return withGrad<tf.Tensor2D>(
    ([xi, wi, bi], save) => {
      save([xi, wi]);
      return {
        value: tf.fused.matMul({ a: xi as tf.Tensor2D, b: wi as tf.Tensor2D, bias: bi }),
        gradFunc: (dy, saved) => {
          const [sx, sw] = saved as tf.Tensor2D[];
          const g = dy as tf.Tensor2D;
          return [mmTB(g, sw), mmTA(sx, g), colSum(g)];
        },
      };
    },
    x,
    w,
    bias,
  );
}

/** Backends whose gather gradient (UnsortedSegmentSum) is fast: the GPU ones. */
const GATHER_BACKENDS = new Set(['webgpu', 'webgl']);

/**
 * Token embedding: rows of `table` [V, C] picked by `ids` int32 [N] → [N, C].
 * gather on the GPU backends; elsewhere oneHot(ids)·table (gradient oneHotᵀ·dy).
 */
export function embed(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  prepare();
  if (mode === 'auto' && GATHER_BACKENDS.has(tf.getBackend())) {
    return tf.gather(table, ids) as tf.Tensor2D;
  }
  const oneHot = tf.cast(tf.oneHot(ids, table.shape[0]), 'float32') as tf.Tensor2D; // [N, V]
  return matMul(oneHot, table);
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * GELU, tanh approximation (as GPT-2): 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³),
 * computed as the identical x·σ(2u). Gradient: s + x·s·(1 − s)·2√(2/π)·(1 + 3·0.044715·x²),
 * s = σ(2u). Reference mode: the tanh form through autodiff. x³ is x·x², never pow: WGSL's pow
 * is undefined for negative bases.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  prepare();
  if (mode === 'reference') {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(x, tf.square(x)), GELU_A)), GELU_C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  }
  if (fusedWebGpu()) {
    return withGrad(([xi], save) => {
      save([xi]);
      return {
        value: runPike('PikeGelu', { x: xi }),
        gradFunc: (dy, [sx]) => [runPike('PikeGeluGrad', { x: sx, dy })],
      };
    }, x);
  }
  return withGrad(([xi], save) => {
    const x2 = tf.square(xi);
    const s = tf.sigmoid(tf.mul(xi, tf.add(tf.mul(x2, 2 * GELU_C * GELU_A), 2 * GELU_C)));
    save([xi, s]);
    return {
      value: tf.mul(xi, s),
      gradFunc: (dy, [sx, ss]) => {
        const slope = tf.add(tf.mul(tf.square(sx), 6 * GELU_C * GELU_A), 2 * GELU_C);
        const ds = tf.mul(tf.mul(ss, tf.sub(1, ss)), tf.mul(sx, slope));
        return [tf.mul(dy, tf.add(ss, ds))];
      },
    };
  }, x);
}

const LN_EPS = 1e-5;

/**
 * LayerNorm over the last axis: x̂·g + b, x̂ = (x − mean)/√(var + 1e-5).  x: [..., C]
 * Gradient (per row, r = 1/√(var + ε), d = dy·g):
 *   dx = r·(d − mean(d) − x̂·mean(d·x̂)),  dg = Σ_rows dy·x̂,  db = Σ_rows dy.
 */
export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  prepare();
  if (mode === 'reference') {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPS))), g), b);
  }
  const shape = x.shape;
  if (fusedWebGpu()) {
    const fused = withGrad(
      ([xi, gi, bi], save) => {
        save([xi, gi]);
        return {
          value: runPike('PikeLayerNorm', { x: xi, g: gi, b: bi }),
          gradFunc: (dy, [sx, sg]) => {
            const stats = runPike('PikeLayerNormStats', { x: sx }); // [N, 2]: mean, r
            return [
              runPike('PikeLayerNormGradX', { x: sx, g: sg, dy, stats }),
              runPike('PikeLayerNormGradG', { x: sx, dy, stats }),
              runPike('PikeLayerNormGradB', { dy }),
            ];
          },
        };
      },
      rows(x),
      g,
      b,
    );
    return tf.reshape(fused, shape);
  }
  const y = withGrad(
    ([xi, gi, bi], save) => {
      const centred = tf.sub(xi, tf.mean(xi, -1, true));
      const r = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), LN_EPS)); // [N, 1]
      const xhat = tf.mul(centred, r);
      save([xhat, r, gi]);
      return {
        value: tf.add(tf.mul(xhat, gi), bi),
        gradFunc: (dy, [sxhat, sr, sg]) => {
          const d = tf.mul(dy, sg);
          const dx = tf.mul(
            sr,
            tf.sub(
              tf.sub(d, tf.mean(d, -1, true)),
              tf.mul(sxhat, tf.mean(tf.mul(d, sxhat), -1, true)),
            ),
          );
          return [dx, colSum(tf.mul(dy, sxhat) as tf.Tensor2D), colSum(dy as tf.Tensor2D)];
        },
      };
    },
    rows(x),
    g,
    b,
  );
  return tf.reshape(y, shape);
}

/**
 * Row-wise cross-entropy −log softmax(z)[target] for logits z [N, V] and int32 targets [N] → [N].
 * Forward: e = exp(z − max), s = Σe, loss = max + log s − z_target; saves softmax p = e/s.
 * Gradient: (p − onehot(target))·dy per row. Reference mode: −Σ logSoftmax(z)·onehot.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  prepare();
  if (fusedWebGpu()) {
    return withGrad<tf.Tensor1D>(([z], save) => {
      save([z, targets]);
      return {
        value: runPike('PikeCrossEntropy', { z, targets }),
        gradFunc: (dy, [sz, st]) => [runPike('PikeCrossEntropyGrad', { z: sz, targets: st, dy })],
      };
    }, logits);
  }
  const V = logits.shape[1];
  const oneHot = tf.cast(tf.oneHot(targets, V), 'float32') as tf.Tensor2D; // [N, V]
  if (mode === 'reference') return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1));
  return withGrad<tf.Tensor1D>(([z], save) => {
    const max = tf.max(z, 1, true); // [N, 1]
    const shifted = tf.sub(z, max);
    const e = tf.exp(shifted);
    const s = tf.sum(e, 1, true); // [N, 1]
    save([tf.div(e, s), oneHot]);
    return {
      value: tf.sub(tf.reshape(tf.log(s), [-1]), tf.sum(tf.mul(shifted, oneHot), 1)),
      gradFunc: (dy, [p, hot]) => [tf.mul(tf.sub(p, hot), tf.reshape(dy, [-1, 1]))],
    };
  }, logits);
}
