/**
 * SVG geometry for the chart series: polylines with gaps, stacked areas, and nearest-point
 * lookup for the hover readout. Pure functions of the data and two scale functions.
 */

/** One drawn line: its points (x ascending), null or NaN = no value (a gap in the line). */
export interface Series {
  key: string;
  /** Shown in the hover readout, e.g. "train" or a task's name. */
  name: string;
  color: string;
  x: readonly number[];
  y: readonly (number | null)[];
  dash?: string;
  width?: number;
  /** Draw a dot at every point (sparse series). */
  dots?: boolean;
  /** Series with the same group share one row of the hover readout (e.g. a task's train and val). */
  group?: string;
  /**
   * A shaded range around the line (e.g. min–max over seeds): lo[i]..hi[i] at x[i], drawn as a
   * translucent area in the line's colour; NaN = no range there (a gap).
   */
  band?: { lo: readonly number[]; hi: readonly number[] };
}

/** Stacked areas over a shared x: layer k sits on top of layers 0..k−1. */
export interface AreaStack {
  x: readonly number[];
  layers: { key: string; name: string; color: string; y: readonly number[] }[];
}

export type Scale = (v: number) => number | undefined;

const finite = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v);
const r1 = (v: number) => Math.round(v * 10) / 10;

/** "M x y L x y …", starting a new piece after every gap. */
export function linePath(
  x: readonly number[],
  y: readonly (number | null)[],
  sx: Scale,
  sy: Scale,
): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < x.length; i++) {
    const px = sx(x[i]);
    const py = finite(y[i]) ? sy(y[i] as number) : undefined;
    if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${r1(px)} ${r1(py)}`;
    pen = true;
  }
  return d;
}

/** Running sums of the layers at every x (NaN counts as 0): tops[k][i] = Σ_{j ≤ k} y_j[i]. */
export function stackTops(stack: AreaStack): number[][] {
  const acc = stack.x.map(() => 0);
  return stack.layers.map((l) =>
    stack.x.map((_, i) => {
      const v = l.y[i];
      acc[i] += Number.isFinite(v) ? v : 0;
      return acc[i];
    }),
  );
}

/** Closed area between `lower` and `upper` (both over `x`). */
export function areaPath(
  x: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
  sx: Scale,
  sy: Scale,
): string {
  if (x.length === 0) return '';
  const pt = (i: number, v: number) => `${r1(sx(x[i]) ?? 0)} ${r1(sy(v) ?? 0)}`;
  let d = `M${pt(0, upper[0])}`;
  for (let i = 1; i < x.length; i++) d += `L${pt(i, upper[i])}`;
  for (let i = x.length - 1; i >= 0; i--) d += `L${pt(i, lower[i])}`;
  return `${d}Z`;
}

/**
 * Closed areas between `lo` and `hi` over `x`, one piece per run of points where both are finite
 * (a gap splits the band, as it splits a line).
 */
export function bandPath(
  x: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
  sx: Scale,
  sy: Scale,
): string {
  let d = '';
  let run: [number, number, number][] = [];
  const close = () => {
    if (run.length > 0) {
      const up = run.map(([px, , py]) => `${r1(px)} ${r1(py)}`);
      const down = run.map(([px, py]) => `${r1(px)} ${r1(py)}`).reverse();
      d += `M${up.join('L')}L${down.join('L')}Z`;
    }
    run = [];
  };
  for (let i = 0; i < x.length; i++) {
    const px = sx(x[i]);
    const plo = finite(lo[i]) ? sy(lo[i]) : undefined;
    const phi = finite(hi[i]) ? sy(hi[i]) : undefined;
    if (px === undefined || plo === undefined || phi === undefined) close();
    else if (!Number.isFinite(px) || !Number.isFinite(plo) || !Number.isFinite(phi)) close();
    else run.push([px, plo, phi]);
  }
  close();
  return d;
}

/** Index of the x closest to v (x ascending); −1 for an empty array. */
export function nearestIndex(x: readonly number[], v: number): number {
  if (x.length === 0) return -1;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= v) lo = mid;
    else hi = mid;
  }
  return Math.abs(x[lo] - v) <= Math.abs(x[hi] - v) ? lo : hi;
}
