/**
 * ADO, Adaptive Data Optimization: per-task scaling laws fitted online, and a policy that
 * samples tasks whose fitted loss is still falling fastest.
 *
 * Rule (Jiang, Zhou, Kolter, Raghunathan, "Adaptive Data Optimization: Dynamic Sample
 * Selection with Scaling Laws", 2024; reference code yidingjiang/ado,
 * src/data_selectors/ado.py, AdoSelector.update / curr_dist / fit_scaling_law):
 *   fit, per task, every F steps:  L̂_k(n) = ε_k + β_k·n^(−α_k)   (n = examples seen in total)
 *   h_k ← 0.9·h_k + 0.1·(share of task k in the batch)            (recent sampling share)
 *   ρ_k ∝ μ_k · h_k^0.5 · max(α_k, 0.05)·(L̂_k(n) − ε_k)/n           (−dL̂_k/dn: reducible loss rate)
 *   ρ ← floored at δ_min and renormalised
 *   π = 0.9·p̄ + 0.1·ρ,   p̄ ← (1 − 1/(t+1))·p̄ + ρ/(t+1)             (p̄ starts at μ)
 * with μ the prior (uniform here), and the reference's constants 0.9, 0.5, 0.05, 0.9.
 *
 * Made a sampler for this small trainer, and the priors adapted to byte-level losses:
 * - The fit's data are (n, L_k) at every update step from step ADO_IGNORE_STEPS on, with L_k the
 *   trainer's smoothed training loss (an exponential average) standing in for the reference's
 *   Savitzky–Golay filter; the first steps of a tiny model (loss falling from ln 256 ≈ 5.5 as
 *   it learns byte frequencies) follow no power law and are left out, as the reference ignores
 *   its first 1000 of 60k steps.
 * - Irreducible-loss floor: the reference keeps ε_k ≥ e^0.5 ≈ 1.65 nats (token-level losses
 *   of a 50k vocabulary). A small byte-level model reaches 1–2 nats per byte, so that floor
 *   would sit above the losses it must explain; here ε_k ∈ [0.05, 0.98·min L_k] (the fitted
 *   floor must stay below every observed loss).
 * - Exponent bounds kept: α_k ∈ [0, 0.8] in the fit, max(α, 0.05) in the policy.
 * - Fitting: the reference runs L-BFGS on a Huber loss in log space from 512 starting points.
 *   Here, the same model and bounds are fitted by a dense grid over (α, ε) with β in closed
 *   form (least squares of L − ε on n^(−α)), scored by the squared error in log space: no
 *   optimiser library, deterministic, and a few hundred points per task cost well under a
 *   millisecond per grid cell.
 * - The minimum probability δ_min is 0.05 (reference 0.01): with K = 3 and b = 32 a share of
 *   0.01 leaves a task out of most batches.
 * - The policy runs every T steps (reference: every step) and refits every F steps (reference:
 *   every 1000 of 60k); p̄ counts t in steps, as the reference does, so the prior's weight
 *   fades the same way. h_k's EMA takes the share over the T steps since the last update.
 * Before the first fit the weights stay at μ.
 */
import type { Mixer, MixerObservation, MixerUpdateReport } from '../types';
import type { MixerContext } from './context';
import { maxAbsDiff, normalize, uniform } from './simplex';

/** Steps of the start whose losses are left out of the fits. */
export const ADO_IGNORE_STEPS = 50;
/** Smallest irreducible loss a fit may have (nats). */
export const ADO_MIN_IRREDUCIBLE = 0.05;
/** Largest fitted exponent, and the floor the policy puts under it (the reference's). */
export const ADO_MAX_ALPHA = 0.8;
export const ADO_POLICY_MIN_ALPHA = 0.05;
/** Most (n, L) points kept for the fits; beyond it every other point is dropped. */
export const ADO_MAX_POINTS = 800;

export interface AdoOptions {
  /** T: steps between policy updates. */
  T0: number;
  /** F: steps between refits of the scaling laws. */
  fitEvery: number;
  /** Step of the first fit (the policy keeps the prior until then). */
  start: number;
  /** δ_min: smallest sampling probability of a task. */
  floor: number;
}

export interface PowerLaw {
  /** ε: irreducible loss. */
  eps: number;
  /** β: scale. */
  beta: number;
  /** α: exponent. */
  alpha: number;
}

/** L̂(n) = ε + β·n^(−α). */
export function powerLawAt(f: PowerLaw, n: number): number {
  return f.eps + f.beta * Math.pow(n, -f.alpha);
}

/**
 * Fits L ≈ ε + β·n^(−α) to points (n_i > 0, L_i > 0) by a grid over α ∈ [0, 0.8] and
 * ε ∈ [0.05, 0.98·min L] with β ≥ 0 in closed form, minimising Σ (log L_i − log L̂(n_i))².
 * Returns null when there are fewer than 3 usable points.
 */
