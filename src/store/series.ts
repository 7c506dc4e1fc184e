/**
 * Bounded, aligned time series for the charts: one x column (steps) and `width` value columns
 * (one per task). A 20,000-step run must not grow the page's memory or the charts' work without
 * bound, so a table holds at most `capacity` rows: when it is full, every group of 4 rows is
 * folded into 2 (the table halves), and this repeats as the run goes on.
 *
 * Two ways to fold a group, chosen per table:
 *   'minmax': each column keeps its smallest and its largest value of the group, in the order in
 *             which they occurred (so a falling curve stays falling). The extremes of every column
 *             survive every fold exactly: a loss spike never disappears from the chart.
 *   'mean':   the first and the second half of the group are each averaged (weighted by how many
 *             raw steps a row stands for). Used for sampling weights: means of points on the
 *             simplex stay on the simplex, so a stacked area still sums to 1.
 * The folded rows sit at the first and the last x of their group. NaN means "no value" and is
 * ignored by both folds.
 */
export type Fold = 'minmax' | 'mean';

/** Rows of a table (or of a display copy): x plus one array per column, all the same length. */
export interface SeriesColumns {
  x: number[];
  cols: number[][];
  /** Raw steps each row stands for. */
  n: number[];
}

/**
 * Folds consecutive groups of `group` rows into at most 2 rows each (1 row when a group holds
 * a single row). Returns new arrays; the input is not modified.
 */
export function foldGroups(src: SeriesColumns, group: number, fold: Fold): SeriesColumns {
  const out: SeriesColumns = { x: [], cols: src.cols.map(() => []), n: [] };
  const len = src.x.length;
  for (let start = 0; start < len; start += group) {
    const end = Math.min(len, start + group);
    if (end - start === 1) {
      out.x.push(src.x[start]);
      out.n.push(src.n[start]);
      src.cols.forEach((c, j) => out.cols[j].push(c[start]));
      continue;
    }
    const mid = start + Math.ceil((end - start) / 2);
    out.x.push(src.x[start], src.x[end - 1]);
    out.n.push(sum(src.n, start, mid), sum(src.n, mid, end));
    src.cols.forEach((c, j) => {
      const [a, b] =
        fold === 'minmax' ? extremesInOrder(c, start, end) : halfMeans(c, src.n, start, mid, end);
      out.cols[j].push(a, b);
    });
  }
  return out;
}

function sum(a: number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s;
}

/** [first extreme, second extreme] of c[from..to), in order of occurrence; NaNs ignored. */
function extremesInOrder(c: number[], from: number, to: number): [number, number] {
  let iMin = -1;
  let iMax = -1;
  for (let i = from; i < to; i++) {
    const v = c[i];
    if (Number.isNaN(v)) continue;
    if (iMin < 0 || v < c[iMin]) iMin = i;
    if (iMax < 0 || v > c[iMax]) iMax = i;
  }
  if (iMin < 0) return [NaN, NaN];
  return iMin <= iMax ? [c[iMin], c[iMax]] : [c[iMax], c[iMin]];
}

function weightedMean(c: number[], n: number[], from: number, to: number): number {
  let s = 0;
  let w = 0;
  for (let i = from; i < to; i++) {
    if (Number.isNaN(c[i])) continue;
    s += c[i] * n[i];
    w += n[i];
  }
  return w > 0 ? s / w : NaN;
}

function halfMeans(c: number[], n: number[], from: number, mid: number, to: number) {
  return [weightedMean(c, n, from, mid), weightedMean(c, n, mid, to)] as const;
}

/**
 * A bounded aligned table with uniform resolution; see the file comment. Until the table first
 * fills, a row is one step. After f folds, every `bucket` = 2^(f+1) consecutive steps are kept as
 * 2 rows: new steps wait in `pending` until a bucket is complete, then are folded into the table,
 * so old and new history have the same resolution. Length ≤ capacity + bucket − 1.
 */
export class SeriesTable {
  private data: SeriesColumns;
  private pending: SeriesColumns;
  /** Raw steps per stored pair of rows (1: not folded yet, rows are raw). */
  private bucket = 1;

