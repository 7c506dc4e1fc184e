/**
 * Every fault path in the real page, injected with the fault hook `?fault=KIND@STEP`
 * (src/worker/faults.ts): a lost WebGPU device, a crashed worker, NaN weights, and a model that
 * cannot be built. Each test trains a little, saves a run, meets the fault, and checks that the
 * banner names it, that the setup (the link), the loss chart's history and the saved run are
 * still there, that the offered recovery brings training back, and that no page error escaped.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, openSession, TINY, waitForBackend, waitForStep, type Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4184);
});
afterAll(() => s?.close());

const lastX = async (page: Page) =>
  Number(await page.getByTestId('loss-chart').getAttribute('data-last-x'));
/** Saved runs under Compare runs (each has a remove button; the live run's entry has none). */
const savedRuns = (page: Page) =>
  page.locator('.compare-legend li button[aria-label^="Remove"]').count();
const hashOf = (page: Page) => new URL(page.url()).hash;

/** Opens the page with a fault armed, trains past the first evaluation (step 10), pauses and saves the run. */
async function prepare(backend: string, fault: string) {
  const opened = await openPage(s, `/?backend=${backend}&fault=${fault}#${TINY}`);
  const { page } = opened;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await waitForBackend(page, backend);
  await expect.poll(() => page.getByTestId('warnings').textContent()).toMatch(/Fault injection/);
  const train = page.getByTestId('train-button');
  await train.click();
  await waitForStep(page, 11);
  await train.click(); // pause
  await expect.poll(() => train.textContent()).toBe('Train');
  // The step-10 evaluation may still be on its way ("Nothing to save yet"): save until the run
  // is kept, one click at a time, each answered by the list or the banner.
  const banner = page.getByTestId('error-banner');
  for (let i = 0; i < 20 && (await savedRuns(page)) === 0; i++) {
    await page.getByTestId('save-run').click();
    await expect
      .poll(async () => (await savedRuns(page)) > 0 || (await banner.count()) > 0)
      .toBe(true);
    if (await banner.count()) {
      await page.getByTestId('dismiss-error').click();
      await page.waitForTimeout(500);
    }
  }
  expect(await savedRuns(page)).toBe(1);
  expect(await page.getByTestId('error-banner').count()).toBe(0);
  return { page, pageErrors, hash: hashOf(page), history: await lastX(page) };
}

/**
 * Resumes training towards the fault. Under load the worker can be steps ahead of the counter
 * that prepare() watched, so the fault may have fired already (the Train button is then off).
 */
async function resume(page: Page) {
  const train = page.getByTestId('train-button');
  if (await train.isEnabled()) await train.click();
}

/** The banner of `kind`, its text, and what survived the fault. */
async function expectFault(page: Page, kind: string, hash: string, history: number) {
  const banner = page.getByTestId('error-banner');
  await banner.waitFor({ timeout: 120_000 });
  expect(await banner.getAttribute('data-kind')).toBe(kind);
  expect(hashOf(page)).toBe(hash);
  expect(await lastX(page)).toBeGreaterThanOrEqual(history);
  expect(await savedRuns(page)).toBe(1);
  return (await banner.textContent()) ?? '';
}

/** After recovery: no banner, training goes past the history, setup and saved run kept. */
async function expectTrainingGoesOn(page: Page, hash: string, history: number) {
  await expect.poll(() => page.getByTestId('error-banner').count()).toBe(0);
  await page.getByTestId('train-button').click();
  await expect.poll(() => lastX(page), { timeout: 120_000 }).toBeGreaterThan(history + 4);
  expect(hashOf(page)).toBe(hash);
  expect(await savedRuns(page)).toBe(1);
  expect(await page.getByTestId('error-banner').count()).toBe(0);
}

describe('faults injected with ?fault=KIND@STEP', () => {
  it('device-lost: the WebGPU device is destroyed; Restart on the fallback trains on wasm', async () => {
    const { page, pageErrors, hash, history } = await prepare('webgpu', 'device-lost@30');
    await resume(page);
    const text = await expectFault(page, 'device-lost', hash, history);
    expect(text).toMatch(/GPU device was lost/);
    expect(text).not.toMatch(/simulated/); // really destroyed
    expect(await page.getByTestId('train-button').isDisabled()).toBe(true);
    await page.getByTestId('restart-fallback-button').click();
    await waitForBackend(page, 'wasm');
    await expectTrainingGoesOn(page, hash, history);
    expect(pageErrors).toEqual([]);
  });

  it('crash: the worker throws from its event loop; Restart brings a fresh worker', async () => {
    const { page, pageErrors, hash, history } = await prepare('wasm', 'crash@30');
    await resume(page);
    const text = await expectFault(page, 'crash', hash, history);
    expect(text).toMatch(/worker crashed.*injected by \?fault=crash@30/);
    await page.getByTestId('restart-button').click();
    await waitForBackend(page, 'wasm');
    await expectTrainingGoesOn(page, hash, history);
    expect(pageErrors).toEqual([]);
  });

  it('nan: NaN weights are caught as a divergence; Restart trains a fresh model on', async () => {
    const { page, pageErrors, hash, history } = await prepare('cpu', 'nan@30');
    await resume(page);
    const text = await expectFault(page, 'diverged', hash, history);
    expect(text).toMatch(/diverged/i);
    expect(text).toMatch(/is NaN/);
    await page.getByTestId('restart-button').click();
    await waitForBackend(page, 'cpu');
    await expectTrainingGoesOn(page, hash, history);
    expect(pageErrors).toEqual([]);
  });

  it('build-fail: a rebuild runs out of memory; the previous model and its history stay and train on', async () => {
    const { page, pageErrors, hash, history } = await prepare('wasm', 'build-fail@4');
    await page.getByTestId('reset-button').click(); // a rebuild: the fault is due
    const text = await expectFault(page, 'build', hash, history);
    expect(text).toMatch(/could not be built.*allocation failed.*previous model is kept/);
    expect(text).toMatch(/Shrink the model/);
    const step = Number((await page.getByTestId('step-counter').textContent())?.replace(/\D/g, ''));
    expect(step).toBeGreaterThanOrEqual(4); // not reset
    await page.getByTestId('dismiss-error').click();
    await expectTrainingGoesOn(page, hash, history);
    // The fault fired once: a Reset now builds a fresh model.
    await page.getByTestId('train-button').click();
    await page.getByTestId('reset-button').click();
    await expect.poll(() => page.getByTestId('step-counter').textContent()).toBe('0');
    await page.getByTestId('train-button').click();
    await waitForStep(page, 3);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
