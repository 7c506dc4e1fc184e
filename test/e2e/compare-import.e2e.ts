/**
 * Compare runs takes a results.json from `npm run experiment` through the Import button: one
 * curve per mixer label, each with its min–max band over seeds, and the setup stays as it was.
 * A corrupted results.json shows the import error and adds nothing. Screenshots go to
 * test-results/.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, openSession, screenshot, TINY, waitForBackend, type Session } from './page';

const FIXTURE = readFileSync(new URL('./fixtures/results-small.json', import.meta.url), 'utf8');

let s: Session;
beforeAll(async () => {
  s = await openSession(4181);
});
afterAll(() => s?.close());

/** A setup unlike the file's (multilingual; mix and pike): a change would show. */
const SETUP = TINY.replace('preset=multilingual', 'preset=imbalanced').replace(
  'mixer=mix',
  'mixer=balanced-pike',
);

const importText = (page: Page, name: string, text: string) =>
  page
    .getByTestId('import-json')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

/** Opens the page on SETUP and waits until it has built it and written the full link. */
async function openSetup() {
  const opened = await openPage(s, `/#${SETUP}`);
  await waitForBackend(opened.page);
  await expect.poll(() => new URL(opened.page.url()).hash).toMatch(/&tasks=udhr:en,udhr:fr/);
  return opened;
}

/** What a change of setup would change: mixer, task cards, the link. */
const setupOf = async (page: Page) => ({
  mixer: await page.getByTestId('mixer-select').inputValue(),
  tasks: await page.locator('[data-testid^="task-card-"] .task-label').allTextContents(),
  hash: new URL(page.url()).hash,
});

const card = (page: Page) =>
  page.locator('section.chart-card', { has: page.getByTestId('compare-chart') });
const legend = (page: Page) => card(page).locator('ul.task-legend > li');

describe('Compare runs imports a results.json', () => {
  it('adds one banded curve per mixer label and leaves the setup alone', async () => {
    const { page, errors } = await openSetup();
    const before = await setupOf(page);
    expect(before.mixer).toBe('balanced-pike');
    expect(before.tasks).toHaveLength(3);
    expect(before.hash).toMatch(/preset=imbalanced/);
    expect(await page.getByTestId('error-banner').count()).toBe(0);

    await importText(page, 'results.json', FIXTURE);
    await expect
      .poll(() => legend(page).allTextContents())
      .toEqual([
        expect.stringContaining('mix · 2 seeds (results.json)'),
        expect.stringContaining('pike · 2 seeds (results.json)'),
      ]);
    expect(await card(page).locator('.chart-sub').textContent()).toMatch(
      /^mean over seeds; band: min–max over seeds/,
    );
    const chart = page.getByTestId('compare-chart');
    expect(await chart.getAttribute('data-empty')).toBe('false');
    // One band per curve, a closed area with real geometry, and the mean lines over them.
    const bands = await chart
      .locator('path.series-band')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''));
    expect(bands).toHaveLength(2);
    for (const d of bands) expect(d).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){3,}Z$/);
    expect(await chart.locator('path.series-line').count()).toBe(2);
    await expect.poll(() => page.getByTestId('error-banner').count()).toBe(0);

    expect(await setupOf(page)).toEqual(before);
    await screenshot(page, 'e2e-compare-import-1366');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'e2e-compare-import-1280');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a corrupted results.json shows the import error and adds nothing', async () => {
    const { page } = await openSetup();
    const before = await setupOf(page);
    expect(before.hash).toMatch(/preset=imbalanced/);
    const bad = JSON.parse(FIXTURE);
    bad.runs[0].curve[1].avgValLoss = 'NaN';
    await importText(page, 'results.json', JSON.stringify(bad));
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-kind')).toBe('import');
    expect(await banner.textContent()).toMatch(/runs\.0\.curve\.1\.avgValLoss/);
    await page.getByTestId('dismiss-error').click();
    await importText(page, 'results.json', FIXTURE.slice(0, FIXTURE.length / 2));
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/not JSON/);
    expect(await legend(page).count()).toBe(0);
    expect(await page.getByTestId('compare-chart').getAttribute('data-empty')).toBe('true');
    expect(await setupOf(page)).toEqual(before);
    await page.close();
  });
});
