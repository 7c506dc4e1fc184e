/**
 * The paper's adaptive baselines (famo, odm, doremi, ado) and unimax: each rule against numbers
 * derived by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { ReferenceCurve } from '../../src/core/config/run-config';
import {
  adoPreference,
  clipMinProbability,
  createAdoMixer,
  fitPowerLaw,
  powerLawAt,
} from '../../src/core/mixers/ado';
import { createDoremiMixer, doremiStep, referenceLossAt } from '../../src/core/mixers/doremi';
import {
  createFamoMixer,
  famoDelta,
  famoLogitGradient,
  famoTaskWeights,
  SmallAdam,
} from '../../src/core/mixers/famo';
import { createOdmMixer, odmEpsilon, odmWeights } from '../../src/core/mixers/odm';
import { createMixer, defaultKnobs } from '../../src/core/mixers/registry';
import { unimaxAllocation, unimaxWeights } from '../../src/core/mixers/unimax';
import type { MixerObservation } from '../../src/core/types';

const ctx = (k: number, extra: object = {}) => ({
  numTasks: k,
  batchSize: 32,
  poolSizes: Array.from({ length: k }, () => 1000),
  seed: 1,
  ...extra,
});

const obs = (step: number, extra: Partial<MixerObservation> = {}): MixerObservation => ({
  step,
  batchSize: 32,
  taskLosses: new Float64Array([NaN, NaN]),
  ...extra,
});

const close = (a: ArrayLike<number>, b: number[], digits = 10) => {
  expect(a.length).toBe(b.length);
  b.forEach((x, i) => expect(a[i]).toBeCloseTo(x, digits));
};

describe('famo', () => {
  it('samples with the gradient weighting its loss induces: p_k ∝ z_k/ℓ_k', () => {
    // z = (½, ½), ℓ = (1, 2): z/ℓ = (0.5, 0.25) → (2/3, 1/3).
    close(famoTaskWeights([0.5, 0.5], [1, 2]), [2 / 3, 1 / 3], 7); // ε = 1e-8 in D
    // A lower bound b shifts the loss: ℓ − b = (0.5, 2) → (0.5·2, 0.5·0.5) ∝ (1, 0.25).
    close(famoTaskWeights([0.5, 0.5], [1, 2], [0.5, 0]), [0.8, 0.2], 7);
  });

  it('takes the log-loss change and the softmax Jacobian-vector product', () => {
    // δ = (log 2 − log 1, log 1 − log 1) = (ln 2, 0).
    close(famoDelta([2, 1], [1, 1]), [Math.LN2, 0], 7);
    // ⟨z, δ⟩ = ln2/2; d = z ⊙ (δ − ln2/2) = (ln2/4, −ln2/4).
    close(famoLogitGradient([0.5, 0.5], [Math.LN2, 0]), [Math.LN2 / 4, -Math.LN2 / 4], 7);
    // Guarded logs: a loss at or below 0 gives log(1e-8), finite.
    const d = famoDelta([1, 0], [-1, 1]);
    expect(d.every(Number.isFinite)).toBe(true);
    expect(d[0]).toBeCloseTo(-Math.log(1e-8), 6);
  });

  it('Adam: the first step is lr·sign(g) (bias-corrected m̂/√v̂ = ±1); decay adds γ·x', () => {
    const adam = new SmallAdam(2, 0.025, 0);
    close(adam.step(new Float64Array(2), [0.3, -2]), [-0.025, 0.025], 6);
    // With γ = 0.1 at x = (1, 0) and g = 0: g' = (0.1, 0) → x = (1 − 0.025, 0).
    const decayed = new SmallAdam(2, 0.025, 0.1).step(new Float64Array([1, 0]), [0, 0]);
    close(decayed, [0.975, 0], 6);
  });

  it('one update moves weight away from the task whose loss fell: p₀ = 1/(1 + e^0.05)', () => {
    const m = createFamoMixer(ctx(2), { T0: 1, wlr: 0.025, wdecay: 0 });
    expect(m.needs).toMatchObject({ probe: true, every: 1 });
    close(m.weights(0), [0.5, 0.5]);
    // No "before" yet: nothing to compare, nothing changes, no warning.
    expect(m.update(obs(1))).toEqual({ changed: false });
    // δ = (ln 2, 0), d = (ln2/4, −ln2/4), ξ = (−0.025, 0.025), z = softmax(ξ);
    // after = (1, 1) so p = z: p₀ = e^−0.025/(e^−0.025 + e^0.025) = 1/(1 + e^0.05) = 0.48750.
    const r = m.update(
      obs(2, { probeLoss: { before: Float64Array.of(2, 1), after: Float64Array.of(1, 1) } }),
    );
    expect(r.changed).toBe(true);
    close(m.weights(2), [1 / (1 + Math.exp(0.05)), 1 - 1 / (1 + Math.exp(0.05))], 6);
  });

  it('keeps its weights and names the task on a non-finite probe loss', () => {
    const m = createFamoMixer(ctx(2, { taskNames: ['udhr:en', 'add'] }), {
      T0: 1,
      wlr: 0.025,
      wdecay: 0,
    });
    const r = m.update(
      obs(1, { probeLoss: { before: Float64Array.of(2, 1), after: Float64Array.of(1, NaN) } }),
    );
    expect(r.changed).toBe(false);
    expect(r.warning).toContain('task 1 (add)');
    close(m.weights(1), [0.5, 0.5]);
  });
});

describe('odm', () => {
  it('ε_t = min(1/K, √(ln K/(K t)))', () => {
    expect(odmEpsilon(3, 1)).toBe(1 / 3); // √(ln3/3) = 0.605 > 1/3
    expect(odmEpsilon(3, 100)).toBeCloseTo(Math.sqrt(Math.log(3) / 300), 12); // 0.060515
    expect(odmEpsilon(3, 0)).toBe(1 / 3);
  });

  it('π = (1 − Kε_t)·softmax(ε_{t−1}R̂) + ε_t (Hedge: no importance weights)', () => {
    // t = 100, R̂ = (2, 1, 1): ε_100 = 0.0605148, ε_99 = 0.0608197;
    // softmax(0.12164, 0.06082, 0.06082) mixed as above → (0.344505, 0.327748, 0.327748).
    close(
      odmWeights([2, 1, 1], 100),
      [0.3445049528780345, 0.32774752356098275, 0.3277475235609827],
    );
    // Early on ε = 1/K: exactly uniform whatever the rewards.
    close(odmWeights([5, 1, 1], 2), [1 / 3, 1 / 3, 1 / 3]);
  });

  it('stays uniform during warm-up and while a loss is unknown, then follows the losses', () => {
    const m = createOdmMixer(ctx(3), { T0: 10, uniformSteps: 20 });
    expect(m.needs).toEqual({ stats: false, losses: true, every: 10 });
    const L = Float64Array.of(2, 1, 1);
    expect(m.update(obs(10, { taskLosses: L })).changed).toBe(false);
    expect(m.update(obs(20, { taskLosses: Float64Array.of(2, NaN, 1) })).changed).toBe(false);
    expect(m.update(obs(100, { taskLosses: L })).changed).toBe(true);
    close(m.weights(100), Array.from(odmWeights([2, 1, 1], 100)));
  });
});

describe('doremi', () => {
  const ref: ReferenceCurve = {
    label: 'Uniform mix · seed 0',
    tasks: ['udhr:en', 'add'],
    steps: [10, 20],
    valLoss: [
      [2, 3],
      [1, 2],
    ],
  };

  it('interpolates the reference linearly, holds its last value, and has none before its first step', () => {
    expect(referenceLossAt(ref, 5)).toBeNull();
    close(referenceLossAt(ref, 10)!, [2, 3]);
    close(referenceLossAt(ref, 15)!, [1.5, 2.5]);
    close(referenceLossAt(ref, 40)!, [1, 2]);
  });

  it('log α += η·max(ℓ − ℓ_ref, 0), softmax, then (1 − c)·α + c/K', () => {
    // excess = (0.5, 0); softmax(log ½ + 0.5, log ½) = (e^.5, 1)/(e^.5 + 1) = (0.622459, 0.377541).
    close(
      doremiStep([0.5, 0.5], [2, 1], [1.5, 1.2], 1, 0),
      [0.6224593312018546, 0.3775406687981454],
    );
    // c = 0.1: 0.9·0.622459 + 0.05 = 0.610213.
    close(
      doremiStep([0.5, 0.5], [2, 1], [1.5, 1.2], 1, 0.1),
      [0.6102133980816691, 0.3897866019183309],
    );
    // No excess anywhere: α unchanged (up to smoothing).
    close(doremiStep([0.7, 0.3], [1, 1], [2, 2], 1, 0), [0.7, 0.3]);
  });

  it('refuses to start without a reference, or with one of other tasks', () => {
    const opts = { T0: 25, eta: 1, smoothing: 0.05 };
    expect(() => createDoremiMixer(ctx(2), opts)).toThrow(/needs a reference run/);
    expect(() =>
      createDoremiMixer(ctx(2, { taskNames: ['udhr:fr', 'add'], reference: ref }), opts),
    ).toThrow(/trained udhr:en, add, not this run's tasks \(udhr:fr, add\)/);
    expect(() => createMixer('doremi', ctx(2))).toThrow(/needs a reference run/);
  });

  it('updates from held-out losses, waits for the reference, warns once past its end', () => {
    const m = createDoremiMixer(ctx(2, { taskNames: ['udhr:en', 'add'], reference: ref }), {
      T0: 5,
      eta: 1,
      smoothing: 0,
    });
    expect(m.needs).toMatchObject({ validation: true, every: 5 });
    expect(m.update(obs(5, { valLoss: Float64Array.of(3, 3) }))).toEqual({ changed: false });
    // Step 15: ref (1.5, 2.5), loss (2, 2.5): excess (0.5, 0) → (0.622459, 0.377541).
    expect(m.update(obs(15, { valLoss: Float64Array.of(2, 2.5) })).changed).toBe(true);
    close(m.weights(15), [0.6224593312018546, 0.3775406687981454]);
    const past = m.update(obs(25, { valLoss: Float64Array.of(1, 2) }));
    expect(past.warning).toMatch(/ends at step 20/);
    expect(m.update(obs(30, { valLoss: Float64Array.of(1, 2) })).warning).toBeUndefined();
    const bad = m.update(obs(35, { valLoss: Float64Array.of(NaN, 2) }));
    expect(bad.changed).toBe(false);
    expect(bad.warning).toContain('task 0 (udhr:en)');
  });
});

describe('ado', () => {
  it('fits ε + β·n^−α to a power law within the grid resolution', () => {
    const truth = { eps: 1, beta: 3, alpha: 0.5 };
    const n = Array.from({ length: 60 }, (_, i) => 100 * 1.08 ** i);
    const L = n.map((x) => powerLawAt(truth, x));
    const fit = fitPowerLaw(n, L)!;
    expect(fit.alpha).toBeCloseTo(0.5, 1);
    expect(Math.abs(fit.eps - 1)).toBeLessThan(0.05);
    for (const x of [200, 2000, 10000]) {
      expect(Math.abs(powerLawAt(fit, x) / powerLawAt(truth, x) - 1)).toBeLessThan(0.01);
    }
    // The irreducible loss stays below every observed loss and at least 0.05.
    expect(fit.eps).toBeLessThan(Math.min(...L));
    expect(fitPowerLaw([1, 2], [3, 2])).toBeNull();
  });

  it('prefers the task whose fitted loss falls fastest: α(L̂ − ε)/n', () => {
    // n = 100: (L̂ − ε) = β/10 → scores 0.5·0.2/100 and 0.5·0.1/100 → (2/3, 1/3).
    const f1 = { eps: 1, beta: 2, alpha: 0.5 };
    const f2 = { eps: 1, beta: 1, alpha: 0.5 };
    close(adoPreference([f1, f2], 100, [0.5, 0.5], [0.5, 0.5], 0), [2 / 3, 1 / 3]);
    // h^0.5 weighs in: h = (0.8, 0.2) → scores ∝ (2·√0.8, √0.2) = (1.78885, 0.44721) → (0.8, 0.2).
    close(adoPreference([f1, f2], 100, [0.5, 0.5], [0.8, 0.2], 0), [0.8, 0.2]);
    // The policy's exponent floor 0.05 keeps a flat fit (α = 0) in the race.
    const flat = { eps: 1, beta: 1, alpha: 0 };
    expect(adoPreference([flat, f1], 100, [0.5, 0.5], [0.5, 0.5], 0)[0]).toBeGreaterThan(0);
  });

  it('clips to a minimum probability by mixing in uniform', () => {
    // low = 0, λ = 0.05/(1/3) = 0.15: (0.9·0.85 + 0.05, 0.1·0.85 + 0.05, 0.05).
    close(clipMinProbability(Float64Array.of(0.9, 0.1, 0), 0.05), [0.815, 0.135, 0.05]);
    close(clipMinProbability(Float64Array.of(0.5, 0.5), 0.05), [0.5, 0.5]);
  });

  it('keeps the prior until the first fit, then π = 0.9·p̄ + 0.1·ρ', () => {
    const m = createAdoMixer(ctx(2), { T0: 10, fitEvery: 100, start: 200, floor: 0 });
    const curve = (k: number, n: number) => 1 + (k === 0 ? 4 : 1) * n ** -0.5;
    let changed = false;
    for (let step = 10; step <= 200; step += 10) {
      const n = step * 32;
      const seen = Float64Array.of(n / 2, n / 2);
      const r = m.update(
        obs(step, { samplesSeen: seen, taskLosses: Float64Array.of(curve(0, n), curve(1, n)) }),
      );
      if (step < 200) expect(r.changed).toBe(false);
      changed = r.changed;
    }
    expect(changed).toBe(true);
    const w = m.weights(200);
    // Task 0 has 4× the reducible loss at the same exponent: ρ ≈ (0.8, 0.2); p̄ is still
    // mostly the prior (share T/(t+1) = 10/201), so π = 0.9·p̄ + 0.1·ρ sits a little above ½.
    expect(w[0]).toBeGreaterThan(0.5);
    expect(w[0]).toBeLessThan(0.6);
    expect(Math.abs(w[0] + w[1] - 1)).toBeLessThan(1e-12);
  });
});

describe('unimax', () => {
  it('spreads the budget uniformly, capping small pools at N epochs', () => {
    // B = 3000, N = 1: 100 → min(1000, 100) = 100; 1000 → min(1450, 1000) = 1000;
    // 10000 → min(1900, 10000) = 1900.
    close(unimaxAllocation([100, 1000, 10000], 3000, 1), [100, 1000, 1900]);
    close(unimaxWeights([100, 1000, 10000], 3000, 1), [1 / 30, 1 / 3, 19 / 30]);
    // N = 4: 100 → 400; 1000 → min(1300, 4000) = 1300; 10000 → 1300.
    close(unimaxAllocation([10000, 100, 1000], 3000, 4), [1300, 400, 1300]);
    // Every pool capped: proportional to the pools.
    close(unimaxWeights([10, 20], 1000, 1), [1 / 3, 2 / 3]);
    // Ample data: exactly uniform.
    close(unimaxWeights([5000, 6000, 7000], 3000, 1), [1 / 3, 1 / 3, 1 / 3]);
  });

  it('reads its budget from the planned steps and the batch size', () => {
    const knobs = { ...defaultKnobs('unimax'), steps: 10, epochs: 1 };
    // B = 10·32 = 320 over pools (50, 1000): 50 → 50; 1000 → 270.
    const m = createMixer('unimax', ctx(2, { poolSizes: [50, 1000] }), knobs);
    close(m.weights(0), [50 / 320, 270 / 320]);
  });
});
