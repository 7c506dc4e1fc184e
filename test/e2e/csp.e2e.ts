/**
 * The locked-down page: the built page runs under its Content-Security-Policy (vite.config.ts:
 * a <meta> and the preview server's header) on every backend without a single violation, the
 * policy is really in force (an injected inline script does not run, the page cannot start a
 * blob: worker), and text from a link is shown as text, never parsed as HTML.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, openSession, TINY, waitForBackend, waitForStep, type Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4186);
});
afterAll(() => s?.close());

type Recorded = Window & { __violations: string[]; __xss?: unknown; __inline?: unknown };

/** Collects CSP violations in window.__violations, from before any script of the page runs. */
const recordViolations = () => {
  const w = window as unknown as Recorded;
  w.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    w.__violations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
  );
};

/** Opens `path` in a fresh context that records violations and the responses' headers. */
async function openRecording(path: string) {
  const context = await s.browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addInitScript(recordViolations);
  const responses = new Map<string, Record<string, string>>();
  context.on('response', (r) => responses.set(new URL(r.url()).pathname, r.headers()));
  const opened = await openPage(s, path, context);
  return { ...opened, context, responses };
}

/** The violations recorded on `page` so far ("directive blocked-uri source:line"). */
const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as Recorded).__violations.slice());

/** The warnings banner's text ('' when it is not shown). */
async function warningsText(page: Page): Promise<string> {
  const banner = page.getByTestId('warnings');
  return (await banner.count()) ? ((await banner.textContent()) ?? '') : '';
}

describe('Content-Security-Policy', () => {
  for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu']) {
    it(`trains on ${backend} with no violation, page or worker`, async () => {
      const { page, errors, context, responses } = await openRecording(
        `/?backend=${backend}#${TINY}`,
      );
      // The forced backend itself (not a fallback after it failed to start).
      await waitForBackend(page, backend);
      await page.getByTestId('train-button').click();
      await waitForStep(page, 4);
      expect(await violations(page)).toEqual([]);
      // The worker's own violations reach the page as warnings (training.worker.ts).
      expect(await warningsText(page)).toBe('');
      expect(errors).toEqual([]);
      // The worker's policy is its own response's header (blob: for the wasm pthreads).
      const worker = [...responses].find(([path]) => /\/training\.worker[^/]*\.js$/.test(path));
      expect(worker?.[1]['content-security-policy']).toMatch(/worker-src 'self' blob:/);
      await context.close();
    });
  }

  it('is in force: the meta and the header, no inline script, no blob: worker on the page; violations show as warnings', async () => {
    const { page, context, responses } = await openRecording(`/?backend=cpu#${TINY}`);
    const header = responses.get('/')?.['content-security-policy'] ?? '';
    const meta = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(meta).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
    expect(meta).toMatch(/worker-src 'self';/);
    // The header adds blob: for the wasm backend's pthreads (vite.config.ts says why).
    expect(header).toBe(
      meta!
        .replace("'wasm-unsafe-eval'", "'wasm-unsafe-eval' blob:")
        .replace("worker-src 'self'", "worker-src 'self' blob:"),
    );
    await waitForBackend(page, 'cpu');
    expect(await violations(page)).toEqual([]);

    const result = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1';
      document.body.append(script);
      // Chromium constructs the Worker and then refuses its script (a violation, no run).
      new Worker(URL.createObjectURL(new Blob(['postMessage(1)'])));
      return (window as unknown as Recorded).__inline;
    });
    expect(result).toBeUndefined();
    await expect
      .poll(() => violations(page))
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^script-src-elem inline /),
          expect.stringMatching(/^worker-src blob /),
        ]),
      );
    // src/main.tsx reports the page's violations in the warnings banner.
    await expect.poll(() => warningsText(page)).toMatch(/security policy blocked.*script-src-elem/);
    await context.close();
  });

  it('shows markup from a link as text: a bad value in the error banner, a reference label', async () => {
    const bad = await openRecording(
      `/?backend=cpu#preset=multilingual&lr=<img src=x onerror=window.__xss=1>`,
    );
    const banner = bad.page.getByTestId('error-banner');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toContain('"<img src=x onerror=window.__xss=1>"');
    await waitForBackend(bad.page);

    const ref = await openRecording(
      `/?backend=cpu#preset=multilingual&mixer=doremi&ref=<b>x</b><img src=x onerror=window.__xss=2>` +
        '&refSteps=10,20&refLoss=3/3/3,2.9/2.9/2.9',
    );
    await waitForBackend(ref.page);
    await expect
      .poll(() => ref.page.getByText('<b>x</b><img src=x onerror=window.__xss=2>').count())
      .toBeGreaterThan(0);

    for (const page of [bad.page, ref.page]) {
      const dom = await page.evaluate(() => ({
        imgs: document.querySelectorAll('img').length,
        bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'x').length,
        xss: (window as unknown as Recorded).__xss,
      }));
      expect(dom).toEqual({ imgs: 0, bold: 0, xss: undefined });
      expect(await violations(page)).toEqual([]);
    }
    await bad.context.close();
    await ref.context.close();
  });
});
