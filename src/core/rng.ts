/**
 * Seeded randomness for the whole engine, on pure-rand's xoroshiro128+ (the generator
 * fast-check uses). Every random choice in a run derives from the run's one seed, so a seed
 * reproduces a run exactly on the cpu backend.
 */
import prand from 'pure-rand';
import type { Rng } from './types';

const TWO_32 = 0x100000000;

class XoroshiroRng implements Rng {
  private spare: number | null = null;
  constructor(
    private readonly gen: prand.RandomGenerator,
    private readonly seed: number,
  ) {}

  next(): number {
    // Two 32-bit draws give a 53-bit-ish uniform double in [0, 1).
    const hi = (this.gen.unsafeNext() >>> 0) / TWO_32;
    const lo = (this.gen.unsafeNext() >>> 0) / TWO_32;
    return hi + lo / TWO_32;
  }

  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`rng.int needs n >= 1, got ${n}`);
    return prand.unsafeUniformIntDistribution(0, n - 1, this.gen);
  }

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  fork(salt: number): Rng {
    return createRng(mixSeeds(this.seed, salt));
  }
}

/** A random order of 0..n−1 (Fisher–Yates) drawn from `rng`. */
export function permutation(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, j) => j);
  for (let j = n - 1; j > 0; j--) {
    const r = rng.int(j + 1);
    [order[j], order[r]] = [order[r], order[j]];
  }
  return order;
}

/** A 32-bit hash of two integers (splitmix-style), to derive independent seeds. */
export function mixSeeds(a: number, b: number): number {
  let h = (Math.imul(a | 0, 0x9e3779b1) ^ Math.imul((b | 0) + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hash a string (e.g. a task spec) to a 32-bit salt for `fork`. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function createRng(seed: number): Rng {
  const s = seed >>> 0;
  return new XoroshiroRng(prand.xoroshiro128plus(s), s);
}
