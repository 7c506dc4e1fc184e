/**
 * Exponential smoothing of per-task statistics across statistics steps: our documented addition
 * to PiKE (not in the paper), turned off by the mixer knob `smooth = 0`.
 *
 * Why: at playground scale one statistics step measures ‖∇L_k‖² with a relative standard error
 * of about 0.35 (npm run bench -- --stats), and that error comes from the signal×noise term
 * 4μᵀΣμ/n, which only more examples reduce — splitting the probe into more chunks does not
 * (grad-stats.ts). Averaging across statistics steps uses the examples already spent.
 *
 * Rule (bias-corrected like Adam's moments, so the first update uses its own estimate alone):
 *   m_t = β·m_{t−1} + (1 − β)·x_t,   x̃_t = m_t / (1 − β^t)
 * x̃_t is a weighted mean of x_1..x_t with weights ∝ β^(t−i). For independent estimates of equal
 * variance v its variance is v·(1 − β)(1 + β^t)/((1 + β)(1 − β^t)), tending to v·(1 − β)/(1 + β):
 * β = 0.7 divides the variance by 5.7 (standard error by 2.4) once a few steps have passed.
 * The price is lag: x̃ trails a drifting quantity by β/(1 − β) statistics steps on average
 * (2.3 at β = 0.7, i.e. about 120 training steps at T₀ = 50), which bench --stats reports as the
 * smoothed mean's offset from a fresh estimate's.
 */
export class StatsSmoother {
  private m: Float64Array | null = null;
  private t = 0;

  constructor(readonly beta: number) {
    if (!(beta >= 0 && beta < 1)) throw new Error(`smoothing β must be in [0, 1), got ${beta}`);
  }

  /** Adds one step's estimates and returns the smoothed values (x itself when β = 0). */
  push(x: Float64Array): Float64Array {
    if (this.beta === 0) return Float64Array.from(x);
    if (!this.m || this.m.length !== x.length) {
      this.m = new Float64Array(x.length);
      this.t = 0;
    }
    this.t += 1;
    const correction = 1 - this.beta ** this.t;
    const out = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) {
      this.m[k] = this.beta * this.m[k] + (1 - this.beta) * x[k];
      out[k] = this.m[k] / correction;
    }
    return out;
  }

  /** The variance factor of the smoothed value after t pushes (1 at t = 1), for iid inputs. */
  static varianceFactor(beta: number, t: number): number {
    if (beta === 0) return 1;
    return ((1 - beta) * (1 + beta ** t)) / ((1 + beta) * (1 - beta ** t));
  }
}
