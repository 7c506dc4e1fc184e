/**
 * Summaries over experiment runs: steps to Mix's final loss, the printed table, curves.csv.
 * Plain functions over RunResult (no tfjs), so the parent of forked jobs stays light.
 */
import type { RunResult } from '../core/config/results-schema';

/** Fills stepsToMixFinal: the first curve step at which a run matches Mix's final loss (same seed). */
export function fillStepsToMix(runs: RunResult[]): void {
  for (const r of runs) {
    const mix = runs.find((x) => x.mixer === 'mix' && x.seed === r.seed);
    if (!mix) continue;
    const hit = r.curve.find((p) => p.avgValLoss <= mix.final.avgValLoss);
    r.stepsToMixFinal = hit ? hit.step : null;
  }
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (0 for one value). */
export function std(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

const fmt = (xs: number[], digits = 3) =>
  xs.length === 0 ? 'n/a' : `${mean(xs).toFixed(digits)} ± ${std(xs).toFixed(digits)}`;

/** The summary table: one row per mixer, mean ± std over seeds. */
export function summaryTable(runs: RunResult[], mixers: string[]): string {
  const ids = Object.keys(runs[0].final.valLoss);
  const header = [
    'mixer',
    'avg val loss',
    'worst val loss',
    ...ids,
    'steps to Mix final',
    'ms/step',
  ];
  const rows = mixers.map((m) => {
    const rs = runs.filter((r) => r.mixer === m);
    const reached = rs.map((r) => r.stepsToMixFinal).filter((x): x is number => x !== null);
    return [
      m,
      fmt(rs.map((r) => r.final.avgValLoss)),
      fmt(rs.map((r) => r.final.worstValLoss)),
      ...ids.map((id) => fmt(rs.map((r) => r.final.valLoss[id]))),
      reached.length === 0
        ? 'never'
        : `${fmt(reached, 0)}${reached.length < rs.length ? ` (${reached.length}/${rs.length})` : ''}`,
      fmt(
        rs.map((r) => r.msPerStep),
        1,
      ),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The conflict table (--stats-every): per mixer and pair of tasks, the pair's mean cosine over
 * the recorded window in every seed, their mean ± std, and the share of its cosines that were
 * negative (mean over seeds). Runs without per-pair figures (older files) are left out.
 */
export function conflictTable(runs: RunResult[], mixers: string[]): string {
  const withPairs = runs.filter((r) => r.conflict?.pairs?.length);
  if (withPairs.length === 0) return 'no per-pair gradient conflict recorded';
  const c0 = withPairs[0].conflict!;
  const window = c0.from !== undefined ? `steps ${c0.from}..${c0.to}` : 'every statistics step';
  const header = ['mixer', 'pair', 'mean cosine per seed', 'mean ± std', 'negative share'];
  const rows: string[][] = [];
  for (const m of mixers) {
    const rs = withPairs.filter((r) => r.mixer === m);
    if (rs.length === 0) continue;
    for (const [i, pair] of rs[0].conflict!.pairs!.entries()) {
      const per = rs.map((r) => ({ seed: r.seed, p: r.conflict!.pairs![i] }));
      const cos = per.flatMap((x) => (x.p.meanCosine === null ? [] : [x.p.meanCosine]));
      const neg = per.flatMap((x) => (x.p.negativeShare === null ? [] : [x.p.negativeShare]));
      rows.push([
        m,
        `${pair.tasks[0]} × ${pair.tasks[1]}`,
        per
          .map((x) => `s${x.seed} ${x.p.meanCosine === null ? 'n/a' : x.p.meanCosine.toFixed(3)}`)
          .join('  '),
        fmt(cos),
        neg.length ? mean(neg).toFixed(2) : 'n/a',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [
    `gradient conflict (${window}, ${c0.statsSteps} statistics steps per run):`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/** curves.csv: one row per (run, evaluated step). */
export function curvesCsv(runs: RunResult[]): string {
  const ids = Object.keys(runs[0].final.valLoss);
  const head = [
    'mixer',
    'seed',
    'step',
    'avgValLoss',
    'worstValLoss',
    ...ids.map((i) => `valLoss:${i}`),
    ...ids.map((i) => `weight:${i}`),
  ];
  const lines = [head.join(',')];
  for (const r of runs) {
    for (const p of r.curve) {
      lines.push(
        [
          r.mixer,
          r.seed,
          p.step,
          p.avgValLoss,
          p.worstValLoss,
          ...ids.map((i) => p.valLoss[i]),
          ...p.weights,
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}
