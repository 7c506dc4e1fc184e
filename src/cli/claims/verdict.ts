/**
 * The verdict rule of `npm run claims`, fixed before any run (docs/claims.md repeats it):
 * - a comparison "A is lower than B" (losses, shares, weights, cost ratios) holds when
 *   mean(B) − mean(A) > 2·SE, SE = √(s_A²/n_A + s_B²/n_B) with sample variances over seeds (a
 *   constant B, e.g. 1/3 or a ratio bound, has no variance); with fewer than 2 seeds on a side
 *   that has a variance it is undetermined;
 * - "A differs from B" holds when |mean(B) − mean(A)| > 2·SE;
 * - "A equals B within δ" holds when |mean(B) − mean(A)| + 2·SE < δ (the whole 2·SE interval of
 *   the difference inside ±δ: absence of a difference is not taken as equality);
 * - a claim holds when all its comparisons hold, does not hold at this scale when none does, and
 *   is mixed otherwise; undetermined when any comparison is.
 */
import { mean, std } from '../summary';

export type Verdict = 'holds' | 'does not hold at this scale' | 'mixed' | 'undetermined';

export interface Comparison {
  /** e.g. "Mix < Random (avg val loss, multilingual)". */
  label: string;
  /** The side claimed lower, per seed. */
  lower: number[];
  /** The side claimed higher, per seed; a number is a constant. */
  higher: number[] | number;
  /** 'lower' (the default): A < B; 'differs': A ≠ B; 'equal': A = B within `margin`. */
  kind?: 'lower' | 'differs' | 'equal';
  /** δ of an 'equal' comparison. */
  margin?: number;
}

export interface ComparisonResult {
  label: string;
  /** mean(higher) − mean(lower): positive when the claim's direction is right. */
  diff: number;
  se: number;
  holds: boolean | null;
}

export function compare(c: Comparison): ComparisonResult {
  const a = c.lower;
  const constant = typeof c.higher === 'number';
  const b = constant ? [c.higher as number] : (c.higher as number[]);
  const diff = mean(b) - mean(a);
  const varA = a.length >= 2 ? std(a) ** 2 / a.length : NaN;
  const varB = constant ? 0 : b.length >= 2 ? std(b) ** 2 / b.length : NaN;
  const se = Math.sqrt(varA + varB);
  const kind = c.kind ?? 'lower';
  const holds =
    kind === 'lower'
      ? diff > 2 * se
      : kind === 'differs'
        ? Math.abs(diff) > 2 * se
        : Math.abs(diff) + 2 * se < (c.margin ?? 0);
  return { label: c.label, diff, se, holds: Number.isFinite(se) ? holds : null };
}

export function verdictOf(results: ComparisonResult[]): Verdict {
  if (results.some((r) => r.holds === null)) return 'undetermined';
  const n = results.filter((r) => r.holds).length;
  if (n === results.length) return 'holds';
  if (n === 0) return 'does not hold at this scale';
  return 'mixed';
}
