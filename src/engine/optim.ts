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
import * as tf from '@tensorflow/tfjs';
import { ownedVariable } from './model/variables';
import { addMany } from './many';
import { learningRateAt, type OptimizerConfig } from './optim-config';

export { learningRateAt, optimizerConfigSchema, type OptimizerConfig } from './optim-config';

/** Moment state plus update rule. Owns its moment variables: call dispose(). */
export class Optimizer {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    public config: OptimizerConfig,
    private readonly vars: tf.Variable[],
    private readonly decayed: (v: tf.Variable) => boolean,
  ) {
    const zeros = (x: tf.Variable) => ownedVariable(() => tf.zerosLike(x), false);
    this.m = vars.map(zeros);
    this.v = vars.map(zeros);
  }

  /** Steps taken so far (the t of the schedule and of Adam's bias correction). */
  get stepCount(): number {
    return this.t;
  }

  /** The scheduled learning rate the last update used (0 before the first). */
  lastLr = 0;

  /**
   * Applies one update from gradients in `vars` order. Returns the global gradient norm before
   * clipping as a scalar tensor the caller owns (kept on device: no readback here).
   */
  apply(grads: tf.Tensor[]): tf.Scalar {
    const cfg = this.config;
    const lr = learningRateAt(cfg, this.t);
    this.lastLr = lr;
    this.t += 1;
    return tf.tidy(() => {
      const norm = tf.sqrt(addMany(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
      const scale =
        cfg.clipNorm > 0 ? tf.minimum(1, tf.div(cfg.clipNorm, tf.add(norm, 1e-6))) : tf.scalar(1);
      const c1 = 1 - Math.pow(cfg.beta1, this.t);
      const c2 = 1 - Math.pow(cfg.beta2, this.t);
      this.vars.forEach((p, i) => {
        const g = tf.mul(grads[i], scale);
        if (cfg.name === 'sgd') {
          p.assign(tf.sub(p, tf.mul(g, lr)));
          return;
        }
        const m = tf.add(tf.mul(this.m[i], cfg.beta1), tf.mul(g, 1 - cfg.beta1));
        const v = tf.add(tf.mul(this.v[i], cfg.beta2), tf.mul(tf.square(g), 1 - cfg.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), cfg.eps));
        let next = tf.sub(p, tf.mul(step, lr));
        if (cfg.name === 'adamw' && cfg.weightDecay > 0 && this.decayed(p)) {
          next = tf.sub(next, tf.mul(p, lr * cfg.weightDecay));
        }
        p.assign(next);
      });
      return tf.keep(norm);
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
