/**
 * The charts' plot (SeriesChart: recharts and its d3, redux and immer, about half of the page's
 * script) loaded after the page is up instead of with it. Lighthouse measured the first load's
 * main thread blocked for 450 ms on desktop, most of it evaluating and mounting recharts for
 * charts that are still empty; the chart cards, their titles and empty states need none of it.
 *
 * The module is fetched after load (or at once when a chart gets data first), and the plots
 * mount one per idle period, each in a transition: six recharts mounts in one React commit were
 * one 340 ms task.
 */
import { lazy, startTransition, Suspense, useEffect, useState } from 'react';
import type { SeriesChartProps } from './SeriesChart';

let loading: Promise<typeof import('./SeriesChart')> | null = null;
const load = () => (loading ??= import('./SeriesChart'));

const Plot = lazy(() => load().then((m) => ({ default: m.SeriesChart })));

/** Runs `f` when the main thread next idles (after load), one waiting plot per idle period. */
const queue: (() => void)[] = [];
let pumping = false;
const afterIdle = (f: () => void) =>
  'requestIdleCallback' in window
    ? window.requestIdleCallback(f, { timeout: 2000 })
    : setTimeout(f, 50);
function pump() {
  const next = queue.shift();
  if (!next) return void (pumping = false);
  next();
  afterIdle(pump);
}
function whenIdle(f: () => void): () => void {
  queue.push(f);
  if (!pumping) {
    pumping = true;
    const start = () => void load().then(() => afterIdle(pump));
    if (document.readyState === 'complete') start();
    else window.addEventListener('load', start, { once: true });
  }
  return () => {
    const i = queue.indexOf(f);
    if (i >= 0) queue.splice(i, 1);
  };
}

/** SeriesChart, mounted once the page idles, or at once when it has data to draw. */
export function SeriesChart(props: SeriesChartProps) {
  const urgent = (props.lines ?? []).some((s) => s.x.length > 0);
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    if (mounted) return;
    const go = () => startTransition(() => setMounted(true));
    if (urgent) return go();
    return whenIdle(go);
  }, [mounted, urgent]);
  if (!mounted && !urgent) return null;
  return (
    <Suspense fallback={null}>
      <Plot {...props} />
    </Suspense>
  );
}
