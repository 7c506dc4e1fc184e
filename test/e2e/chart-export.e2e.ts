/**
 * Charts out (issue 20, part 1): every chart card that draws something saves it as a PNG at 2x
 * and as an SVG, with its title, legend and the run's setup, and copies it where the browser
 * allows; the files are valid images of the chart's size.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPage,
  openSession,
  screenshot,
  TINY,
  waitForBackend,
  waitForStep,
  type Session,
} from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4193);
});
afterAll(() => s?.close());

/** PNG signature and IHDR size (width, height). */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(buf.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

async function save(page: Page, id: string, kind: 'png' | 'svg'): Promise<Download> {
  await page.getByTestId(`${id}-export`).locator('summary').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`${id}-${kind}`).click(),
  ]);
  return download;
}

describe('charts out', () => {
  it('saves each chart as PNG (2x) and SVG with title, legend and setup, and copies it', async () => {
    const context = await s.browser.newContext({
      viewport: { width: 1366, height: 768 },
      acceptDownloads: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
    const { page, errors } = await openPage(s, `/?backend=wasm#${TINY}`, context);
    await waitForBackend(page, 'wasm');
    // An empty chart offers nothing to save.
    await expect(page.getByTestId('loss-chart-export').count()).resolves.toBe(0);
    await page.getByTestId('train-button').click();
    await waitForStep(page, 24);
    await page.getByTestId('train-button').click();
    for (const id of ['loss-chart', 'weights-chart', 'conflict-matrix', 'stats-chart']) {
      const body = (await page.getByTestId(id).boundingBox())!;
      const title = (await page.getByTestId(id).locator('xpath=..').locator('h2').textContent())!;
      const png = await save(page, id, 'png');
      expect(png.suggestedFilename()).toMatch(/^pike-[a-z0-9-]+\.png$/);
      const size = pngSize(readFileSync((await png.path())!));
      expect(size.width, id).toBe(2 * Math.round(body.width));
      // Title, legend and footer add to the drawing's height.
      expect(size.height, id).toBeGreaterThan(2 * Math.round(body.height));
      const svg = readFileSync((await (await save(page, id, 'svg')).path())!, 'utf8');
      expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain(`>${title}</text>`);
      // The footer's lines (after the drawings), wrapped to the chart's width.
      const tail = svg.slice(svg.lastIndexOf('</svg>', svg.length - 7));
      const footer = [...tail.matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ');
      expect(footer).toMatch(
        /^multilingual · Uniform mix · 1 layer × 32 wide, context 16 · batch 8 · seed \d+ · step [\d,]+ · PiKE Playground$/,
      );
      // The drawing came with its colours inline (the page's stylesheet is not in the file).
      expect(svg).toMatch(/<(path|rect)[^>]* (fill|stroke)="rgb\(/);
      expect(svg).toMatch(/<text[^>]* font-size="\d/);
      expect(svg).not.toContain('hover-readout-box');
    }
    // The legend of a per-task chart is in the image.
    const weights = readFileSync(
      (await (await save(page, 'weights-chart', 'svg')).path())!,
      'utf8',
    );
    const labels = await page
      .locator('.chart-card:has([data-testid="weights-chart"]) .task-legend li')
      .allTextContents();
    for (const l of labels) expect(weights).toContain(`>${l.trim()}</text>`);
    // Copy: the clipboard then holds a PNG.
    await page.getByTestId('loss-chart-export').locator('summary').click();
    await page.getByTestId('loss-chart-copy').click();
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const items = await navigator.clipboard.read().catch(() => []);
          return items.flatMap((i) => i.types);
        }),
      )
      .toContain('image/png');
    await expect(page.getByTestId('loss-chart-export-error').count()).resolves.toBe(0);
    await page.getByTestId('weights-chart-export').locator('summary').click();
    await screenshot(page, 'e2e-chart-export-menu');
    expect(errors).toEqual([]);
    await context.close();
  });
});
