/**
 * A recharts chart (responsive container, grid, axes, scales, reference lines) whose series are
 * drawn by a light layer inside it, through recharts' scale hooks.
 *
 * Why not <Line>/<Area>: recharts 3 keeps every series in its own store and, on each change of
 * the `data` prop, re-runs every selector and re-renders every series, several store updates
 * per change. While a model trains on the same CPU (WebGPU on SwiftShader, or wasm), that made
 * each chart update a 60-140 ms main-thread task. Here recharts only sees the axes, which change
 * when a domain crosses a round number (see chart-data.ts); a data update redraws a few <path>s.
 */
import { memo, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import {
  CartesianGrid,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  usePlotArea,
  useXAxisInverseScale,
  useXAxisScale,
  useYAxisScale,
  XAxis,
  YAxis,
} from 'recharts';
import { AXIS_TICK, CHART_MARGIN, stepAxisProps, Y_WIDTH, yLabel } from './axes';
import {
  areaPath,
  bandPath,
  linePath,
  nearestIndex,
  stackTops,
  type AreaStack,
  type Scale,
  type Series,
} from './paths';
import { stepForKey, useStepCursor } from './step-cursor';

export interface SeriesChartProps {
  lines?: Series[];
  stack?: AreaStack;
  xDomain: [number, number];
  xTicks: number[] | undefined;
  yDomain: [number, number];
  yTicks: number[] | undefined;
  yLog?: boolean;
  yTickFormat: (v: number) => string;
  yTitle: string;
  /** Values in the hover readout. */
  formatValue: (v: number) => string;
  /** Session steps where the worker restarted (dashed markers). */
  restarts?: readonly number[];
}

const asScale = (f: ((v: unknown) => number | undefined) | undefined): Scale | null =>
  f ? (v: number) => f(v) : null;

let clipIds = 0;

function SeriesLayer({ lines, stack }: Pick<SeriesChartProps, 'lines' | 'stack'>) {
  const sx = asScale(useXAxisScale());
  const sy = asScale(useYAxisScale());
  const area = usePlotArea();
  const [clipId] = useState(() => `series-clip-${++clipIds}`);
  if (!sx || !sy || !area) return null;
  const tops = stack ? stackTops(stack) : [];
  return (
    <g className="series-layer" clipPath={`url(#${clipId})`}>
      <clipPath id={clipId}>
        <rect x={area.x} y={area.y - 2} width={area.width} height={area.height + 4} />
      </clipPath>
      {stack?.layers.map((l, k) => (
        <path
          key={l.key}
          className="series-area"
          d={areaPath(stack.x, k > 0 ? tops[k - 1] : stack.x.map(() => 0), tops[k], sx, sy)}
          fill={l.color}
          fillOpacity={0.78}
          stroke={l.color}
          strokeWidth={1}
        />
      ))}
      {/* Bands under every line, so no band hides another run's line. */}
      {lines?.map(
        (s) =>
          s.band && (
            <path
              key={`${s.key}-band`}
              className="series-band"
              d={bandPath(s.x, s.band.lo, s.band.hi, sx, sy)}
              fill={s.color}
              fillOpacity={0.16}
              stroke="none"
            />
          ),
      )}
      {lines?.map((s) => (
        <g key={s.key}>
          <path
            className="series-line"
            d={linePath(s.x, s.y, sx, sy)}
            fill="none"
            stroke={s.color}
            strokeWidth={s.width ?? 1.5}
            strokeDasharray={s.dash}
            strokeLinejoin="round"
          />
          {s.dots &&
            (() => {
              // A series with one or two points: larger dots, so a lone point reads as data.
              const lone = s.y.filter((v) => v !== null && Number.isFinite(v)).length <= 2;
              return s.x.map((x, i) => {
                const v = s.y[i];
                const px = sx(x);
                const py = v === null || !Number.isFinite(v) ? undefined : sy(v);
                return px === undefined || py === undefined || !Number.isFinite(py) ? null : (
                  <circle key={i} cx={px} cy={py} r={lone ? 3.5 : 2} fill={s.color} />
                );
              });
            })()}
        </g>
      ))}
    </g>
  );
}

interface Row {
  color: string;
  text: string;
}

/** The rows of the readout at step `at`: one per group of series (or per stacked layer). */
function readout(
  at: number,
  lines: Series[] | undefined,
  stack: AreaStack | undefined,
  fmt: (v: number) => string,
  ranges = true,
): Row[] {
  const rows: Row[] = [];
  if (stack) {
    const i = nearestIndex(stack.x, at);
    // Top layer first, as the areas are stacked on screen.
    if (i >= 0)
      for (const l of [...stack.layers].reverse())
        rows.push({ color: l.color, text: `${l.name}: ${fmt(l.y[i])}` });
  }
  const groups = new Map<string, { color: string; parts: string[] }>();
  for (const s of lines ?? []) {
    const g = s.group ?? s.name;
    const entry = groups.get(g) ?? { color: s.color, parts: [] };
    groups.set(g, entry); // in series order, so rows keep the tasks' order
    const i = nearestIndex(s.x, at);
    const v = i >= 0 ? s.y[i] : null;
    if (v === null || !Number.isFinite(v)) continue;
    const label = s.group ? `${s.name} ` : '';
    const where = s.x[i] !== at ? ` (step ${s.x[i]})` : '';
    const lo = s.band?.lo[i];
    const hi = s.band?.hi[i];
    const range =
      ranges && lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)
        ? ` [${fmt(lo)}–${fmt(hi)}]`
        : '';
    entry.parts.push(`${label}${fmt(v)}${range}${where}`);
  }
  for (const [g, e] of groups)
    if (e.parts.length) rows.push({ color: e.color, text: `${g}: ${e.parts.join(' · ')}` });
  return rows;
}

