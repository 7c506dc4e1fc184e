/**
 * Issue 21's methods in the real page (wasm here): Aioli, DoGE, PCGrad and CAGrad can each be
 * chosen while training, show their rule and knobs and keep training; the four race side by
 * side, each with its own ms/step in the leaderboard; a knob in the link reaches the mixer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentStep as step,
  drawn,
  openPage,
  openSession,
  screenshot,
  TINY,
  train,
  waitForBackend,
  waitForStep,
} from './page';
import type { Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4197);
});
afterAll(() => s?.close());

describe('Aioli, DoGE, PCGrad and CAGrad in the page', () => {
  it('each trains live after being chosen, with its rule and knobs', async () => {
    const { page, errors } = await openPage(s, `/#${TINY}`);
    await waitForBackend(page);
    const select = page.getByTestId('mixer-select');
    await page.getByTestId('train-button').click();
    await waitForStep(page, 6);
    for (const [name, knob] of [
      ['pcgrad', null],
      ['cagrad', 'calpha'],
      ['doge', 'selfTerm'],
      ['aioli', 'lpSteps'],
    ] as const) {
      await select.selectOption(name);
      if (knob) await page.getByTestId(`mixer-knob-${knob}`).first().waitFor();
      expect(
        await page.locator('section[aria-labelledby="mixer-h"] pre.rule').textContent(),
      ).toMatch(name === 'aioli' ? /sweeps/ : name === 'doge' ? /clip/ : /g_k/);
      const at = await step(page);
      await waitForStep(page, at + 8);
      expect(new URL(page.url()).hash).toContain(`mixer=${name}`);
    }
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('the four race, each with its own ms/step; knobs in the link reach the mixers', async () => {
    const race = 'race=pcgrad,cagrad{calpha=0.8},aioli{roundSteps=12;lpSteps=2},doge{T0=4}';
    const { page, errors } = await openPage(s, `/#${TINY}&${race}`);
    await waitForBackend(page);
    const rows = page.getByTestId('race-leaderboard').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(4);
    const specs = await page
      .locator('[data-testid^="race-spec-"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(specs).toEqual([
      'pcgrad',
      'cagrad{calpha=0.8}',
      'aioli{roundSteps=12;lpSteps=2}',
      'doge{T0=4}',
    ]);
    await train(page, 21);
    const cells = (col: number) =>
      rows.evaluateAll((trs, c) => trs.map((tr) => Number(tr.children[c].textContent)), col);
    await expect
      .poll(async () => Math.min(...(await cells(5))), { timeout: 120_000 })
      .toBeGreaterThanOrEqual(21);
    const ms = await cells(6);
    expect(ms.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
    for (const i of [0, 1, 2, 3]) {
      await expect
        .poll(() => drawn(page, `race-weights-${i}`), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(3);
    }
    await screenshot(page, 'e2e-methods-race');
    // On a phone every row of the race stacks into one column (it kept two of 181 px before).
    await page.setViewportSize({ width: 390, height: 844 });
    const tracks = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.chart-row')).map(
        (e) => getComputedStyle(e).gridTemplateColumns.split(' ').length,
      ),
    );
    expect(tracks.length).toBeGreaterThanOrEqual(3);
    expect(tracks.every((n) => n === 1)).toBe(true);
    await screenshot(page, 'e2e-methods-race-390');
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
