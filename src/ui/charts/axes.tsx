/** Shared recharts settings so every chart looks and reads the same. */
import { useMemo } from 'react';
import { compact, fmt } from '../format';
import { domainTicks, linearTicks, snappedDomain, stepDomain } from './chart-data';

export const AXIS_TICK = { fontSize: 11, fill: '#5b6270' };
/** Width of a y axis: tick labels plus the rotated axis title. */
export const Y_WIDTH = 60;
export const CHART_MARGIN = { top: 6, right: 12, bottom: 18, left: 4 };

export const stepAxisProps = {
  dataKey: 'step',
  type: 'number' as const,
  domain: ['dataMin', 'dataMax'] as [string, string],
  tick: AXIS_TICK,
  tickFormatter: (v: number) => compact(v),
  label: {
    value: 'step',
    position: 'insideBottom' as const,
    offset: -10,
    fontSize: 11,
    fill: '#5b6270',
  },
  allowDecimals: false,
};

const labels = new Map<string, ReturnType<typeof makeLabel>>();
/** The y-axis title `text` (the same object for the same text, see below). */
export function yLabel(text: string) {
  let l = labels.get(text);
  if (!l) labels.set(text, (l = makeLabel(text)));
  return l;
}

function makeLabel(text: string) {
  return {
    value: text,
    angle: -90,
    position: 'insideLeft' as const,
    offset: 2,
    fontSize: 11,
    fill: '#5b6270',
    style: { textAnchor: 'middle' as const },
  };
}

/*
 * Recharts re-registers an axis (a store update and one more render) whenever a prop changes
 * identity, so formatters are module constants and tick arrays are kept while equal.
 */
export const fmt3 = (v: number) => fmt(v, 3);
export const fmt2 = (v: number) => fmt(v, 2);
export const fmt4 = (v: number) => fmt(v, 4);
export const percentTick = (v: number) => `${Math.round(v * 100)}%`;
export const WEIGHT_TICKS = [0, 0.25, 0.5, 0.75, 1];

/** An array that keeps its identity while it holds the same numbers. */
export function useStableArray(value: number[] | undefined): number[] | undefined {
  const key = value ? value.join(',') : null;
  return useMemo(
    () => (key === null ? undefined : key === '' ? [] : key.split(',').map(Number)),
    [key],
  );
}

/**
 * Step (x) and value (y) axes of a series chart: domains snapped to round numbers and their
 * ticks, each keeping its identity while unchanged (so recharts does not recompute).
 */
export function useSeriesAxes(
  lastStep: number,
  extent: [number, number] | null,
  opts: { log: boolean; fallbackY: [number, number]; xTickCount?: number },
) {
  const xDomain = useStableArray(stepDomain(lastStep)) as [number, number];
  const xTicks = useStableArray(linearTicks(xDomain[0], xDomain[1], opts.xTickCount));
  const yDomain = (useStableArray(snappedDomain(extent, opts.log)) ?? opts.fallbackY) as [
    number,
    number,
  ];
  const yTicks = useStableArray(domainTicks(yDomain, opts.log));
  return { xDomain, xTicks, yDomain, yTicks };
}
