/**
 * The knob specs of the paper's adaptive baselines (famo, odm, doremi, ado, unimax) and of the
 * methods raced next (aioli, doge, cagrad; pcgrad has none): what the registry's knob sets are
 * built from. Defaults come from defaults.ts, which says how each was chosen.
 */
import { MIXER_DEFAULTS } from './defaults';
import { int, KNOBS, num, withDefault, type MixerKnobSpec } from './knobs';

const D = MIXER_DEFAULTS;
const period = (def: number, help: string): MixerKnobSpec =>
  int(
    { name: 'T0', label: 'Update period T', min: 1, max: 1000, step: 1, default: def, help },
    'log',
  );

/** Knobs of every mixer beyond PiKE's family, by mixer. */
export const BASELINE_KNOBS = {
  famo: {
    T0: period(D.famo.T0, 'Steps between logit updates; each measures a fixed probe per task.'),
    wlr: num(
      {
        name: 'wlr',
        label: 'Logit learning rate',
        min: 1e-4,
        max: 1,
        step: 1e-4,
        default: D.famo.wlr,
        help: 'Adam step size on the task logits ξ (FAMO’s w_lr).',
      },
      'log',
    ),
    wdecay: num({
      name: 'wdecay',
      label: 'Logit decay γ',
      min: 0,
      max: 1,
      step: 1e-4,
      default: D.famo.wdecay,
      help: 'Weight decay on ξ: pulls the weights back toward uniform.',
    }),
  },
  odm: {
    T0: period(D.odm.T0, 'Steps between recomputations of the sampling weights.'),
    uniformSteps: int({
      name: 'uniformSteps',
      label: 'Uniform steps first',
      min: 0,
      max: 100_000,
      step: 1,
      default: D.odm.uniformSteps,
      help: 'Uniform sampling for this many steps before the bandit starts.',
    }),
  },
  doremi: {
    T0: period(D.doremi.T0, 'Steps between updates; each evaluates every task’s held-out set.'),
    eta: num({
      name: 'eta',
      label: 'Step size η',
      min: 0,
      max: 10,
      step: 0.01,
      default: D.doremi.eta,
      help: 'Log-weight change per nat of excess loss over the reference.',
    }),
    smoothing: num({
      name: 'smoothing',
      label: 'Smoothing c',
      min: 0,
      max: 1,
      step: 0.001,
      default: D.doremi.smoothing,
      help: 'Mixes c of uniform into the weights: every task keeps ≥ c/K.',
    }),
  },
  ado: {
    T0: period(D.ado.T0, 'Steps between policy updates.'),
    fitEvery: int({
      name: 'fitEvery',
      label: 'Refit every',
      min: 1,
      max: 100_000,
      step: 1,
      default: D.ado.fitEvery,
      help: 'Steps between refits of the per-task scaling laws.',
    }),
    start: int({
      name: 'start',
      label: 'First fit at step',
      min: 0,
      max: 100_000,
      step: 1,
      default: D.ado.start,
      help: 'The weights stay uniform until the first fit.',
    }),
    floor: num({
      name: 'floor',
      label: 'Minimum share δ',
      min: 0,
      max: 1,
      step: 0.005,
      default: D.ado.floor,
      help: 'Smallest sampling probability of a task (at most 1/K).',
    }),
  },
  unimax: {
    epochs: num(
      {
        name: 'epochs',
        label: 'Max epochs N',
        min: 0.01,
        max: 1000,
        step: 0.01,
        default: D.unimax.epochs,
        help: 'No task is planned for more than N passes over its pool.',
      },
      'log',
    ),
    steps: int(
      {
        name: 'steps',
        label: 'Planned steps',
        min: 1,
        max: 1_000_000,
        step: 1,
        default: D.unimax.steps,
        help: 'Run length for the budget: steps × batch size examples.',
      },
      'log',
    ),
  },
  aioli: {
    roundSteps: int(
      {
        name: 'roundSteps',
        label: 'Round length',
        min: 10,
        max: 100_000,
        step: 1,
        default: D.aioli.roundSteps,
        help: 'Steps per round: the sweeps, then training at the learned mixture.',
      },
      'log',
    ),
    lpRounds: int({
      name: 'lpRounds',
      label: 'Sweeps per task',
      min: 1,
      max: 10,
      step: 1,
      default: D.aioli.lpRounds,
      help: 'How many times a round sweeps every task (each sweep mostly one task).',
    }),
    lpSteps: int({
      name: 'lpSteps',
      label: 'Steps per sweep',
      min: 1,
      max: 100,
      step: 1,
      default: D.aioli.lpSteps,
      help: 'Training steps of each sweep before the held-out losses are measured.',
    }),
    ohf: num({
      name: 'ohf',
      label: 'Sweep share f',
      min: 0.6,
      max: 1,
      step: 0.01,
      default: D.aioli.ohf,
      help: 'The swept task’s share of a sweep’s batches; the rest is split evenly.',
    }),
    ema: num({
      name: 'ema',
      label: 'EMA weight',
      min: 0,
      max: 0.99,
      step: 0.01,
      default: D.aioli.ema,
      help: 'Weight of earlier rounds in the averaged matrix A (0: this round only).',
    }),
    eta: num({
      name: 'eta',
      label: 'Step size η',
      min: 0,
      max: 20,
      step: 0.01,
      default: D.aioli.eta,
      help: 'p_j ∝ exp(η·Σ_i A_ij): the largest weight is at most e^η times the smallest.',
    }),
  },
  doge: {
    T0: period(D.doge.T0, 'Steps between updates; each measures gradient statistics.'),
    eta: num({
      name: 'eta',
      label: 'Step size η',
      min: 0,
      max: 100,
      step: 0.01,
      default: D.doge.eta,
      help: 'Log-weight change per unit of score (the reference’s lr/μ per step, times T).',
    }),
    dwMax: num({
      name: 'dwMax',
      label: 'Score clip',
      min: 0,
      max: 100,
      step: 0.1,
      default: D.doge.dwMax,
      help: 'Scores are clipped to [0, this].',
    }),
    selfTerm: {
      name: 'selfTerm',
      label: 'Self term',
      min: 0,
      max: 1,
      step: 1,
      default: D.doge.selfTerm ? 1 : 0,
      help: 'Score a task against all tasks including itself (as the reference code runs), or the others only.',
      kind: 'boolean',
      scale: 'linear',
    } satisfies MixerKnobSpec,
    floor: withDefault(KNOBS.floor, D.doge.floor),
  },
  cagrad: {
    calpha: num({
      name: 'calpha',
      label: 'Radius α',
      min: 0,
      max: 10,
      step: 0.01,
      default: D.cagrad.calpha,
      help: 'How far (× the average gradient’s norm) the update may move toward the worst task; 0 is Mix.',
    }),
  },
} as const satisfies Record<string, Record<string, MixerKnobSpec>>;
