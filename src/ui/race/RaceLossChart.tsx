import { memo, useMemo } from 'react';
import { useApp } from '../store-context';
import { contestantColor } from '../palette';
import { fmt3, fmt4, useSeriesAxes } from '../charts/axes';
import { ChartFrame } from '../charts/ChartFrame';
import { TaskLegend } from '../charts/TaskLegend';
import { describeLines, drawable, MAX_DOTS, seriesExtent } from '../charts/chart-data';
import type { Series } from '../charts/paths';
import { SeriesChart } from '../charts/LazySeriesChart';
import { averageCurves } from './race-data';

const FALLBACK_Y: [number, number] = [0, 1];
const TRAIN_POINTS = 200;

/** Every contestant's average loss over tasks: validation (dashed, dots) and training (solid). */
const RaceLossChartView = memo(function RaceLossChartView({ version }: { version: number }) {
  const runs = useApp((s) => s.runs);
  const runMetrics = useApp((s) => s.runMetrics);
  const { lines, last, ext } = useMemo(() => {
    void version;
    const out: Series[] = [];
    runs.forEach((run, i) => {
      const m = runMetrics[i];
      if (!m) return;
      const { val, train } = averageCurves(m, TRAIN_POINTS);
      const color = contestantColor(i);
      out.push({
        key: `t${i}`,
        name: 'train',
        group: run.label,
        color,
        x: train.x,
        y: drawable(train.y, false),
        width: 1.2,
      });
      out.push({
        key: `v${i}`,
        name: 'val',
        group: run.label,
        color,
        x: val.x,
        y: drawable(val.y, false),
        dash: '5 4',
        width: 2.4,
        dots: val.x.length <= MAX_DOTS,
      });
    });
    const lastX = Math.max(0, ...out.map((s) => s.x.at(-1) ?? 0));
    return { lines: out, last: lastX, ext: seriesExtent(out.map((s) => s.y)) };
  }, [runs, runMetrics, version]);
  const { xDomain, xTicks, yDomain, yTicks } = useSeriesAxes(last, ext, {
    log: false,
    fallbackY: FALLBACK_Y,
  });
  return (
    <ChartFrame
      title="Race: average loss"
      subtitle="per contestant, averaged over tasks · dashed: validation · solid: training"
      testId="race-loss-chart"
      className="race-loss"
      empty={
        lines.some((s) => s.x.length > 0)
          ? null
          : 'Press Train: the contestants take their steps in turn, from the same initial weights.'
      }
      summary={describeLines('Average validation loss per contestant', lines, 'val', fmt3)}
    >
      <div className="chart-fill">
        <SeriesChart
          lines={lines}
          xDomain={xDomain}
          xTicks={xTicks}
          yDomain={yDomain}
          yTicks={yTicks}
          yTickFormat={fmt3}
          yTitle="avg loss"
          formatValue={fmt4}
        />
      </div>
      <TaskLegend
        labels={runs.map((r) => r.label)}
        color={contestantColor}
        ariaLabel="contestants"
      />
    </ChartFrame>
  );
});

/** Redraws when any contestant's steps or evaluations changed (read at each publish). */
export function RaceLossChart() {
  useApp((s) => s.metricsVersion);
  const version = useApp((s) => s.runMetrics.reduce((a, m) => a + m.rev.steps + m.rev.eval, 0));
  return <RaceLossChartView version={version} />;
}
