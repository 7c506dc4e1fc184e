/**
 * Per-task sample counts of a batch from sampling weights, by largest-remainder (Hamilton)
 * apportionment, so Σ_k b_k = b exactly (the b_k ← round(b·w_k) step of PiKE's
 * Algorithm 1, Li et al., arXiv 2502.06244, made exact).
 */
import { normalize } from './simplex';

/**
 * Splits a batch of b samples over K tasks in proportion to w (Hamilton's method):
 *   q_k = b·w_k,  b_k = ⌊q_k⌋ + [k is among the r largest remainders q_k − ⌊q_k⌋],
 *   r = b − Σ_k ⌊q_k⌋.
 * Guarantees: Σ_k b_k = b exactly; b_k ∈ {⌊q_k⌋, ⌈q_k⌉}, so |b_k − b·w_k| < 1; b_k ≥ 0; a task with
 * w_k = 0 gets 0. Equal remainders are broken by the lower task index, so the result is
 * deterministic. `weights` is normalised first (invalid or all-zero weights → uniform), and b is
 * truncated to a non-negative integer (b = 0 gives all zeros).
 */
export function batchCounts(weights: ArrayLike<number>, batchSize: number): Int32Array {
  const k = weights.length;
  const counts = new Int32Array(k);
  const b = Number.isFinite(batchSize) ? Math.max(0, Math.floor(batchSize)) : 0;
  if (k === 0 || b === 0) return counts;
  const w = normalize(weights);
  const remainders = new Float64Array(k);
  let assigned = 0;
  for (let i = 0; i < k; i++) {
    const q = b * w[i];
    const f = Math.floor(q);
    counts[i] = f;
    remainders[i] = q - f;
    assigned += f;
  }
  // r < K in exact arithmetic (each remainder is < 1 and they sum to r); the sort below is a
  // stable order: larger remainder first, then lower index.
  const order = Array.from({ length: k }, (_, i) => i).sort(
    (a, c) => remainders[c] - remainders[a] || a - c,
  );
  let left = b - assigned;
  for (let j = 0; left > 0; j = (j + 1) % k, left--) counts[order[j]] += 1;
  return counts;
}
