import { memo, useMemo } from 'react';
import { pct } from '../format';
import { taskColor } from '../palette';
import { useApp, useStaggeredMetricsVersion, useTaskLabels } from '../store-context';
import { percentTick, useStableArray, WEIGHT_TICKS } from './axes';
import { ChartFrame } from './ChartFrame';
import { linearTicks, pointsFor, stepDomain } from './chart-data';
import type { AreaStack } from './paths';
import { SeriesChart } from './SeriesChart';
import { TaskLegend } from './TaskLegend';

const Y_DOMAIN: [number, number] = [0, 1];

/** Sampling weights over steps, stacked: the batch composition the mixer chose. */
const WeightsChartView = memo(function WeightsChartView({ version }: { version: number }) {
  const metrics = useApp((s) => s.metrics);
  const labels = useTaskLabels();
  const mixer = useApp((s) => s.config.mixer.name);
  const K = metrics.numTasks;
  const { stack, last } = useMemo(() => {
    void version;
    const d = metrics.weights.display(pointsFor(K));
    const s: AreaStack = {
      x: d.x,
      layers: d.cols.map((y, k) => ({
        key: `w${k}`,
        name: labels[k] ?? `task ${k}`,
        color: taskColor(k),
        y,
      })),
    };
    return { stack: s, last: d.x.length ? d.x[d.x.length - 1] : 0 };
  }, [metrics, version, K, labels]);
  const xDomain = useStableArray(stepDomain(last)) as [number, number];
  const xTicks = useStableArray(linearTicks(xDomain[0], xDomain[1]));
  return (
    <ChartFrame
      title="Sampling weights"
      subtitle={`Share of each batch per task (${mixer})`}
      testId="weights-chart"
      empty={
        stack.x.length === 0
          ? 'No steps yet: press Train (or →) to see how the mixer fills each batch.'
          : null
      }
    >
      <div className="chart-fill">
        <SeriesChart
          stack={stack}
          xDomain={xDomain}
          xTicks={xTicks}
          yDomain={Y_DOMAIN}
          yTicks={WEIGHT_TICKS}
          yTickFormat={percentTick}
          yTitle="share of batch"
          formatValue={pct}
          restarts={metrics.restarts}
        />
      </div>
      <TaskLegend labels={Array.from({ length: K }, (_, k) => labels[k] ?? `task ${k}`)} />
    </ChartFrame>
  );
});

/** Redraws when its part of the history changed, a little after the other charts (see useStaggeredMetricsVersion). */
export function WeightsChart() {
  return <WeightsChartView version={useStaggeredMetricsVersion(0, (m) => m.rev.steps)} />;
}
