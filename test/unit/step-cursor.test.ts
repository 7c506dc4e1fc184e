import { describe, expect, it } from 'vitest';
import { stepForKey, useStepCursor } from '../../src/ui/charts/step-cursor';

describe('the shared step cursor', () => {
  const xs = [0, 10, 20, 30, 40];

  it('moves one sample with the arrows, from a sample or from between two', () => {
    expect(stepForKey(xs, 20, 'ArrowLeft', false)).toBe(10);
    expect(stepForKey(xs, 20, 'ArrowRight', false)).toBe(30);
    expect(stepForKey(xs, 25, 'ArrowLeft', false)).toBe(20);
    expect(stepForKey(xs, 25, 'ArrowRight', false)).toBe(30);
  });

  it('moves ten samples with Shift, stopping at the ends', () => {
    const many = Array.from({ length: 30 }, (_, i) => 5 * i);
    expect(stepForKey(many, 50, 'ArrowRight', true)).toBe(100);
    expect(stepForKey(many, 50, 'ArrowLeft', true)).toBe(0);
    expect(stepForKey(xs, 25, 'ArrowRight', true)).toBe(40);
    expect(stepForKey(xs, 5, 'ArrowLeft', true)).toBe(0);
  });

  it('stays at the ends, starts at the latest step, and Home/End jump', () => {
    expect(stepForKey(xs, 40, 'ArrowRight', false)).toBe(40);
    expect(stepForKey(xs, 0, 'ArrowLeft', false)).toBe(0);
    expect(stepForKey(xs, null, 'ArrowLeft', false)).toBe(40);
    expect(stepForKey(xs, 20, 'Home', false)).toBe(0);
    expect(stepForKey(xs, 20, 'End', false)).toBe(40);
  });

  it('ignores other keys and charts without samples', () => {
    expect(stepForKey(xs, 20, 'a', false)).toBeUndefined();
    expect(stepForKey([], 20, 'ArrowLeft', false)).toBeUndefined();
  });

  it('notifies only when the step changes', () => {
    let calls = 0;
    const off = useStepCursor.subscribe(() => calls++);
    useStepCursor.getState().set(10);
    useStepCursor.getState().set(10);
    useStepCursor.getState().set(null);
    off();
    expect(calls).toBe(2);
  });
});
