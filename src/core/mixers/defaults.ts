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
 * pike.smooth = 0 (also balanced-pike): averaging ‖∇L_k‖² and σ_k² over updates cut the spread of
 *   ‖∇L_k‖² to a relative SE of 0.055 at β = 0.7, but the average trailed the current value by
 *   +79% to +843% (gradient norms fall tenfold in the first 100 steps; npm run bench -- --stats
 *   --smooth 0.7), so the paper's unsmoothed rule stays the default. The statistics window
 *   (stats/task-stats.ts) is what brings the error down instead.
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
 *
 * The paper's adaptive baselines (each file's header gives the rule, its source and what was
 * adapted; the numbers below were read from the reference code, see the headers):
 * famo.T0 = 5: the reference updates its logits every step from the loss change on the same
 *   batch; here the change is measured on a fixed probe (2m = 16 examples per task) across the
 *   T steps since the last update, one probe forward pass per update. Measured on the
 *   multilingual preset (wasm, 200 steps, one process, `npm run experiment -- --preset
 *   multilingual --mixers 'mix,pike,famo,famo{T0=1},odm,doremi,ado,unimax' --reference mix
 *   --seeds 1 --steps 200 --eval-every 200 --jobs 1`): 114.3 ms/step at T = 5 and 162.4 at
 *   T = 1 against mix's 110.6 (+3% and +47%; runs of identical cost differed by up to 7% in
 *   that process). The knob goes to 1.
 * famo.wlr = 0.025: the reference's w_lr in every experiment (Adam makes it scale-free).
 * famo.wdecay = 0.001: the reference's γ for NYU-v2, QM9 and CelebA (0.01 for CityScapes and
 *   MT10); the smaller one lets the logits move within a run of a few hundred updates.
 * odm.T0 = 10: the reward (the trainer's smoothed loss) is updated every step; π is recomputed
 *   every 10 steps, since each recomputation forces a loss readback (a GPU sync).
 * odm.uniformSteps = 20: the reference keeps its initial weights for 2% of training (2000 of 100k
 *   steps); 20 steps also let every task's smoothed loss exist before it is used.
 * doremi.T0 = 25: each update evaluates every task's held-out set (64 examples per task), about
 *   two training steps of compute spread over 25 steps; in the measurement above doremi's
 *   110.4 ms/step was within the noise of mix's 110.6.
 * doremi.eta = 1: the paper's η. The reference updates every step from per-batch excess losses;
 *   here an update comes every 25 steps from held-out losses, so η = 1 moves a task lagging
 *   its reference by 0.1 nat by e^0.1 per update, visible over a few hundred steps.
 * doremi.smoothing = 0.05: the paper's c = 1e-3 is for 22 domains whose weights were then
 *   averaged over the run; used directly as sampling weights, log-weights that only grow would
 *   starve a task, so c = 0.05 keeps every task ≥ c/K (1.7% at K = 3), like PiKE's floor.
 * ado.T0 = 10, fitEvery = 100, start = 200: the reference refits every 1000 of 60k steps and
 *   starts at step 500–1000; runs here are hundreds to a few thousand steps, so fits come every
 *   100 steps from step 200 (by then ≥ 15 points per task past the ignored first 50 steps).
 * ado.floor = 0.05: the reference's δ_min = 0.01 would leave a task out of most batches at
 *   K = 3, b = 32; 0.05 keeps ≥ 1.6 examples per batch.
 * unimax.epochs = 4: at most 4 passes over any pool (repeating data up to ~4 epochs costs
 *   little, Muennighoff et al. 2023); the paper ablates N and this is its library's example.
 * unimax.steps = 2000: the planned run length for the budget B = steps·b (the page trains
 *   without an end). With the presets' pools (2000 windows per language, 64 000 examples of
 *   budget), small pools are capped and the rest is spread uniformly.
 *
 * The methods a researcher races PiKE against next (rules, sources and adaptations in each file):
 * aioli.roundSteps = 100: the reference's rounds are 200-250 steps of 5 000-40 000; runs here are a
 *   few hundred steps, so 100 gives 4 rounds in the claims' 400.
 * aioli.lpRounds = 1, lpSteps = 5: the reference code's defaults (its scripts use 2-4 and 4-10).
 *   With K = 3 the sweeps take 15 of the 100 steps (the scripts: 13-70%) and the round costs
 *   R·K + 1 = 4 held-out evaluations.
 * aioli.ohf = 0.75, ema = 0.1, eta = 1: the seven-group SlimPajama script's. Normalised A bounds
 *   max p / min p by e^η; the two- and three-group scripts' η = 0.1-0.2 keep every weight within
 *   about 10% of uniform, which a few hundred steps could not tell from Mix.
 * doge.T0 = 25, eta = 1.25: the reference updates every step by lr_t/μ = 5e-4/0.01 = 0.05 per
 *   unit score (its shipped config); here each update costs a statistics step, so it comes every
 *   25 steps (as doremi's) and carries 25 of those steps: η = 0.05·25.
 * doge.dwMax = 5: the reference's clip of the score (and its lower clip 0).
 * doge.selfTerm = true: the score includes ⟨g_i, g_i⟩, as the reference code runs (its line that
 *   drops it never fires, doge.ts); without it two tasks' scores are equal and nothing moves.
 * doge.floor = 0.02: as PiKE's (the reference has none; clipped scores are ≥ 0, but a task that
 *   never scores falls without bound relative to the others).
 *
 * Gradient surgery (the rules and their sources are in pcgrad.ts and cagrad.ts):
 * pcgrad has no knob: LibMTL's PCGrad has none (its random orders are seeded here).
 * cagrad.calpha = 0.5: LibMTL's default α (the CAGrad paper uses 0.4–0.5 on its benchmarks);
 *   the update moves at most α·‖g₀‖ from the average gradient toward the worst task's, and
 *   LibMTL's rescale = 1 (divide by 1 + α²) is kept fixed.
 */
const PIKE = { T0: 50, zeta1: 0.5, zeta2: 0.5, floor: 0.02, scaleAware: true, smooth: 0 } as const;

export const MIXER_DEFAULTS = {
  temperature: { T: 2 },
  pike: PIKE,
  'pike-kkt': { T0: PIKE.T0, eta: 1e-3, L: 1, beta: 1, gamma: 1, floor: 0 },
  'balanced-pike': { ...PIKE, tau: 1 },
  famo: { T0: 5, wlr: 0.025, wdecay: 0.001 },
  odm: { T0: 10, uniformSteps: 20 },
  doremi: { T0: 25, eta: 1, smoothing: 0.05 },
  ado: { T0: 10, fitEvery: 100, start: 200, floor: 0.05 },
  unimax: { epochs: 4, steps: 2000 },
  aioli: { roundSteps: 100, lpRounds: 1, lpSteps: 5, ohf: 0.75, ema: 0.1, eta: 1 },
  doge: { T0: 25, eta: 1.25, dwMax: 5, selfTerm: true, floor: 0.02 },
  cagrad: { calpha: 0.5 },
} as const;
