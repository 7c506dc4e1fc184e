import { describe, expect, it } from 'vitest';
import { parseExperimentArgs, UsageError } from '../../src/cli/args';
import { ConflictTally, mostConflicting, pairOf } from '../../src/cli/conflict';
import { conflictTable } from '../../src/cli/summary';
import { resultsSchema, type RunResult } from '../../src/core/config/results-schema';

/** A K×K cosine matrix (row-major) from its upper triangle, row by row. */
function matrix(K: number, upper: number[]): Float64Array {
  const m = new Float64Array(K * K).fill(1);
  let p = 0;
  for (let i = 0; i < K; i++)
    for (let j = i + 1; j < K; j++, p++) {
      m[i * K + j] = upper[p];
      m[j * K + i] = upper[p];
    }
  return m;
}

describe('conflict tally', () => {
  it('per pair and overall, by hand: three tasks, two steps', () => {
    const t = new ConflictTally(3, 1, 100);
    // Pairs (a,b), (a,c), (b,c).
    t.add(10, matrix(3, [-0.5, 0.2, 0.1]));
    t.add(20, matrix(3, [-0.7, -0.2, 0.3]));
    const s = t.summary(['a', 'b', 'c']);
    expect(s.statsSteps).toBe(2);
    expect(s.from).toBe(1);
    expect(s.to).toBe(100);
    // Six cells: -0.5, 0.2, 0.1, -0.7, -0.2, 0.3 → 3 negative, sum -0.8.
    expect(s.negativeShare).toBeCloseTo(3 / 6, 12);
    expect(s.meanCosine).toBeCloseTo(-0.8 / 6, 12);
    expect(s.pairs).toHaveLength(3);
    expect(s.pairs![0]).toEqual({ tasks: ['a', 'b'], n: 2, meanCosine: -0.6, negativeShare: 1 });
    expect(s.pairs![1].tasks).toEqual(['a', 'c']);
    expect(s.pairs![1].meanCosine).toBeCloseTo(0, 12);
    expect(s.pairs![1].negativeShare).toBe(0.5);
    expect(s.pairs![2].meanCosine).toBeCloseTo(0.2, 12);
    expect(s.pairs![2].negativeShare).toBe(0);
    expect(mostConflicting(s)?.tasks).toEqual(['a', 'b']);
    expect(pairOf(s, 'c', 'b')?.meanCosine).toBeCloseTo(0.2, 12);
    expect(pairOf(s, 'a', 'z')).toBeUndefined();
  });

  it('counts only the steps inside the window, both ends included', () => {
    const t = new ConflictTally(2, 20, 40);
    for (const [step, c] of [
      [10, 0.9],
      [20, -0.4],
      [30, -0.6],
      [40, -0.2],
      [50, 0.9],
    ]) {
      t.add(step, matrix(2, [c]));
    }
    const s = t.summary(['x', 'y']);
    expect(s.statsSteps).toBe(3);
    expect(s.pairs![0].n).toBe(3);
    expect(s.pairs![0].meanCosine).toBeCloseTo(-0.4, 12);
    expect(s.meanCosine).toBeCloseTo(-0.4, 12);
    expect(s.negativeShare).toBe(1);
  });

  it('leaves out cosines that are not finite; a pair never measured has null figures', () => {
    const t = new ConflictTally(3, 1, 10);
    t.add(5, matrix(3, [NaN, 0.5, NaN]));
    const s = t.summary(['a', 'b', 'c']);
    expect(s.meanCosine).toBe(0.5);
    expect(s.pairs![0]).toEqual({ tasks: ['a', 'b'], n: 0, meanCosine: null, negativeShare: null });
    expect(mostConflicting(s)?.tasks).toEqual(['a', 'c']);
    expect(new ConflictTally(1, 1, 1).summary(['only']).pairs).toEqual([]);
  });

  it('rejects a matrix of the wrong size and labels of the wrong count', () => {
    const t = new ConflictTally(3, 1, 10);
    expect(() => t.add(1, new Float64Array(4))).toThrow(/expected 3×3/);
    expect(() => t.summary(['a', 'b'])).toThrow(/2 labels for 3 tasks/);
  });
});