/**
 * The steps a chart has samples at, ascending: its stack's, else every line's (a loss chart's
 * training steps and its evaluations, so the last step drawn can be reached).
 */
function sampledSteps(
  lines: Series[] | undefined,
  stack: AreaStack | undefined,
): readonly number[] {
  if (stack?.x.length) return stack.x;
  const drawn = (lines ?? []).filter((s) => s.x.length);
  if (drawn.length <= 1) return drawn[0]?.x ?? [];
  return [...new Set(drawn.flatMap((s) => s.x))].sort((a, b) => a - b);
}

/**
 * The shared step (step-cursor.ts), drawn: a vertical rule and the exact values at the sample
 * nearest to it. Pointing into the plot sets the step for every chart; leaving it clears it.
 */
function HoverLayer({
  lines,
  stack,
  formatValue,
  xs,
}: Pick<SeriesChartProps, 'lines' | 'stack' | 'formatValue'> & { xs: readonly number[] }) {
  const area = usePlotArea();
  const sx = useXAxisScale();
  const inverse = useXAxisInverseScale();
  const step = useStepCursor((c) => c.step);
  const setStep = useStepCursor((c) => c.set);
  if (!area || !sx || !inverse) return null;
  const onMove = (e: MouseEvent<SVGRectElement>) => {
    const svg = e.currentTarget.ownerSVGElement;
    if (!svg || !xs.length) return;
    setStep(xs[nearestIndex(xs, Number(inverse(e.clientX - svg.getBoundingClientRect().left)))]);
  };
  let overlay = null;
  const x = step === null ? undefined : sx(step);
  if (step !== null && x !== undefined && x >= area.x - 0.5 && x <= area.x + area.width + 0.5) {
    // Text at 11 px is about 6.4 px a character. A readout wider than the plot (a narrow chart
    // with bands) drops the bands' ranges, then cuts its lines short.
    const chars = Math.max(4, Math.floor((area.width - 22) / 6.4));
    const fit = (rs: Row[]) => Math.max(...rs.map((r) => r.text.length)) <= chars;
    let rows = [{ color: '', text: `step ${step}` }, ...readout(step, lines, stack, formatValue)];
    if (!fit(rows))
      rows = [
        { color: '', text: `step ${step}` },
        ...readout(step, lines, stack, formatValue, false),
      ];
    rows = rows
      .slice(0, 18)
      .map((r) => (r.text.length > chars ? { ...r, text: `${r.text.slice(0, chars - 1)}…` } : r));
    const w = Math.min(area.width, 22 + 6.4 * Math.max(...rows.map((r) => r.text.length)));
    const h = 8 + 14 * rows.length;
    const left = x + 12 + w > area.x + area.width ? x - 12 - w : x + 12;
    overlay = (
      <g pointerEvents="none" className="hover-readout-box" data-step={step}>
        <line
          x1={x}
          x2={x}
          y1={area.y}
          y2={area.y + area.height}
          stroke="#1d2330"
          strokeOpacity={0.35}
        />
        <g transform={`translate(${Math.max(area.x, left)}, ${area.y + 4})`}>
          <rect width={w} height={h} rx={5} fill="#fff" fillOpacity={0.96} stroke="#cfd4de" />
          {rows.map((r, i) => (
            <g key={i} transform={`translate(8, ${16 + 14 * i})`}>
              {r.color && <rect x={0} y={-8} width={8} height={8} rx={2} fill={r.color} />}
              <text
                x={r.color ? 12 : 0}
                fontSize={11}
                fontWeight={i === 0 ? 600 : 400}
                fill="#1d2330"
              >
                {r.text}
              </text>
            </g>
          ))}
        </g>
      </g>
    );
  }
  return (
    <g>
      <rect
        x={area.x}
        y={area.y}
        width={area.width}
        height={area.height}
        fill="transparent"
        onMouseMove={onMove}
        onMouseLeave={() => setStep(null)}
      />
      {overlay}
    </g>
  );
}

