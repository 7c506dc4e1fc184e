/**
 * Issue 20, part 2: the page embedded in another site's <iframe> (?embed&hide=…). The host page
 * is served from another origin without cross-origin isolation, as a course page would be: the
 * frame cannot be isolated, so its wasm backend runs the unthreaded binary. It must still boot,
 * train and draw, without the page's chrome and without the panels `hide=` names, under the
 * page's own CSP. The "Embed" menu's code, pasted into a host page, is what is tested here.
 */
import { createServer, type Server } from 'node:http';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, openSession, screenshot, TINY, waitForBackend, type Session } from './page';

const HOST_PORT = 4195;
let s: Session;
let host: Server;
let hostHtml = '';
beforeAll(async () => {
  s = await openSession(4194);
  host = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(hostHtml);
  });
  await new Promise<void>((ok) => host.listen(HOST_PORT, '127.0.0.1', ok));
});
afterAll(async () => {
  await new Promise((ok) => host?.close(ok));
  await s?.close();
});

/** A course page holding `snippet`, on another origin. */
function coursePage(snippet: string): string {
  return `<!doctype html><html><head><title>Week 3: data mixing</title></head><body style="margin:0;font:16px sans-serif"><h1 style="margin:8px">Week 3</h1><p style="margin:8px">Press Train below.</p>${snippet}</body></html>`;
}

async function frameOf(page: Page): Promise<Frame> {
  const el = await page.waitForSelector('iframe');
  const f = await el.contentFrame();
  if (!f) throw new Error('no frame');
  return f;
}

describe('the page embedded in an iframe', () => {
  it('the Embed menu gives an <iframe> of this setup; pasted into a course page it trains, without chrome or hidden panels', async () => {
    // The code, as a teacher gets it from the menu.
    const { page, errors } = await openPage(s, `/?backend=wasm#${TINY}&mixer=pike`);
    await waitForBackend(page);
    await page.getByTestId('embed-menu').locator('summary').click();
    for (const n of ['tasks', 'mixer', 'model', 'howto', 'compare', 'samples'])
      expect(await page.getByTestId(`embed-hide-${n}`).isChecked()).toBe(true);
    await page.getByTestId('embed-hide-samples').uncheck();
    await page.getByTestId('embed-hide-stats').check();
    const code = await page.getByTestId('embed-code').inputValue();
    expect(code).toMatch(
      /^<iframe src="[^"]+\?embed&amp;hide=tasks,mixer,model,howto,stats,compare#/,
    );
    expect(code).toContain('mixer=pike');
    expect(code).toContain('title="PiKE Playground: ');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('embed-copy').click();
    await expect.poll(() => page.getByTestId('embed-note').innerText()).toBe('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    expect(errors).toEqual([]);
    await page.close();

    // The course page, on another origin, not cross-origin isolated. The wasm backend is forced
    // in the frame's address, as a weak classroom computer would end up with.
    hostHtml = coursePage(code.replace('?embed', '?backend=wasm&embed'));
    const course = await s.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const courseErrors: string[] = [];
    course.on('console', (m) => m.type() === 'error' && courseErrors.push(m.text()));
    course.on('pageerror', (e) => courseErrors.push(e.message));
    await course.goto(`http://127.0.0.1:${HOST_PORT}/`);
    const frame = await frameOf(course);
    await frame
      .locator('[data-testid="backend-badge"][data-backend="wasm"]')
      .waitFor({ timeout: 90_000 });
    expect(await frame.evaluate(() => crossOriginIsolated)).toBe(false);
    await frame.getByTestId('backend-badge').hover();
    expect(await frame.getByTestId('backend-tooltip').innerText()).toMatch(/1 thread\b/);

    // No chrome, no tour, none of the hidden panels; the charts and the lesson are there.
    for (const id of [
      'present-toggle',
      'tour-button',
      'export-json',
      'embed-menu',
      'task-weight-0',
    ])
      expect(await frame.getByTestId(id).count(), id).toBe(0);
    for (const id of ['stats-chart', 'compare-chart', 'mixer-select'])
      expect(await frame.getByTestId(id).count(), id).toBe(0);
    for (const id of [
      'lesson-card',
      'weights-chart',
      'loss-chart',
      'conflict-matrix',
      'samples-panel',
    ])
      expect(await frame.getByTestId(id).count(), id).toBe(1);
    expect(await frame.locator('.driver-popover').count()).toBe(0);

    await frame.getByTestId('train-button').click();
    await frame.waitForFunction(
      () => Number(document.querySelector('[data-testid="step-counter"]')?.textContent) >= 12,
      null,
      { timeout: 120_000, polling: 250 },
    );
    await frame.getByTestId('train-button').click();
    await expect
      .poll(() =>
        frame
          .getByTestId('weights-chart')
          .locator('.series-layer path')
          .evaluateAll((ps) => ps.filter((p) => (p.getAttribute('d') ?? '').length > 40).length),
      )
      .toBeGreaterThanOrEqual(3);

    // The title opens the full page with this setup, outside the frame.
    const open = frame.getByTestId('embed-open');
    await open.focus();
    const href = (await open.getAttribute('href')) ?? '';
    expect(href).toContain(`${s.url}/#`);
    expect(href).toContain('mixer=pike');
    expect(href).not.toContain('embed');
    expect(await open.getAttribute('target')).toBe('_blank');
    await screenshot(course, 'e2e-embed');
    expect(courseErrors).toEqual([]);
    await course.close();
  });

  it('a bad hide= name is named in a message; the rest of the link still applies', async () => {
    const { page, errors } = await openPage(s, `/?embed&hide=tasks,sidebar#${TINY}&mixer=pike`);
    await waitForBackend(page);
    await expect
      .poll(() => page.getByTestId('error-banner').innerText())
      .toContain('“sidebar” is not a panel or control');
    expect(await page.getByTestId('task-weight-0').count()).toBe(0);
    expect(await page.getByTestId('tour-button').count()).toBe(0);
    expect(await page.getByTestId('mixer-select').inputValue()).toBe('pike');
    expect(errors).toEqual([]);
  });
});
