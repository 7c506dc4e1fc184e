/**
 * npm run bench -- --stats [--preset NAME | --tasks SPEC,...] [--at 0,100,300] [--repeats R]
 *
 * How well the gradient statistics PiKE acts on are measured (DESIGN.md §2): a Mix run of the
 * given tasks is trained to each step in --at; there the parameters are held fixed and the
 * statistics step is repeated R times with fresh probes. Per task it prints the mean of the
 * ‖∇L_k‖² and σ_k² estimates and their relative standard error (the standard deviation of one
 * estimate over the repeats, divided by |mean|: how far one statistics step is from the value
 * it estimates), and the share of PiKE's update exponent that comes from the variance term,
 * |ζ₂·σ̄_k²/(2b)| / (|ζ₁·Ḡ_k| + |ζ₂·σ̄_k²/(2b)|) at PiKE's default ζ₁, ζ₂. Ends with the line
 * `median relative SE of gradNormSq: X` (median over tasks and steps).
 */
import type { RunConfigInput } from '../engine/config/run-config';
import { MIXER_DEFAULTS } from '../engine/mixers/defaults';
import type { CorpusLoader } from '../engine/tasks/corpus';
import { Trainer } from '../engine/trainer';
import { mean, std } from './summary';

export interface StatsBenchOptions {
  base: RunConfigInput;
  corpus: CorpusLoader;
  /** Steps at which the estimates are measured (ascending). */
  at: number[];
  /** Statistics steps per measurement (≥ 2). */
  repeats: number;
}

export interface StatsRow {
  step: number;
  task: string;
  gradNormSq: { mean: number; relSE: number };
  variance: { mean: number; relSE: number };
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

export async function runStatsBench(
  opts: StatsBenchOptions,
  log: (line: string) => void,
): Promise<{ rows: StatsRow[]; medianRelSE: number }> {
  const { zeta1, zeta2 } = MIXER_DEFAULTS.pike;
  const trainer = await Trainer.create(
    {
      ...opts.base,
      mixer: { name: 'mix', knobs: {} },
      schedule: { ...opts.base.schedule, statsEvery: 0, evalEvery: 0, metricsEvery: 25 },
    },
    opts.corpus,
  );
  const b = trainer.config.batchSize;
  const m = trainer.config.schedule.probeHalf;
  const ids = trainer.taskList.map((t) => t.id);
  log(
    `tasks: ${ids.join(', ')}; ${trainer.numParams} parameters; probe 2 x ${m} per task; ` +
      `${opts.repeats} repeated statistics steps at fixed parameters per row; b = ${b}, ζ₁ = ${zeta1}, ζ₂ = ${zeta2}`,
  );
  const head = ['step', 'task', '‖∇L‖² mean', 'rel SE', 'σ² mean', 'rel SE', 'variance share'];
  const lines: string[][] = [];
  const rows: StatsRow[] = [];
  try {
    for (const step of opts.at) {
      while (trainer.step < step) await trainer.trainStep();
      await trainer.flush();
      const G: number[][] = ids.map(() => []);
      const S: number[][] = ids.map(() => []);
      for (let r = 0; r < opts.repeats; r++) {
        const s = await trainer.gradStats();
        ids.forEach((_, k) => {
          G[k].push(s.gradNormSq[k]);
          S[k].push(s.variance[k]);
        });
      }
      ids.forEach((task, k) => {
        const g = mean(G[k]);
        const v = mean(S[k]);
        const gTerm = Math.abs(zeta1 * g);
        const vTerm = Math.abs((zeta2 * v) / (2 * b));
        const row: StatsRow = {
          step,
          task,
          gradNormSq: { mean: g, relSE: relSE(G[k]) },
          variance: { mean: v, relSE: relSE(S[k]) },
          varianceShare: vTerm / (gTerm + vTerm),
        };
        rows.push(row);
        lines.push([
          String(step),
          task,
          g.toPrecision(3),
          row.gradNormSq.relSE.toFixed(2),
          v.toPrecision(3),
          row.variance.relSE.toFixed(2),
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
  const medianRelSE = median(rows.map((r) => r.gradNormSq.relSE));
  log(`median relative SE of sigma2: ${median(rows.map((r) => r.variance.relSE)).toFixed(3)}`);
  log(`median relative SE of gradNormSq: ${medianRelSE.toFixed(3)}`);
  return { rows, medianRelSE };
}
