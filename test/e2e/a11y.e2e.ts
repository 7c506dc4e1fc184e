/**
 * Accessibility in Chromium with axe-core (@axe-core/playwright, WCAG 2.1 A/AA rules): no
 * serious or critical violation on the main page, a race, classroom mode and the phone layout,
 * each after training (charts, matrix and samples drawn). Every chart has a text alternative a
 * screen reader reads (its latest values per task), the conflict matrix is a table of values,
 * and prefers-reduced-motion turns animations off.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipTour } from '../../src/cli/browser';
import { openSession, TINY, waitForBackend, waitForStep, type Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4191);
});
afterAll(() => s?.close());

const PIKE = TINY.replace('mixer=mix', 'mixer=pike'); // pike shows its knobs in the mixer panel

/** Serious and critical violations, one line each: rule, impact, where. */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

async function trained(path: string, size: { width: number; height: number }, touch = false) {
  const context = await s.browser.newContext({ viewport: size, hasTouch: touch, isMobile: touch });
  await skipTour(context);
  const page = await context.newPage();
  await page.goto(`${s.url}${path}`);
  await waitForBackend(page);
  await page.getByTestId('train-button').click();
  await waitForStep(page, 22);
  await page.getByTestId('train-button').click(); // pause: axe reads a still page
  // Classroom mode shows no samples; elsewhere axe also reads the samples panel's two rounds.
  if (!path.includes('present')) {
    await page.waitForFunction(
      () => document.querySelector('[data-testid="sample-0"]') !== null,
      null,
      {
        timeout: 60_000,
      },
    );
  }
  return { page, close: () => context.close() };
}

describe('axe-core: no serious or critical WCAG 2.1 A/AA violation', () => {
  it.each([
    ['main page', `/#${PIKE}`, { width: 1366, height: 768 }, false],
    ['race', `/#${PIKE}&race=mix,pike`, { width: 1366, height: 768 }, false],
    ['classroom mode', `/?present#${PIKE}`, { width: 1280, height: 720 }, false],
    ['phone', `/#${PIKE}`, { width: 390, height: 844 }, true],
  ] as const)('%s', async (_name, path, size, touch) => {
    const { page, close } = await trained(path, size, touch);
    expect(await violations(page)).toEqual([]);
    await close();
  });
});

describe('text alternatives', () => {
  it('each chart says its latest values per task; the conflict matrix is a table of values', async () => {
    const { page, close } = await trained(`/#${PIKE}`, { width: 1366, height: 768 });
    const said = (id: string) => page.getByTestId(`${id}-summary`).textContent();
    await expect
      .poll(() => said('weights-chart'))
      .toMatch(/^Sampling weights at step \d+: English [\d.]+%, Hindi [\d.]+%, German [\d.]+%\.$/);
    await expect
      .poll(() => said('loss-chart'))
      .toMatch(
        /Training loss \(smoothed\) at step \d+: English [\d.]+, Hindi [\d.]+, German [\d.]+\. Validation loss at step \d+: English/,
      );
    await expect
      .poll(() => said('stats-chart'))
      .toMatch(/Gradient norm squared at step \d+: English/);
    // Read the way a screen reader gets it: the accessibility tree.
    const tree = await page.getByTestId('conflict-table').ariaSnapshot();
    expect(tree).toMatch(/caption: Cosine similarity of task gradients at step \d+/);
    expect(tree).toMatch(/rowheader "Hindi"/);
    const cells = await page.getByTestId('conflict-table').locator('td').allTextContents();
    expect(cells.filter((c) => /^-?\d\.\d\d$/.test(c))).toHaveLength(9);
    await close();
  });

  it('prefers-reduced-motion turns the tour animations off', async () => {
    const popoverAnimation = async (reducedMotion: 'reduce' | 'no-preference') => {
      const context = await s.browser.newContext({ reducedMotion });
      await skipTour(context);
      const page = await context.newPage();
      await page.goto(`${s.url}/#${TINY}`);
      await waitForBackend(page);
      await page.getByTestId('tour-button').click();
      const popover = page.locator('.driver-popover');
      await popover.waitFor();
      const seconds = await popover.evaluate((e) =>
        parseFloat(getComputedStyle(e).animationDuration),
      );
      await context.close();
      return seconds;
    };
    expect(await popoverAnimation('no-preference')).toBeGreaterThan(0);
    expect(await popoverAnimation('reduce')).toBeLessThanOrEqual(0.0001);
  });
});
