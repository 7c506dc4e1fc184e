/**
 * Drives the real page in Debian's Chromium for the E2E tests and the browser benchmark.
 * WebGPU runs headless on a CPU-only machine through SwiftShader (README, "Browser support and backend choice"); a page served
 * from http://localhost is a secure context, so navigator.gpu exists. The preview server sends
 * the cross-origin isolation headers of vite.config.ts (threaded wasm).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview } from 'vite';
import { TOUR_STORAGE_KEY } from '../ui/tour-key';

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
    // performance.measureUserAgentSpecificMemory() answers at once instead of at the next GC
    // (up to 20 s later): the long-run E2E and `npm run soak:browser` sample it.
    '--enable-blink-features=ForceEagerMeasureMemory',
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

/**
 * Marks the first-visit tour as seen in `target`'s pages (before any script of the page runs),
 * so its overlay never sits over the controls a test or benchmark clicks.
 */
export async function skipTour(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript((key) => localStorage.setItem(key, 'skipped'), TOUR_STORAGE_KEY);
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

/** One main-thread task of the page: wall-clock and the thread's own CPU time, in ms. */
export interface MainThreadTask {
  wall: number;
  cpu: number;
  /** CPU time of V8's garbage collection inside the task (MajorGC, MinorGC), ms. */
  gc: number;
}

/**
 * Traces the page's renderer main thread while `during` runs (a function, or a number of ms
 * to wait): every top-level task of Chromium's trace with its wall time `dur` and its thread CPU
 * time `tdur`, and the garbage collection inside it. A long task's wall time also counts the
 * time the thread waited for a core: on a 2-core machine where SwiftShader or the worker keeps
 * both busy, a task of 17 ms CPU takes 50–70 ms of wall time. The CPU time is what the page's own
 * code costs, so tests bound that and report the wall time beside it.
 *
 * The collector's share is kept apart because V8 chooses when it runs, not the code the test
 * exercises: when a page's allocation rate drops (it stops drawing, or stops training), V8's
 * memory reducer runs a compacting collection some seconds later (V8.GCFinalizeMCReduceMemory),
 * which took 47 ms of CPU and 92 ms of wall time in a task of its own here.
 */
export async function traceMainThread(
  browser: Browser,
  page: Page,
  during: number | (() => Promise<unknown>),
): Promise<MainThreadTask[]> {
  await browser.startTracing(page, { categories: ['toplevel', 'v8'] });
  try {
    await (typeof during === 'number' ? page.waitForTimeout(during) : during());
  } catch (e) {
    await browser.stopTracing();
    throw e;
  }
  const buffer = await browser.stopTracing();
  type Ev = {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    ts: number;
    dur?: number;
    tdur?: number;
    args?: { name?: string };
  };
  const parsed = JSON.parse(buffer.toString('utf8')) as Ev[] | { traceEvents: Ev[] };
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, { tasks: Ev[]; gcs: Ev[] }>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || !mains.has(key)) continue;
    const isTask = e.name === 'ThreadControllerImpl::RunTask';
    if (!isTask && e.name !== 'MajorGC' && e.name !== 'MinorGC') continue;
    const list = byThread.get(key) ?? { tasks: [], gcs: [] };
    (isTask ? list.tasks : list.gcs).push(e);
    byThread.set(key, list);
  }
  // The page's renderer is the busiest main thread (the only page open, or by far the busiest).
  let best: MainThreadTask[] = [];
  let bestCpu = -1;
  for (const { tasks, gcs } of byThread.values()) {
    const list = withGc(tasks, gcs);
    const cpu = list.reduce((a, t) => a + t.cpu, 0);
    if (cpu > bestCpu) [best, bestCpu] = [list, cpu];
  }
  return best;
}

type Span = { ts: number; dur?: number; tdur?: number };

/** Tasks with the CPU time of the collections that ran inside each (top-level ones only). */
export function withGc(tasks: Span[], gcs: Span[]): MainThreadTask[] {
  const sorted = [...tasks].sort((a, b) => a.ts - b.ts);
  const gc = new Array<number>(sorted.length).fill(0);
  let end = -Infinity; // of the last collection counted: a nested one is part of it
  for (const g of [...gcs].sort((a, b) => a.ts - b.ts)) {
    if (g.ts < end) continue;
    end = g.ts + (g.dur ?? 0);
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sorted[mid].ts <= g.ts) lo = mid;
      else hi = mid - 1;
    }
    const t = sorted[lo];
    if (t && t.ts <= g.ts && g.ts < t.ts + (t.dur ?? 0)) gc[lo] += (g.tdur ?? g.dur ?? 0) / 1000;
  }
  return sorted.map((t, i) => ({
    wall: (t.dur ?? 0) / 1000,
    cpu: (t.tdur ?? 0) / 1000,
    gc: Math.min(gc[i], (t.tdur ?? 0) / 1000),
  }));
}

