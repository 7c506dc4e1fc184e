import { memo, useMemo, useState } from 'react';
import { taskColor } from '../palette';
import { useStaggeredMetricsVersion, useTaskLabels, useRunMetrics } from '../store-context';
import { fmt3, fmt4, useSeriesAxes } from './axes';
import { ChartFrame } from './ChartFrame';
import { describeLines, drawable, MAX_DOTS, pointsFor, seriesExtent } from './chart-data';
import type { Series } from './paths';
import { SeriesChart } from './LazySeriesChart';
import { TaskLegend } from './TaskLegend';

const FALLBACK_Y: [number, number] = [0, 1];

/** Per-task training loss (smoothed, solid) and held-out loss (dashed) over steps. */
const LossChartView = memo(function LossChartView({ version }: { version: number }) {
  const metrics = useRunMetrics();
  const taskLabels = useTaskLabels();
  const [log, setLog] = useState(false);
  const K = metrics.numTasks;
  const labels = useMemo(
    () => Array.from({ length: K }, (_, k) => taskLabels[k] ?? `task ${k}`),
    [K, taskLabels],
  );
  const { lines, last, ext } = useMemo(() => {
    void version;
    const train = metrics.trainSmooth.display(pointsFor(K));
    const val = metrics.val.display(pointsFor(K, 60));
    const dots = val.x.length <= MAX_DOTS;
    const out: Series[] = [
      ...train.cols.map((c, k) => ({
        key: `tr${k}`,
        name: 'train',
        group: labels[k],
        color: taskColor(k),
        x: train.x,
        y: drawable(c, log),
      })),
      ...val.cols.map((c, k) => ({
        key: `va${k}`,
        name: 'val',
        group: labels[k],
        color: taskColor(k),
        x: val.x,
        y: drawable(c, log),
        dash: '5 4',
        width: 2,
        dots,
      })),
    ];
    const lastX = Math.max(train.x.at(-1) ?? 0, val.x.at(-1) ?? 0);
    return { lines: out, last: lastX, ext: seriesExtent(out.map((s) => s.y)) };
  }, [metrics, version, log, K, labels]);
  const { xDomain, xTicks, yDomain, yTicks } = useSeriesAxes(last, ext, {
    log,
    fallbackY: FALLBACK_Y,
  });
  const empty = !lines.some((s) => s.x.length > 0);
  return (
    <ChartFrame
      title="Loss per task"
      subtitle="solid: training (smoothed) · dashed: validation"
      testId="loss-chart"
      lastX={last}
      actions={
        <label className="toggle">
          <input
            type="checkbox"
            checked={log}
            onChange={(e) => setLog(e.target.checked)}
            data-testid="loss-log-toggle"
          />
          log scale
        </label>
      }
      empty={
        empty ? 'No losses yet: press Train. Validation loss is measured every few steps.' : null
      }
      summary={`${describeLines('Training loss (smoothed)', lines, 'train', fmt3)} ${describeLines('Validation loss', lines, 'val', fmt3)}`}
    >
      <div className="chart-fill">
        <SeriesChart
          lines={lines}
          xDomain={xDomain}
          xTicks={xTicks}
          yDomain={yDomain}
          yTicks={yTicks}
          yLog={log}
          yTickFormat={fmt3}
          yTitle="loss (nats/token)"
          formatValue={fmt4}
          restarts={metrics.restarts}
        />
      </div>
      <TaskLegend labels={labels} />
    </ChartFrame>
  );
});

/** Redraws when its part of the history changed, a little after the other charts (see useStaggeredMetricsVersion). */
export function LossChart() {
  return <LossChartView version={useStaggeredMetricsVersion(2, (m) => m.rev.steps + m.rev.eval)} />;
}
