/**
 * npm run soak:browser -- [--minutes 30] [--every 60] [--warmup 3] [--backend wasm] [--preset multilingual]
 *
 * A long run of the built page in Chromium: trains a preset for `minutes`, and every `every`
 * seconds prints the page's memory as the browser measures it (page + worker), its JS heap,
 * the worker's live tensors and bytes, and the values the charts' history holds. At the end it
 * compares the last sample with the first after `warmup` minutes: memory should stay flat and
 * the history bounded. Run `vite build` first (the npm script does).
 */
import { parseArgs } from 'node:util';
import { launchChromium, skipTour, startPreviewServer } from './browser';
import { formatSample, memorySample, SAMPLE_HEADER, type MemorySample } from './memory-sample';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    every: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
    preset: { type: 'string', default: 'multilingual' },
    port: { type: 'string', default: '4199' },
  },
});
const minutes = Number(values.minutes);
const every = Number(values.every);
const warmup = Number(values.warmup);

const server = await startPreviewServer(Number(values.port));
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await skipTour(context);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/?backend=${values.backend}#preset=${values.preset}`);
  await page
    .locator(`[data-testid="backend-badge"][data-backend="${values.backend}"]`)
    .waitFor({ timeout: 120_000 });
  await page.getByTestId('train-button').click();
  const t0 = Date.now();
  console.log(`soak: ${values.preset} on ${values.backend} for ${minutes} min`);
  console.log(SAMPLE_HEADER);
  const samples: MemorySample[] = [];
  while ((Date.now() - t0) / 60_000 < minutes) {
    await page.waitForTimeout(Math.min(every * 1000, minutes * 60_000 - (Date.now() - t0) + 10));
    const s = await memorySample(page, t0);
    samples.push(s);
    console.log(formatSample(s));
  }
  const warm = samples.find((s) => s.t >= warmup * 60) ?? samples[0];
  const last = samples[samples.length - 1];
  const growth = (a: number | null, b: number | null) =>
    a && b ? `${(((b - a) / a) * 100).toFixed(1)}%` : '—';
  console.log(
    `after warm-up (${warm.t.toFixed(0)} s → ${last.t.toFixed(0)} s, steps ${warm.step} → ${last.step}): ` +
      `browser memory ${growth(warm.uaBytes, last.uaBytes)}, JS heap ${growth(warm.heapBytes, last.heapBytes)}, ` +
      `worker bytes ${growth(warm.workerBytes, last.workerBytes)}, tensors ${warm.tensors} → ${last.tensors}, ` +
      `chart values ${warm.points} → ${last.points} (max ${Math.max(...samples.map((s) => s.points))})`,
  );
  if (pageErrors.length) console.log(`page errors: ${pageErrors.join('; ')}`);
} finally {
  await browser.close();
  await server.close();
}
