import { memo, useMemo } from 'react';
import { MIXERS } from '../../core/mixers/registry';
import { rowMeans } from '../../store/metrics';
import { MAX_SAVED_RUNS } from '../../store/state';
import { useActions, useApp, useStaggeredMetricsVersion, useRunMetrics } from '../store-context';
import { fmt3, fmt4, useSeriesAxes } from './axes';
import { ChartFrame } from './ChartFrame';
import { drawable, MAX_DOTS, seriesExtent } from './chart-data';
import type { Series } from './paths';
import { SeriesChart } from './LazySeriesChart';

const FALLBACK_Y: [number, number] = [0, 1];

/** Colours of saved runs (not tasks): dark, distinct, colour-blind friendly. */
const RUN_COLORS = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#555555',
  '#B59B00',
];

/** A run's legend swatch: its colour, or for a run with a band, a line across a pale band. */
const swatchBackground = (color: string, band: boolean) =>
  band ? `linear-gradient(${color}40 0 30%, ${color} 30% 70%, ${color}40 70% 100%)` : color;

/** Saved runs' average validation loss against step, with the current run dashed. */
const CompareChartView = memo(function CompareChartView({ version }: { version: number }) {
  const metrics = useRunMetrics();
  const runs = useApp((s) => s.savedRuns);
  // In a race the dashed curve is the followed contestant's.
  const name = useApp((s) =>
    s.config.race ? (s.runs[s.selectedRun]?.label ?? '') : MIXERS[s.config.mixer.name].label,
  );
  const seed = useApp((s) => s.config.seed);
  const actions = useActions();
  const currentLabel = `current: ${name} · seed ${seed}`;
  const { lines, hasCurrent, last, ext } = useMemo(() => {
    void version;
    const cur = rowMeans(metrics.val);
    const out: Series[] = runs.map((r, i) => ({
      key: `r${r.id}`,
      name: r.label,
      color: RUN_COLORS[i % RUN_COLORS.length],
      x: r.x,
      y: drawable(r.y, false),
      width: 2,
      dots: r.x.length <= MAX_DOTS,
      band: r.band,
    }));
    if (cur.x.length) {
      out.push({
        key: 'current',
        name: currentLabel,
        color: '#222',
        x: cur.x,
        y: drawable(cur.y, false),
        dash: '4 3',
        dots: cur.x.length <= MAX_DOTS,
      });
    }
    const lastX = Math.max(0, ...out.map((s) => s.x.at(-1) ?? 0));
    // The y axis covers the bands too, so no band is cut off.
    const ys = out.flatMap((s) =>
      s.band ? [s.y, drawable(s.band.lo, false), drawable(s.band.hi, false)] : [s.y],
    );
    return {
      lines: out,
      hasCurrent: cur.x.length > 0,
      last: lastX,
      ext: seriesExtent(ys),
    };
  }, [metrics, version, runs, currentLabel]);
  const { xDomain, xTicks, yDomain, yTicks } = useSeriesAxes(last, ext, {
    log: false,
    fallbackY: FALLBACK_Y,
  });
  const hasBand = runs.some((r) => r.band);
  return (
    <ChartFrame
      title="Compare runs"
      subtitle={
        hasBand
          ? 'mean over seeds; band: min–max over seeds; avg validation loss over tasks'
          : 'average validation loss over tasks; save a run, switch mixer, reset, train again'
      }
      testId="compare-chart"
      actions={
        <>
          <button
            type="button"
            className="btn small primary"
            onClick={actions.saveRun}
            data-testid="save-run"
            title={`Keep this run's curve (up to ${MAX_SAVED_RUNS})`}
          >
            Save run
          </button>
          {runs.length > 0 && (
            <button
              type="button"
              className="btn small"
              onClick={actions.clearSavedRuns}
              data-testid="clear-runs"
            >
              Clear
            </button>
          )}
        </>
      }
      empty={
        lines.length === 0
          ? 'Train, then “Save run” to keep its validation curve; change the mixer, reset and train again to compare.'
          : null
      }
    >
      <div className="chart-fill">
        <SeriesChart
          lines={lines}
          xDomain={xDomain}
          xTicks={xTicks}
          yDomain={yDomain}
          yTicks={yTicks}
          yTickFormat={fmt3}
          yTitle="avg val loss"
          formatValue={fmt4}
        />
      </div>
      <ul className="task-legend compare-legend" aria-label="legend">
        {runs.map((r, i) => (
          <li
            key={r.id}
            title={
              r.band
                ? `mean over ${r.seeds ?? '?'} seeds; shaded band: min–max over seeds`
                : undefined
            }
          >
            <span
              className="swatch"
              style={{ background: swatchBackground(RUN_COLORS[i % RUN_COLORS.length], !!r.band) }}
            />
            {r.label}
            {r.file !== undefined && (
              <button
                type="button"
                className="btn icon ghost"
                data-testid={`replay-saved-${i}`}
                onClick={() => actions.replaySavedRun(r.id)}
                aria-label={`Replay ${r.label}`}
                title="Replay this run in every chart"
              >
                ▶
              </button>
            )}
            <button
              type="button"
              className="btn icon ghost"
              onClick={() => actions.removeSavedRun(r.id)}
              aria-label={`Remove ${r.label}`}
              title="Remove this run"
            >
              ✕
            </button>
          </li>
        ))}
        {hasCurrent && (
          <li>
            <span className="swatch dashed" />
            {currentLabel}
          </li>
        )}
      </ul>
    </ChartFrame>
  );
});

/** Redraws when its part of the history changed, a little after the other charts (see useStaggeredMetricsVersion). */
export function CompareChart() {
  return <CompareChartView version={useStaggeredMetricsVersion(5, (m) => m.rev.eval)} />;
}
