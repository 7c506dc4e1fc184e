/**
 * Phones, tablets and the first screen, in Chromium with touch: below 900 px the page leads with
 * the run controls, the lesson and the charts (weights, losses, conflict, statistics, samples),
 * the task list and controls after them; nothing sticks out or scrolls sideways; every control
 * is at least 24×24 CSS px; the samples panel stacks its two rounds; Train works by tap.
 * Classroom mode on a tablet in landscape fits without scrolling; on a desktop's first screen
 * no empty state floats over another. Screenshots go to test-results/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipTour } from '../../src/cli/browser';
import { overflow, smallTargets, topOf } from './layout';
import { openSession, TINY, waitForBackend, waitForStep, type Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4189);
});
afterAll(() => s?.close());

async function touchPage(
  width: number,
  height: number,
  path: string,
): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await s.browser.newContext({
    viewport: { width, height },
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 2,
  });
  await skipTour(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  await page.goto(`${s.url}${path}`);
  return { page, context, errors };
}

/** The order a learner meets things on a narrow screen, top to bottom. */
const ORDER = [
  '[data-testid="train-button"]',
  '.lesson-card',
  '[data-testid="weights-chart"]',
  '[data-testid="loss-chart"]',
  '[data-testid="conflict-matrix"]',
  '[data-testid="stats-chart"]',
  '[data-testid="samples-panel"]',
  '[data-testid="task-board"]',
];

describe.each([
  ['phone', 390, 844],
  ['tablet', 820, 1180],
])('%s (%i×%i, touch)', (name, width, height) => {
  it('leads with Train, the lesson and the charts; nothing sticks out; targets ≥ 24 px; samples stack', async () => {
    const { page, context, errors } = await touchPage(width, height, `/#${TINY}`);
    await waitForBackend(page);
    const tops = [];
    for (const sel of ORDER) tops.push(await topOf(page, sel));
    expect(tops.every(Number.isFinite)).toBe(true);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
    // The first chart starts within the first screen and a half (it was 2.9 screens down).
    expect(tops[2]).toBeLessThan(1.5 * height);
    await page.tap('[data-testid="train-button"]');
    await waitForStep(page, 22); // two evaluations: two rounds of samples
    await page.tap('[data-testid="train-button"]'); // pause
    await expect
      .poll(() => page.locator('[data-testid="sample-0"] .sample-prev').count(), {
        timeout: 60_000,
      })
      .toBe(1);
    // The previous round sits under the new one, as wide as the panel allows.
    const stack = await page.evaluate(() => {
      const row = document.querySelector('[data-testid="sample-0"]')!;
      const cur = row.querySelector('.writing:not(.previous)')!.getBoundingClientRect();
      const prev = row.querySelector('.sample-prev')!.getBoundingClientRect();
      return {
        below: prev.top >= cur.bottom - 1,
        prevWidth: prev.width,
        rowWidth: row.clientWidth,
      };
    });
    expect(stack.below).toBe(true);
    expect(stack.prevWidth).toBeGreaterThan(0.8 * stack.rowWidth);
    const o = await overflow(page);
    expect(o).toEqual({ scrolls: false, outside: [] });
    // The header's figures are on screen whole.
    for (const id of ['step-counter', 'throughput', 'backend-badge']) {
      const r = await page.getByTestId(id).boundingBox();
      expect(r && r.x >= 0 && r.x + r.width <= width).toBe(true);
    }
    expect(await smallTargets(page)).toEqual([]);
    await page.screenshot({ path: `test-results/screens-${name}.png` });
    await page.screenshot({ path: `test-results/screens-${name}-full.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('classroom mode and the first screen', () => {
  it('classroom mode on a tablet in landscape fits without scrolling', async () => {
    const { page, context } = await touchPage(1180, 820, `/?present#${TINY}`);
    await waitForBackend(page);
    await page.tap('[data-testid="train-button"]');
    await waitForStep(page, 12);
    const scroll = await page.evaluate(() => ({
      v: document.documentElement.scrollHeight > window.innerHeight,
      h: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    }));
    expect(scroll).toEqual({ v: false, h: false });
    expect(await smallTargets(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screens-classroom-tablet.png' });
    await context.close();
  });

  it('on the first screen no empty state floats over another chart', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await skipTour(page);
    await page.goto(`${s.url}/#${TINY}`);
    await waitForBackend(page);
    const boxes = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.chart-empty')).map((e) => {
        const r = e.getBoundingClientRect();
        const card = e.closest('section')!.getBoundingClientRect();
        return {
          inside:
            r.left >= card.left - 1 &&
            r.right <= card.right + 1 &&
            r.top >= card.top - 1 &&
            r.bottom <= card.bottom + 1,
          r: [r.left, r.top, r.right, r.bottom],
        };
      }),
    );
    expect(boxes.length).toBeGreaterThanOrEqual(4);
    // Each empty state lies inside its own card, and no two overlap.
    expect(boxes.every((b) => b.inside)).toBe(true);
    const overlap = (a: number[], b: number[]) =>
      a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        expect(overlap(boxes[i].r, boxes[j].r)).toBe(false);
    await page.screenshot({ path: 'test-results/screens-first-1366.png' });
    await page.close();
  });
});
