/**
 * The pieces of the claims report: per-seed figures of a mixer's runs, markdown tables, SVG
 * panels (mean curve with a min–max band, weights over time), one claim's report under the
 * verdict rule, and the whole of docs/claims.md.
 */
import type { Results, RunResult } from '../../core/config/results-schema';
import { mean, std } from '../summary';
import type { Setting } from './experiments';
import { PLOT_COLORS, facets, type Panel, type PlotSeries } from './svg';
import {
  compare,
  verdictOf,
  type Comparison,
  type ComparisonResult,
  type Verdict,
} from './verdict';

export type ResultsById = Record<string, Results>;

export const runsOf = (r: Results, mixer: string): RunResult[] =>
  r.runs.filter((x) => x.mixer === mixer).sort((a, b) => a.seed - b.seed);
export const per = (r: Results, mixer: string, f: (x: RunResult) => number) =>
  runsOf(r, mixer).map(f);
export const avgVal = (x: RunResult) => x.final.avgValLoss;
export const worstVal = (x: RunResult) => x.final.worstValLoss;
export const fmt = (xs: number[], d = 3) =>
  xs.length === 0
    ? 'n/a'
    : xs.length === 1
      ? xs[0].toFixed(d)
      : `${mean(xs).toFixed(d)} ± ${std(xs).toFixed(d)}`;

/** A markdown table. */
export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Mean curve (avg val loss) with a min–max band over seeds, per mixer. */
export function lossPanel(r: Results, mixers: string[], title: string): Panel {
  const series: PlotSeries[] = mixers.map((m, i) => {
    const runs = runsOf(r, m);
    const x = runs[0]?.curve.map((p) => p.step) ?? [];
    const at = (j: number) => runs.map((run) => run.curve[j]?.avgValLoss ?? NaN);
    return {
      name: m,
      color: PLOT_COLORS[i % PLOT_COLORS.length],
      x,
      y: x.map((_, j) => mean(at(j))),
      lo: x.map((_, j) => Math.min(...at(j))),
      hi: x.map((_, j) => Math.max(...at(j))),
    };
  });
  return { title, series, yLabel: 'avg validation loss' };
}

/** Mean sampling weight of each task over steps, one panel per mixer. */
export function weightPanels(r: Results, mixers: string[]): Panel[] {
  const tasks = r.config.tasks;
  return mixers.map((m) => {
    const runs = runsOf(r, m);
    const x = runs[0]?.curve.map((p) => p.step) ?? [];
    return {
      title: `weights: ${m}`,
      yLabel: 'share of batch (mean over seeds)',
      yDomain: [0, 1] as [number, number],
      series: tasks.map((t, k) => ({
        name: t,
        color: PLOT_COLORS[k % PLOT_COLORS.length],
        x,
        y: x.map((_, j) => mean(runs.map((run) => run.curve[j]?.weights[k] ?? NaN))),
      })),
    };
  });
}

export interface ClaimReport {
  n: number;
  title: string;
  paper: string;
  experiments: string[];
  body: string;
  comparisons: ComparisonResult[];
  verdict: Verdict;
  /** SVG files: name → content. */
  plots: Record<string, string>;
  /** One line for the README. */
  summary: string;
}

export interface ClaimDef {
  n: number;
  title: string;
  paper: string;
  experiments: string[];
  build(r: ResultsById): {
    body: string;
    comparisons: Comparison[];
    plots: Record<string, Panel[]>;
    summary: (v: Verdict) => string;
  };
}

export const mixTable = (r: Results, mixers: string[]) =>
  table(
    ['mixer', 'final avg val loss', 'worst task val loss', 'steps to Mix final', 'ms/step'],
    mixers.map((m) => {
      const steps = per(r, m, (x) => x.stepsToMixFinal ?? NaN).filter(Number.isFinite);
      return [
        m,
        fmt(per(r, m, avgVal)),
        fmt(per(r, m, worstVal)),
        steps.length ? `${fmt(steps, 0)} (${steps.length}/${runsOf(r, m).length} seeds)` : 'never',
        fmt(
          per(r, m, (x) => x.msPerStep),
          1,
        ),
      ];
    }),
  );

