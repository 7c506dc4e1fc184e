/**
 * npm run bench -- --stats [--preset NAME | --tasks SPEC,...] [--at 0,100,300] [--repeats R]
 *                          [--probe M] [--chunks C] [--smooth β]
 *
 * How well the gradient statistics PiKE acts on are measured (README, "Gradient statistics"). A Mix run of the
 * given tasks (its weights never depend on the statistics, so every repeat sees the same
 * parameters) is trained to step max(--at); at every PiKE update step on the way (multiples of
 * T₀) the statistics step is repeated R times with fresh probes. Repeat r feeds its own smoothing
 * chain (PiKE's `smooth` = β, stats/smoothing.ts), so at each step in --at there are R
 * independent one-step estimates and R independent smoothed estimates at the same parameters.
 * Per task it prints the mean of the ‖∇L_k‖² and σ_k² estimates, the relative standard error of
 * one step's estimate (std over repeats / |mean|) and of the smoothed estimate PiKE acts on,
 * the smoothed mean's lag (its offset from the one-step mean, relative: what averaging over past
 * parameters costs), and the share of PiKE's update exponent that comes from the variance term,
 * |ζ₂·σ̄_k²/(2b)| / (|ζ₁·Ḡ_k| + |ζ₂·σ̄_k²/(2b)|) at PiKE's default ζ₁, ζ₂. Ends with the line
 * `median relative SE of gradNormSq: X`, the median over tasks and steps for the estimate PiKE
 * acts on (smoothed; the one-step figure is the line before it).
 */
import type { RunConfigInput } from '../core/config/run-config';
import { MIXER_DEFAULTS } from '../core/mixers/defaults';
import type { CorpusLoader } from '../core/tasks/corpus';
import { StatsSmoother } from '../core/stats/smoothing';
import { Trainer } from '../engine/trainer';
import { mean, std } from './summary';

export interface StatsBenchOptions {
  base: RunConfigInput;
  corpus: CorpusLoader;
  /** Steps at which the estimates are measured (ascending). */
  at: number[];
  /** Statistics steps per measurement (≥ 2). */
  repeats: number;
  /** Steps between PiKE's statistics steps (T₀); every step in `at` is a multiple. */
  every: number;
  /** PiKE's smoothing β (0: none). */
  smooth: number;
}

/** One estimate's figures: one step's mean and relative SE, the smoothed chain's SE and lag. */
export interface EstimateFigures {
  mean: number;
  relSE: number;
  smoothedRelSE: number;
  /** (mean of the smoothed estimates − mean) / |mean|. */
  lag: number;
}

