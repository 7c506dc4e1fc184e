/**
 * npm run bench:browser — the real page in Chromium on the `multilingual` preset. For each
 * backend forced with ?backend=NAME (webgpu and webgl are SwiftShader on these machines):
 * - tokens/s over at least `--seconds` of training (whole steps: the counter moves every step);
 * - first feedback: Train → step 1 on the counter, Train → first loss on a task card, and page
 *   open → step 1 (open, wait for the backend, press Train as soon as it is enabled);
 * - main-thread long tasks (> 50 ms) during the training window.
 * Then the page with no ?backend (a fresh browser profile: it measures and picks by itself):
 * what it picked, its tokens/s, and `auto/fastest tokens-per-s ratio` against the fastest
 * forced backend. Prints figures; asserts nothing.
 *
 * SwiftShader WebGPU takes ~8 s a step on this model and far longer for the first (shader
 * compilation): every wait is bounded by `--step-timeout` (600 s), and the training window ends
 * at the first step after `--seconds`, so a slow backend costs about one step more than that.
 */
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { presetConfig } from '../core/config/presets';
import {
  backendTooltip,
  launchChromium,
  longTasks,
  numberIn,
  recordFirstFeedback,
  recordLongTasks,
  skipTour,
  startPreviewServer,
  type FirstFeedback,
} from './browser';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    backends: { type: 'string', default: 'webgpu,webgl,wasm,cpu' },
    'step-timeout': { type: 'string', default: '600' },
  },
});
const seconds = Number(values.seconds);
const stepTimeout = Number(values['step-timeout']) * 1000;
const cfg = presetConfig('multilingual');
const tokensPerStep = cfg.batchSize! * cfg.model!.context!;

/** Waits until the step counter moves past `from`; returns the new value and the time. */
async function nextCounter(page: Page, from: number) {
  await page.waitForFunction(
    (n) =>
      Number(
        document.querySelector('[data-testid="step-counter"]')?.textContent?.replace(/\D/g, '') ??
          0,
      ) > n,
    from,
    { timeout: stepTimeout, polling: 50 },
  );
  return { step: await numberIn(page, 'step-counter'), time: Date.now() };
}

interface PageRun {
  backend: string;
  choice: string;
  tooltip: string;
  feedback: FirstFeedback;
  tps: number;
  steps: number;
  elapsed: number;
  during: number[];
}

/** Opens `path` in a fresh profile, presses Train when it can, and measures (file comment). */
async function runPage(browser: Browser, url: string): Promise<PageRun> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await skipTour(page);
  await recordLongTasks(page);
  await recordFirstFeedback(page);
  await page.goto(url);
  const badge = page.locator('[data-testid="backend-badge"]:not([data-backend=""])');
  await badge.waitFor({ timeout: stepTimeout });
  const backend = (await badge.getAttribute('data-backend')) ?? '?';
  const choice = (await badge.getAttribute('data-choice')) ?? '?';
  const tooltip = await backendTooltip(page);
  // The button is enabled once the worker has built the model.
  await page.getByTestId('train-button').click({ timeout: stepTimeout });
  await page.waitForFunction(
    () => {
      const m = (window as unknown as { __feedback: Partial<FirstFeedback> }).__feedback;
      return m.step !== undefined && m.loss !== undefined;
    },
    null,
    { timeout: stepTimeout, polling: 100 },
  );
  const feedback = await page.evaluate(
    () => (window as unknown as { __feedback: FirstFeedback }).__feedback,
  );
  // Past the first steps (compilation, first kernels), then whole steps over the window.
  await nextCounter(page, 1);
  const start = await nextCounter(page, await numberIn(page, 'step-counter'));
  const before = (await longTasks(page)).length;
  await page.waitForTimeout(seconds * 1000);
  const end = await nextCounter(page, await numberIn(page, 'step-counter'));
  const during = (await longTasks(page)).slice(before);
  await page.getByTestId('train-button').click();
  await context.close();
  const elapsed = (end.time - start.time) / 1000;
  const steps = end.step - start.step;
  return {
    backend,
    choice,
    tooltip,
    feedback,
    tps: (steps * tokensPerStep) / elapsed,
    steps,
    elapsed,
    during,
  };
}

const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

function print(label: string, r: PageRun): void {
  const detail = r.tooltip.split('\n').find((l) => /^(adapter|wasm):/.test(l));
  console.log(
    `tokens/s ${label}: ${r.tps.toFixed(0)} (${r.steps} steps in ${r.elapsed.toFixed(1)} s${detail ? `; ${detail}` : ''})`,
  );
  const f = r.feedback;
  console.log(
    `first feedback ${label}: Train → step 1 shown ${ms(f.step - f.train)}, → first loss shown ${ms(f.loss - f.train)}; ` +
      `page open → step 1 shown ${ms(f.step)} (backend ready at ${ms(f.badge)}, Train pressed at ${ms(f.train)})`,
  );
  const longest = r.during.length ? Math.max(...r.during) : 0;
  console.log(
    `long tasks ${label}: ${r.during.length} over 50 ms in ${r.elapsed.toFixed(0)} s of training, longest ${longest.toFixed(0)} ms`,
  );
}

const server = await startPreviewServer();
const browser = await launchChromium();
console.log(
  `multilingual preset in Chromium ${browser.version()}: batch ${cfg.batchSize} x ${cfg.model!.context} tokens; ${seconds} s per backend`,
);
try {
  const forced: PageRun[] = [];
  for (const backend of values.backends!.split(',')) {
    const r = await runPage(browser, `${server.url}/?backend=${backend}`);
    if (r.backend !== backend) console.log(`(?backend=${backend} ran on ${r.backend})`);
    print(backend, r);
    forced.push(r);
  }
  const auto = await runPage(browser, server.url);
  // "webgpu skipped, webgl skipped, wasm 8,284 tok/s, cpu not measured" from the tooltip rows.
  const candidates = auto.tooltip
    .split('\n')
    .map((l) => l.match(/^(webgpu|webgl|wasm|cpu)\s+(?:([\d,]+ tok\/s)|—\s+([^:]*))/))
    .filter((m) => m !== null)
    .map((m) => `${m[1]} ${m[2] ?? m[3]}`)
    .join(', ');
  console.log(`auto: picked ${auto.backend} (${auto.choice} in the page: ${candidates})`);
  print(`auto (${auto.backend})`, auto);
  const fastest = forced.reduce<PageRun | null>((a, b) => (!a || b.tps > a.tps ? b : a), null);
  if (fastest) {
    console.log(
      `auto/fastest tokens-per-s ratio: ${(auto.tps / fastest.tps).toFixed(2)} (auto on ${auto.backend} ${int(auto.tps)}, fastest forced ${fastest.backend} ${int(fastest.tps)})`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
