/**
 * The programs of the fused training step (webgpu-step.ts) other than its matrix products
 * (webgpu-matmul.ts). Every weight is read from the flat parameter vector θ at its offset, and
 * every parameter gradient is written into the flat gradient vector at its offset (that vector
 * is the output binding, passed to runWebGPUProgram), so no slice or concat is ever dispatched.
 * Shapes: R = B·T rows, C width, V vocabulary, K tasks, P parameters.
 *
 * - embed        θ, ids [R] → x [R, C]: wte[ids] + wpe[t]                    gather, slice, add
 * - layerNorm    x [R, C], θ → [R, C + 2]: x̂·g + b, then the row's mean and r = 1/√(var + ε)
 *                (saved for the backward pass, read by the next product with row stride C + 2)
 * - layerNormDx  x, ln, θ, dy (, res) → dx [R, C]: r·(d − mean(d) − x̂·mean(d·x̂)), d = dy·g,
 *                plus the residual stream's gradient `res` where the block adds one
 * - layerNormDgb x, ln, dy → grad[o..o+2C): dg = Σ_rows dy·x̂ then db = Σ_rows dy (one workgroup
 *                per column)
 * - crossEntropy z [R, V], targets, w [R] → [R, V + 1]: w·(softmax(z) − onehot) (the logits'
 *                gradient of Σ_n w_n·nll_n) and nll in the last column: forward and backward of
 *                the loss in one dispatch
 * - taskSums     ce, mask [R], taskOf [b] → [1, K]: Σ over task k's examples of
 *                Σ_t mask·nll / max(1, Σ_t mask) (batch-losses' per-task sums)
 * - positionGrad dx0 [R, C] → grad[wpe..]: Σ_b dx0[b, t] for t < T, 0 for the unused positions
 * - adamUpdate   g [P], ns [2], decay mask [P] → the state [θ | m | v] (3P) in place
 */
import { f, flatProgram, rowProgram, WG, type Program } from './webgpu-program';

const LN_EPS = '1e-5';
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** GELU and its derivative in the x·σ(2u) form of kernels.ts `gelu`. */
export const GELU_WGSL = `
  fn geluSig(v : f32) -> f32 {
    return 1.0 / (1.0 + exp(-v * (${f(2 * GELU_C)} + ${f(2 * GELU_C * GELU_A)} * v * v)));
  }
  fn geluOf(v : f32) -> f32 { return v * geluSig(v); }
  fn geluPrime(v : f32) -> f32 {
    let s = geluSig(v);
    return s + s * (1.0 - s) * v * (${f(2 * GELU_C)} + ${f(6 * GELU_C * GELU_A)} * v * v);
  }`;

export function embed(R: number, C: number): Program {
  return flatProgram(
    'pikeStepEmbed',
    ['theta', 'ids'],
    [R, C],
    R * C,
    `let C = uniforms.C;
    let n = index / C;
    let c = index % C;
    result[index] = theta[uniforms.ow + ids[n] * C + c] + theta[uniforms.op + (n % uniforms.T) * C + c];`,
    'C : i32, T : i32, ow : i32, op : i32,',
  );
}

export function layerNorm(R: number, C: number): Program {
  return rowProgram(
    'pikeStepLayerNorm',
    ['x', 'theta'],
    [R, C + 2],
    R,
    `let C = uniforms.C;
    let S = C + 2;
    let go = uniforms.go;
    var s = 0.0;
    for (var c = tid; c < C; c += ${WG}) { s += x[row * C + c]; }
    let mean = wgSum(s, tid) / f32(C);
    var q = 0.0;
    for (var c = tid; c < C; c += ${WG}) { let d = x[row * C + c] - mean; q += d * d; }
    let r = inverseSqrt(wgSum(q, tid) / f32(C) + ${LN_EPS});
    for (var c = tid; c < C; c += ${WG}) {
      result[row * S + c] = (x[row * C + c] - mean) * r * theta[go + c] + theta[go + C + c];
    }
    if (tid == 0) { result[row * S + C] = mean; result[row * S + C + 1] = r; }`,
    'C : i32, go : i32,',
  );
}

export function layerNormDx(R: number, C: number, residual: boolean): Program {
  return rowProgram(
    `pikeStepLayerNormDx${residual ? 'Res' : ''}`,
    ['x', 'ln', 'theta', 'dy', ...(residual ? ['res'] : [])],
    [R, C],
    R,
    `let C = uniforms.C;
    let S = C + 2;
    let go = uniforms.go;
    let mean = ln[row * S + C];
    let r = ln[row * S + C + 1];
    var a = 0.0;
    var bx = 0.0;
    for (var c = tid; c < C; c += ${WG}) {
      let d = dy[row * C + c] * theta[go + c];
      a += d;
      bx += d * (x[row * C + c] - mean) * r;
    }
    let meanD = wgSum(a, tid) / f32(C);
    let meanDX = wgSum(bx, tid) / f32(C);
    for (var c = tid; c < C; c += ${WG}) {
      let i = row * C + c;
      let xhat = (x[i] - mean) * r;
      result[i] = r * (dy[i] * theta[go + c] - meanD - xhat * meanDX)${residual ? ' + res[i]' : ''};
    }`,
    'C : i32, go : i32,',
  );
}

