/**
 * A long run in the real page, shortened: after warm-up the worker's live tensors stay the same,
 * the page's memory as the browser measures it (page + worker) stays flat, and the charts'
 * history stays bounded. Then the tab goes to the background: training goes on, the charts wait,
 * and coming back brings them up to date in one redraw, no task of the page's code over 50 ms of
 * CPU (the collector's pauses are bounded apart, see below). (`npm run
 * soak:browser` runs the same measurement for 30 minutes; see the README.)
 *
 * Playwright keeps every page "visible" and unthrottled, so the background tab is emulated
 * through the Page Visibility API the page listens to (document.visibilityState and its event).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatSample,
  memorySample,
  SAMPLE_HEADER,
  type MemorySample,
} from '../../src/cli/memory-sample';
import { CONFLICT_CAPACITY, SERIES_CAPACITY } from '../../src/store/metrics';
import { codeCpu, describeLongTasks, traceMainThread } from '../../src/cli/browser';
import {
  currentStep as step,
  openPage,
  openSession,
  TINY,
  waitForBackend,
  type Session,
} from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4190);
});
afterAll(() => s?.close());

const lastX = async (page: Page) =>
  Number(await page.getByTestId('loss-chart').getAttribute('data-last-x'));
/** Five samples, one per worker report (every 2 s). */
async function reports(page: Page, t0: number): Promise<MemorySample[]> {
  const out: MemorySample[] = [];
  for (let i = 0; i < 5; i++) {
    if (i) await page.waitForTimeout(2_100);
    out.push(await memorySample(page, t0));
  }
  return out;
}

function setVisibility(page: Page, state: 'hidden' | 'visible') {
  return page.evaluate((st) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => st });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => st === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

describe('long runs and hidden tabs', () => {
  it('memory stays flat, the history bounded; a background tab trains on and catches up at once', async () => {
    const { page, errors } = await openPage(s, `/?backend=wasm#${TINY}`);
    await waitForBackend(page, 'wasm');
    await page.getByTestId('train-button').click();
    const t0 = Date.now();
    await page.waitForTimeout(15_000); // warm-up: pipelines, first folds, GC settles
    // The worker's tensors rise and fall with the statistics window (a few dozen), and it
    // reports every 2 s: compare the lowest of several reports at each end, not one each.
    const warm = await reports(page, t0);
    await page.waitForTimeout(25_000);
    const late = await reports(page, t0);
    console.log(
      `${SAMPLE_HEADER}\n${warm.map(formatSample).join('\n')}\n${late.map(formatSample).join('\n')}`,
    );
    const low = (xs: MemorySample[], f: (x: MemorySample) => number) => Math.min(...xs.map(f));
    expect(late[0].step).toBeGreaterThan(warm[0].step + 50);
    // The count at a report depends on where the statistics window stands (18 to 38 here): a
    // late low above the warm-up's low but within its range was seen once in CI (26 against 18,
    // the warm-up's samples 18-30) with flat bytes. A leak would put every late report above
    // all of the warm-up's after ~1,000 more steps.
    const high = (xs: MemorySample[], f: (x: MemorySample) => number) => Math.max(...xs.map(f));
    expect(low(late, (x) => x.tensors)).toBeLessThanOrEqual(high(warm, (x) => x.tensors) + 2);
    // Bytes follow the same window (0.3 MiB at 18 tensors, 1.8 MiB at 38), so the same bound:
    // against the warm-up's low, a local run failed with every late report at 26-38 tensors
    // (0.8-1.8 MiB against a warm low of 0.3 MiB) and no growth at all.
    expect(low(late, (x) => x.workerBytes)).toBeLessThan(
      high(warm, (x) => x.workerBytes) * 1.1 + 2 ** 16,
    );
    const ua = (xs: MemorySample[]) => xs.map((x) => x.uaBytes ?? NaN);
    if (ua(warm).every(Number.isFinite) && ua(late).every(Number.isFinite)) {
      expect(Math.min(...ua(late))).toBeLessThan(Math.min(...ua(warm)) * 1.3);
    }
    const K = 3;
    const bound = 10 * SERIES_CAPACITY * (K + 1) + CONFLICT_CAPACITY * K * K;
    expect(Math.max(...late.map((x) => x.points))).toBeLessThanOrEqual(bound);

    // The background: steps go on, the charts wait.
    await setVisibility(page, 'hidden');
    await page.waitForTimeout(1_000); // a redraw published just before (staggered) lands
    const hiddenAt = { step: await step(page), x: await lastX(page) };
    await page.waitForTimeout(8_000);
    const before = await step(page);
    expect(before).toBeGreaterThan(hiddenAt.step + 10);
    expect(await lastX(page)).toBe(hiddenAt.x); // the charts wait
    // Back: one redraw brings the charts to the current step, with no task over 50 ms of the
    // main thread's CPU (its wall time also counts waiting for a core the worker holds).
    const back = await traceMainThread(s.browser, page, async () => {
      await setVisibility(page, 'visible');
      await expect.poll(() => lastX(page), { timeout: 5_000 }).toBeGreaterThanOrEqual(before - 4);
      await page.waitForTimeout(1_000);
    });
    const told = describeLongTasks(back);
    console.log(`coming back: ${told}`);
    expect(
      back.filter((t) => codeCpu(t) > 50),
      told,
    ).toEqual([]);
    // The collector is bounded apart. A hidden page stops drawing, so its allocation rate falls
    // (about 10 MiB/s while it draws), and V8's memory reducer runs a compacting collection some
    // seconds later: with this test's 9 s in the background it can land on the return. Two CI runs
    // failed on one task of 58-60 ms CPU there before the collector was told apart; a trace here
    // (5 returns) put one at 47 ms CPU, 92 ms wall, all of it V8.GCFinalizeMCReduceMemory. Its
    // cost follows the live heap (8-13 MiB after a collection), so a history that leaked would
    // show here.
    expect(
      back.filter((t) => t.cpu > 150),
      told,
    ).toEqual([]);
    expect(errors).toEqual([]);
  });
});