describe('results files with a conflict summary', () => {
  const run = (conflict: unknown): Record<string, unknown> => ({
    mixer: 'mix',
    seed: 0,
    steps: 10,
    msPerStep: 1,
    tokensPerSec: 1,
    stepsToMixFinal: null,
    final: { avgValLoss: 1, worstValLoss: 1, valLoss: { a: 1 }, accuracy: {} },
    curve: [{ step: 10, avgValLoss: 1, worstValLoss: 1, valLoss: { a: 1 }, weights: [1] }],
    conflict,
  });
  const file = (conflict: unknown, extra = {}) => ({
    config: {
      tasks: ['a'],
      mixers: ['mix'],
      steps: 10,
      seeds: 1,
      backend: 'wasm',
      evalEvery: 10,
      knobs: {},
      run: {},
      statsEvery: 5,
      ...extra,
    },
    runs: [run(conflict)],
  });

  it('older files (no window, no pairs) still parse', () => {
    const old = { statsSteps: 2, negativeShare: 0.5, meanCosine: 0.1 };
    expect(resultsSchema.safeParse(file(old)).success).toBe(true);
  });

  it('new files parse with their window and pairs', () => {
    const t = new ConflictTally(2, 5, 10);
    t.add(5, matrix(2, [-0.3]));
    const r = file(t.summary(['a', 'b']), { conflictWindow: { from: 5, to: 10 } });
    const parsed = resultsSchema.parse(r);
    expect(parsed.runs[0].conflict?.pairs?.[0].meanCosine).toBeCloseTo(-0.3, 12);
    expect(parsed.config.conflictWindow).toEqual({ from: 5, to: 10 });
  });
});

describe('the conflict table', () => {
  it('shows every pair with each seed, the mean ± std and the negative share', () => {
    const runs = [0, 1].map((seed) => {
      const t = new ConflictTally(2, 20, 200);
      t.add(20, matrix(2, [seed === 0 ? -0.4 : -0.6]));
      t.add(30, matrix(2, [0.2]));
      return { mixer: 'mix', seed, conflict: t.summary(['copy', 'anti']) } as RunResult;
    });
    const out = conflictTable(runs, ['mix']);
    expect(out).toContain('gradient conflict (steps 20..200, 2 statistics steps per run):');
    // Seed 0: (-0.4 + 0.2) / 2 = -0.1; seed 1: (-0.6 + 0.2) / 2 = -0.2; std 0.0707.
    expect(out).toMatch(/mix\s+copy × anti\s+s0 -0\.100 {2}s1 -0\.200\s+-0\.150 ± 0\.071\s+0\.50/);
    expect(conflictTable([{ ...runs[0], conflict: undefined }], ['mix'])).toMatch(/no per-pair/);
  });
});

describe('--conflict-from / --conflict-to', () => {
  const base = ['--preset', 'conflict', '--mixers', 'mix', '--steps', '200'];

  it('default to no window (the whole run) and take a window with --stats-every', () => {
    expect(parseExperimentArgs([...base, '--stats-every', '10']).conflictWindow).toBeNull();
    const a = parseExperimentArgs([
      ...base,
      '--stats-every',
      '10',
      '--conflict-from',
      '20',
      '--conflict-to',
      '200',
    ]);
    expect(a.conflictWindow).toEqual({ from: 20, to: 200 });
    const open = parseExperimentArgs([...base, '--stats-every', '10', '--conflict-from', '50']);
    expect(open.conflictWindow).toEqual({ from: 50, to: 200 });
  });

  it.each([
    [['--conflict-from', '20'], /need --stats-every/],
    [['--stats-every', '10', '--conflict-from', '0'], /--conflict-from must be a positive/],
    [['--stats-every', '10', '--conflict-from', '50', '--conflict-to', '40'], /50\.\.40/],
    [['--stats-every', '10', '--conflict-to', '300'], /≤ --steps \(200\)/],
  ])('rejects %j', (extra, message) => {
    expect(() => parseExperimentArgs([...base, ...extra])).toThrow(UsageError);
    expect(() => parseExperimentArgs([...base, ...extra])).toThrow(message);
  });
});