export function layerNormDgb(C: number, P: number): Program {
  return rowProgram(
    'pikeStepLayerNormDgb',
    ['x', 'ln', 'dy'],
    [P],
    C,
    `let C = uniforms.C;
    let S = C + 2;
    let c = row;
    var sg = 0.0;
    var sb = 0.0;
    for (var n = tid; n < uniforms.R; n += ${WG}) {
      let d = dy[n * C + c];
      sg += d * (x[n * C + c] - ln[n * S + C]) * ln[n * S + C + 1];
      sb += d;
    }
    let tg = wgSum(sg, tid);
    let tb = wgSum(sb, tid);
    if (tid == 0) { result[uniforms.o + c] = tg; result[uniforms.o + C + c] = tb; }`,
    'C : i32, R : i32, o : i32,',
  );
}

export function crossEntropy(R: number, V: number): Program {
  return rowProgram(
    'pikeStepCrossEntropy',
    ['z', 'targets', 'w'],
    [R, V + 1],
    R,
    `let V = uniforms.V;
    var mx = -3.402823e+38;
    for (var c = tid; c < V; c += ${WG}) { mx = max(mx, z[row * V + c]); }
    let zmax = wgMax(mx, tid);
    var s = 0.0;
    for (var c = tid; c < V; c += ${WG}) { s += exp(z[row * V + c] - zmax); }
    let total = wgSum(s, tid);
    let tgt = targets[row];
    let wr = w[row];
    for (var c = tid; c < V; c += ${WG}) {
      let hot = select(0.0, 1.0, c == tgt);
      result[row * (V + 1) + c] = (exp(z[row * V + c] - zmax) / total - hot) * wr;
    }
    if (tid == 0) { result[row * (V + 1) + V] = zmax + log(total) - z[row * V + tgt]; }`,
    'V : i32,',
  );
}

export function taskSums(K: number): Program {
  return flatProgram(
    'pikeStepTaskSums',
    ['ce', 'mask', 'taskOf'],
    [1, K],
    K,
    `let T = uniforms.T;
    let V1 = uniforms.V + 1;
    var total = 0.0;
    for (var i = 0; i < uniforms.b; i++) {
      if (taskOf[i] != index) { continue; }
      var num = 0.0;
      var den = 0.0;
      for (var t = 0; t < T; t++) {
        let n = i * T + t;
        num += ce[n * V1 + V1 - 1] * mask[n];
        den += mask[n];
      }
      total += num / max(den, 1.0);
    }
    result[index] = total;`,
    'b : i32, T : i32, V : i32,',
  );
}

export function positionGrad(context: number, C: number, P: number): Program {
  return flatProgram(
    'pikeStepPositionGrad',
    ['dx'],
    [P],
    context * C,
    `let C = uniforms.C;
    let t = index / C;
    let c = index % C;
    var s = 0.0;
    if (t < uniforms.T) {
      for (var b = 0; b < uniforms.B; b++) { s += dx[(b * uniforms.T + t) * C + c]; }
    }
    result[uniforms.o + index] = s;`,
    'C : i32, T : i32, B : i32, o : i32,',
  );
}

/**
 * Adam/AdamW (or SGD) on the flat state [θ | m | v] in place, with the clip factor ns[1]:
 *   g ← g·ns[1];  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
 *   θ ← θ − (η/c₁)·m/(√(v/c₂) + ε) − η·λ·mask·θ      (SGD: θ ← θ − η·g)
 * as optim.ts's plain path computes it (lrc1 = η/c₁, ic2 = 1/c₂, decay = η·λ).
 */
export function adamUpdate(P: number, sgd: boolean): Program {
  return flatProgram(
    `pikeStepUpdate${sgd ? 'Sgd' : 'Adam'}`,
    ['g', 'ns', 'mask'],
    [3 * P],
    P,
    `let P = uniforms.units;
    let gi = g[index] * ns[1];
    let p = result[index];
    ${
      sgd
        ? 'result[index] = p - uniforms.lr * gi - uniforms.decay * mask[index] * p;'
        : `let m = uniforms.b1 * result[P + index] + (1.0 - uniforms.b1) * gi;
    let v = uniforms.b2 * result[2 * P + index] + (1.0 - uniforms.b2) * gi * gi;
    result[P + index] = m;
    result[2 * P + index] = v;
    result[index] = p - uniforms.lrc1 * m / (sqrt(v * uniforms.ic2) + uniforms.eps)
      - uniforms.decay * mask[index] * p;`
    }`,
    'lr : f32, lrc1 : f32, ic2 : f32, eps : f32, decay : f32, b1 : f32, b2 : f32,',
  );
}
