/**
 * Offline after one visit: the service worker (vite.config.ts, vite-plugin-pwa) precaches the
 * app, the wasm binaries and the presets' texts, and caches any other UDHR text on first use.
 * One browser context plays one user: a visit online, then the network cut, then loads that
 * must come from the service worker's caches alone.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipTour, startPreviewServer } from '../../src/cli/browser';
import { backendTooltip, TINY, waitForBackend, waitForStep } from './page';

const PORT = 4185;
/** Languages in no preset (public/udhr: ita, pol), used once online. */
const USED_ONLINE = 'tasks=udhr:it,udhr:pl';
/** A language in no preset and never used here (jpn). */
const NEVER_USED = 'tasks=udhr:ja';

let browser: Browser;
let server: { url: string; close: () => Promise<void> } | null = null;
let url = '';
beforeAll(async () => {
  server = await startPreviewServer(PORT);
  url = server.url;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Opened {
  page: Page;
  errors: string[];
}

/** Opens `path` in a new tab of `context`, collecting console errors and uncaught errors. */
async function open(context: BrowserContext, path: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}${path}`);
  return { page, errors };
}

/** Whether a service worker controls the page (its requests and its worker's go through it). */
const controlled = (page: Page) => page.evaluate(() => navigator.serviceWorker.controller !== null);

/** The URLs (paths) in the runtime cache of UDHR texts. */
const runtimeTexts = (page: Page) =>
  page.evaluate(async () => {
    const cache = await caches.open('udhr-texts');
    return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
  });

/** Trains a few steps on a fresh tab and closes it; returns the tab's errors. */
async function trains(context: BrowserContext, hash: string): Promise<string[]> {
  const { page, errors } = await open(context, `/?backend=wasm#${hash}`);
  await waitForBackend(page, 'wasm');
  await page.getByTestId('train-button').click();
  await waitForStep(page, 4);
  await page.close();
  return errors;
}

describe('offline after one visit', () => {
  it('loads and trains offline, with the presets, a language used online, and a clear error for one never used', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await skipTour(context);

    // First visit: the service worker installs (precaching) and takes control.
    const first = await open(context, `/?backend=wasm#${TINY}`);
    await first.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await first.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 30_000,
    });
    await waitForBackend(first.page, 'wasm');
    // Installable: Chromium finds nothing wrong with the manifest and its icons (a Playwright
    // context is incognito-like, which alone keeps it from offering to install).
    const cdp = await context.newCDPSession(first.page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e) => e.errorId)).toEqual(['in-incognito']);
    expect(first.errors).toEqual([]);
    await first.page.close();

    // Online and controlled (so the training worker's fetches go through the service worker
    // too): a language outside the presets is used once and lands in the runtime cache.
    const online = await open(context, `/?backend=wasm#${TINY}&${USED_ONLINE}`);
    expect(await controlled(online.page)).toBe(true);
    await waitForBackend(online.page, 'wasm');
    await online.page.getByTestId('train-button').click();
    await waitForStep(online.page, 2);
    expect(await runtimeTexts(online.page)).toEqual(['/udhr/ita.json', '/udhr/pol.json']);
    expect(online.errors).toEqual([]);
    await online.page.close();

    // The network goes: offline emulation (it covers the service worker's own fetches too in
    // this Chromium), and the server stops, so nothing at all can come from it.
    await context.setOffline(true);
    await server!.close();
    server = null;

    // The preset setup: the page, the worker and the threaded wasm come from the precache,
    // with their COOP/COEP headers (the page stays cross-origin isolated).
    const off = await open(context, `/?backend=wasm#${TINY}`);
    expect(await controlled(off.page)).toBe(true);
    expect(await off.page.evaluate(() => crossOriginIsolated)).toBe(true);
    await waitForBackend(off.page, 'wasm');
    expect(await backendTooltip(off.page)).toMatch(/threaded SIMD binary/);
    await off.page.getByTestId('train-button').click();
    await waitForStep(off.page, 4);
    expect(off.errors).toEqual([]);
    await off.page.close();

    // The languages used online train offline too.
    expect(await trains(context, `${TINY}&${USED_ONLINE}`)).toEqual([]);

    // A language never used: the page says which file it could not load, falls back to the
    // default preset (precached) and trains on that: an error, not a crash.
    const never = await open(context, `/?backend=wasm#${TINY}&${NEVER_USED}`);
    const banner = never.page.getByTestId('error-banner');
    await banner.waitFor({ timeout: 90_000 });
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/could not be built; loaded the default preset/);
    expect(text).toMatch(/could not load \S*\/udhr\/jpn\.json: HTTP 503/);
    await waitForBackend(never.page, 'wasm');
    await never.page.getByTestId('train-button').click();
    await waitForStep(never.page, 2);
    // The failed fetch is logged by the browser (a 503); nothing else went wrong.
    expect(never.errors.filter((e) => !/503/.test(e))).toEqual([]);
    await context.close();
  });
});
