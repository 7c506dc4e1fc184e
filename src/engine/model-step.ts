/**
 * The model's side of a training step: forward, loss, backward and the optimizer's update of one
 * mixed batch, by the path the model fits:
 * - the fused WGSL schedule on the optimizer's flat state [θ | m | v] (model/webgpu-step.ts):
 *   webgpu, 'auto' kernels, no dropout, head size ≤ 64 (`fusedStepFits`);
 * - otherwise tfjs's autodiff over the parameter variables.
 * The statistics' chunk gradients (a task batch's mean loss and its flat gradient) take the same
 * path. The steps inside the statistics window, task by task, are TaskStatistics' own.
 *
 * Ownership: the Trainer owns the parameters and the optimizer; every tensor made here lives in
 * a tidy, except the per-task loss sums a step returns, which the caller keeps (StepLosses).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MixedBatch } from '../core/batch';
import type { GptConfig } from '../core/model-config';
import type { TaskBatch } from '../core/types';
import { exampleLosses, meanLosses } from './batch-losses';
import { forward, type Weights } from './model/gpt';
import { perExampleLoss } from './model/loss';
import type { GptParams } from './model/params';
import { fusedLossAndGrad, type Layout } from './model/webgpu-step';
import { flatten, type Optimizer } from './optim';
import { taskSums } from './step-losses';

/** Phases of a training step that `Trainer.onPhase` reports (bench --profile). */
export type StepPhase = 'batch' | 'forward+backward' | 'optimizer' | 'readback';

export class ModelStep {
  constructor(
    private readonly model: GptConfig,
    private readonly params: GptParams,
    private readonly vars: tf.Variable[],
    /** θ's layout when the fused step trains this model; else undefined. */
    private readonly layout: Layout | undefined,
    /** The optimizer in use (setOptimizer replaces it). */
    private readonly optimizer: () => Optimizer,
  ) {}

  /**
   * What evaluation, sampling and the mixers' losses run the model on: under the fused step the
   * optimizer's flat state (θ lives there; the variables are written back only for a new
   * optimizer), else the variables.
   */
  get weights(): Weights {
    return this.layout ? { theta: this.optimizer().flatState!, layout: this.layout } : this.params;
  }

  /**
   * One optimizer step on `batch`: returns the per-task loss sums [1, K] (kept: the caller owns
   * them) and the global gradient norm before clipping. `lap` marks each phase's end.
   */
  update(
    batch: MixedBatch,
    dropoutSeed: number | undefined,
    lap: (phase: StepPhase) => void,
  ): { perTask: tf.Tensor; gradNorm: tf.Scalar } {
    let perTask: tf.Tensor | null = null;
    const opt = this.optimizer();
    if (this.layout) {
      const theta = opt.flatState!;
      const layout = this.layout;
      lap('batch');
      const gradNorm = tf.tidy(() => {
        const step = fusedLossAndGrad(theta, layout, batch);
        perTask = tf.keep(step.perTask);
        lap('forward+backward');
        const norm = opt.apply(step.grad);
        lap('optimizer');
        return norm;
      });
      return { perTask: perTask!, gradNorm };
    }
    const { b, T } = batch;
    const gradNorm = tf.tidy(() => {
      const inputs = tf.tensor2d(batch.inputs, [b, T], 'int32');
      const targets = tf.tensor1d(batch.targets, 'int32');
      const mask = tf.tensor1d(batch.mask, 'float32');
      const member = tf.tensor2d(batch.membership, [b, batch.K]);
      const exW = tf.tensor1d(batch.exampleWeights, 'float32');
      lap('batch');
      const { value, grads } = tf.variableGrads(() => {
        const logits = forward(this.params, this.model, inputs, { dropoutSeed });
        const ex = perExampleLoss(logits, targets, mask, b); // [b]
        perTask = tf.keep(taskSums(ex, member)); // [1, K] per-task loss sums
        return tf.div(tf.sum(tf.mul(ex, exW)), b) as tf.Scalar;
      }, this.vars);
      value.dispose();
      lap('forward+backward');
      const norm = opt.apply(this.vars.map((v) => grads[v.name]));
      lap('optimizer');
      return norm;
    });
    return { perTask: perTask!, gradNorm };
  }

  /**
   * The mean per-example loss of a task batch and its flat gradient [P] (the statistics' chunks):
   * the fused step on webgpu, else tfjs's autodiff. Tensors belong to the caller's tidy.
   */
  meanLossGrad(batch: TaskBatch): { value: tf.Scalar; grad: tf.Tensor1D } {
    const n = batch.n;
    if (this.layout) {
      const ones = new Float32Array(n).fill(1);
      const mixed = {
        ...batch,
        b: n,
        T: batch.contextLength,
        K: 1,
        membership: ones,
        exampleWeights: ones,
      };
      const r = fusedLossAndGrad(this.optimizer().flatState!, this.layout, mixed);
      return { value: tf.div(tf.reshape(r.perTask, []), n) as tf.Scalar, grad: r.grad };
    }
    const { value, grads } = tf.variableGrads(
      () => tf.mean(exampleLosses(this.params, this.model, batch).loss) as tf.Scalar,
      this.vars,
    );
    return { value, grad: flatten(this.vars.map((v) => grads[v.name])) };
  }

  /** Each batch's mean per-example loss at the current parameters, in one readback. */
  meanLosses(batches: TaskBatch[]): Promise<Float64Array> {
    return meanLosses(this.weights, this.model, batches);
  }
}