/** A task's CPU time besides garbage collection: what the page's code cost in it. */
export const codeCpu = (t: MainThreadTask): number => t.cpu - t.gc;

/**
 * "55 ms wall / 12 ms CPU" for each task over `limit` ms of either (", 40 of it GC" where the
 * collector ran in it), for test messages.
 */
export function describeLongTasks(tasks: MainThreadTask[], limit = 50): string {
  const long = tasks.filter((t) => t.wall > limit || t.cpu > limit);
  const shown = long.map(
    (t) =>
      `${t.wall.toFixed(0)} ms wall / ${t.cpu.toFixed(0)} ms CPU` +
      (t.gc >= 1 ? `, ${t.gc.toFixed(0)} of it GC` : ''),
  );
  const cpu = tasks.reduce((a, t) => a + t.cpu, 0);
  const gc = tasks.reduce((a, t) => a + t.gc, 0);
  return `${tasks.length} main-thread tasks, ${cpu.toFixed(0)} ms CPU (${gc.toFixed(0)} GC); over ${limit} ms: [${shown.join(', ')}]`;
}

/** What the main thread did while the page loaded (bench-load.ts, load.e2e.ts). */
export interface LoadFigures {
  /** Σ max(0, wall − 50) over the tasks, ms. */
  blockingWall: number;
  /** Σ max(0, cpu − 50) over the tasks, ms. */
  blockingCpu: number;
  longestWall: number;
  longestCpu: number;
  /** The main thread's CPU time in all, ms. */
  cpu: number;
}

export function loadFigures(tasks: MainThreadTask[]): LoadFigures {
  const over = (f: (t: MainThreadTask) => number) =>
    tasks.reduce((a, t) => a + Math.max(0, f(t) - 50), 0);
  return {
    blockingWall: over((t) => t.wall),
    blockingCpu: over((t) => t.cpu),
    longestWall: Math.max(0, ...tasks.map((t) => t.wall)),
    longestCpu: Math.max(0, ...tasks.map((t) => t.cpu)),
    cpu: tasks.reduce((a, t) => a + t.cpu, 0),
  };
}

/** Loads `url` in a fresh context at `viewport` and traces the first `ms` of it. */
export async function measureLoad(
  browser: Browser,
  url: string,
  ms: number,
  viewport = { width: 1366, height: 768 },
): Promise<LoadFigures> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  try {
    const tasks = await traceMainThread(browser, page, async () => {
      await page.goto(url);
      await page.waitForTimeout(ms);
    });
    return loadFigures(tasks);
  } finally {
    await context.close();
  }
}

/** The number inside an element (e.g. "1,234 tok/s" → 1234); NaN when there is none. */
export async function numberIn(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  const m = text.replace(/[,\s]/g, '').match(/-?\d+(\.\d+)?/);
  return m ? Number(m[0]) : NaN;
}

/**
 * Times of the first feedback after pressing Train, in ms since the page started loading
 * (performance.now() in the page): the backend badge got its backend, Train was pressed, the
 * step counter first showed ≥ 1, the first task card first showed a training loss.
 */
export interface FirstFeedback {
  badge: number;
  train: number;
  step: number;
  loss: number;
}

/**
 * Records FirstFeedback in window.__feedback from page load on: a DOM observer notes each
 * moment as the page commits it, and disconnects once all are seen.
 */
export async function recordFirstFeedback(page: Page): Promise<void> {
  // No named functions inside: tsx wraps those in a helper the page does not have.
  await page.addInitScript(() => {
    const m: Partial<FirstFeedback> = {};
    (window as unknown as { __feedback: Partial<FirstFeedback> }).__feedback = m;
    const observer = new MutationObserver(() => {
      const now = performance.now();
      const q = document.querySelector.bind(document);
      if (m.badge === undefined && q('[data-testid="backend-badge"]')?.getAttribute('data-backend'))
        m.badge = now;
      if (m.train === undefined) return;
      const step = Number(
        (q('[data-testid="step-counter"]')?.textContent ?? '').replace(/\D/g, ''),
      );
      if (m.step === undefined && step >= 1) m.step = now;
      if (
        m.loss === undefined &&
        /\d/.test(q('[data-testid="task-train-loss-0"]')?.textContent ?? '')
      )
        m.loss = now;
      if (m.step !== undefined && m.loss !== undefined) observer.disconnect();
    });
    observer.observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    document.addEventListener(
      'click',
      (e) => {
        const button = (e.target as Element | null)?.closest?.('[data-testid="train-button"]');
        if (button && m.train === undefined) m.train = performance.now();
      },
      true,
    );
  });
}

/** The backend badge's tooltip as a user sees it on hover (choice, candidates, adapter). */
export async function backendTooltip(page: Page): Promise<string> {
  await page.getByTestId('backend-badge').hover();
  const tip = page.getByTestId('backend-tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5_000 });
  return tip.innerText();
}
