/**
 * The cross-browser suite: the built page in Chromium, Firefox ESR and WebKitGTK (drivers.ts),
 * the shared subset of what the Chromium E2E suite checks. In each engine, on its own backend
 * choice (no ?backend): the page boots, trains 30 steps, the weights chart, loss chart and
 * conflict matrix draw, a link opened in a fresh page rebuilds the setup, a run file exports and
 * imports, classroom mode opens, and no page error shows. Firefox and WebKit boot 5 times, each
 * in a fresh profile, and every boot must train: Firefox's threaded-wasm hang came on about a
 * third of loads. Each engine's page-open → first step time and tokens/s go to the log.
 * ENGINES=firefox,webkit narrows the run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreviewServer } from '../../src/cli/browser';
import { TOUR_STORAGE_KEY } from '../../src/ui/tour-key';
import { TINY } from '../e2e/page';
import { openEngine, waitUntil, type Engine, type EngineHost, type EnginePage } from './drivers';

const ALL: Engine[] = ['chromium', 'firefox', 'webkit'];
const ENGINES = (process.env.ENGINES?.split(',') as Engine[] | undefined) ?? ALL;
/** Fresh boots per engine; Chromium's are covered at length by the Chromium E2E suite. */
const BOOTS: Record<Engine, number> = { chromium: 1, firefox: 5, webkit: 5 };
const DESKTOP = { width: 1366, height: 768 };

let base = '';
let closeServer: () => Promise<void> = async () => {};
beforeAll(async () => {
  const server = await startPreviewServer(4191);
  base = server.url;
  closeServer = server.close;
  mkdirSync('test-results', { recursive: true });
});
afterAll(() => closeServer());

const q = (id: string) => `document.querySelector('[data-testid="${id}"]')`;
const stepOf = `Number((${q('step-counter')}?.textContent ?? '').replace(/\\D/g, ''))`;
const drawnPaths = (id: string) =>
  `Array.from(document.querySelectorAll('[data-testid="${id}"] svg path')).filter((p) => (p.getAttribute('d') ?? '').length > 40).length`;

/** Opens `path` in `page` with the tour marked as seen (set on the origin before the app runs). */
async function open(page: EnginePage, path: string): Promise<number> {
  await page.goto(`${base}/favicon.svg`);
  await page.evaluate(`(localStorage.setItem('${TOUR_STORAGE_KEY}', 'skipped'), true)`);
  const t0 = Date.now();
  await page.goto(`${base}${path}`);
  return t0;
}

interface Boot {
  backend: string;
  firstStepMs: number;
  tokensPerSec: number;
}

/** Boots the page, waits for the backend, trains to `steps`; page open → step 1, tokens/s. */
async function bootAndTrain(page: EnginePage, path: string, steps: number): Promise<Boot> {
  const t0 = await open(page, path);
  const backend = await waitUntil<string>(
    page,
    `${q('backend-badge')}?.getAttribute('data-backend')`,
    'the page chose a backend (Train enabled)',
    90_000,
  );
  await page.click('train-button');
  await waitUntil(page, `${stepOf} >= 1`, 'the first step');
  const firstStepMs = Date.now() - t0;
  await waitUntil(page, `${stepOf} >= ${steps}`, `step ${steps}`, 180_000);
  const tokens = await page.evaluate<string>(`${q('throughput')}?.textContent ?? ''`);
  return { backend, firstStepMs, tokensPerSec: Number(tokens.replace(/[^\d.]/g, '')) };
}

const noErrorBanner = (page: EnginePage) => page.evaluate<boolean>(`${q('error-banner')} === null`);

