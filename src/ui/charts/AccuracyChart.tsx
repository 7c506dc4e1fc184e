import { memo, useMemo } from 'react';
import { taskColor } from '../palette';
import { useApp, useStaggeredMetricsVersion, useTaskLabels, useRunMetrics } from '../store-context';
import { useSeriesAxes } from './axes';
import { ChartFrame } from './ChartFrame';
import { drawable, MAX_DOTS, pointsFor, seriesExtent } from './chart-data';
import type { Series } from './paths';
import { SeriesChart } from './LazySeriesChart';
import { TaskLegend } from './TaskLegend';

const Y: [number, number] = [0, 100];
const pct = (v: number) => `${Math.round(v)}%`;

/**
 * Exact-match accuracy of the algorithmic tasks (the whole answer right) at every evaluation, in
 * percent. Language tasks have no such metric and are left out.
 */
const AccuracyChartView = memo(function AccuracyChartView({ version }: { version: number }) {
  const metrics = useRunMetrics();
  const tasks = useApp((s) => s.tasks);
  const labels = useTaskLabels();
  const every = useApp((s) => s.config.schedule.evalEvery);
  const scored = useMemo(
    () => tasks.flatMap((t, k) => (t.metric === 'accuracy' ? [k] : [])),
    [tasks],
  );
  const { lines, last } = useMemo(() => {
    void version;
    const d = metrics.accuracy.display(pointsFor(metrics.numTasks, 60));
    const dots = d.x.length <= MAX_DOTS;
    const out: Series[] = scored
      .filter((k) => k < d.cols.length)
      .map((k) => ({
        key: `acc${k}`,
        name: labels[k] ?? `task ${k}`,
        color: taskColor(k),
        x: d.x,
        y: drawable(
          d.cols[k].map((v) => 100 * v),
          false,
        ),
        dots,
      }));
    return { lines: out, last: d.x.at(-1) ?? 0 };
  }, [metrics, version, scored, labels]);
  const { xDomain, xTicks } = useSeriesAxes(last, seriesExtent(lines.map((s) => s.y)), {
    log: false,
    fallbackY: Y,
  });
  const empty = !lines.some((s) => s.y.some((v) => v !== null));
  return (
    <ChartFrame
      title="Exact-match accuracy"
      subtitle="share of held-out answers entirely right, per algorithmic task"
      testId="accuracy-chart"
      empty={empty ? `Measured at every evaluation (every ${every} steps): press Train.` : null}
    >
      <div className="chart-fill">
        <SeriesChart
          lines={lines}
          xDomain={xDomain}
          xTicks={xTicks}
          yDomain={Y}
          yTicks={[0, 25, 50, 75, 100]}
          yTickFormat={pct}
          yTitle="accuracy"
          formatValue={(v) => `${v.toFixed(1)}%`}
          restarts={metrics.restarts}
        />
      </div>
      <TaskLegend labels={labels} only={scored} />
    </ChartFrame>
  );
});

/** Shown when the setup has an algorithmic task; redraws with the evaluations. */
export function AccuracyChart() {
  const version = useStaggeredMetricsVersion(4, (m) => m.rev.eval);
  const has = useApp((s) => s.tasks.some((t) => t.metric === 'accuracy'));
  return has ? <AccuracyChartView version={version} /> : null;
}
