/**
 * The paper's adaptive baselines in the real page: each can be chosen while training, shows its
 * rule and knobs, keeps training; doremi refuses to start without a reference run, takes a
 * saved run as its reference, and its link carries that reference to a fresh page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentStep as step,
  openPage,
  openSession,
  screenshot,
  TINY,
  waitForBackend,
  waitForStep,
} from './page';
import type { Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4182);
});
afterAll(() => s?.close());

describe('adaptive baselines in the page', () => {
  it('famo, odm, ado and unimax train live; doremi needs, takes and shares a reference run', async () => {
    const { page, errors } = await openPage(s, `/#${TINY}`);
    await waitForBackend(page);
    const select = page.getByTestId('mixer-select');

    // doremi before any saved run: a clear message, the mixer stays.
    await select.selectOption('doremi');
    await expect
      .poll(() => page.getByTestId('error-banner').textContent())
      .toMatch(/needs a reference run.*Save run/);
    expect(await select.inputValue()).toBe('mix');
    await page.getByTestId('dismiss-error').click();

    await page.getByTestId('train-button').click();
    await waitForStep(page, 22);
    for (const [name, knob] of [
      ['famo', 'wlr'],
      ['odm', 'uniformSteps'],
      ['ado', 'fitEvery'],
      ['unimax', 'epochs'],
    ] as const) {
      await select.selectOption(name);
      await page.getByTestId(`mixer-knob-${knob}`).first().waitFor();
      expect(
        await page.locator('section[aria-labelledby="mixer-h"] pre.rule').textContent(),
      ).not.toBe('');
      const at = await step(page);
      await waitForStep(page, at + 6);
      expect(new URL(page.url()).hash).toContain(`mixer=${name}`);
    }
    expect(await page.getByTestId('error-banner').count()).toBe(0);

    // Keep this run under Compare runs; doremi takes it as its reference.
    await page.getByTestId('save-run').click();
    await select.selectOption('doremi');
    const picker = page.getByTestId('mixer-reference-select');
    await expect.poll(() => picker.locator('option:checked').textContent()).toMatch(/seed 0/);
    await expect
      .poll(() => new URL(page.url()).hash)
      .toMatch(/mixer=doremi.*&ref=.*&refSteps=10,20/);
    const at = await step(page);
    await waitForStep(page, at + 30);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    await screenshot(page, 'doremi-reference');

    // The link alone rebuilds the setup with its reference, in a fresh page.
    const link = new URL(page.url()).hash;
    const fresh = await openPage(s, `/${link}`);
    await waitForBackend(fresh.page);
    expect(await fresh.page.getByTestId('mixer-select').inputValue()).toBe('doremi');
    expect(await fresh.page.getByTestId('mixer-reference').textContent()).toMatch(/from the link/);
    await fresh.page.getByTestId('train-button').click();
    await waitForStep(fresh.page, 26);
    expect(await fresh.page.getByTestId('error-banner').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(fresh.errors).toEqual([]);
  });
});
