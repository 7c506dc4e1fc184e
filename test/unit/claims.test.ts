/**
 * `npm run claims`: the verdict rule (fixed before the run) on hand-made samples, and the report
 * builder on synthetic results (every claim's table, comparisons and plots). The pipeline itself
 * runs end to end in CI (`npm run claims -- --tiny`).
 */
import { describe, expect, it } from 'vitest';
import { buildReports } from '../../src/cli/claims/claims';
import { EXPERIMENTS, FULL } from '../../src/cli/claims/experiments';
import { claimsMarkdown } from '../../src/cli/claims/report';
import { compare, verdictOf } from '../../src/cli/claims/verdict';
import type { Results, RunResult } from '../../src/core/config/results-schema';

describe('claims verdict rule', () => {
  it('a comparison holds when the difference exceeds two standard errors', () => {
    // A = [1, 1.1, 0.9]: mean 1, s² = 0.01; B = [2, 2.1, 1.9]: mean 2, s² = 0.01.
    // SE = √(0.01/3 + 0.01/3) = 0.0816: diff 1 > 0.163.
    const r = compare({ label: 'x', lower: [1, 1.1, 0.9], higher: [2, 2.1, 1.9] });
    expect(r.diff).toBeCloseTo(1, 12);
    expect(r.se).toBeCloseTo(Math.sqrt(0.02 / 3), 12);
    expect(r.holds).toBe(true);
    // B = [1.1, 1.2, 1.0]: diff 0.1 < 0.163.
    expect(compare({ label: 'x', lower: [1, 1.1, 0.9], higher: [1.1, 1.2, 1] }).holds).toBe(false);
    // A constant B has no variance: SE = √(0.01/3) = 0.0577; diff 0.2 > 0.115.
    expect(compare({ label: 'x', lower: [1, 1.1, 0.9], higher: 1.2 }).holds).toBe(true);
    expect(compare({ label: 'x', lower: [1], higher: [2] }).holds).toBeNull();
  });

  it('"differs" and "equal within δ" (claim 9) on hand-made samples', () => {
    // A = [1, 1.1, 0.9], B = [1.02, 1.12, 0.92]: diff 0.02, SE = 0.0816, 2·SE = 0.163.
    const near = { label: 'x', lower: [1, 1.1, 0.9], higher: [1.02, 1.12, 0.92] };
    expect(compare({ ...near, kind: 'differs' }).holds).toBe(false);
    // |0.02| + 0.163 = 0.183: inside δ = 0.2, not inside δ = 0.15.
    expect(compare({ ...near, kind: 'equal', margin: 0.2 }).holds).toBe(true);
    expect(compare({ ...near, kind: 'equal', margin: 0.15 }).holds).toBe(false);
    // Either direction differs: B lower than A by 1 > 0.163.
    const far = {
      label: 'x',
      lower: [2, 2.1, 1.9],
      higher: [1, 1.1, 0.9],
      kind: 'differs' as const,
    };
    expect(compare(far).holds).toBe(true);
    expect(compare({ ...far, kind: 'lower' }).holds).toBe(false);
    expect(compare({ ...near, lower: [1], kind: 'equal', margin: 1 }).holds).toBeNull();
  });

  it('a claim holds when all comparisons do, does not when none does, else mixed', () => {
    const yes = { label: '', diff: 1, se: 0.1, holds: true };
    const no = { label: '', diff: 0, se: 0.1, holds: false };
    expect(verdictOf([yes, yes])).toBe('holds');
    expect(verdictOf([no, no])).toBe('does not hold at this scale');
    expect(verdictOf([yes, no])).toBe('mixed');
    expect(verdictOf([yes, { ...no, holds: null }])).toBe('undetermined');
  });
});

