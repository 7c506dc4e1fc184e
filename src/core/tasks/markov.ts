/**
 * Synthetic "languages" ("markov:<seed>:<similarity>"): text from a first-order Markov chain over
 * 24 lowercase letters and a space. The transition table is
 *   T = similarity * S + (1 - similarity) * P_seed,
 * with S one shared table (the same for every markov task) and P_seed a private table of <seed>.
 * Two markov tasks with similarity 1 are the same language; with similarity 0 they are unrelated.
 * Rows are sparse-ish: each state has a few dominant successors plus a little background mass, so
 * there is real structure to learn (entropy well below log2(25) bits per character).
 */
import { createRng, mixSeeds } from '../rng';
import type { Rng } from '../types';
import { ExampleSet, type TaskData } from './examples';

/** The symbols of every Markov language (the last is a space). */
export const MARKOV_ALPHABET = 'abcdefghijklmnopqrstuvwx ';
const A = MARKOV_ALPHABET.length;
const SYMBOL_BYTES = Uint8Array.from(MARKOV_ALPHABET, (c) => c.charCodeAt(0));

/** Seed of the shared table S. */
const SHARED_TABLE_SEED = 0x5eed_0001;
/** Salt that turns a task's <seed> into the seed of its private table. */
const PRIVATE_TABLE_SALT = 0x5eed_0002;
/** Dominant successors per state, and the share of a row's mass they carry. */
const DOMINANT = 3;
const DOMINANT_MASS = 0.9;
/** Steps run from a uniform start before an example begins (approaches the stationary law). */
const BURN_IN = 16;
/** Validation sequences per task. */
export const MARKOV_VALIDATION_SIZE = 64;

/** An Exp(1) draw: Dirichlet(1) weights are normalised exponentials. */
function exp1(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng.next();
  return -Math.log(u);
}

/** A random sparse-ish row-stochastic A x A table (row-major) from `rng`. */
function randomTable(rng: Rng): Float64Array {
  const table = new Float64Array(A * A);
  for (let r = 0; r < A; r++) {
    const row = table.subarray(r * A, (r + 1) * A);
    // Background: Dirichlet(1) over all symbols, carrying 1 - DOMINANT_MASS.
    let sum = 0;
    for (let c = 0; c < A; c++) sum += row[c] = exp1(rng);
    for (let c = 0; c < A; c++) row[c] *= (1 - DOMINANT_MASS) / sum;
    // DOMINANT distinct successors share DOMINANT_MASS with Dirichlet(1) weights.
    const picks: number[] = [];
    while (picks.length < DOMINANT) {
      const c = rng.int(A);
      if (!picks.includes(c)) picks.push(c);
    }
    const w = picks.map(() => exp1(rng));
    const wSum = w.reduce((s, x) => s + x, 0);
    picks.forEach((c, k) => (row[c] += (DOMINANT_MASS * w[k]) / wSum));
  }
  return table;
}

/**
 * The transition table T = similarity * S + (1 - similarity) * P_seed of "markov:<seed>:<similarity>",
 * row-major over MARKOV_ALPHABET: T[i * A + j] = P(next = j | current = i). Rows sum to 1.
 */
export function markovTable(seed: number, similarity: number): Float64Array {
  if (!(similarity >= 0 && similarity <= 1)) {
    throw new RangeError(`similarity must be in [0, 1], got ${similarity}`);
  }
  const shared = randomTable(createRng(SHARED_TABLE_SEED));
  const own = randomTable(createRng(mixSeeds(seed, PRIVATE_TABLE_SALT)));
  const t = new Float64Array(A * A);
  for (let k = 0; k < t.length; k++) t[k] = similarity * shared[k] + (1 - similarity) * own[k];
  return t;
}

/** Per-row cumulative sums, for sampling a successor with one uniform draw. */
function cumulative(table: Float64Array): Float64Array {
  const cum = new Float64Array(table.length);
  for (let r = 0; r < A; r++) {
    let s = 0;
    for (let c = 0; c < A; c++) cum[r * A + c] = s += table[r * A + c];
  }
  return cum;
}

function step(cum: Float64Array, state: number, rng: Rng): number {
  const u = rng.next() * cum[state * A + A - 1];
  for (let c = 0; c < A - 1; c++) if (u < cum[state * A + c]) return c;
  return A - 1;
}

