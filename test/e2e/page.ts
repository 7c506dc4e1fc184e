/** Shared E2E setup: one preview server and one Chromium for a test file, and page helpers. */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { launchChromium, numberIn, skipTour, startPreviewServer } from '../../src/cli/browser';

/** A tiny model (SwiftShader is slow) on the multilingual preset's three languages. */
export const TINY =
  'preset=multilingual&mixer=mix&layers=1&heads=2&width=32&context=16&batch=8' +
  '&metricsEvery=2&evalEvery=10&statsEvery=4&probe=2&warmup=0';

export interface Session {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function openSession(port: number): Promise<Session> {
  const server = await startPreviewServer(port);
  const browser = await launchChromium();
  return {
    url: server.url,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
}

/**
 * Opens `path` in a new page: in its own browser context (fresh localStorage: the backend is
 * measured again) unless `context` is given (a second load in the same browser).
 */
export async function openPage(
  s: Session,
  path: string,
  context?: BrowserContext,
): Promise<OpenedPage> {
  const page = context
    ? await context.newPage()
    : await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
  await skipTour(page);
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.url}${path}`);
  return { page, errors };
}

/** Waits until the worker has chosen a backend (`name`, or any); returns its name. */
export async function waitForBackend(page: Page, name?: string): Promise<string> {
  const sel = `[data-testid="backend-badge"]${name ? `[data-backend="${name}"]` : ':not([data-backend=""])'}`;
  await page.locator(sel).waitFor({ timeout: 90_000 });
  return (await page.getByTestId('backend-badge').getAttribute('data-backend')) ?? '';
}

/** The backend tooltip's text as a user sees it (hovering the badge). */
export { backendTooltip } from '../../src/cli/browser';

/** The step counter's value now. */
export const currentStep = (page: Page): Promise<number> => numberIn(page, 'step-counter');

/** Waits until the step counter reaches `n`. */
export async function waitForStep(page: Page, n: number, timeout = 180_000): Promise<number> {
  await page.waitForFunction(
    (target) => {
      const t = document.querySelector('[data-testid="step-counter"]')?.textContent ?? '';
      return Number(t.replace(/\D/g, '')) >= target;
    },
    n,
    { timeout, polling: 250 },
  );
  return numberIn(page, 'step-counter');
}

/** data-value of every conflict-matrix cell. */
export async function conflictValues(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid^="conflict-cell-"]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
}

/**
 * Sampling weights (%) shown on the task cards, read in one snapshot: separate reads could mix
 * two steps' weights while training.
 */
export async function cardWeights(page: Page, k: number): Promise<number[]> {
  return page.evaluate((n) => {
    const num = (t: string) =>
      Number((t.replace(/[,\s]/g, '').match(/-?\d+(\.\d+)?/) ?? ['NaN'])[0]);
    return Array.from({ length: n }, (_, i) =>
      num(document.querySelector(`[data-testid="task-weight-${i}"]`)?.textContent ?? ''),
    );
  }, k);
}

/** Paths with real geometry in a chart. */
export const drawn = (page: Page, id: string) =>
  page
    .getByTestId(id)
    .locator('svg path')
    .evaluateAll((ps) => ps.filter((p) => (p.getAttribute('d') ?? '').length > 40).length);

/** Drawn lines in a chart (a 2-point validation line has a short path). */
export const lines = (page: Page, id: string) =>
  page
    .getByTestId(id)
    .locator('.series-layer path')
    .evaluateAll((ps) => ps.filter((p) => /L/.test(p.getAttribute('d') ?? '')).length);

/** Trains until the step counter reaches `steps`, then pauses. */
export async function train(page: Page, steps: number): Promise<void> {
  await page.getByTestId('train-button').click();
  await waitForStep(page, steps);
  await page.getByTestId('train-button').click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}
