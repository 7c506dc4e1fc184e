/**
 * npm run bench:load — how long the built page keeps the main thread busy while it loads
 * (issue 22). Each run opens the page in a fresh browser context (a first visit: the tour
 * shows, the backend is measured) and traces the page's main thread for `--seconds` from the
 * navigation (Chromium's trace, `traceMainThread`). Prints per run and as medians:
 * - blocking time: Σ max(0, task − 50 ms) over the tasks, as Lighthouse's total blocking time
 *   sums it, by wall time and by the thread's own CPU time (wall time also counts waiting for a
 *   core the worker holds on a 2-core machine; CPU time is what the page's code costs);
 * - the longest task, and the main thread's CPU time in all.
 * Prints figures; asserts nothing (test/e2e/load.e2e.ts holds a generous bound).
 */
import { parseArgs } from 'node:util';
import { launchChromium, measureLoad, startPreviewServer, type LoadFigures } from './browser';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '5' },
      port: { type: 'string', default: '4320' },
    },
  });
  const server = await startPreviewServer(Number(values.port));
  const browser = await launchChromium();
  const runs: LoadFigures[] = [];
  try {
    console.log(
      'run  blocking wall  blocking CPU  longest wall  longest CPU  main-thread CPU (ms)',
    );
    for (let i = 0; i < Number(values.runs); i++) {
      const f = await measureLoad(browser, `${server.url}/`, Number(values.seconds) * 1000);
      runs.push(f);
      const cells = [f.blockingWall, f.blockingCpu, f.longestWall, f.longestCpu, f.cpu];
      console.log(
        `${String(i + 1).padStart(3)}  ${cells.map((v) => v.toFixed(0).padStart(12)).join(' ')}`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const median = (f: (x: LoadFigures) => number) => {
    const xs = runs.map(f).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  };
  console.log(
    `median: blocking ${median((f) => f.blockingWall).toFixed(0)} ms wall, ${median((f) => f.blockingCpu).toFixed(0)} ms CPU; longest task ${median((f) => f.longestWall).toFixed(0)} ms wall, ${median((f) => f.longestCpu).toFixed(0)} ms CPU`,
  );
}

await main();
