/**
 * Drives the real page in Debian's Chromium for the E2E tests and the browser benchmark.
 * WebGPU runs headless on a CPU-only machine through SwiftShader (DESIGN.md §4); a page served
 * from http://localhost is a secure context, so navigator.gpu exists.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview } from 'vite';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that give a WebGPU adapter headless, on SwiftShader (Chromium's CPU Vulkan). */
export function chromiumArgs(): string[] {
  return [
    '--no-sandbox',
    '--enable-unsafe-webgpu',
    '--use-webgpu-adapter=swiftshader',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs() });
}

/** Serves the production build (dist/, from `vite build`) on localhost. */
export async function startPreviewServer(
  port = 4173,
): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync('dist/index.html'))
    throw new Error('dist/ is missing: run `npx vite build` first');
  const server = await preview({
    preview: { port, strictPort: true, host: '127.0.0.1' },
    logLevel: 'error',
  });
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  return { url: url.replace(/\/$/, ''), close: () => server.close() };
}

/** Records main-thread long tasks (> 50 ms) from page load on, in window.__longTasks. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Long-task durations recorded since `from` (an index into the list, for windows of time). */
export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
}

/** The number inside an element (e.g. "1,234 tok/s" → 1234); NaN when there is none. */
export async function numberIn(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  const m = text.replace(/[,\s]/g, '').match(/-?\d+(\.\d+)?/);
  return m ? Number(m[0]) : NaN;
}