export function fitPowerLaw(n: ArrayLike<number>, L: ArrayLike<number>): PowerLaw | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n.length; i++) {
    if (n[i] > 0 && L[i] > 0 && Number.isFinite(n[i]) && Number.isFinite(L[i])) {
      xs.push(n[i]);
      ys.push(L[i]);
    }
  }
  if (xs.length < 3) return null;
  const minL = Math.min(...ys);
  const logY = ys.map(Math.log);
  const logN = xs.map(Math.log);
  const epsHi = Math.max(ADO_MIN_IRREDUCIBLE, 0.98 * minL);
  const E_STEPS = 48;
  const A_STEPS = 80;
  let best: PowerLaw | null = null;
  let bestErr = Infinity;
  const x = new Float64Array(xs.length);
  for (let a = 0; a <= A_STEPS; a++) {
    const alpha = (ADO_MAX_ALPHA * a) / A_STEPS;
    let sxx = 0;
    for (let i = 0; i < xs.length; i++) {
      x[i] = Math.exp(-alpha * logN[i]);
      sxx += x[i] * x[i];
    }
    for (let e = 0; e <= E_STEPS; e++) {
      const eps = ADO_MIN_IRREDUCIBLE + ((epsHi - ADO_MIN_IRREDUCIBLE) * e) / E_STEPS;
      let sxy = 0;
      for (let i = 0; i < xs.length; i++) sxy += x[i] * (ys[i] - eps);
      const beta = Math.max(0, sxy / sxx);
      let err = 0;
      for (let i = 0; i < xs.length; i++) err += (logY[i] - Math.log(eps + beta * x[i])) ** 2;
      if (err < bestErr) {
        bestErr = err;
        best = { eps, beta, alpha };
      }
    }
  }
  return best;
}

/**
 * ρ_k ∝ μ_k·h_k^0.5·max(α_k, 0.05)·(L̂_k(n) − ε_k)/n, floored at δ_min and renormalised
 * (the reference's clip_min_probability). Tasks without a fit get the mean of the others'
 * scores (or uniform when none has one).
 */
export function adoPreference(
  fits: (PowerLaw | null)[],
  n: number,
  prior: ArrayLike<number>,
  h: ArrayLike<number>,
  floor: number,
): Float64Array {
  const score = fits.map((f) =>
    f ? (Math.max(f.alpha, ADO_POLICY_MIN_ALPHA) * (powerLawAt(f, n) - f.eps)) / n : NaN,
  );
  const known = score.filter(Number.isFinite);
  const fill = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const raw = score.map((s, k) => (Number.isFinite(s) ? s : fill) * prior[k] * Math.sqrt(h[k]));
  return clipMinProbability(normalize(raw), floor);
}

/** Raises every entry to at least `floor` (≤ 1/K) by mixing in uniform mass: w ← (1 − K·f')·w + f'. */
export function clipMinProbability(w: Float64Array, floor: number): Float64Array {
  const K = w.length;
  const f = Math.min(Math.max(floor, 0), 1 / K);
  const low = Math.min(...w);
  if (low >= f) return w;
  // The smallest mix with uniform that lifts the smallest entry to f.
  const lambda = (f - low) / (1 / K - low);
  return normalize(w.map((x) => (1 - lambda) * x + lambda / K));
}

export function createAdoMixer(ctx: MixerContext, opts: AdoOptions): Mixer {
  const K = ctx.numTasks;
  const prior = uniform(K);
  let pi: Float64Array = Float64Array.from(prior);
  let pAvg: Float64Array = Float64Array.from(prior);
  let h: Float64Array = Float64Array.from(prior);
  let fits: (PowerLaw | null)[] = new Array<PowerLaw | null>(K).fill(null);
  const history: { n: number; L: Float64Array }[] = [];
  let lastSeen: Float64Array | null = null;
  let lastFit = -Infinity;
  return {
    name: 'ado',
    needs: { stats: false, losses: true, every: opts.T0 },
    weights: () => Float64Array.from(pi),
    update(obs: MixerObservation): MixerUpdateReport {
      const seen = obs.samplesSeen;
      if (!seen || seen.length !== K || obs.taskLosses.length !== K) {
        return {
          changed: false,
          warning: `ado: kept the previous weights at step ${obs.step}: no per-task losses and sample counts for ${K} tasks.`,
        };
      }
      const total = seen.reduce((a, b) => a + b, 0);
      // h_k: EMA of each task's share of the examples since the last update.
      if (lastSeen) {
        const d = Array.from(seen, (s, k) => s - lastSeen![k]);
        const sum = d.reduce((a, b) => a + b, 0);
        if (sum > 0) h = Float64Array.from(h, (x, k) => 0.9 * x + (0.1 * d[k]) / sum);
      }
      lastSeen = Float64Array.from(seen);
      if (obs.step >= ADO_IGNORE_STEPS && total > 0 && obs.taskLosses.every(Number.isFinite)) {
        history.push({ n: total, L: Float64Array.from(obs.taskLosses) });
        // Bounded memory and fit time on endless page runs: thin to every other point.
        if (history.length > ADO_MAX_POINTS)
          history.splice(0, history.length, ...history.filter((_, i) => i % 2 === 0));
      }
      if (obs.step >= opts.start && obs.step - lastFit >= opts.fitEvery) {
        const n = history.map((p) => p.n);
        fits = Array.from({ length: K }, (_, k) =>
          fitPowerLaw(
            n,
            history.map((p) => p.L[k]),
          ),
        );
        lastFit = obs.step;
      }
      if (!fits.some((f) => f) || total <= 0) return { changed: false };
      const rho = adoPreference(fits, total, prior, h, opts.floor);
      const old = pi;
      const t = obs.step;
      pi = normalize(pAvg.map((p, k) => 0.9 * p + 0.1 * rho[k]));
      // The reference averages ρ into p̄ at every step; T steps of the same ρ at once:
      // p̄ ← ((t + 1 − T)/(t + 1))·p̄ + (T/(t + 1))·ρ, the exact running mean.
      const share = Math.min(1, opts.T0 / (t + 1));
      pAvg = pAvg.map((p, k) => (1 - share) * p + share * rho[k]);
      return { changed: maxAbsDiff(pi, old) > 0 };
    },
  };
}
