/**
 * Optimizers (Adam, AdamW, SGD) with a warmup + cosine learning-rate schedule and gradient
 * clipping by global norm.
 *
 * Written here rather than taken from tf.train because the learning rate changes every step
 * (schedule, live edits from the UI), AdamW's decoupled decay and the clip need the gradients
 * before the update, and the moment state must survive a change of learning rate. The rules:
 *   clip:  g ← g · min(1, c / ‖g‖₂) with ‖g‖₂ over all parameters (Pascanu et al. 2013)
 *   Adam:  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
 *          (Kingma & Ba 2015)
 *   AdamW: the Adam step, then θ ← θ − η·λ·θ on weight matrices (Loshchilov & Hutter 2019)
 *   SGD:   θ ← θ − η·g
 *   lr(t): η·t/W during warmup (t < W); then η·(0.1 + 0.9·½(1 + cos(π·p))) with p the fraction
 *          of the remaining steps done when decay is 'cosine' (floor at 10% of η), else η.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedWebGpu } from './model/kernels';
import { ownedVariable } from './model/variables';
import { units, type Uniform, type WebGpuRunner } from './model/webgpu-program';
import { runPike } from './model/webgpu-programs';
import { adamUpdate } from './model/webgpu-step-programs';
import { concatMany } from './many';
import { learningRateAt, type OptimizerConfig } from '../core/optim-config';

export { learningRateAt, optimizerConfigSchema, type OptimizerConfig } from '../core/optim-config';

/**
 * Moment state plus update rule. Owns its moment variables: call dispose().
 *
 * The update runs on one flat vector of all P parameters' gradients (Adam's moments are flat
 * [P] variables): a dozen kernels per step instead of a dozen per parameter tensor (28 in the
 * default model), which matters on WebGPU where every kernel is a dispatch. The global norm is
 * one reduction of the flat gradient (no AddN over many inputs), and the update is split back
 * into the parameters' shapes once.
 */
export class Optimizer {
  private readonly m?: tf.Variable; // [P]
  private readonly v?: tf.Variable; // [P]
  /** Flat mode: [θ | m | v] (3P), the parameters' live copy; the variables follow on sync(). */
  private readonly state?: tf.Variable;
  private readonly decayMask?: tf.Tensor1D; // [P]: 1 where AdamW decays
  private readonly sizes: number[];
  private readonly P: number;
  /** Flat mode: θ changed since the variables were last written from it. */
  private stale = false;
  private t = 0;

  /**
   * `flat` (webgpu's fused step, webgpu-step.ts): the parameters live in one flat vector that the
   * step, evaluation, sampling and the statistics read and one dispatch updates in place; the
   * tf.Variables are rewritten from it by `sync()` only when a new optimizer is built from them.
   */
  constructor(
    public config: OptimizerConfig,
    private readonly vars: tf.Variable[],
    private readonly decayed: (v: tf.Variable) => boolean,
    flat = false,
  ) {
    this.sizes = vars.map((x) => x.size);
    const P = (this.P = this.sizes.reduce((a, b) => a + b, 0));
    if (flat) {
      this.state = ownedVariable(() => tf.concat([flatten(vars), tf.zeros([2 * P])]), false);
      this.decayMask = tf.tidy(() =>
        tf.concat(vars.map((x, i) => tf.fill([this.sizes[i]], this.decayed(x) ? 1 : 0))),
      ) as tf.Tensor1D;
    } else {
      this.m = ownedVariable(() => tf.zeros([P]), false);
      this.v = ownedVariable(() => tf.zeros([P]), false);
    }
  }

  /** Flat mode's [θ | m | v]: the fused step reads θ from its first P entries. */
  get flatState(): tf.Variable | undefined {
    return this.state;
  }

  /** Writes θ back into the variables if an update changed it since (flat mode; else nothing). */
  sync(): void {
    if (!this.state || !this.stale) return;
    this.stale = false;
    tf.tidy(() => {
      tf.split(tf.slice(this.state!, [0], [this.P]), this.sizes).forEach((x, i) => {
        this.vars[i].assign(tf.reshape(x, this.vars[i].shape));
      });
    });
  }

  /** Steps taken so far (the t of the schedule and of Adam's bias correction). */
  get stepCount(): number {
    return this.t;
  }

  /** The scheduled learning rate the last update used (0 before the first). */
  lastLr = 0;

