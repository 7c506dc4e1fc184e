/**
 * Helpers for vectors on the probability simplex Δ_K = { w ∈ R^K : w_k ≥ 0, Σ_k w_k = 1 }.
 * Every mixer returns its weights through these, so "finite, ≥ 0, sums to 1" is enforced in
 * one place. Pure functions on Float64Array: no tfjs, no DOM.
 */

/** The uniform point of Δ_K: u_k = 1/K. */
export function uniform(numTasks: number): Float64Array {
  return new Float64Array(numTasks).fill(1 / numTasks);
}

/** True when v has no NaN or ±Infinity entries (an empty vector is finite). */
export function isFiniteVector(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/**
 * Projects non-negative scores onto Δ_K by w_k = v_k / Σ_j v_j.
 *
 * Entries that are negative are treated as 0. When the vector is unusable (any NaN/±Infinity
 * entry, or Σ_j v_j not > 0 and finite) the result is the uniform vector u_k = 1/K, so the
 * output is always a valid sampling distribution. A fresh array is returned.
 */
export function normalize(v: ArrayLike<number>): Float64Array {
  const k = v.length;
  if (!isFiniteVector(v)) return uniform(k);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.max(0, v[i]);
  if (!(sum > 0) || !Number.isFinite(sum)) return uniform(k);
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) out[i] = Math.max(0, v[i]) / sum;
  return out;
}

/**
 * Mixes w ∈ Δ_K with the uniform distribution so every entry is at least `floor`:
 *   w_k ← (1 − K·f)·w_k + f,   f = clamp(floor, 0, 1/K).
 * The result stays on Δ_K (Σ = (1 − K·f)·1 + K·f = 1) and w_k ≥ f. The floor is clamped to
 * [0, 1/K] because f > 1/K would make the coefficient (1 − K·f) negative; f = 1/K gives the
 * uniform vector and f = 0 (or NaN) leaves w unchanged. `w` is normalised first, so an invalid
 * input still yields a valid output. A fresh array is returned.
 */
export function applyFloor(w: ArrayLike<number>, floor: number): Float64Array {
  const k = w.length;
  const p = normalize(w);
  const f = Number.isFinite(floor) ? Math.min(Math.max(floor, 0), 1 / k) : 0;
  if (f === 0) return p;
  const scale = 1 - k * f;
  for (let i = 0; i < k; i++) p[i] = scale * p[i] + f;
  return p;
}

/** max_k |a_k − b_k|, the largest change between two weight vectors (Infinity on length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** softmax(ξ)_k = exp(ξ_k − max ξ) / Σ_j exp(ξ_j − max ξ): logits onto Δ_K, computed stably. */
export function softmax(xi: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < xi.length; i++) m = Math.max(m, xi[i]);
  const e = Float64Array.from(xi, (x) => Math.exp(x - m));
  return normalize(e);
}

/**
 * The Euclidean projection of v onto Δ_K: argmin_{w ∈ Δ_K} ‖w − v‖², by sorting (Duchi,
 * Shalev-Shwartz, Singer, Chandra, ICML 2008, Fig. 1): with u = v sorted descending and
 * ρ = max{ j : u_j − (Σ_{i≤j} u_i − 1)/j > 0 }, w_k = max(v_k − θ, 0), θ = (Σ_{i≤ρ} u_i − 1)/ρ.
 * A non-finite v gives the uniform vector. A fresh array is returned.
 */
export function projectSimplex(v: ArrayLike<number>): Float64Array {
  const k = v.length;
  if (!isFiniteVector(v)) return uniform(k);
  const u = Float64Array.from(v).sort().reverse();
  let sum = 0;
  let theta = 0;
  for (let j = 0; j < k; j++) {
    sum += u[j];
    const t = (sum - 1) / (j + 1);
    if (u[j] - t > 0) theta = t;
  }
  return Float64Array.from(v, (x) => Math.max(x - theta, 0));
}
