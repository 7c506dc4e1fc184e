import type { GradStats } from '../../../src/core/types';

/** A GradStats record from plain numbers (standard errors unknown, as with 2 probe chunks). */
export function gradStatsOf(
  step: number,
  g: ArrayLike<number>,
  s: ArrayLike<number>,
  cosine: ArrayLike<number> = new Float64Array(g.length * g.length),
  probeHalf = 8,
): GradStats {
  const K = g.length;
  return {
    step,
    gradNormSq: Float64Array.from(g),
    variance: Float64Array.from(s),
    gradNormSqSE: new Float64Array(K).fill(NaN),
    varianceSE: new Float64Array(K).fill(NaN),
    cosine: Float64Array.from(cosine),
    // ⟨ĝ_i, ĝ_j⟩ consistent with G and the cosines (the probe noise on the diagonal left out).
    meanGram: Float64Array.from({ length: K * K }, (_, x) => {
      const [i, j] = [Math.floor(x / K), x % K];
      return i === j ? g[i] : cosine[x] * Math.sqrt(Math.abs(g[i] * g[j]));
    }),
    examples: new Array<number>(K).fill(2 * probeHalf),
    chunks: new Array<number>(K).fill(2),
    groups: new Array<number>(K).fill(1),
  };
}