  /**
   * Applies one update from gradients in `vars` order, or from them already flattened into one
   * [P] vector (the statistics window's steps sum flat per-task gradients). Returns the global
   * gradient norm before clipping as a scalar tensor the caller owns (no readback here).
   */
  apply(grads: tf.Tensor[] | tf.Tensor1D): tf.Scalar {
    const cfg = this.config;
    const lr = learningRateAt(cfg, this.t);
    this.lastLr = lr;
    this.t += 1;
    // Adam's bias corrections 1 − βᵗ and AdamW's decoupled decay η·λ, for both paths.
    const c1 = 1 - Math.pow(cfg.beta1, this.t);
    const c2 = 1 - Math.pow(cfg.beta2, this.t);
    const decay = cfg.name === 'adamw' ? lr * cfg.weightDecay : 0;
    if (this.state) return this.applyFlat(grads, lr, lr / c1, 1 / c2, decay);
    if (cfg.name !== 'sgd' && fusedWebGpu()) return this.applyFused(grads, lr / c1, 1 / c2, decay);
    return tf.tidy(() => {
      const flat = flatOf(grads); // [P]
      const norm = tf.sqrt(tf.sum(tf.square(flat))) as tf.Scalar;
      const g =
        cfg.clipNorm > 0
          ? tf.mul(flat, tf.minimum(1, tf.div(cfg.clipNorm, tf.add(norm, 1e-6))))
          : flat;
      let update: tf.Tensor; // [P], subtracted from the parameters
      if (cfg.name === 'sgd') {
        update = tf.mul(g, lr);
      } else {
        const m = tf.add(tf.mul(this.m!, cfg.beta1), tf.mul(g, 1 - cfg.beta1));
        const v = tf.add(tf.mul(this.v!, cfg.beta2), tf.mul(tf.square(g), 1 - cfg.beta2));
        this.m!.assign(m);
        this.v!.assign(v);
        // η·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = v/c2
        update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.mul(v, 1 / c2)), cfg.eps));
      }
      tf.split(update, this.sizes).forEach((u, i) => {
        const p = this.vars[i];
        let next = tf.sub(p, tf.reshape(u, p.shape));
        if (decay > 0 && this.decayed(p)) next = tf.sub(next, tf.mul(p, decay));
        p.assign(next);
      });
      return tf.keep(norm);
    });
  }

  /**
   * Flat mode: the clip reduction and ONE in-place update of [θ | m | v]
   * (webgpu-step-programs.ts adamUpdate), whatever the number of parameter tensors.
   */
  private applyFlat(
    grads: tf.Tensor[] | tf.Tensor1D,
    lr: number,
    lrc1: number,
    ic2: number,
    decay: number,
  ): tf.Scalar {
    const cfg = this.config;
    this.stale = true;
    return tf.tidy(() => {
      const g = flatOf(grads); // [P]
      const ns = runPike('PikeClipScale', { g }, { clip: cfg.clipNorm }); // [‖g‖₂, factor]
      const f32 = (...xs: number[]): Uniform[] => xs.map((x) => ({ type: 'float32', data: [x] }));
      (tf.backend() as unknown as WebGpuRunner).runWebGPUProgram(
        adamUpdate(this.P, cfg.name === 'sgd'),
        [g, ns, this.decayMask!],
        'float32',
        [units(this.P), ...f32(lr, lrc1, ic2, cfg.eps, decay, cfg.beta1, cfg.beta2)],
        this.state,
      );
      return tf.keep(tf.reshape(tf.slice(ns, [0], [1]), []) as tf.Scalar);
    });
  }

  /**
   * The same Adam/AdamW update on webgpu in 3 + one-per-parameter dispatches instead of ~100:
   * one reduction gives ‖g‖₂ and the clip factor, one kernel each updates m and v over the flat
   * vector, and one per parameter tensor writes θ − η·m̂/(√v̂ + ε) − η·λ·θ (webgpu-programs.ts).
   */
  private applyFused(
    grads: tf.Tensor[] | tf.Tensor1D,
    lrc1: number,
    ic2: number,
    decay: number,
  ): tf.Scalar {
    const cfg = this.config;
    return tf.tidy(() => {
      const g = flatOf(grads); // [P]
      const ns = runPike('PikeClipScale', { g }, { clip: cfg.clipNorm }); // [‖g‖₂, factor]
      const m = runPike('PikeAdamMoment', { g, m: this.m!, ns }, { beta: cfg.beta1, squared: 0 });
      const v = runPike('PikeAdamMoment', { g, m: this.v!, ns }, { beta: cfg.beta2, squared: 1 });
      this.m!.assign(m);
      this.v!.assign(v);
      let offset = 0;
      this.vars.forEach((p, i) => {
        const attrs = { offset, lrc1, ic2, eps: cfg.eps };
        p.assign(
          runPike('PikeAdamApply', { p, m, v }, { ...attrs, decay: this.decayed(p) ? decay : 0 }),
        );
        offset += this.sizes[i];
      });
      return tf.keep(tf.reshape(tf.slice(ns, [0], [1]), []) as tf.Scalar);
    });
  }

  dispose(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.state?.dispose();
    this.decayMask?.dispose();
  }
}

const flatOf = (g: tf.Tensor[] | tf.Tensor1D) => (Array.isArray(g) ? flatten(g) : g);

/** The tensors flattened and concatenated in order → [Σ sizes]. */
export function flatten(xs: tf.Tensor[]): tf.Tensor1D {
  return concatMany(xs.map((x) => tf.reshape(x, [-1]))) as tf.Tensor1D;
}
