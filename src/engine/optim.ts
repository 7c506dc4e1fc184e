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
import { runPike } from './model/webgpu-programs';
import { concatMany } from './many';
import { learningRateAt, type OptimizerConfig } from './optim-config';

export { learningRateAt, optimizerConfigSchema, type OptimizerConfig } from './optim-config';

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
  private readonly m: tf.Variable; // [P]
  private readonly v: tf.Variable; // [P]
  private readonly sizes: number[];
  private t = 0;

  constructor(
    public config: OptimizerConfig,
    private readonly vars: tf.Variable[],
    private readonly decayed: (v: tf.Variable) => boolean,
  ) {
    this.sizes = vars.map((x) => x.size);
    const P = this.sizes.reduce((a, b) => a + b, 0);
    this.m = ownedVariable(() => tf.zeros([P]), false);
    this.v = ownedVariable(() => tf.zeros([P]), false);
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
        const m = tf.add(tf.mul(this.m, cfg.beta1), tf.mul(g, 1 - cfg.beta1));
        const v = tf.add(tf.mul(this.v, cfg.beta2), tf.mul(tf.square(g), 1 - cfg.beta2));
        this.m.assign(m);
        this.v.assign(v);
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
      const m = runPike('PikeAdamMoment', { g, m: this.m, ns }, { beta: cfg.beta1, squared: 0 });
      const v = runPike('PikeAdamMoment', { g, m: this.v, ns }, { beta: cfg.beta2, squared: 1 });
      this.m.assign(m);
      this.v.assign(v);
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
    this.m.dispose();
    this.v.dispose();
  }
}

const flatOf = (g: tf.Tensor[] | tf.Tensor1D) => (Array.isArray(g) ? flatten(g) : g);

/** The tensors flattened and concatenated in order → [Σ sizes]. */
export function flatten(xs: tf.Tensor[]): tf.Tensor1D {
  return concatMany(xs.map((x) => tf.reshape(x, [-1]))) as tf.Tensor1D;
}