/**
 * The values at the shared step as text, for screen readers (aria-live): the keyboard moves the
 * step, and the drawing says nothing to them.
 */
function CursorText({
  lines,
  stack,
  formatValue,
}: Pick<SeriesChartProps, 'lines' | 'stack' | 'formatValue'>) {
  const step = useStepCursor((c) => c.step);
  const text =
    step === null
      ? ''
      : [`step ${step}`, ...readout(step, lines, stack, formatValue).map((r) => r.text)].join('; ');
  return (
    <span className="visually-hidden" aria-live="polite">
      {text}
    </span>
  );
}

export const SeriesChart = memo(function SeriesChart(p: SeriesChartProps) {
  const [x0, x1] = p.xDomain;
  // Two rows spanning the step axis: recharts needs data, and this changes only with the domain.
  const data = useMemo(() => [{ step: x0 }, { step: x1 }], [x0, x1]);
  const [focused, setFocused] = useState(false);
  const xs = useMemo(() => sampledSteps(p.lines, p.stack), [p.lines, p.stack]);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const cursor = useStepCursor.getState();
    if (e.key === 'Escape') return cursor.set(null);
    const to = stepForKey(xs, cursor.step, e.key, e.shiftKey);
    if (to === undefined) return;
    e.preventDefault();
    e.stopPropagation(); // → here moves the chart's step, not the trainer (useKeyboard)
    cursor.set(to);
  };
  return (
    <div
      className="series-chart"
      tabIndex={0}
      role="group"
      aria-label={`${p.yTitle} by step: arrow keys, Home and End move through the steps`}
      onKeyDown={onKeyDown}
      onFocus={() => setFocused(true)}
      onBlur={() => {
        setFocused(false);
        useStepCursor.getState().set(null);
      }}
    >
      {/* Read out only where the keyboard is: every chart speaking at once on hover is noise. */}
      {focused && <CursorText lines={p.lines} stack={p.stack} formatValue={p.formatValue} />}
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={CHART_MARGIN}>
          <CartesianGrid stroke="#eceef2" />
          <XAxis {...stepAxisProps} domain={p.xDomain} ticks={p.xTicks} allowDataOverflow />
          <YAxis
            scale={p.yLog ? 'log' : 'linear'}
            domain={p.yDomain}
            ticks={p.yTicks}
            allowDataOverflow
            tick={AXIS_TICK}
            tickFormatter={p.yTickFormat}
            width={Y_WIDTH}
            label={yLabel(p.yTitle)}
          />
          {(p.restarts ?? []).map((s) => (
            <ReferenceLine
              key={s}
              x={s}
              stroke="#888"
              strokeDasharray="3 3"
              label={{ value: 'restart', fontSize: 10, fill: '#888' }}
            />
          ))}
          <SeriesLayer lines={p.lines} stack={p.stack} />
          <HoverLayer lines={p.lines} stack={p.stack} formatValue={p.formatValue} xs={xs} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
