/**
 * The backend choice in real Chromium (no GPU: WebGPU and WebGL are SwiftShader here): the page
 * skips the software adapters, measures what is left, remembers the choice per browser, and
 * measures again on request; ?measure=all times the software adapters too (switching tfjs
 * backends inside one worker); the step counter follows every step; wasm runs the threaded
 * binary on the cross-origin-isolated preview server.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipTour } from '../../src/cli/browser';
import { TOUR_STORAGE_KEY } from '../../src/ui/tour-key';
import {
  backendTooltip,
  openPage,
  openSession,
  screenshot,
  TINY,
  waitForBackend,
  waitForStep,
  type Session,
} from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4180);
});
afterAll(() => s?.close());

const choiceOf = (page: Page) => page.getByTestId('backend-badge').getAttribute('data-choice');

/** Records, in window.__sawMeasuring, whether the badge ever said "measuring". */
const watchMeasuring = () => {
  const w = window as unknown as { __sawMeasuring: boolean };
  w.__sawMeasuring = false;
  new MutationObserver(() => {
    const t = document.querySelector('[data-testid="backend-badge"]')?.textContent ?? '';
    if (t.includes('measuring')) w.__sawMeasuring = true;
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

describe('choosing the backend', () => {
  it('with no ?backend: skips the software WebGPU adapter and WebGL renderer with reasons, measures, picks and trains', async () => {
    const { page, errors } = await openPage(s, `/#${TINY}`);
    const name = await waitForBackend(page);
    expect(['wasm', 'cpu']).toContain(name);
    expect(await choiceOf(page)).toBe('measured');
    const tip = await backendTooltip(page);
    expect(tip).toMatch(/webgpu\s+—\s+skipped: software WebGPU adapter \(.*swiftshader.*\)/i);
    expect(tip).toMatch(/webgl\s+—\s+skipped: software WebGL renderer \(.*SwiftShader/);
    expect(tip).toMatch(/measured now/);
    expect(tip).toMatch(new RegExp(`${name}\\s+[\\d,]+ tok/s\\s+chosen`));
    for (const [w, h] of [
      [1366, 768],
      [1280, 720],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      await backendTooltip(page);
      await page.screenshot({ path: `test-results/e2e-backend-tooltip-${w}x${h}.png` });
      // The tooltip lies inside the window: nothing clipped.
      const box = (await page.getByTestId('backend-tooltip').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(w);
      expect(box.y + box.height).toBeLessThanOrEqual(h);
    }
    await page.getByTestId('train-button').click();
    await waitForStep(page, 3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('?measure=all measures the software adapters too and picks the fastest by its figures', async () => {
    const { page, errors } = await openPage(s, `/?measure=all#${TINY}`);
    const name = await waitForBackend(page);
    const tip = await backendTooltip(page);
    const figures = Object.fromEntries(
      [...tip.matchAll(/^(webgpu|webgl|wasm)\s+([\d,]+) tok\/s/gm)].map((m) => [
        m[1],
        Number(m[2].replace(/,/g, '')),
      ]),
    );
    expect(Object.keys(figures).sort(), tip).toEqual(['wasm', 'webgl', 'webgpu']);
    expect(figures[name]).toBe(Math.max(...Object.values(figures)));
    expect(tip).toMatch(/measured now: the fastest of 3 backends/);
    // A diagnostic: not remembered (the only key is the tour's, set by the test page).
    const keys = await page.evaluate(() => Object.keys(localStorage));
    expect(keys.filter((k) => k !== TOUR_STORAGE_KEY)).toEqual([]);
    await page.getByTestId('step-button').click();
    await waitForStep(page, 1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a second load in the same browser uses the remembered choice without measuring; ↻ measures again', async () => {
    const context = await s.browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript(watchMeasuring);
    const first = await openPage(s, `/#${TINY}`, context);
    const name = await waitForBackend(first.page);
    expect(await choiceOf(first.page)).toBe('measured');
    const figure = (await backendTooltip(first.page)).match(/([\d,]+) tok\/s/)?.[1];
    expect(figure).toBeDefined();
    await first.page.close();

    const second = await openPage(s, `/#${TINY}`, context);
    await waitForBackend(second.page, name);
    expect(await choiceOf(second.page)).toBe('remembered');
    const tip = await backendTooltip(second.page);
    expect(tip).toMatch(/remembered from a measurement in this browser/);
    expect(tip).toContain(`${figure} tok/s`);
    expect(
      await second.page.evaluate(
        () => (window as never as { __sawMeasuring: boolean }).__sawMeasuring,
      ),
    ).toBe(false);
    await screenshot(second.page, 'e2e-backend-remembered');

    await second.page.getByTestId('backend-remeasure').click();
    await second.page
      .locator('[data-testid="backend-badge"][data-choice="measured"]')
      .waitFor({ timeout: 90_000 });
    expect(
      await second.page.evaluate(
        () => (window as never as { __sawMeasuring: boolean }).__sawMeasuring,
      ),
    ).toBe(true);
    expect(await backendTooltip(second.page)).toMatch(/measured now/);
    await second.page.getByTestId('step-button').click();
    await waitForStep(second.page, 1);
    expect(first.errors.concat(second.errors)).toEqual([]);
    await context.close();
  });

  it('the step counter shows 1 right after the first step and then every step, not only loss readbacks (metricsEvery=50)', async () => {
    const hash = TINY.replace('metricsEvery=2', 'metricsEvery=50')
      .replace('evalEvery=10', 'evalEvery=0')
      .replace('statsEvery=4', 'statsEvery=0');
    const { page, errors } = await openPage(s, `/#${hash}`);
    await waitForBackend(page);
    // Every value the counter shows, with its time.
    await page.evaluate(() => {
      const w = window as unknown as { __counter: [number, number][] };
      w.__counter = [];
      const el = document.querySelector('[data-testid="step-counter"]')!;
      new MutationObserver(() =>
        w.__counter.push([performance.now(), Number(el.textContent)]),
      ).observe(el, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('train-button').click();
    await waitForStep(page, 1);
    await page.waitForTimeout(1500);
    await page.getByTestId('train-button').click();
    const seen = await page.evaluate(
      () => (window as unknown as { __counter: [number, number][] }).__counter,
    );
    expect(seen[0][1]).toBe(1);
    // Losses are read back after step 1, then at step 50 or a second later: any value in
    // between within that second came from the per-step progress events.
    const t1 = seen[0][0];
    const between = new Set(
      seen.filter(([t, v]) => t - t1 < 950 && v > 1 && v < 50).map(([, v]) => v),
    );
    expect(
      between.size,
      `counter values: ${seen.map(([, v]) => v).join(' ')}`,
    ).toBeGreaterThanOrEqual(3);
    // Throttled: at most ~30 updates a second.
    expect(seen.filter(([t]) => t - t1 < 1000).length).toBeLessThanOrEqual(40);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on the cross-origin-isolated preview server wasm loads the threaded SIMD binary with half the cores as threads', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await skipTour(page);
    const requests: string[] = [];
    const failed: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${s.url}/?backend=wasm#${TINY}`);
    expect(res?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(res?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await waitForBackend(page, 'wasm');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const expected = Math.min(8, Math.max(1, Math.floor(cores / 2)));
    const tip = await backendTooltip(page);
    const threads = Number(tip.match(/threaded SIMD binary, (\d+) threads?/)?.[1]);
    // tfjs gives XNNPACK half the logical cores, at most 8: 1 on these 2-core machines.
    expect(threads, tip).toBe(expected);
    if (cores >= 4) expect(threads).toBeGreaterThan(1);
    await page.getByTestId('train-button').click();
    await waitForStep(page, 3);
    expect(
      requests.some((u) => /tfjs-backend-wasm-threaded-simd[^/]*\.wasm$/.test(u)),
      requests.join('\n'),
    ).toBe(true);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
