import { describe, expect, it } from 'vitest';
import { codeCpu, describeLongTasks, withGc } from '../../src/cli/browser';

// Trace spans in µs, as Chromium writes them.
const task = (ts: number, dur: number, tdur: number) => ({ ts, dur, tdur });

describe('main-thread tasks and the collector inside them', () => {
  it('gives each task the CPU time of the collections that ran in it, nested ones once', () => {
    const tasks = [task(2_000, 1_000, 900), task(0, 1_000, 800), task(5_000, 90_000, 60_000)];
    const gcs = [
      { ts: 100, dur: 300, tdur: 200 }, // in the task at 0
      { ts: 5_100, dur: 80_000, tdur: 45_000 }, // a MajorGC in the long task…
      { ts: 5_200, dur: 1_000, tdur: 1_000 }, // …and a span nested in it: not counted again
      { ts: 3_500, dur: 100, tdur: 100 }, // between tasks: in none
    ];
    const out = withGc(tasks, gcs);
    expect(out).toEqual([
      { wall: 1, cpu: 0.8, gc: 0.2 },
      { wall: 1, cpu: 0.9, gc: 0 },
      { wall: 90, cpu: 60, gc: 45 },
    ]);
    expect(out.map(codeCpu)).toEqual([0.8 - 0.2, 0.9, 15]);
    expect(describeLongTasks(out)).toBe(
      '3 main-thread tasks, 62 ms CPU (45 GC); over 50 ms: [90 ms wall / 60 ms CPU, 45 of it GC]',
    );
  });

  it('never counts more collector time than the task had CPU', () => {
    const [t] = withGc([task(0, 10_000, 2_000)], [{ ts: 10, dur: 9_000 }]);
    expect(t.gc).toBe(2);
    expect(codeCpu(t)).toBe(0);
  });
});
