import { memo, useMemo } from 'react';
import type { SeriesTable } from '../../store/series';
import { taskColor } from '../palette';
import { useApp, useStaggeredMetricsVersion, useTaskLabels, useRunMetrics } from '../store-context';
import { fmt2, fmt4, useSeriesAxes } from './axes';
import { ChartFrame } from './ChartFrame';
import { describeLatest, drawable, MAX_DOTS, pointsFor, seriesExtent } from './chart-data';
import type { Series } from './paths';
import { SeriesChart } from './LazySeriesChart';
import { TaskLegend } from './TaskLegend';

const FALLBACK_Y: [number, number] = [0.1, 10];

/**
 * One statistic per task over steps, on a log axis (non-positive estimates are not drawn), each
 * with a band of ± one standard error (the estimator's jackknife over its chunks). A band whose
 * lower edge is not positive runs to the bottom of the chart: that estimate cannot rule out 0.
 */
function StatPlot({
  table,
  se,
  version,
  labels,
  title,
}: {
  table: SeriesTable;
  se: SeriesTable;
  version: number;
  labels: string[];
  title: string;
}) {
  const { lines, last, ext } = useMemo(() => {
    void version;
    const d = table.display(pointsFor(labels.length, 100));
    const e = se.display(pointsFor(labels.length, 100));
    const row = new Map(e.x.map((x, i) => [x, i]));
    const dots = d.x.length <= MAX_DOTS;
    const out: Series[] = d.cols.map((c, k) => {
      const err = d.x.map((x) => {
        const i = row.get(x);
        return i === undefined ? NaN : (e.cols[k]?.[i] ?? NaN);
      });
      return {
        key: `s${k}`,
        name: labels[k] ?? `task ${k}`,
        color: taskColor(k),
        x: d.x,
        y: drawable(c, true),
        dots,
        band: { lo: c.map((v, i) => v - err[i]), hi: c.map((v, i) => v + err[i]) },
      };
    });
    // The axis covers the lines and the bands' upper edges, so no band is cut off at the top.
    const ext = seriesExtent([
      ...out.map((s) => s.y),
      ...out.map((s) => drawable(s.band!.hi, true)),
    ]);
    return { lines: out, last: d.x.at(-1) ?? 0, ext };
  }, [table, se, version, labels]);
  const { xDomain, xTicks, yDomain, yTicks } = useSeriesAxes(last, ext, {
    log: true,
    fallbackY: FALLBACK_Y,
    xTickCount: 4,
  });
  const banded = useMemo(
    () =>
      lines.map((s) => ({
        ...s,
        band: {
          lo: s.band!.lo.map((v) => (Number.isFinite(v) ? Math.max(v, yDomain[0]) : NaN)),
          hi: s.band!.hi.map((v) => (Number.isFinite(v) ? Math.max(v, yDomain[0]) : NaN)),
        },
      })),
    [lines, yDomain],
  );
  return (
    <div className="stat-plot">
      <div className="plot-title">{title}</div>
      <div className="chart-fill">
        <SeriesChart
          lines={banded}
          xDomain={xDomain}
          xTicks={xTicks}
          yDomain={yDomain}
          yTicks={yTicks}
          yLog
          yTickFormat={fmt2}
          yTitle={`${title} (log)`}
          formatValue={fmt4}
        />
      </div>
    </div>
  );
}

/** PiKE's two inputs per task: the gradient norm² and the per-sample gradient variance. */
const StatsChartView = memo(function StatsChartView({ version }: { version: number }) {
  const metrics = useRunMetrics();
  const taskLabels = useTaskLabels();
  const every = useApp((s) => s.config.schedule.statsEvery);
  const mixer = useApp((s) => s.config.mixer.name);
  const usesStats = mixer === 'pike' || mixer === 'pike-kkt' || mixer === 'balanced-pike';
  const K = metrics.numTasks;
  const labels = useMemo(
    () => Array.from({ length: K }, (_, k) => taskLabels[k] ?? `task ${k}`),
    [K, taskLabels],
  );
  const empty = metrics.gradNormSq.length === 0;
  const summary = useMemo(() => {
    void version;
    return (
      [
        [metrics.gradNormSq, 'Gradient norm squared'],
        [metrics.variance, 'Gradient variance'],
      ] as const
    )
      .map(([table, what]) => {
        // The stored rows, not a display copy: only each task's latest value is read.
        const x = table.x;
        const series = labels
          .slice(0, table.width)
          .map((label, k) => ({ label, x, y: table.col(k) }));
        return describeLatest(what, series, fmt4);
      })
      .join(' ');
  }, [metrics, version, labels]);
  return (
    <ChartFrame
      title="PiKE's inputs: gradient statistics"
      subtitle="‖∇L_k‖² pulls weight toward a task; σ_k² (noise) pushes it away. Shaded: ± one standard error of each estimate. Non-positive estimates are not drawn."
      testId="stats-chart"
      summary={summary}
      empty={
        empty
          ? every > 0
            ? `Measured after the first step and every ${every} steps${usesStats ? ' (and every T₀ for the mixer)' : ''}: press Train.`
            : usesStats
              ? 'Measured every T₀ steps, when the mixer updates: press Train.'
              : 'Not measured: this mixer does not need them and "stats every" is 0.'
          : null
      }
    >
      <div className="chart-fill stat-pair">
        {(
          [
            [metrics.gradNormSq, metrics.gradNormSqSE, '‖∇L_k‖²'],
            [metrics.variance, metrics.varianceSE, 'σ_k²'],
          ] as const
        ).map(([table, se, title]) => (
          <StatPlot
            key={title}
            table={table}
            se={se}
            version={version}
            labels={labels}
            title={title}
          />
        ))}
      </div>
      <TaskLegend labels={labels} />
    </ChartFrame>
  );
});

/** Redraws when its part of the history changed, a little after the other charts (see useStaggeredMetricsVersion). */
export function StatsChart() {
  return <StatsChartView version={useStaggeredMetricsVersion(3, (m) => m.rev.stats)} />;
}
