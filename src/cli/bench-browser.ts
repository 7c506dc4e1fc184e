/**
 * npm run bench:browser — the real page in Chromium: tokens/s of the `multilingual` preset on
 * webgpu (SwiftShader on these machines), wasm and cpu (?backend=NAME), and the main-thread
 * long tasks (> 50 ms) during 30 s of training on webgpu. Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
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
    await page.getByTestId('train-button').click();
    // Warm-up: shader compilation, first statistics step.
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-testid="step-counter"]')?.textContent?.replace(/\D/g, '') ??
            0,
        ) >= 3,
      null,
      { timeout: 180_000 },
    );
    const before = await longTasks(page);
    const s0 = await numberIn(page, 'step-counter');
    const t0 = Date.now();
    await page.waitForTimeout(seconds * 1000);
    const s1 = await numberIn(page, 'step-counter');
    const elapsed = (Date.now() - t0) / 1000;
    const during = (await longTasks(page)).slice(before.length);
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
