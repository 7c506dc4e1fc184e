/**
 * The page's load keeps the main thread free enough (issue 22): a first visit on a desktop
 * viewport, traced for 5 s from the navigation (Chromium's trace of the page's main thread).
 * The bound is on blocking time by the thread's own CPU time, Σ max(0, task − 50 ms): wall time
 * also counts waiting for a core the worker holds on a 2-core CI machine. The bound is generous:
 * CI measured 59 and 84 ms for this build (longest task 107-117 ms CPU); the build before the
 * charts' plot was split off was not measured this way yet. `npm run bench:load` prints them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLoad, type LoadFigures } from '../../src/cli/browser';
import { openSession, type Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4192);
});
afterAll(() => s?.close());

/** Blocking time by CPU, ms (see above). */
const BOUND_MS = 600;

describe('page load', () => {
  it('blocks the main thread less than the bound in its first 5 s (a first visit, 1366x768)', async () => {
    const runs: LoadFigures[] = [];
    for (let i = 0; i < 2; i++) runs.push(await measureLoad(s.browser, `${s.url}/`, 5_000));
    const shown = runs.map(
      (f) =>
        `blocking ${f.blockingWall.toFixed(0)} ms wall / ${f.blockingCpu.toFixed(0)} ms CPU, longest task ${f.longestWall.toFixed(0)} / ${f.longestCpu.toFixed(0)} ms, main thread ${f.cpu.toFixed(0)} ms CPU`,
    );
    console.log(`page load:\n  ${shown.join('\n  ')}`);
    expect(Math.min(...runs.map((f) => f.cpu)), 'the trace saw the page load').toBeGreaterThan(100);
    // The better of two loads: one load can meet a GC or a busy core; a regression slows both.
    expect(Math.min(...runs.map((f) => f.blockingCpu)), shown.join('; ')).toBeLessThan(BOUND_MS);
  });
});