export const weightOf = (k: number, at: 'final' | 'mean') => (x: RunResult) =>
  at === 'final' ? x.curve[x.curve.length - 1].weights[k] : mean(x.curve.map((p) => p.weights[k]));

/** One claim's report: its comparisons under the verdict rule, and its plots as SVG. */
export function buildReport(c: ClaimDef, results: ResultsById): ClaimReport {
  const b = c.build(results);
  const comparisons = b.comparisons.map(compare);
  const verdict = verdictOf(comparisons);
  const plots = Object.fromEntries(
    Object.entries(b.plots).map(([name, panels]) => [`${name}.svg`, facets(panels)]),
  );
  return {
    n: c.n,
    title: c.title,
    paper: c.paper,
    experiments: c.experiments,
    body: b.body,
    comparisons,
    verdict,
    plots,
    summary: b.summary(verdict),
  };
}

/** docs/claims.md. */
export function claimsMarkdown(
  reports: ClaimReport[],
  opts: { setting: Setting; commands: Record<string, string>; plotDir: string; header: string },
): string {
  const out: string[] = [
    '# The PiKE paper’s claims at playground scale',
    '',
    opts.header,
    '',
    `Setting: ${opts.setting.steps} steps, ${opts.setting.seeds} seed(s) per mixer, held-out evaluation every ${opts.setting.evalEvery} steps, the presets' model (2 layers, width 64) and optimizer (Adam 3e-3), wasm backend.`,
    '',
    '**Verdict rule (fixed before the run, `src/cli/claims/verdict.ts`).** Each claim is a set of comparisons over seeds, most of them “A is lower than B”. That one holds when mean(B) − mean(A) > 2·SE with SE = √(s²_A/n_A + s²_B/n_B) (a constant B has no variance); “A differs from B” holds when |mean(B) − mean(A)| > 2·SE, and “A equals B within δ” when |mean(B) − mean(A)| + 2·SE < δ. A claim **holds** when all its comparisons hold, **does not hold at this scale** when none does, and is **mixed** otherwise; with a single seed it is **undetermined**. The paper measures downstream accuracy of 270M–1B models; here everything is held-out loss of a 120k-parameter byte-level model after 400 steps, so a verdict is about this scale only.',
    '',
    '| # | claim | verdict |',
    '| --- | --- | --- |',
    ...reports.map((r) => `| ${r.n} | ${r.title} | **${r.verdict}** |`),
    '',
  ];
  for (const r of reports) {
    out.push(`## ${r.n}. ${r.title}`, '', `Paper: ${r.paper}.`, '', 'Commands:', '', '```');
    for (const e of r.experiments) out.push(opts.commands[e]);
    out.push(
      '```',
      '',
      r.body,
      '',
      '| comparison | mean(B) − mean(A) | 2·SE | holds |',
      '| --- | --- | --- | --- |',
    );
    for (const c of r.comparisons) {
      out.push(
        `| ${c.label} | ${c.diff.toFixed(4)} | ${Number.isFinite(c.se) ? (2 * c.se).toFixed(4) : 'n/a'} | ${c.holds === null ? 'n/a' : c.holds ? 'yes' : 'no'} |`,
      );
    }
    out.push('', `**Verdict: ${r.verdict}.**`, '');
    for (const name of Object.keys(r.plots)) out.push(`![${name}](${opts.plotDir}/${name})`, '');
  }
  return out.join('\n');
}

/**
 * A claim that PiKE ends below each of `others` on the multilingual experiment (claims 8 and
 * 10): the table with Mix and PiKE, one comparison per method, the loss and weight plots.
 */
export function pikeBelow(
  n: number,
  others: string[],
  weighted: string[],
  summary: (v: Verdict) => string,
): ClaimDef['build'] {
  return (r) => {
    const m = r.multilingual;
    return {
      body: mixTable(m, ['mix', 'pike', ...others]),
      comparisons: others.map((o) => ({
        label: `PiKE < ${o}`,
        lower: per(m, 'pike', avgVal),
        higher: per(m, o, avgVal),
      })),
      plots: {
        [`claim${n}-loss`]: [lossPanel(m, ['mix', 'pike', ...others], 'multilingual')],
        [`claim${n}-weights`]: weightPanels(m, weighted),
      },
      summary,
    };
  };
}