/** Writes `count` sequences of `length` symbols (as bytes) drawn from the chain into `set`. */
function fill(set: ExampleSet, cum: Float64Array, count: number, length: number, rng: Rng): void {
  const buf = new Uint8Array(length);
  for (let i = 0; i < count; i++) {
    let s = rng.int(A);
    for (let b = 0; b < BURN_IN; b++) s = step(cum, s, rng);
    for (let t = 0; t < length; t++) {
      buf[t] = SYMBOL_BYTES[s];
      s = step(cum, s, rng);
    }
    set.push(buf, 0);
  }
}

/** The Markov task's data: `poolSize` training sequences and a separate validation stream. */
export function buildMarkovData(
  chain: { seed: number; similarity: number },
  opts: { poolSize: number; contextLength: number; seed: number },
): TaskData {
  const cum = cumulative(markovTable(chain.seed, chain.similarity));
  const ctx = opts.contextLength;
  const rng = createRng(opts.seed);
  const pool = new ExampleSet(ctx, opts.poolSize);
  fill(pool, cum, opts.poolSize, ctx, rng.fork(1));
  const validation = new ExampleSet(ctx, MARKOV_VALIDATION_SIZE);
  fill(validation, cum, MARKOV_VALIDATION_SIZE, ctx, rng.fork(2));
  return {
    label: `Markov #${chain.seed} (similarity ${chain.similarity})`,
    kind: 'markov',
    metric: 'none',
    difficultySpecs: [],
    pool,
    validation,
    noiseAlphabet: SYMBOL_BYTES.slice(),
  };
}

/** Mass a chains table puts on each state's one successor π(s); the rest is spread evenly. */
const CHAIN_MASS = 0.97;

/**
 * A near-deterministic random cipher: state s goes to π(s) with probability CHAIN_MASS, for a
 * random permutation π, and to any symbol with the remaining mass spread evenly.
 */
function cipherTable(rng: Rng): Float64Array {
  const pi = Array.from({ length: A }, (_, i) => i);
  for (let i = A - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pi[i], pi[j]] = [pi[j], pi[i]];
  }
  const table = new Float64Array(A * A).fill((1 - CHAIN_MASS) / A);
  for (let r = 0; r < A; r++) table[r * A + pi[r]] += CHAIN_MASS;
  return table;
}

/**
 * "chains": every example is one sequence from its own Markov chain — a fresh random cipher
 * (cipherTable, seeded by the example's index) — so no two examples share a source. Each example
 * is nearly deterministic on its own, but the examples disagree about every transition, so the
 * model can only learn what they have in common (uniform transitions, and copying a transition
 * seen earlier in the same sequence). Each example's gradient points its own way: the
 * per-example gradient variance σ² is large next to the mean gradient ‖∇L‖², the situation
 * PiKE's variance term is for (the noisy preset; npm run bench -- --stats --preset noisy shows
 * the ratio against the language tasks).
 */
export function buildChainsData(opts: {
  poolSize: number;
  contextLength: number;
  seed: number;
}): TaskData {
  const ctx = opts.contextLength;
  const rng = createRng(opts.seed);
  const make = (count: number, stream: Rng, salt: number) => {
    const set = new ExampleSet(ctx, count);
    for (let i = 0; i < count; i++) {
      const cum = cumulative(cipherTable(createRng(mixSeeds(opts.seed + salt, i))));
      fill(set, cum, 1, ctx, stream);
    }
    return set;
  };
  return {
    label: 'Chains (every example its own Markov chain)',
    kind: 'markov',
    metric: 'none',
    difficultySpecs: [],
    pool: make(opts.poolSize, rng.fork(1), 1),
    validation: make(MARKOV_VALIDATION_SIZE, rng.fork(2), 2),
    noiseAlphabet: SYMBOL_BYTES.slice(),
  };
}

/** Entropy rate (bits per symbol) of a table under its stationary law: for docs and tests. */
export function entropyRate(table: Float64Array): number {
  let pi = new Float64Array(A).fill(1 / A);
  for (let it = 0; it < 200; it++) {
    const next = new Float64Array(A);
    for (let r = 0; r < A; r++) for (let c = 0; c < A; c++) next[c] += pi[r] * table[r * A + c];
    pi = next;
  }
  let h = 0;
  for (let r = 0; r < A; r++) {
    for (let c = 0; c < A; c++) {
      const p = table[r * A + c];
      if (p > 0) h -= pi[r] * p * Math.log2(p);
    }
  }
  return h;
}