  constructor(
    width: number,
    readonly fold: Fold,
    /** Most rows kept (besides an incomplete bucket); a multiple of 4. */
    readonly capacity = 2000,
  ) {
    if (!(capacity >= 8 && capacity % 4 === 0)) {
      throw new RangeError(`capacity must be a multiple of 4, at least 8; got ${capacity}`);
    }
    this.data = empty(width);
    this.pending = empty(width);
  }

  get length(): number {
    return this.data.x.length + this.pending.x.length;
  }
  get width(): number {
    return this.data.cols.length;
  }
  /** Steps per kept pair of rows (1 until the first fold). */
  get stepsPerBucket(): number {
    return this.bucket;
  }
  /** Every row's x (stored rows, then the incomplete bucket's raw rows). */
  get x(): readonly number[] {
    return this.pending.x.length ? [...this.data.x, ...this.pending.x] : this.data.x;
  }
  /** Column j, read-only. */
  col(j: number): readonly number[] {
    return this.pending.x.length
      ? [...this.data.cols[j], ...this.pending.cols[j]]
      : this.data.cols[j];
  }
  get lastX(): number {
    const x = this.pending.x.length ? this.pending.x : this.data.x;
    return x.length ? x[x.length - 1] : NaN;
  }

  /** Appends one row: values[offset + j] for j < width. */
  push(x: number, values: ArrayLike<number>, offset = 0): void {
    const target = this.bucket === 1 ? this.data : this.pending;
    target.x.push(x);
    target.n.push(1);
    for (let j = 0; j < target.cols.length; j++) target.cols[j].push(values[offset + j]);
    if (this.bucket > 1 && this.pending.x.length >= this.bucket) {
      const folded = foldGroups(this.pending, this.bucket, this.fold);
      append(this.data, folded);
      this.pending = empty(this.width);
    }
    if (this.data.x.length >= this.capacity) {
      // Raw rows: 4 steps → 2 rows; folded rows: 2 buckets (4 rows) → 2 rows.
      this.data = foldGroups(this.data, 4, this.fold);
      this.bucket = this.bucket === 1 ? 4 : this.bucket * 2;
    }
  }

  /** Appends a column of NaN (a task was added). */
  addColumn(): void {
    for (const d of [this.data, this.pending]) d.cols.push(d.x.map(() => NaN));
  }

  /** Removes column j (a task was removed). */
  removeColumn(j: number): void {
    for (const d of [this.data, this.pending]) d.cols.splice(j, 1);
  }

  /** Drops every row and sets the width. */
  clear(width = this.width): void {
    this.data = empty(width);
    this.pending = empty(width);
    this.bucket = 1;
  }

  /** At most `maxPoints` rows (≥ 4) for display, folded the same way; shares no arrays. */
  display(maxPoints: number): SeriesColumns {
    const all = empty(this.width);
    append(all, this.data);
    append(all, this.pending);
    if (all.x.length <= maxPoints) return all;
    // Even groups keep a stored pair of rows together; each group becomes 2 rows.
    let group = 2 * Math.ceil(all.x.length / maxPoints);
    while (2 * Math.ceil(all.x.length / group) > maxPoints) group += 2;
    return foldGroups(all, group, this.fold);
  }

  /**
   * A new table of this one's first `rows` rows (stored rows, then pending ones), unfolded: a
   * replay's history up to a step (replay.ts). Its capacity fits them, so it never folds them.
   */
  head(rows: number): SeriesTable {
    const all = this.snapshot();
    const n = Math.max(0, Math.min(rows, all.x.length));
    const t = new SeriesTable(this.width, this.fold, Math.max(8, 4 * Math.ceil((n + 1) / 4)));
    t.data = {
      x: all.x.slice(0, n),
      n: all.n.slice(0, n),
      cols: all.cols.map((c) => c.slice(0, n)),
    };
    return t;
  }

  /** A copy of every row (for export). */
  snapshot(): SeriesColumns {
    return this.display(Infinity);
  }
}

function empty(width: number): SeriesColumns {
  return { x: [], cols: Array.from({ length: width }, () => []), n: [] };
}

function append(to: SeriesColumns, from: SeriesColumns): void {
  to.x.push(...from.x);
  to.n.push(...from.n);
  from.cols.forEach((c, j) => to.cols[j].push(...c));
}