export interface StatsRow {
  step: number;
  task: string;
  gradNormSq: EstimateFigures;
  variance: EstimateFigures;
  /** Share of PiKE's exponent from the variance term, at the means. */
  varianceShare: number;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/** Relative standard error of one estimate: std over repeats / |mean| (Infinity at mean 0). */
export const relSE = (xs: number[]): number => std(xs) / Math.abs(mean(xs));

/** Mean, one-step relative SE, smoothed relative SE and lag of one estimate's repeats. */
function figures(raw: number[], smoothed: number[]): EstimateFigures {
  const mu = mean(raw);
  return {
    mean: mu,
    relSE: relSE(raw),
    smoothedRelSE: relSE(smoothed),
    lag: (mean(smoothed) - mu) / Math.abs(mu),
  };
}

export async function runStatsBench(
  opts: StatsBenchOptions,
  log: (line: string) => void,
): Promise<{ rows: StatsRow[]; medianRelSE: number; oneStepMedianRelSE: number }> {
  const { zeta1, zeta2 } = MIXER_DEFAULTS.pike;
  const bad = opts.at.find((s) => s % opts.every !== 0);
  if (bad !== undefined) {
    throw new Error(
      `--at steps must be multiples of T₀ = ${opts.every} (PiKE's statistics steps); got ${bad}`,
    );
  }
  const trainer = await Trainer.create(
    {
      ...opts.base,
      mixer: { name: 'mix', knobs: {} },
      schedule: { ...opts.base.schedule, statsEvery: 0, evalEvery: 0, metricsEvery: 25 },
    },
    opts.corpus,
  );
  const b = trainer.config.batchSize;
  const { probeHalf: m, probeChunks: c, statsWindow: L } = trainer.config.schedule;
  const ids = trainer.taskList.map((t) => t.id);
  log(
    `tasks: ${ids.join(', ')}; ${trainer.numParams} parameters; statistics from the per-task ` +
      `sub-batches of ${L} training steps (drawn afresh at the row's parameters), topped up to ` +
      `at least 2 x ${m} examples per task by a probe in ${c} chunks; ` +
      `${opts.repeats} repeated statistics steps at fixed parameters per row, each feeding its own ` +
      `smoothing chain (β = ${opts.smooth}) every ${opts.every} steps; b = ${b}, ζ₁ = ${zeta1}, ζ₂ = ${zeta2}`,
  );
  const head = [
    'step',
    'task',
    '‖∇L‖² mean',
    'rel SE',
    'smoothed',
    'lag',
    'σ² mean',
    'rel SE',
    'smoothed',
    'variance share',
  ];
  const lines: string[][] = [];
  const rows: StatsRow[] = [];
  const chains = Array.from({ length: opts.repeats }, () => ({
    G: new StatsSmoother(opts.smooth),
    S: new StatsSmoother(opts.smooth),
  }));
  let trainMs = 0;
  let trainSteps = 0;
  let statsMs = 0;
  let statsSteps = 0;
  const last = opts.at[opts.at.length - 1];
  try {
    for (let step = 0; step <= last; step += opts.every) {
      while (trainer.step < step) {
        const t0 = performance.now();
        await trainer.trainStep();
        await trainer.flush();
        trainMs += performance.now() - t0;
        trainSteps++;
      }
      const G: number[][] = ids.map(() => []);
      const S: number[][] = ids.map(() => []);
      const sG: number[][] = ids.map(() => []);
      const sS: number[][] = ids.map(() => []);
      for (const chain of chains) {
        const t0 = performance.now();
        const s = await trainer.gradStats({ emulateWindow: true });
        statsMs += performance.now() - t0;
        statsSteps++;
        const g = chain.G.push(s.gradNormSq);
        const v = chain.S.push(s.variance);
        ids.forEach((_, k) => {
          G[k].push(s.gradNormSq[k]);
          S[k].push(s.variance[k]);
          sG[k].push(g[k]);
          sS[k].push(v[k]);
        });
      }
      if (!opts.at.includes(step)) continue;
      ids.forEach((task, k) => {
        const row: StatsRow = {
          step,
          task,
          gradNormSq: figures(G[k], sG[k]),
          variance: figures(S[k], sS[k]),
          varianceShare: 0,
        };
        const gTerm = Math.abs(zeta1 * row.gradNormSq.mean);
        const vTerm = Math.abs((zeta2 * row.variance.mean) / (2 * b));
        row.varianceShare = vTerm / (gTerm + vTerm);
        rows.push(row);
        const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)}%`;
        lines.push([
          String(step),
          task,
          row.gradNormSq.mean.toPrecision(3),
          row.gradNormSq.relSE.toFixed(2),
          row.gradNormSq.smoothedRelSE.toFixed(2),
          pct(row.gradNormSq.lag),
          row.variance.mean.toPrecision(3),
          row.variance.relSE.toFixed(2),
          row.variance.smoothedRelSE.toFixed(2),
          `${(100 * row.varianceShare).toFixed(1)}%`,
        ]);
      });
    }
  } finally {
    trainer.dispose();
  }
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  log(fmt(head));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) log(fmt(l));
  const perStats = statsMs / statsSteps;
  const perTrain = trainSteps > 0 ? trainMs / trainSteps : NaN;
  // Here the window's per-task passes are drawn afresh inside the statistics step; in training
  // they replace the mixed pass of those steps (npm run bench prices that: pike/mix ratio).
  log(
    `statistics step as measured here (window drawn afresh): ${perStats.toFixed(1)} ms` +
      (trainSteps > 0
        ? ` = ${(perStats / perTrain).toFixed(2)} training steps (${perTrain.toFixed(1)} ms each, read back every step here)`
        : ''),
  );
  const oneStepMedianRelSE = median(rows.map((r) => r.gradNormSq.relSE));
  const medianRelSE = median(rows.map((r) => r.gradNormSq.smoothedRelSE));
  log(
    `median relative SE of sigma2: ${median(rows.map((r) => r.variance.relSE)).toFixed(3)} one step, ` +
      `${median(rows.map((r) => r.variance.smoothedRelSE)).toFixed(3)} smoothed`,
  );
  log(`median lag of smoothed gradNormSq: ${median(rows.map((r) => r.gradNormSq.lag)).toFixed(3)}`);
  log(`median relative SE of gradNormSq (one statistics step): ${oneStepMedianRelSE.toFixed(3)}`);
  log(`median relative SE of gradNormSq: ${medianRelSE.toFixed(3)}`);
  return { rows, medianRelSE, oneStepMedianRelSE };
}
