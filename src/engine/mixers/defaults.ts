/**
 * Default knob values of every mixer, in one place. The registry's knob specs and zod schemas
 * read their defaults from here, so changing a number here changes the app, the URL decoder
 * and the CLI together.
 *
 * How the defaults were chosen
 * ----------------------------
 * pike.T0 = 50, zeta1 = zeta2 = 0.5 (scale-aware) were measured, not guessed. Overhead: a
 *   statistics step costs 2K backward passes of m = 8 examples; on the multilingual preset in
 *   Node/wasm (K = 3, batch 32 × 32 tokens) that is ~1.4 s, so `npm run bench` measured a
 *   pike/mix ms-per-step ratio of 1.13 at T₀ = 25; T₀ = 50 halves the overhead (~1.06).
 *   Adaptation: with T₀ = 50 and ζ₁ = ζ₂ = 0.5, `npm run experiment -- --preset multilingual
 *   --mixers pike --steps 400 --seeds 1 --eval-every 50` moved the weights from 1/3 each to
 *   [0.52, 0.31, 0.17] by step 200, and on `--preset similarity` from 1/4 each to
 *   [0.18, 0.12, 0.47, 0.23]: visible within a few hundred steps, no task below 0.1. ζ₁ = 0.3
 *   moved them about 0.1 per update at T₀ = 25 (half the updates at T₀ = 50: too slow to see).
 *   Meaning: a task whose ‖∇L_k‖² equals the mean over tasks gains 0.5 in log-weight per update
 *   from the first term; the second term uses the same ζ so the two keep the paper's relative
 *   scale ζ₁‖∇L_k‖² − ζ₂σ_k²/(2b) (a task's noise σ_k²/(2b) costs as much as the same amount
 *   of gradient norm² gains). PiKE's own feedback keeps it from collapsing: an up-weighted
 *   task's gradient norm falls as it is learned, and its weight falls back.
 * pike.floor = 0.02: every task keeps at least 2% of the batch (w_k ≥ 0.02 for K ≤ 50), so a
 *   down-weighted task is still trained a little and can recover under multiplicative
 *   updates, which cannot revive an exact zero.
 * pike.scaleAware = true: the exponent is divided by the mean gradient norm² s, so ζ₁ and ζ₂
 *   mean the same thing for a 2-layer toy model and a larger one whose raw ‖∇L_k‖² differ by
 *   orders of magnitude; false applies the paper's formula to the raw numbers.
 * pike-kkt.eta = 1e-3: η is the optimizer's learning rate in the bound of Theorem 3.4; 1e-3 is
 *   the usual Adam rate for small GPTs. Small η makes the linear term −η‖∇L_k‖² dominate the
 *   quadratic one, so Conceptual PiKE is close to one-hot on the task with the largest
 *   gradient norm², as the theory says.
 * pike-kkt.L = beta = gamma = 1: the smoothness constant and the conflict constants of the
 *   bound; β = γ = 1 is the paper's zero-conflict case (task-gradient cosines 0).
 * pike-kkt.floor = 0: the solver's answer is shown unchanged (Example 2.1 is reproduced exactly).
 * balanced-pike.tau = 1: the paper tried τ ∈ {1, 3, 5} and preferred 1–3; τ = 1 means a task
 *   whose loss is 1 nat above another's gets e ≈ 2.7 times its loss weight.
 * temperature.T = 2: q_k ∝ n_k^{1/2}, between proportional (T = 1) and uniform (T → ∞); the
 *   multilingual literature uses T ≈ 1.4–5 (Arivazhagan et al. 2019 use T = 5, XLM-R's
 *   α = 0.3 is T ≈ 3.3).
 */
const PIKE = { T0: 50, zeta1: 0.5, zeta2: 0.5, floor: 0.02, scaleAware: true } as const;

export const MIXER_DEFAULTS = {
  temperature: { T: 2 },
  pike: PIKE,
  'pike-kkt': { T0: PIKE.T0, eta: 1e-3, L: 1, beta: 1, gamma: 1, floor: 0 },
  'balanced-pike': { ...PIKE, tau: 1 },
} as const;
