/**
 * Aioli, online: learns in each round how training on each task lowers every task's held-out
 * loss (a K×K matrix A, from short sweeps of mostly-one-task batches), then samples by it.
 *
 * Rule (Chen, Hu, Sala, Ré et al., "Aioli: A Unified Optimization Framework for Language Model
 * Data Mixing", ICLR 2025; reference code HazyResearch/aioli, trainer/aioli_trainer.py, read
 * before writing: `LearnParams` l.119-191, the round loop l.306-345 at a236112). Each round:
 *   1. evaluate every task's held-out loss ℓ;
 *   2. sweeps: R random orders of the K tasks (lp_rounds = R); for each task j in turn train
 *      lp_steps steps on the mixture W_j (f = one_hot_factor on j, (1 − f)/(K − 1) elsewhere) and
 *      evaluate:  M_ij += ℓ_i(before the sweep) − ℓ_i(after it),  then M ← M/R;
 *   3. A = M·W⁻¹ (row i: the tasks' losses; column j: training on task j), with W the matrix
 *      of rows W_j; normalised: A ← A − min A when min A < 0, then A ← A / Σ A;
 *   4. EMA over rounds: E ← A in the first round, then E ← (1 − ema)·A + ema·E;
 *   5. p_j ∝ exp(η·Σ_i E_ij) (the column sums: what training on j did for all tasks), and
 *      train at p for the rest of the round.
 * The sweeps are real training steps of the same model and optimizer, not a copy.
 *
 * What the reference code shows that its description does not: with the normalisation and EMA
 * that every shipped script uses, the column sums lie in [0, 1] and add up to 1, so
 * max p / min p ≤ e^η: the mixture stays near uniform by construction (η = 0.1–0.2 in the
 * two- and three-group scripts keep every weight within about 10% of uniform; the seven-group
 * script's η = 1 allows a factor e).
 *
 * Made to run here:
 * - Rounds of `roundSteps` steps starting after step 1 (the first step trains at uniform
 *   weights, so its held-out loss is the first round's ℓ); a round is at least its sweeps
 *   plus `lpSteps` steps (rounded up when K grows).
 * - The trainer evaluates at the sweeps' boundaries only (`needs.at`), R·K + 1 evaluations a
 *   round; the mixer's update sees them as `valLoss`.
 * - W⁻¹ in closed form: W = a·I + c·11ᵀ with c = (1 − f)/(K − 1), a = f − c, so
 *   W⁻¹ = (I − c·11ᵀ)/a (its rows sum to 1), for f > 1/K. One task: nothing to mix (weight 1).
 * - The random orders are seeded by the run's seed and the round.
 */
import { createRng, mixSeeds, permutation } from '../rng';
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import type { MixerContext } from './context';
import { isFiniteVector, maxAbsDiff, softmax, uniform } from './simplex';

export interface AioliOptions {
  /** Steps per round (sweeps included). */
  roundSteps: number;
  /** R: sweeps of every task per round (lp_rounds). */
  lpRounds: number;
  /** Training steps per sweep (lp_steps). */
  lpSteps: number;
  /** f: a sweep's share of its task (one_hot_factor), > 1/K. */
  ohf: number;
  /** Weight of the old value in the EMA of A. */
  ema: number;
  /** η: the softmax's inverse temperature on the column sums. */
  eta: number;
}

/** A round's length: the knob, but at least its sweeps plus lpSteps steps. */
export function aioliRoundSteps(K: number, o: AioliOptions): number {
  return Math.max(o.roundSteps, (o.lpRounds * K + 1) * o.lpSteps);
}

/** The probe mixture W_j: f on task j, (1 − f)/(K − 1) on the others. */
export function sweepMixture(K: number, j: number, f: number): Float64Array {
  return Float64Array.from({ length: K }, (_, i) => (i === j ? f : (1 - f) / (K - 1)));
}

/**
 * A = M·W⁻¹, normalised (shifted by −min A when negative, then divided by its sum): row i the
 * tasks' losses, column j the sweep on task j. `M` is row-major K×K. Null when the sum is not
 * positive: every entry alike after the shift, so no sweep helped more than another.
 */