describe.each(ENGINES)('%s', (engine) => {
  let host: EngineHost;
  beforeAll(async () => {
    host = await openEngine(engine);
  }, 60_000);
  afterAll(() => host?.close());

  it('boots on its own backend, trains 30 steps and draws weights, losses and conflicts', async () => {
    const page = await host.newPage(DESKTOP);
    try {
      const b = await bootAndTrain(page, `/#${TINY}`, 30);
      console.log(
        `[${engine}] backend ${b.backend}: page open → step 1 in ${(b.firstStepMs / 1000).toFixed(1)} s, ${b.tokensPerSec} tokens/s`,
      );
      expect(b.tokensPerSec).toBeGreaterThan(0);
      // The badge's tooltip says which wasm binary runs, and in Firefox why without threads.
      const tip = await page.evaluate<string>(`${q('backend-tooltip')}?.textContent ?? ''`);
      if (b.backend === 'wasm' && engine === 'firefox')
        expect(tip).toMatch(/no threads in Firefox/);
      if (b.backend === 'wasm' && engine === 'chromium') expect(tip).toMatch(/threaded SIMD/);
      await waitUntil(page, `${drawnPaths('weights-chart')} >= 3`, 'weights chart drawn');
      await waitUntil(page, `${drawnPaths('loss-chart')} >= 3`, 'loss chart drawn');
      const cells = await waitUntil<number[]>(
        page,
        `(() => { const v = Array.from(document.querySelectorAll('[data-testid^="conflict-cell-"]')).map((e) => Number(e.getAttribute('data-value'))); return v.length === 9 ? v : null; })()`,
        'conflict matrix drawn',
      );
      expect(cells.every((c) => Number.isFinite(c) && c >= -1 && c <= 1)).toBe(true);
      // Charts out: the weights chart as PNG (2x, encoded on a canvas) and SVG. The files are
      // kept from the page instead of saved: their type and the PNG's width are checked.
      await page.evaluate(`(() => {
        const make = URL.createObjectURL.bind(URL);
        window.__blobs = [];
        URL.createObjectURL = (b) => {
          b.arrayBuffer().then((a) => window.__blobs.push({ type: b.type, size: b.size,
            width: b.type === 'image/png' ? new DataView(a).getUint32(16) : 0 }));
          return make(b);
        };
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () { if (!this.download) click.call(this); };
        ${q('weights-chart-export')}.querySelector('summary').click();
        ${q('weights-chart-png')}.click();
        ${q('weights-chart-svg')}.click();
        return true;
      })()`);
      type Saved = { type: string; size: number; width: number };
      const saved = await waitUntil<Saved[]>(
        page,
        `window.__blobs.length === 2 && window.__blobs`,
        'the weights chart saved as PNG and SVG',
      );
      const width = await page.evaluate<number>(
        `Math.round(${q('weights-chart')}.getBoundingClientRect().width)`,
      );
      const png = saved.find((f) => f.type === 'image/png');
      expect(png?.width).toBe(2 * width);
      expect(saved.find((f) => f.type === 'image/svg+xml')?.size).toBeGreaterThan(1000);
      expect(await page.evaluate<boolean>(`!${q('weights-chart-export-error')}`)).toBe(true);
      // One step across the charts: End on the focused loss chart marks the last step on the
      // weights chart too (the key is dispatched to the chart: the drivers have no keyboard).
      await page.click('train-button'); // pause
      await waitUntil(page, `${q('train-button')}.textContent === 'Train'`, 'paused');
      await page.evaluate(`(() => {
        const el = document.querySelector('[data-testid="loss-chart"] .series-chart');
        el.focus();
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
        return true;
      })()`);
      const marked = (id: string) =>
        `${q(id)}.querySelector('.hover-readout-box')?.getAttribute('data-step')`;
      const weightsStep = await waitUntil<string>(
        page,
        marked('weights-chart'),
        'the weights chart marks the step chosen on the loss chart',
      );
      expect(Number(weightsStep)).toBeGreaterThanOrEqual(30);
      expect(await page.evaluate<string>(marked('loss-chart'))).toBe(weightsStep);
      await page.screenshot(`test-results/xb-${engine}-training.png`);
      expect(await noErrorBanner(page)).toBe(true);
      expect(await page.errors()).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a link opened in a fresh page rebuilds the setup; a run file exports and imports', async () => {
    const a = await host.newPage(DESKTOP);
    let link: string;
    try {
      await bootAndTrain(a, `/#${TINY}`, 12); // past the first evaluation (evalEvery=10)
      await a.click('train-button'); // pause
      await a.select('mixer-select', 'balanced-pike');
      link = await waitUntil<string>(
        a,
        `location.hash.includes('mixer=balanced-pike') && location.href`,
        'the link holds the mixer',
      );
      // Export: keep the file's text instead of letting the browser save it.
      await a.evaluate(`(() => {
        const make = URL.createObjectURL.bind(URL);
        URL.createObjectURL = (b) => { b.text().then((t) => { window.__exported = t; }); return make(b); };
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () { if (!this.download) click.call(this); };
        return true;
      })()`);
      await a.click('export-json');
      const text = await waitUntil<string>(a, `window.__exported`, 'the exported run file');
      expect(JSON.parse(text).config.mixer.name).toBe('balanced-pike');
      const file = join(tmpdir(), `xb-${engine}-run.json`);
      writeFileSync(file, text);
      await a.select('mixer-select', 'mix');
      await waitUntil(a, `location.hash.includes('mixer=mix')`, 'mixer changed to mix');
      await a.upload('import-json', file);
      await waitUntil(
        a,
        `${q('mixer-select')}?.value === 'balanced-pike'`,
        'the imported setup is loaded',
      );
      await waitUntil(
        a,
        `Array.from(document.querySelectorAll('.compare-legend li')).some((l) => l.textContent.includes('(imported)'))`,
        'the imported run is in Compare runs',
      );
      // The import is a replay: its bar, and the step moving while it plays.
      await waitUntil(
        a,
        `Number(${q('replay-step')}?.getAttribute('data-step')) > 0`,
        'the run file replays',
      );
      expect(await a.evaluate<boolean>(`${q('train-button')}.disabled`)).toBe(true);
      await a.screenshot(`test-results/xb-${engine}-replay.png`);
      await a.click('replay-exit');
      await waitUntil(a, `${q('replay-bar')} === null`, 'back to training');
      expect(await noErrorBanner(a)).toBe(true);
      expect(await a.errors()).toEqual([]);
    } finally {
      await a.close();
    }
    const b = await host.newPage(DESKTOP);
    try {
      await open(b, link.replace(base, ''));
      await waitUntil(b, `${q('backend-badge')}?.getAttribute('data-backend')`, 'backend', 90_000);
      expect(await b.evaluate<string>(`${q('mixer-select')}.value`)).toBe('balanced-pike');
      expect(
        await b.evaluate<number>(`document.querySelectorAll('[data-testid^="task-card-"]').length`),
      ).toBe(3);
      expect(new URL(await b.url()).hash).toBe(new URL(link).hash);
      expect(await b.errors()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('classroom mode opens and fits the window', async () => {
    const page = await host.newPage({ width: 1280, height: 720 });
    try {
      await open(page, `/#${TINY}`);
      await waitUntil(
        page,
        `${q('backend-badge')}?.getAttribute('data-backend')`,
        'backend',
        90_000,
      );
      await page.click('present-toggle');
      await waitUntil(page, `document.querySelector('.app.present') !== null`, 'classroom mode');
      expect(
        await page.evaluate<boolean>(
          `document.documentElement.scrollWidth <= document.documentElement.clientWidth`,
        ),
      ).toBe(true);
      await page.screenshot(`test-results/xb-${engine}-classroom.png`);
      expect(await page.errors()).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it(`trains on every one of ${BOOTS[engine]} fresh page loads`, async () => {
    const seen: string[] = [];
    for (let i = 0; i < BOOTS[engine]; i++) {
      const page = await host.newPage(DESKTOP);
      try {
        const b = await bootAndTrain(page, `/#${TINY}`, 5);
        seen.push(`${b.backend} ${(b.firstStepMs / 1000).toFixed(1)} s`);
        expect(await page.errors()).toEqual([]);
      } finally {
        await page.close();
      }
    }
    console.log(
      `[${engine}] ${seen.length} fresh loads, backend and page open → step 1: ${seen.join(', ')}`,
    );
    expect(seen).toHaveLength(BOOTS[engine]);
  });
});
