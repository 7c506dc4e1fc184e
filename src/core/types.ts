/**
 * Types shared by every layer (engine, worker, store, UI, CLI). Plain data only: no tfjs, no DOM,
 * so the UI may import this file.
 */
import type { MixerName } from './mixers/names';

/** A seeded random source. `next()` is uniform in [0, 1); `int(n)` is uniform in {0..n-1}. */
export interface Rng {
  next(): number;
  int(n: number): number;
  /** A standard normal draw (Box-Muller). */
  normal(): number;
  /** An independent stream derived from this one (does not advance this one's sequence). */
  fork(salt: number): Rng;
}

/**
 * One batch of examples for one task, in the model's token space. Flat row-major arrays of
 * `n * contextLength` entries: row i holds example i.
 *   inputs[i, 0] is the task's token; targets[i, t] is the token that should follow inputs[i, ..t];
 *   mask[i, t] is 1 where the loss counts (answer positions for algorithmic tasks, every
 *   non-PAD position for language modelling) and 0 elsewhere.
 */
export interface TaskBatch {
  n: number;
  contextLength: number;
  inputs: Int32Array;
  targets: Int32Array;
  mask: Float32Array;
}

export type TaskKind = 'language' | 'markov' | 'algorithmic' | 'anti';

/** Knobs every task has, plus task-specific difficulty knobs (length, digits, modulus, ...). */
export interface TaskKnobs {
  /** Size of the finite training pool (examples or text windows). */
  poolSize: number;
  /** Probability in [0, 1] that a training target token is replaced by a random one. */
  labelNoise: number;
  enabled: boolean;
  /** Task-specific difficulty knobs, e.g. { length: 8 } or { digits: 3 } or { modulus: 97 }. */
  difficulty: Record<string, number>;
}

/** Describes one difficulty knob so a UI can render it and a validator can check it. */
export interface KnobSpec {
  name: string;
  label: string;
  min: number;
  max: number;
  step: number;
  default: number;
  help: string;
}

export interface Task {
  /** The spec string that created it, e.g. "udhr:en", "markov:3:0.5", "add", "anti:copy". */
  readonly id: string;
  readonly label: string;
  readonly kind: TaskKind;
  readonly knobs: TaskKnobs;
  /** Difficulty knobs this task understands (empty for language modelling). */
  readonly difficultySpecs: readonly KnobSpec[];
  /** Token placed at inputs[i, 0]: identifies the task to the model. */
  readonly taskToken: number;
  readonly contextLength: number;
  /** Draws n training examples from the task's finite pool (with label noise applied). */
  sample(rng: Rng, n: number): TaskBatch;
  /** A fixed held-out validation set: the same examples on every call. Never noisy. */
  validation(): TaskBatch;
  /** 'accuracy': exact match over the answer positions of each example; 'none': loss only. */
  readonly metric: 'accuracy' | 'none';
}

/** Gradient statistics for K tasks, (engine/stats/; one readback per stats step). */
export interface GradStats {
  step: number;
  /** Unbiased estimate of ||grad L_k||^2 (U-statistic over probe chunks); may be slightly negative. */
  gradNormSq: Float64Array;
  /** Unbiased estimate of the per-sample gradient variance sigma_k^2 (trace of the covariance). */
  variance: Float64Array;
  /** Jackknife standard error of gradNormSq from this step's chunks (NaN with 2 chunks). */
  gradNormSqSE: Float64Array;
  /** Jackknife standard error of variance (NaN with 2 chunks). */
  varianceSE: Float64Array;
  /** Row-major K x K cosine similarity of the task gradients (diagonal 1, NaN if a norm is 0). */
  cosine: Float64Array;
  /**
   * Row-major K x K inner products ⟨ĝ_j, ĝ_k⟩ of the tasks' probe-mean gradients (the cosines'
   * numerators). Off the diagonal unbiased for ⟨∇L_j, ∇L_k⟩; the diagonal carries the noise
   * σ_k²/N (gradNormSq is its unbiased version). Absent in statistics made elsewhere (files).
   */
  meanGram?: Float64Array;
  /** Examples per task the estimates used (statistics window + probe). */
  examples: number[];
  /** Chunks per task (2: the paper's halves). */
  chunks: number[];
  /** Groups per task: training steps of the window plus the probe (pairs stay within one). */
  groups: number[];
}