export function aioliMatrix(M: ArrayLike<number>, K: number, f: number): Float64Array | null {
  const c = (1 - f) / (K - 1);
  const a = f - c;
  const A = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    let row = 0;
    for (let l = 0; l < K; l++) row += M[i * K + l];
    for (let j = 0; j < K; j++) A[i * K + j] = (M[i * K + j] - c * row) / a;
  }
  const min = Math.min(...A);
  if (min < 0) for (let x = 0; x < A.length; x++) A[x] -= min;
  const sum = A.reduce((s, x) => s + x, 0);
  if (!(sum > 0) || !Number.isFinite(sum)) return null;
  return A.map((x) => x / sum);
}

/** p_j ∝ exp(η·Σ_i E_ij). */
export function aioliWeights(E: ArrayLike<number>, K: number, eta: number): Float64Array {
  const cols = new Float64Array(K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) cols[j] += E[i * K + j];
  return softmax(cols.map((x) => eta * x));
}

/** Where step `s` (steps completed) falls: its round and its offset in the round. */
function position(s: number, round: number): { r: number; o: number } | null {
  const t = s - 1;
  return t < 0 ? null : { r: Math.floor(t / round), o: t % round };
}

export function createAioliMixer(ctx: MixerContext, opts: AioliOptions): Mixer {
  const K = ctx.numTasks;
  const { lpSteps, lpRounds, ohf } = opts;
  const round = aioliRoundSteps(K, opts);
  const sweeps = lpRounds * K; // sweeps per round
  const orders = new Map<number, number[]>(); // round → the tasks in sweep order
  const orderOf = (r: number) => {
    let o = orders.get(r);
    if (!o) {
      const rng = createRng(mixSeeds(ctx.seed, 0xa101 + r));
      o = Array.from({ length: lpRounds }, () => permutation(K, rng)).flat();
      orders.clear();
      orders.set(r, o);
    }
    return o;
  };
  let p = uniform(K);
  let E: Float64Array | null = null;
  let M = new Float64Array(K * K);
  let before: Float64Array | null = null;
  let atRound = -1;
  return {
    name: 'aioli',
    needs: {
      stats: false,
      losses: false,
      every: lpSteps,
      validation: true,
      at: (s) => {
        const pos = K > 1 ? position(s, round) : null;
        return pos !== null && pos.o % lpSteps === 0 && pos.o <= sweeps * lpSteps;
      },
    },
    weights(step: number): Float64Array {
      const pos = K > 1 ? position(step, round) : null;
      if (!pos || pos.o >= sweeps * lpSteps) return Float64Array.from(p);
      return sweepMixture(K, orderOf(pos.r)[Math.floor(pos.o / lpSteps)], ohf);
    },
    update(obs: MixerObservation): MixerUpdateReport {
      const pos = position(obs.step, round);
      const loss = obs.valLoss;
      if (!pos || K < 2) return { changed: false };
      if (!loss || loss.length !== K || !isFiniteVector(loss)) {
        before = null; // this round's matrix cannot be completed
        atRound = -1;
        return {
          changed: false,
          warning: `aioli: kept the previous weights at step ${obs.step}: no finite held-out losses for the ${K} tasks.`,
        };
      }
      const q = pos.o / lpSteps; // sweeps done in this round
      if (!Number.isInteger(q) || q > sweeps) return { changed: false }; // not a sweep's end
      if (q === 0) {
        M = new Float64Array(K * K);
        before = Float64Array.from(loss);
        atRound = pos.r;
        return { changed: false };
      }
      if (!before || atRound !== pos.r) return { changed: false };
      const j = orderOf(pos.r)[q - 1];
      for (let i = 0; i < K; i++) M[i * K + j] += (before[i] - loss[i]) / lpRounds;
      before = Float64Array.from(loss);
      if (q < sweeps) return { changed: false };
      const A = aioliMatrix(M, K, ohf);
      if (!A) {
        return {
          changed: false,
          warning: `aioli: kept the previous weights at step ${obs.step}: the sweeps changed every task's loss alike (A has no preference).`,
        };
      }
      E = E ? A.map((x, k) => (1 - opts.ema) * x + opts.ema * E![k]) : A;
      const old = p;
      p = aioliWeights(E, K, opts.eta);
      return { changed: maxAbsDiff(p, old) > 0 };
    },
  };
}
