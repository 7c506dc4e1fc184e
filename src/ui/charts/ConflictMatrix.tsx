import { memo, useMemo, useState } from 'react';
import type { ConflictFrame } from '../../store/metrics';
import { cosineColor, taskColor } from '../palette';
import { useApp, useStaggeredMetricsVersion, useTaskLabels, useRunMetrics } from '../store-context';
import { useStepCursor } from './step-cursor';
import { ChartFrame } from './ChartFrame';

/** The colour scale, as a saved image's legend (the card's own scale is HTML). */
const COSINE_SCALE = [
  { label: '−1 opposed', color: cosineColor(-1) },
  { label: '0', color: cosineColor(0) },
  { label: '+1 aligned', color: cosineColor(1) },
];

/** SVG user units: the grid's side (the SVG scales to its box). */
const GRID = 220;
/** Label margins: names need room, numbers (more than 8 tasks) little. */
const margins = (K: number) => (K > 8 ? { LEFT: 22, TOP: 18 } : { LEFT: 78, TOP: 62 });

const short = (s: string, n = 10) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Axis label of task i: its short name, or its number when there are too many to fit. */
const axisLabel = (labels: string[], i: number, K: number) =>
  K > 8 ? `${i}` : short(labels[i] ?? `${i}`);

function Matrix({
  frame,
  labels,
  onHover,
}: {
  frame: ConflictFrame;
  labels: string[];
  onHover: (t: string | null) => void;
}) {
  const K = frame.k;
  const cell = GRID / K;
  const { LEFT, TOP } = margins(K);
  const font = Math.min(11, Math.max(6, cell * 0.32));
  const labelFont = Math.min(11, Math.max(7, cell * 0.5));
  return (
    <svg
      className="heatmap"
      viewBox={`0 0 ${LEFT + GRID + 4} ${TOP + GRID + 4}`}
      aria-hidden="true"
    >
      {Array.from({ length: K }, (_, i) => labels[i] ?? `task ${i}`).map((label, i) => (
        <g key={i}>
          <text
            x={LEFT - 6}
            y={TOP + (i + 0.5) * cell}
            fontSize={labelFont}
            textAnchor="end"
            dominantBaseline="middle"
            fill={taskColor(i)}
            fontWeight={600}
          >
            {axisLabel(labels, i, K)}
            <title>{label}</title>
          </text>
          <text
            fontSize={labelFont}
            fill={taskColor(i)}
            fontWeight={600}
            transform={`translate(${LEFT + (i + 0.5) * cell}, ${TOP - 6}) rotate(${K > 8 ? 0 : -40})`}
            textAnchor={K > 8 ? 'middle' : 'start'}
          >
            {axisLabel(labels, i, K)}
            <title>{label}</title>
          </text>
        </g>
      ))}
      {Array.from({ length: K * K }, (_, idx) => {
        const i = Math.floor(idx / K);
        const j = idx % K;
        const v = frame.cosine[idx];
        const text = `cos(${labels[i] ?? i}, ${labels[j] ?? j}) = ${Number.isFinite(v) ? v.toFixed(3) : 'not measured'}`;
        return (
          <g key={idx} onMouseEnter={() => onHover(text)} onMouseLeave={() => onHover(null)}>
            <rect
              data-testid={`conflict-cell-${i}-${j}`}
              data-value={Number.isFinite(v) ? String(v) : 'NaN'}
              x={LEFT + j * cell}
              y={TOP + i * cell}
              width={cell}
              height={cell}
              fill={cosineColor(v)}
              stroke="#fff"
              strokeWidth={Math.min(1, cell / 20)}
            >
              <title>{text}</title>
            </rect>
            {K <= 8 && Number.isFinite(v) && (
              <text
                x={LEFT + (j + 0.5) * cell}
                y={TOP + (i + 0.5) * cell}
                fontSize={font}
                textAnchor="middle"
                dominantBaseline="middle"
                fill={Math.abs(v) > 0.6 ? '#fff' : '#222'}
                pointerEvents="none"
              >
                {Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** The matrix as a table for screen readers (visually hidden): the drawing is hidden from them. */
function MatrixTable({ frame, labels }: { frame: ConflictFrame; labels: string[] }) {
  const K = frame.k;
  const name = (i: number) => labels[i] ?? `task ${i}`;
  return (
    <div className="visually-hidden">
      <table data-testid="conflict-table">
        <caption>
          Cosine similarity of task gradients at step {frame.step} (1 aligned, 0 unrelated, −1
          opposed)
        </caption>
        <thead>
          <tr>
            <td />
            {Array.from({ length: K }, (_, j) => (
              <th key={j} scope="col">
                {name(j)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: K }, (_, i) => (
            <tr key={i}>
              <th scope="row">{name(i)}</th>
              {Array.from({ length: K }, (_, j) => {
                const v = frame.cosine[i * K + j];
                return <td key={j}>{Number.isFinite(v) ? v.toFixed(2) : 'not measured'}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ColorLegend() {
  return (
    <div className="cos-legend" aria-label="colour scale: cosine from −1 to +1">
      <span>−1 opposed</span>
      <div className="cos-bar" />
      <span>+1 aligned</span>
    </div>
  );
}

/** K×K cosine similarity of the task gradients, with a slider through its history. */
const ConflictMatrixView = memo(function ConflictMatrixView({ version }: { version: number }) {
  const metrics = useRunMetrics();
  const every = useApp((s) => s.config.schedule.statsEvery);
  const T0 = useApp((s) => s.config.mixer.knobs.T0 as number | undefined);
  const [picked, setPicked] = useState<number | null>(null); // null: follow the latest
  const [hover, setHover] = useState<string | null>(null);
  const frames = useMemo(() => {
    void version;
    return metrics.conflict.slice();
  }, [metrics, version]);
  const n = frames.length;
  // The step pointed at on the charts (step-cursor.ts) shows the matrix measured by then.
  const cursor = useStepCursor((c) => c.step);
  const index =
    cursor !== null && n > 0
      ? Math.max(
          0,
          frames.findLastIndex((f) => f.step <= cursor),
        )
      : picked === null || picked >= n
        ? n - 1
        : picked;
  const frame = n > 0 ? frames[index] : null;
  const labels = useTaskLabels();
  return (
    <ChartFrame
      title="Gradient conflict"
      subtitle="cosine of task gradients: red aligned, blue opposed"
      testId="conflict-matrix"
      className="conflict-card"
      exportOptions={frame ? { legend: COSINE_SCALE, step: frame.step } : undefined}
      empty={
        frame
          ? null
          : every > 0 || T0
            ? `The first matrix comes after ${every > 0 ? Math.min(every, T0 ?? every) : T0} steps of training: press Train.`
            : 'Not measured: set "stats every" above 0 (or use a PiKE mixer).'
      }
    >
      {frame && (
        <>
          <Matrix frame={frame} labels={labels} onHover={setHover} />
          <MatrixTable frame={frame} labels={labels} />
          <div className="hover-readout">{hover ?? 'hover a cell for its value'}</div>
          <ColorLegend />
          <label className="scrub">
            <span>
              step {frame.step} {index === n - 1 ? '(latest)' : `· ${index + 1}/${n}`}
            </span>
            <input
              type="range"
              min={0}
              max={Math.max(0, n - 1)}
              value={index}
              disabled={n < 2}
              data-testid="conflict-slider"
              aria-label="step of the conflict matrix"
              onChange={(e) => {
                const v = Number(e.target.value);
                setPicked(v >= n - 1 ? null : v);
              }}
            />
          </label>
        </>
      )}
    </ChartFrame>
  );
});

/** Redraws when its part of the history changed, a little after the other charts (see useStaggeredMetricsVersion). */
export function ConflictMatrix() {
  return <ConflictMatrixView version={useStaggeredMetricsVersion(1, (m) => m.rev.stats)} />;
}
