/**
 * The gradient conflict an experiment run records with --stats-every (run.conflict in
 * results.json): at every statistics step inside the window [from, to] (steps, both ends
 * included) the off-diagonal cosines cos_jk of the task-gradient matrix are tallied
 *   negativeShare = #{cos_jk < 0} / #cells,   meanCosine = mean of all cos_jk,
 * over every pair j < k and step, and per pair (j, k) over the steps alone:
 *   pairs[].meanCosine = mean_s cos_jk(s),   pairs[].negativeShare = #{s : cos_jk(s) < 0} / n.
 * A cosine that is not finite (a task without gradient) is left out. Plain data, no tfjs.
 */
import type { RunResult } from '../core/config/results-schema';

export type ConflictSummary = NonNullable<RunResult['conflict']>;

/** Tallies the cosine matrices of one run's statistics steps inside a step window. */
export class ConflictTally {
  private statsSteps = 0;
  private cells = 0;
  private negative = 0;
  private sum = 0;
  private readonly pairSum: number[];
  private readonly pairNegative: number[];
  private readonly pairCount: number[];

  constructor(
    /** Number of tasks (the cosine matrices are K×K, row-major). */
    readonly K: number,
    /** First and last step counted (both included). */
    readonly from: number,
    readonly to: number,
  ) {
    const pairs = (K * (K - 1)) / 2;
    this.pairSum = new Array<number>(pairs).fill(0);
    this.pairNegative = new Array<number>(pairs).fill(0);
    this.pairCount = new Array<number>(pairs).fill(0);
  }

  /** Counts the cosine matrix of statistics step `step` when the step is inside the window. */
  add(step: number, cosine: ArrayLike<number>): void {
    if (step < this.from || step > this.to) return;
    const K = this.K;
    if (cosine.length !== K * K) {
      throw new RangeError(`cosine matrix of ${cosine.length} entries, expected ${K}×${K}`);
    }
    this.statsSteps++;
    let p = 0;
    for (let i = 0; i < K; i++) {
      for (let j = i + 1; j < K; j++, p++) {
        const c = cosine[i * K + j];
        if (!Number.isFinite(c)) continue;
        this.cells++;
        this.sum += c;
        this.pairSum[p] += c;
        this.pairCount[p]++;
        if (c < 0) {
          this.negative++;
          this.pairNegative[p]++;
        }
      }
    }
  }

  /** The summary, the pairs named by `labels` (one per task, in slot order). */
  summary(labels: readonly string[]): ConflictSummary {
    if (labels.length !== this.K)
      throw new RangeError(`${labels.length} labels for ${this.K} tasks`);
    const pairs: ConflictSummary['pairs'] = [];
    let p = 0;
    for (let i = 0; i < this.K; i++) {
      for (let j = i + 1; j < this.K; j++, p++) {
        const n = this.pairCount[p];
        pairs!.push({
          tasks: [labels[i], labels[j]],
          n,
          meanCosine: n ? this.pairSum[p] / n : null,
          negativeShare: n ? this.pairNegative[p] / n : null,
        });
      }
    }
    return {
      statsSteps: this.statsSteps,
      negativeShare: this.cells ? this.negative / this.cells : 0,
      meanCosine: this.cells ? this.sum / this.cells : 0,
      from: this.from,
      to: this.to,
      pairs,
    };
  }
}

/** The pair of tasks `a`, `b` (either order) of a summary, if recorded. */
export function pairOf(
  c: ConflictSummary | undefined,
  a: string,
  b: string,
): NonNullable<ConflictSummary['pairs']>[number] | undefined {
  return c?.pairs?.find(
    (p) => (p.tasks[0] === a && p.tasks[1] === b) || (p.tasks[0] === b && p.tasks[1] === a),
  );
}

/** The pair with the smallest mean cosine (the most conflicting), if any pair has one. */
export function mostConflicting(
  c: ConflictSummary | undefined,
): NonNullable<ConflictSummary['pairs']>[number] | undefined {
  let best: NonNullable<ConflictSummary['pairs']>[number] | undefined;
  for (const p of c?.pairs ?? []) {
    if (p.meanCosine === null) continue;
    if (!best || p.meanCosine < best.meanCosine!) best = p;
  }
  return best;
}
