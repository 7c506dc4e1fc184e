/**
 * Default knob values of every mixer, in one place. The registry's knob specs and zod schemas
 * read their defaults from here, so changing a number here changes the app, the URL decoder
 * and the CLI together.
 *
 * How the defaults were chosen
 * ----------------------------
 * pike.T0 = 25: PiKE re-estimates the statistics and moves the weights once every 25 optimizer
 *   steps. The paper updates "every T₀ steps" so that Adam's moment estimates see a slowly
 *   changing mixture; 25 steps is also the cost knob, since each update needs one probe of 2m
 *   samples per task (DESIGN.md §2).
 * pike.zeta1 = 0.3 (scale-aware): a task whose ‖∇L_k‖² equals the mean over tasks gains
 *   0.3 in log-weight per update from the first term; a task with twice the mean gains 0.6.
 *   After 10 updates (250 steps) a steady 2:1 gradient ratio moves the weight ratio by
 *   e^{10·0.3} ≈ 20, bounded by the floor: visible adaptation on a short run, no single-update
 *   jumps.
 * pike.zeta2 = 0.3: equal to ζ₁, so the two terms keep the paper's relative scale
 *   ζ₁‖∇L_k‖² − ζ₂σ_k²/(2b): a task's noise σ_k²/(2b) costs as much as the same amount of
 *   gradient norm² gains.
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
const PIKE = { T0: 25, zeta1: 0.3, zeta2: 0.3, floor: 0.02, scaleAware: true } as const;

export const MIXER_DEFAULTS = {
  temperature: { T: 2 },
  pike: PIKE,
  'pike-kkt': { T0: PIKE.T0, eta: 1e-3, L: 1, beta: 1, gamma: 1, floor: 0 },
  'balanced-pike': { ...PIKE, tau: 1 },
} as const;
