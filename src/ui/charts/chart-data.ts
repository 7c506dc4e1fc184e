/**
 * From the store's bounded tables to what the charts draw: how many points per series, round
 * tick values, and axis domains that move in steps (each domain change costs a recharts update,
 * a data change does not: see SeriesChart).
 */

/** Points per series drawn: about one per 3 px of a chart's plot width. */
export const DISPLAY_POINTS = 100;
/** Points one chart draws in all: with many tasks each series gets fewer. */
export const CHART_POINT_BUDGET = 720;

/** Points per series for K series in one chart. */
export const pointsFor = (K: number, max = DISPLAY_POINTS) =>
  Math.max(40, Math.min(max, Math.floor(CHART_POINT_BUDGET / Math.max(1, K))));
/** Series with more points than this are drawn without dots (each dot is an SVG element). */
export const MAX_DOTS = 40;

/** "Nice" linear ticks (1-2-5 steps) covering [lo, hi], about `count` of them. */
export function linearTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

/** Log-axis ticks at 1, 2, 5 × 10^k inside [lo, hi] (only powers of 10 over wide ranges). */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > lo)) return lo > 0 ? [lo] : [];
  const decades = Math.log10(hi / lo);
  const mantissas = decades > 4 ? [1] : decades > 1.5 ? [1, 3] : [1, 2, 5];
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  // A narrow range can hold no 1-2-5 value: fall back to linear ticks.
  return out.length >= 2 ? out : linearTicks(lo, hi, 4);
}

const FINE_STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is ≥ v (v > 0). */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  const m = FINE_STEPS.find((s) => s * mag >= v * (1 - 1e-12)) ?? 10;
  return Number((m * mag).toPrecision(12));
}

/**
 * The step axis: from 0 to a round number at or above the last step. It changes only when the
 * run passes that number, so the axes (which recharts recomputes on every change) stay put.
 */
export function stepDomain(lastStep: number): [number, number] {
  return [0, niceCeil(Math.max(10, lastStep))];
}

/**
 * A y domain that snaps outward to tick values (1-2-5 × 10^k on a log axis, the linear tick
 * step otherwise), so it changes only when the data crosses a tick, not on every update.
 */
export function snappedDomain(
  ext: [number, number] | null,
  log: boolean,
): [number, number] | undefined {
  if (!ext) return undefined;
  let [lo, hi] = ext;
  if (log) {
    const down = (v: number) => {
      const mag = 10 ** Math.floor(Math.log10(v));
      const m = [5, 2, 1].find((s) => s * mag <= v * (1 + 1e-12)) ?? 1;
      return m * mag;
    };
    const up = (v: number) => {
      const mag = 10 ** Math.floor(Math.log10(v));
      const m = [1, 2, 5, 10].find((s) => s * mag >= v * (1 - 1e-12)) ?? 10;
      return m * mag;
    };
    lo = down(lo);
    hi = up(hi);
    return hi > lo ? [lo, hi] : [lo / 2, hi * 2];
  }
  if (hi - lo < 1e-9) {
    const pad = Math.abs(hi) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const ticks = linearTicks(lo, hi, 5);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : (hi - lo) / 4;
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step].map((v) =>
    Number(v.toPrecision(12)),
  ) as [number, number];
}

/** A column as drawable values: NaN (and, for a log axis, values ≤ 0) become null (gaps). */
export const drawable = (col: readonly number[], positive: boolean): (number | null)[] =>
  col.map((v) => (Number.isFinite(v) && (!positive || v > 0) ? v : null));

/** [min, max] over the drawable values of several series; null when there are none. */
export function seriesExtent(ys: readonly (readonly (number | null)[])[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const y of ys) {
    for (const v of y) {
      if (v === null) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Ticks for a snapped y domain. */
export const domainTicks = (d: [number, number], log: boolean) =>
  log ? logTicks(d[0], d[1]) : linearTicks(d[0], d[1], 5);

/** One series for a chart's text alternative: a label and its points. */
export interface Described {
  label: string;
  x: readonly number[];
  y: readonly (number | null)[];
}

/**
 * A chart's text alternative, read by screen readers instead of the SVG: each series' latest
 * value, e.g. "Sampling weights at step 120: English 34%, Hindi 21%, German 45%."
 */
export function describeLatest(
  what: string,
  series: readonly Described[],
  format: (v: number) => string,
): string {
  const parts: string[] = [];
  let step = -Infinity;
  for (const s of series) {
    for (let i = s.y.length - 1; i >= 0; i--) {
      const v = s.y[i];
      if (v !== null && Number.isFinite(v)) {
        parts.push(`${s.label} ${format(v)}`);
        step = Math.max(step, s.x[i]);
        break;
      }
    }
  }
  if (parts.length === 0) return `${what}: no data yet.`;
  return `${what} at step ${step}: ${parts.join(', ')}.`;
}

/** describeLatest over the lines named `name` (e.g. every task's 'val'), labelled by group. */
export function describeLines(
  what: string,
  lines: readonly {
    name: string;
    group?: string;
    x: readonly number[];
    y: readonly (number | null)[];
  }[],
  name: string,
  format: (v: number) => string,
): string {
  const picked = lines.filter((l) => l.name === name);
  return describeLatest(
    what,
    picked.map((l) => ({ label: l.group ?? l.name, x: l.x, y: l.y })),
    format,
  );
}
