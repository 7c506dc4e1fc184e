/**
 * npm run bench:browser — the real page in Chromium: tokens/s of the `multilingual` preset on
 * webgpu (SwiftShader on these machines), wasm and cpu (?backend=NAME), and the main-thread
 * long tasks (> 50 ms) during at least 30 s of training on each. Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { presetConfig } from '../engine/config/presets';
import {
  launchChromium,
  longTasks,
  numberIn,
  recordLongTasks,
  startPreviewServer,
} from './browser';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    backends: { type: 'string', default: 'webgpu,wasm,cpu' },
  },
});
const seconds = Number(values.seconds);
const cfg = presetConfig('multilingual');
const tokensPerStep = cfg.batchSize! * cfg.model!.context!;

/** Waits until the step counter moves past `from`; returns the new value and the time. */
async function nextCounter(page: Page, from: number, timeout: number) {
  await page.waitForFunction(
    (n) =>
      Number(
        document.querySelector('[data-testid="step-counter"]')?.textContent?.replace(/\D/g, '') ??
          0,
      ) > n,
    from,
    { timeout, polling: 100 },
  );
  return { step: await numberIn(page, 'step-counter'), time: Date.now() };
}

const server = await startPreviewServer();
const browser = await launchChromium();
console.log(
  `multilingual preset in Chromium ${browser.version()}: batch ${cfg.batchSize} x ${cfg.model!.context} tokens; ${seconds} s per backend`,
);
try {
  for (const backend of values.backends!.split(',')) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await recordLongTasks(page);
    await page.goto(`${server.url}/?backend=${backend}`);
    const badge = page.getByTestId('backend-badge');
    await badge.filter({ hasText: backend }).waitFor({ timeout: 60_000 });
    const adapter = (await badge.getAttribute('title')) ?? '';
    // The button is enabled once the worker has built the model (slow on a busy machine).
    await page.getByTestId('train-button').click({ timeout: 180_000 });
    // Warm-up: shader compilation, kernels, the first readback.
    await nextCounter(page, 0, 300_000);
    // The counter moves once per metrics readback (every 10 steps in this preset), so measure
    // between two of its updates at least `seconds` apart: whole readback periods only.
    const start = await nextCounter(page, await numberIn(page, 'step-counter'), 300_000);
    const before = await longTasks(page);
    await page.waitForTimeout(seconds * 1000);
    const end = await nextCounter(page, await numberIn(page, 'step-counter'), 600_000);
    const during = (await longTasks(page)).slice(before.length);
    const s0 = start.step;
    const s1 = end.step;
    const elapsed = (end.time - start.time) / 1000;
    await page.getByTestId('train-button').click();
    const tps = ((s1 - s0) * tokensPerStep) / elapsed;
    console.log(
      `tokens/s ${backend}: ${tps.toFixed(0)} (${s1 - s0} steps in ${elapsed.toFixed(1)} s; ${adapter})`,
    );
    console.log(
      `long tasks ${backend}: ${during.length} over 50 ms in ${elapsed.toFixed(0)} s of training, longest ${during.length ? Math.max(...during).toFixed(0) : 0} ms`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
