/**
 * Algorithmic tasks ("copy", "add", ...) and their conflicting twins ("anti:<task>").
 *
 * Validation: up to 64 distinct problems (at most a quarter of the problem space) drawn from
 * their own seeded stream. Pool: `poolSize` problems drawn once from another stream, excluding the
 * validation prompts whenever other prompts exist, so validation accuracy measures generalisation
 * (for modadd with p = 23, 64 of the 529 pairs are held out: the grokking setup).
 *
 * Anti task: the same prompts (the same pool and validation, when built from the same seed) with a
 * fixed derangement of the answer alphabet applied to the answer bytes, so for every prompt the two
 * tasks want different answers. The terminator is not permuted. Teacher forcing keeps the sequence
 * consistent: the permuted answer appears in the inputs too.
 */
import { createRng } from '../rng';
import type { Rng } from '../types';
import { ALGORITHMS, TERMINATOR, type Algorithm, type AlgorithmName } from './algorithms';
import { ExampleSet, type TaskData } from './examples';

/** Most validation examples per algorithmic task. */
export const ALGORITHMIC_VALIDATION_SIZE = 64;
/** Draws per pool example before giving up on avoiding the validation prompts. */
const MAX_REJECTIONS = 1000;

function asciiBytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Throws a clear Error when the longest example at difficulty `d` cannot fit the context. */
export function checkFits(algo: Algorithm, d: Record<string, number>, contextLength: number): void {
  const need = algo.maxBytes(d);
  if (need > contextLength) {
    const knobs = Object.entries(d)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    throw new Error(
      `task ${algo.name} (${knobs}) needs up to ${need} positions but contextLength is ` +
        `${contextLength}: lower its difficulty or raise the context length`,
    );
  }
}

function pushProblem(set: ExampleSet, prompt: string, answer: string): void {
  set.push(asciiBytes(prompt + answer + TERMINATOR), prompt.length);
}

/** Builds the pool and validation set of algorithm `name` at difficulty `d`. */
export function buildAlgorithmicData(
  name: AlgorithmName,
  d: Record<string, number>,
  opts: { poolSize: number; contextLength: number; seed: number },
): TaskData {
  const algo = ALGORITHMS[name];
  checkFits(algo, d, opts.contextLength);
  const rng = createRng(opts.seed);
  const space = algo.spaceSize(d);
  const nVal = Math.min(ALGORITHMIC_VALIDATION_SIZE, Math.max(1, Math.floor(space / 4)));

  const validation = new ExampleSet(opts.contextLength, nVal);
  const heldOut = new Set<string>();
  const valRng = rng.fork(2);
  for (let tries = 0; validation.count < nVal && tries < 100 * nVal; tries++) {
    const p = algo.generate(valRng, d);
    if (heldOut.has(p.prompt)) continue;
    heldOut.add(p.prompt);
    pushProblem(validation, p.prompt, p.answer);
  }

  const exclude = space > heldOut.size;
  const pool = new ExampleSet(opts.contextLength, opts.poolSize);
  const poolRng = rng.fork(1);
  for (let i = 0; i < opts.poolSize; i++) {
    let p = algo.generate(poolRng, d);
    for (let r = 0; exclude && heldOut.has(p.prompt) && r < MAX_REJECTIONS; r++) {
      p = algo.generate(poolRng, d);
    }
    pushProblem(pool, p.prompt, p.answer);
  }

  return {
    label: algo.label,
    kind: 'algorithmic',
    metric: 'accuracy',
    difficultySpecs: algo.difficultySpecs,
    pool,
    validation,
    noiseAlphabet: asciiBytes(algo.answerAlphabet(d) + TERMINATOR),
  };
}

/**
 * A fixed derangement of `alphabet` (Sattolo's algorithm: one cycle through all symbols, so no
 * symbol maps to itself), as a 256-entry byte map that is the identity outside the alphabet.
 */
export function derangementMap(alphabet: string, rng: Rng): Uint8Array {
  if (alphabet.length < 2) throw new Error('a derangement needs at least two symbols');
  const perm = Array.from(alphabet, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i); // j < i: Sattolo, not Fisher-Yates
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const map = Uint8Array.from({ length: 256 }, (_, b) => b);
  for (let i = 0; i < alphabet.length; i++) {
    map[alphabet.charCodeAt(i)] = alphabet.charCodeAt(perm[i]);
  }
  return map;
}

/**
 * The anti task of `source` (built by buildAlgorithmicData for `name` at difficulty `d`): its
 * answers pass through a derangement drawn from `permutationSeed`.
 */
export function buildAntiData(
  source: TaskData,
  name: AlgorithmName,
  d: Record<string, number>,
  permutationSeed: number,
): TaskData {
  const map = derangementMap(ALGORITHMS[name].answerAlphabet(d), createRng(permutationSeed));
  return {
    ...source,
    label: `Anti-${source.label.toLowerCase()}`,
    kind: 'anti',
    pool: source.pool.mapAnswers(map),
    validation: source.validation.mapAnswers(map),
  };
}
