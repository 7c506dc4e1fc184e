import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/core/config/run-config';
import { WINDOW_BYTES } from '../../src/core/config/memory';
import { planStep, statsDueAt, windowSteps } from '../../src/core/step-plan';
import type { MixerNeeds } from '../../src/core/types';
import { tiny } from './helpers/tiny-config';

const schedule = parseRunConfig(tiny({ schedule: { statsEvery: 5, evalEvery: 10 } })).schedule;
const pike: MixerNeeds = { stats: true, losses: false, every: 3 };
const mix: MixerNeeds = { stats: false, losses: false, every: 0 };

describe('the step plan', () => {
  it('statistics fall due after step 1, every statsEvery steps, and at a stats mixer’s updates', () => {
    const due = (needs: MixerNeeds) =>
      [...Array(12).keys()].map((i) => i + 1).filter((s) => statsDueAt(s, schedule, needs));
    expect(due(mix)).toEqual([1, 5, 10]);
    expect(due(pike)).toEqual([1, 3, 5, 6, 9, 10, 12]);
    // A mixer that updates without statistics adds none.
    expect(due({ stats: false, losses: true, every: 3 })).toEqual([1, 5, 10]);
  });

  it('puts a step in the window when statistics fall due within `window` steps of it', () => {
    const taskwise = (window: number) =>
      [...Array(10).keys()]
        .map((i) => i + 1)
        .filter((s) => planStep(s, schedule, mix, window).taskwise);
    expect(taskwise(0)).toEqual([]);
    expect(taskwise(1)).toEqual([1, 5, 10]);
    expect(taskwise(2)).toEqual([1, 4, 5, 9, 10]);
  });

  it('says what is due after the step', () => {
    expect(planStep(10, schedule, pike, 2)).toEqual({
      step: 10,
      window: 2,
      taskwise: true,
      mixerDue: false,
      statsDue: true,
      evalDue: true,
      lossesDue: false,
      validationDue: false,
    });
    const doremi: MixerNeeds = { stats: false, losses: true, every: 5, validation: true };
    expect(planStep(5, schedule, doremi, 0)).toMatchObject({
      mixerDue: true,
      lossesDue: true,
      validationDue: true,
      evalDue: false,
    });
  });

  it('sizes the window by statsWindow, the memory bound and dropout', () => {
    const c = parseRunConfig(tiny({ schedule: { statsWindow: 6 } }));
    expect(windowSteps(c, 1000, 2)).toBe(6);
    // 4 tasks of 2^22 floats: 64 MiB a step, so 2 steps fit in WINDOW_BYTES (128 MiB).
    expect(WINDOW_BYTES).toBe(128 * 2 ** 20);
    expect(windowSteps(c, 2 ** 22, 4)).toBe(2);
    const dropout = parseRunConfig(tiny({ model: { ...c.model, dropout: 0.1 } }));
    expect(windowSteps(dropout, 1000, 2)).toBe(0);
  });
});
