/**
 * Issue 20's teacher's toolkit in the real page (wasm here): one step across all charts (hover
 * and keyboard), the Example 2.1 panel, replay of an exported run file, and a guided lesson's
 * live checks. Charts out and classroom sizes are in chart-export.e2e.ts and teaching.e2e.ts,
 * the embed in embed.e2e.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example21ClosedForm } from '../../src/core/mixers/example-2-1';
import {
  drawn,
  lines,
  openPage,
  openSession,
  screenshot,
  TINY,
  train,
  waitForBackend,
  type Session,
} from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4196);
});
afterAll(() => s?.close());

describe('the teacher’s toolkit in Chromium', () => {
  it('hovering a chart marks the same step on every chart with its values; the keyboard moves it', async () => {
    const { page, errors } = await openPage(s, `/#${TINY}`);
    await waitForBackend(page);
    await train(page, 30);
    const charts = ['loss-chart', 'weights-chart', 'stats-chart'];
    for (const id of charts)
      await expect.poll(() => drawn(page, id), { message: id }).toBeGreaterThanOrEqual(1);
    const box = (id: string) => page.getByTestId(id).locator('.hover-readout-box').first();
    const stepOf = async (id: string) =>
      (await box(id).count()) ? Number(await box(id).getAttribute('data-step')) : null;
    const plot = page.getByTestId('loss-chart').locator('.series-chart');
    const r = (await plot.boundingBox())!;
    await page.mouse.move(r.x + r.width * 0.55, r.y + r.height * 0.5);
    await expect.poll(() => stepOf('loss-chart')).not.toBeNull();
    const at = (await stepOf('loss-chart'))!;
    expect(at).toBeGreaterThan(0);
    for (const id of charts) {
      await expect.poll(() => stepOf(id)).toBe(at);
      // Exact values at that step: the step's line and one row per task (3 languages).
      expect(await box(id).locator('text').count()).toBeGreaterThanOrEqual(4);
      expect(await box(id).locator('text').first().textContent()).toBe(`step ${at}`);
    }
    // The conflict matrix shows the frame measured by then.
    const matrixStep = async () =>
      Number(
        /step (\d+)/.exec(
          await page.getByTestId('conflict-matrix').locator('.scrub span').innerText(),
        )![1],
      );
    await expect.poll(matrixStep).toBeLessThanOrEqual(at);
    expect(at - (await matrixStep())).toBeLessThan(4 + 1);
    // Leaving the plot clears it everywhere.
    await page.mouse.move(2, 2);
    for (const id of charts)
      await expect.poll(() => page.getByTestId(id).locator('.hover-readout-box').count()).toBe(0);

    // The keyboard: End, then ← one sample back; → here does not step the trainer.
    const counter = await page.getByTestId('step-counter').innerText();
    await plot.focus();
    await page.keyboard.press('End');
    const last = Number(await page.getByTestId('loss-chart').getAttribute('data-last-x'));
    for (const id of charts) await expect.poll(() => stepOf(id)).toBe(last);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => stepOf('weights-chart')).toBeLessThan(last);
    const back = (await stepOf('weights-chart'))!;
    expect(await stepOf('loss-chart')).toBe(back);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepOf('stats-chart')).toBe(last);
    expect(await page.getByTestId('step-counter').innerText()).toBe(counter);
    await page.keyboard.press('Escape');
    for (const id of charts)
      await expect.poll(() => page.getByTestId(id).locator('.hover-readout-box').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('the Example 2.1 panel: sliders move w* as the paper’s formula says, and PiKE’s path with it', async () => {
    const { page, errors } = await openPage(s, `/#${TINY}`);
    const panel = page.getByTestId('example21');
    await panel.locator('summary').click();
    const w1 = async () => Number((await page.getByTestId('ex21-w1').innerText()).replace('%', ''));
    // The panel's start: θ = (1, 0.5), σ² = (4, 0.5), b = 4, η = 0.5: the terms pull apart.
    expect(await w1()).toBe(70);
    expect(await page.getByTestId('ex21-verdict').innerText()).toContain('The terms pull apart');
    const start = await page.getByTestId('ex21-pike').innerText();
    expect(start).toContain('50.0% → 62.2% → 73.1%');
    // More noise on task 1: its weight falls, to the closed form's value.
    await page.getByTestId('ex21-sigma1sq').fill('8');
    const p = { theta1: 1, theta2: 0.5, sigma1sq: 8, sigma2sq: 0.5, b: 4, eta: 0.5 };
    await expect.poll(w1).toBeCloseTo(100 * example21ClosedForm(p), 1);
    expect(await w1()).toBeLessThan(70);
    expect(await page.getByTestId('ex21-pike').innerText()).not.toBe(start);
    // A larger batch quiets the noise: the weight goes back up.
    await page.getByTestId('ex21-b').fill('64');
    await expect.poll(w1).toBeCloseTo(100 * example21ClosedForm({ ...p, b: 64 }), 1);
    // No gradient at all: said, not drawn.
    await page.getByTestId('ex21-theta1').fill('0');
    await page.getByTestId('ex21-theta2').fill('0');
    await expect.poll(() => page.getByTestId('ex21-problem').innerText()).toContain('θ = 0');
    expect(await page.getByTestId('ex21-plot').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a run exported as JSON replays in every chart with a scrubber and play/pause, training nothing', async () => {
    // A PiKE run with updates, statistics and samples, exported as the page's run file.
    const { page, errors } = await openPage(s, `/#${TINY.replace('mixer=mix', 'mixer=pike&T0=5')}`);
    await waitForBackend(page);
    await train(page, 40);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-json').click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    const file = JSON.parse(text) as { version: number; conflict: unknown[]; updates: unknown[] };
    expect(file.version).toBe(2);
    expect(file.conflict.length).toBeGreaterThan(3);
    expect(file.updates.length).toBeGreaterThan(3);
    expect(errors).toEqual([]);
    await page.close();

    // A fresh page (a classroom computer) opens it: no training, the charts play it back.
    const fresh = await openPage(s, `/#${TINY}`);
    const p = fresh.page;
    await p
      .getByTestId('import-json')
      .setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    const bar = p.getByTestId('replay-bar');
    await expect.poll(() => bar.count()).toBe(1);
    expect(await bar.innerText()).toMatch(/Replay of a run file: PiKE · multilingual · seed 0/);
    const step = async () => Number(await p.getByTestId('replay-step').getAttribute('data-step'));
    const last = Number(/\/ (\d+)/.exec(await p.getByTestId('replay-step').innerText())![1]);
    expect(last).toBeGreaterThanOrEqual(40);
    // It plays by itself.
    await expect.poll(step, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await p.getByTestId('train-button').isDisabled()).toBe(true);
    await p.getByTestId('replay-play').click(); // pause
    // Scrubbing to the middle: every chart ends there, the matrix and samples are of then.
    const mid = Math.round(last / 2);
    await p.getByTestId('replay-scrub').fill(String(mid));
    await expect.poll(step).toBe(mid);
    for (const id of ['loss-chart', 'weights-chart'])
      await expect
        .poll(async () => Number(await p.getByTestId(id).getAttribute('data-last-x')))
        .toBeLessThanOrEqual(mid);
    // Charts below the fold mount when the page idles (LazySeriesChart): give them time.
    await expect
      .poll(() => drawn(p, 'weights-chart'), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(3);
    await p.getByTestId('stats-chart').scrollIntoViewIfNeeded();
    await expect.poll(() => lines(p, 'stats-chart'), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const matrixStep = Number(
      /step (\d+)/.exec(
        await p.getByTestId('conflict-matrix').locator('.scrub span').innerText(),
      )![1],
    );
    expect(matrixStep).toBeLessThanOrEqual(mid);
    const samplesStep = await p.getByTestId('samples-panel').getAttribute('data-step');
    expect(Number(samplesStep)).toBeLessThanOrEqual(mid);
    expect(await p.getByTestId('pike-terms').count()).toBe(1);
    // Play to the end, faster: the charts reach the file's last step.
    await p.getByTestId('replay-speed').selectOption('250');
    await p.getByTestId('replay-play').click();
    await expect.poll(step, { timeout: 20_000 }).toBe(last);
    await expect
      .poll(async () => Number(await p.getByTestId('loss-chart').getAttribute('data-last-x')))
      .toBeGreaterThan(mid);
    await screenshot(p, 'e2e-replay');
    // Back to training: the file's setup, a fresh model at step 0.
    await p.getByTestId('replay-exit').click();
    await expect.poll(() => bar.count()).toBe(0);
    expect(await p.getByTestId('step-counter').innerText()).toBe('0');
    expect(fresh.errors).toEqual([]);
  });

  it('a guided lesson ticks its steps on the live run: Train, the claim, the race, the leaderboard', async () => {
    const { page, errors } = await openPage(s, `/#${TINY.replace('mixer=mix', 'mixer=pike&T0=5')}`);
    await waitForBackend(page);
    const stepEl = (i: number) => page.getByTestId(`lesson-step-${i}`);
    const state = (i: number) => stepEl(i).getAttribute('data-state');
    expect(await page.getByTestId('lesson-steps').getAttribute('aria-label')).toBe(
      'Lesson, step 1 of 4',
    );
    expect(await stepEl(0).getAttribute('aria-current')).toBe('step');
    await page.getByTestId('train-button').click();
    await expect.poll(() => state(0), { timeout: 30_000 }).toBe('done');
    // Hindi's weight under PiKE: ticked with the figure, or said not to hold by the deadline.
    await expect.poll(() => state(1), { timeout: 90_000 }).not.toBe('waiting');
    expect(await stepEl(1).innerText()).toMatch(/Hindi has \d+%/);
    await page.getByTestId('train-button').click();
    expect(await stepEl(2).getAttribute('aria-current')).toBe('step');
    expect(await stepEl(2).innerText()).toContain('the race is not set up');
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('train-button').click();
    await expect.poll(() => stepEl(2).innerText(), { timeout: 30_000 }).toMatch(/\d+ of 300 steps/);
    await expect.poll(() => state(2), { timeout: 150_000 }).toBe('done');
    await page.getByTestId('train-button').click();
    // The leaderboard's verdict is the run's: a tick or a cross, with both averages.
    await expect.poll(() => state(3), { timeout: 30_000 }).not.toBe('waiting');
    expect(await stepEl(3).innerText()).toMatch(/pike \d\.\d{3}, mix \d\.\d{3}/);
    expect(await page.getByTestId('lesson-steps').getAttribute('aria-label')).toBe(
      'Lesson, all steps done',
    );
    expect(errors).toEqual([]);
  });
});
