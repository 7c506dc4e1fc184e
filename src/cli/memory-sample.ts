/**
 * One memory sample of the page in Chromium, for `npm run soak:browser` and the long-run E2E: the
 * page's and its worker's memory as the browser measures it (measureUserAgentSpecificMemory,
 * on the cross-origin-isolated page), the page's JS heap, the worker's live tensors and bytes
 * (tf.memory(), from its `memory` events) and the values the charts' history holds (the model
 * panel's memory line carries the last two as data attributes).
 */
import type { Page } from 'playwright-core';

export interface MemorySample {
  /** Seconds since the run started. */
  t: number;
  step: number;
  /** measureUserAgentSpecificMemory's bytes (page + worker); null where unavailable. */
  uaBytes: number | null;
  /** performance.memory.usedJSHeapSize of the page (Chromium). */
  heapBytes: number | null;
  tensors: number;
  workerBytes: number;
  points: number;
}

export async function memorySample(page: Page, t0: number): Promise<MemorySample> {
  const browser = await page.evaluate(async () => {
    const p = performance as Performance & {
      measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
      memory?: { usedJSHeapSize: number };
    };
    let ua: number | null = null;
    if (self.crossOriginIsolated && p.measureUserAgentSpecificMemory) {
      ua = (await p.measureUserAgentSpecificMemory()).bytes;
    }
    // No helper functions in here: tsx (esbuild keepNames) would wrap them in a __name() call
    // that does not exist in the page.
    const el = document.querySelector('[data-testid="memory-estimate"]');
    const step = Number(
      (document.querySelector('[data-testid="step-counter"]')?.textContent ?? '').replace(
        /\D/g,
        '',
      ),
    );
    return {
      ua,
      heap: p.memory?.usedJSHeapSize ?? null,
      tensors: Number(el?.getAttribute('data-tensors') ?? NaN),
      workerBytes: Number(el?.getAttribute('data-used') ?? NaN),
      points: Number(el?.getAttribute('data-points') ?? NaN),
      step,
    };
  });
  return {
    t: (Date.now() - t0) / 1000,
    step: browser.step,
    uaBytes: browser.ua,
    heapBytes: browser.heap,
    tensors: browser.tensors,
    workerBytes: browser.workerBytes,
    points: browser.points,
  };
}

const mib = (b: number | null) =>
  b === null || !Number.isFinite(b) ? '—' : (b / 2 ** 20).toFixed(1);

/** One table row: seconds, step, MiB (browser, JS heap, worker), tensors, chart values. */
export function formatSample(s: MemorySample): string {
  return [
    s.t.toFixed(0).padStart(6),
    String(s.step).padStart(7),
    mib(s.uaBytes).padStart(9),
    mib(s.heapBytes).padStart(8),
    mib(s.workerBytes).padStart(8),
    String(s.tensors).padStart(8),
    String(s.points).padStart(8),
  ].join(' ');
}

export const SAMPLE_HEADER = '     s    step  browser     heap   worker  tensors   values  (MiB)';