/** What the trainer tells a mixer when it asks for an update. */
export interface MixerObservation {
  step: number;
  /** Batch size b (the "b" of the PiKE update). */
  batchSize: number;
  /** Latest per-task training loss (smoothed); NaN where unknown. Length K. */
  taskLosses: Float64Array;
  /** Present when the mixer declared `needs.stats` and a stats step ran. */
  stats?: GradStats;
  /** Examples of each task trained on so far (all steps, this mixer's and earlier ones'). */
  samplesSeen?: Float64Array;
  /**
   * Present when the mixer declared `needs.probe`: each task's mean loss on its fixed probe
   * (the same examples every time) before and after the step that just ended (famo).
   */
  probeLoss?: { before: Float64Array; after: Float64Array };
  /** Present when the mixer declared `needs.validation`: held-out loss of every task now (doremi). */
  valLoss?: Float64Array;
}

export interface MixerUpdateReport {
  /** True when the sampling weights changed. */
  changed: boolean;
  /** Set when the observation was unusable (e.g. NaN statistics) and the weights were kept. */
  warning?: string;
  /** A PiKE-type update's terms, per task, for the mixer panel (pike, balanced-pike). */
  detail?: PikeUpdateDetail;
}

/**
 * What one PiKE update did, per task: the two terms of its exponent (already divided by the
 * scale s), the centred and clipped exponent, and the weights before and after.
 */
export interface PikeUpdateDetail {
  step: number;
  /** The statistics the update used (smoothed when the mixer smooths them). */
  gradNormSq: number[];
  variance: number[];
  /** +ζ₁·G_k / s */
  gradTerm: number[];
  /** −ζ₂·S_k / (2b·s) */
  varianceTerm: number[];
  /** e_k after centring and clipping: log(w_after/w_before) before normalisation and floor. */
  exponent: number[];
  before: number[];
  after: number[];
}

/** The mixers' names (a leaf module, mixers/names.ts). */
export type { MixerName };

/** What a mixer asks of the trainer at its update steps (every `every` steps; 0 = never). */
export interface MixerNeeds {
  /** Gradient statistics (a probe of 2m examples per task, backward passes). */
  stats: boolean;
  /** Fresh smoothed training losses (forces a readback at update steps). */
  losses: boolean;
  every: number;
  /** Losses of a fixed probe per task before and after the step ending at an update step. */
  probe?: boolean;
  /** Held-out loss of every task at update steps. */
  validation?: boolean;
  /**
   * A schedule that is not a period (aioli: the boundaries of its sweeps): when given, the
   * mixer updates after exactly the steps for which it is true, and `every` only describes it.
   */
  at?: (step: number) => boolean;
}

export interface Mixer {
  readonly name: MixerName;
  /** What the mixer needs from the trainer, and how often (steps) it wants an update. */
  readonly needs: MixerNeeds;
  /** Sampling weights for this step: K finite numbers >= 0 summing to 1. */
  weights(step: number): Float64Array;
  /** Optional per-task multipliers on the training loss (balanced-pike). Length K. */
  lossWeights?(): Float64Array;
  /**
   * Gradient surgery (pcgrad, cagrad): the mixer changes the update instead of (or besides) the
   * sampling. Every step the trainer computes each task's share g_k of the mixed batch's
   * gradient (Σ_k g_k is the plain gradient), hands over their Gram matrix, and applies
   * Σ_k β_k·g_k with the β returned here.
   */
  surgery?: GradientSurgery;
  update(obs: MixerObservation): MixerUpdateReport;
}

export interface GradientSurgery {
  /**
   * β (length K, finite) from the Gram matrix A_jk = ⟨g_j, g_k⟩ (row-major K×K) of step `step`'s
   * per-task gradient shares. A task without examples this step has g_k = 0.
   */
  coefficients(gram: Float64Array, step: number): Float64Array;
}

/** What the page needs to know about each run: its id, label and mixer. */
export interface RunInfo {
  id: number;
  /** "PiKE", "PiKE {zeta2=0}", "Balanced-PiKE {tau=3}". */
  label: string;
  /** The contestant as a spec: `pike{zeta2=0}`. */
  spec: string;
  mixer: MixerName;
}

/** One held-out prompt's continuation by the model (engine/samples.ts). */
export interface Sample {
  /** Task id. */
  task: string;
  kind: TaskKind;
  prompt: string;
  output: string;
  /** Accuracy tasks: the held-out answer. */
  expected?: string;
  /** Accuracy tasks: output bytes equal the expected bytes exactly. */
  correct?: boolean;
}