/** Synthetic results for an experiment: every mixer of its plan, 3 seeds, 2 curve points. */
function fake(id: string): Results {
  const plan = EXPERIMENTS.find((e) => e.id === id)!;
  const args = plan.args(FULL);
  const preset = args[args.indexOf('--preset') + 1];
  const tasks =
    preset === 'noisy'
      ? ['udhr:en', 'udhr:fr', 'chains']
      : preset === 'saturating'
        ? ['copy', 'udhr:hi', 'udhr:de']
        : ['a', 'b', 'c'];
  const mixers = args[args.indexOf('--mixers') + 1].split(/,(?![^{]*})/);
  const runs: RunResult[] = mixers.flatMap((mixer, i) =>
    [0, 1, 2].map((seed) => {
      const loss = 2 + 0.1 * i + 0.01 * seed;
      const valLoss = Object.fromEntries(tasks.map((t, k) => [t, loss + 0.1 * k]));
      const point = (step: number) => ({
        step,
        avgValLoss: loss + 0.1,
        worstValLoss: loss + 0.2,
        valLoss,
        weights: [0.2, 0.3, 0.5],
      });
      return {
        mixer,
        seed,
        steps: 400,
        msPerStep: 100 + i,
        tokensPerSec: 1000,
        stepsToMixFinal: i === 0 ? 400 : null,
        final: { avgValLoss: loss + 0.1, worstValLoss: loss + 0.2, valLoss, accuracy: {} },
        curve: [point(200), point(400)],
        ...(id.startsWith('conflict-')
          ? {
              conflict: {
                statsSteps: 8,
                negativeShare: id === 'conflict-conflict' ? 0.6 : 0.1 + 0.01 * seed,
                meanCosine: 0,
                // The pair a × b: -0.5 on the conflict preset, 0.1 + 0.01·seed elsewhere.
                pairs: [
                  ['a', 'b', id === 'conflict-conflict' ? -0.5 : 0.1 + 0.01 * seed],
                  ['a', 'c', 0.3],
                  ['b', 'c', 0.2],
                ].map(([x, y, c]) => ({
                  tasks: [x, y] as [string, string],
                  n: 8,
                  meanCosine: c as number,
                  negativeShare: (c as number) < 0 ? 1 : 0,
                })),
              },
            }
          : {}),
      };
    }),
  );
  return {
    config: {
      tasks,
      mixers,
      steps: 400,
      seeds: 3,
      backend: 'wasm',
      evalEvery: 200,
      knobs: {},
      run: {},
    },
    runs,
  };
}

describe('claims report', () => {
  it('builds every claim from the experiments’ results: tables, comparisons, verdicts, SVGs', () => {
    const results = Object.fromEntries(EXPERIMENTS.map((e) => [e.id, fake(e.id)]));
    const reports = buildReports(results);
    expect(reports.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const r of reports) {
      expect(r.comparisons.length).toBeGreaterThan(0);
      for (const c of r.comparisons) expect(Number.isFinite(c.diff)).toBe(true);
      for (const svg of Object.values(r.plots)) {
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).toMatch(/<path d="M/);
      }
    }
    // Claim 1: mix (index 0) is lowest by 0.1 and 0.2 with a tiny spread: holds.
    expect(reports[0].verdict).toBe('holds');
    // Claim 5: shares 0.11 ± 0.01 against 0.6, and the most conflicting pair (a × b) -0.5
    // against 0.11 ± 0.01: holds.
    expect(reports[4].verdict).toBe('holds');
    expect(reports[4].comparisons).toHaveLength(4);
    expect(reports[4].body).toMatch(
      /\| conflict \| 0\.600 ± 0\.000 \| 0\.000 ± 0\.000 \| a × b \| -0\.500 ± 0\.000 \|/,
    );
    expect(reports[4].comparisons[2].diff).toBeCloseTo(0.11 + 0.5, 10);
    // Claim 8: pike is the 4th mixer, famo..ado come after it: lower than all: holds.
    expect(reports[7].verdict).toBe('holds');
    // Claim 9: on multilingual pcgrad (index 13) is 1.3 above mix, not equal within 0.05; on
    // surgery-conflict (index 1) 0.1 above it with 2·SE = 0.016: differs. Mixed.
    expect(reports[8].comparisons.map((c) => c.holds)).toEqual([false, true]);
    expect(reports[8].verdict).toBe('mixed');
    // Claim 10: pike (index 3) below aioli (11) and doge (12): holds.
    expect(reports[9].verdict).toBe('holds');
    const md = claimsMarkdown(reports, {
      setting: FULL,
      commands: Object.fromEntries(EXPERIMENTS.map((e) => [e.id, `npm run experiment -- ${e.id}`])),
      plotDir: 'claims',
      header: 'test',
    });
    expect(md).toMatch(/\| 1 \| Mixing every task/);
    expect(md).toMatch(/!\[claim1-loss.svg\]\(claims\/claim1-loss.svg\)/);
  });
});
