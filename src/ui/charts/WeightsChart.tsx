import { memo, useMemo } from 'react';
import { pct } from '../format';
import { taskColor } from '../palette';
import { useApp, useRunMetrics, useStaggeredMetricsVersion, useTaskLabels } from '../store-context';
import { percentTick, useStableArray, WEIGHT_TICKS } from './axes';
import { ChartFrame } from './ChartFrame';
import { describeLatest, linearTicks, pointsFor, stepDomain } from './chart-data';
import type { AreaStack } from './paths';
import { SeriesChart } from './LazySeriesChart';
import { TaskLegend } from './TaskLegend';

const Y_DOMAIN: [number, number] = [0, 1];

interface Props {
  version: number;
  /** A race's contestant: a small multiple of its weights (`race-weights-<run>`). */
  run?: number;
}

/** Sampling weights over steps, stacked: the batch composition the mixer chose. */
const WeightsChartView = memo(function WeightsChartView({ version, run }: Props) {
  const metrics = useRunMetrics(run);
  const labels = useTaskLabels();
  const mixer = useApp((s) =>
    run === undefined ? s.config.mixer.name : (s.runs[run]?.label ?? ''),
  );
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
      title={run === undefined ? 'Sampling weights' : mixer}
      subtitle={run === undefined ? `Share of each batch per task (${mixer})` : 'sampling weights'}
      testId={run === undefined ? 'weights-chart' : `race-weights-${run}`}
      className={run === undefined ? undefined : `race-weights contestant-${run}`}
      empty={
        stack.x.length === 0
          ? 'No steps yet: press Train (or →) to see how the mixer fills each batch.'
          : null
      }
      summary={describeLatest(
        run === undefined ? 'Sampling weights' : `${mixer}: sampling weights`,
        stack.layers.map((l) => ({ label: l.name, x: stack.x, y: l.y })),
        pct,
      )}
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
      {run === undefined && (
        <TaskLegend labels={Array.from({ length: K }, (_, k) => labels[k] ?? `task ${k}`)} />
      )}
    </ChartFrame>
  );
});

/** Redraws when its part of the history changed, a little after the other charts (see useStaggeredMetricsVersion). */
export function WeightsChart({ run }: { run?: number }) {
  const slot = run === undefined ? 0 : 6 + run;
  return (
    <WeightsChartView
      run={run}
      version={useStaggeredMetricsVersion(slot, (m) => m.rev.steps, run)}
    />
  );
}
