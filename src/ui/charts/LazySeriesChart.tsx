/**
 * The charts' plot (SeriesChart: recharts and its d3, redux and immer, about half of the page's
 * script) loaded after the page is up instead of with it. Lighthouse measured the first load's
 * main thread blocked for 450 ms on desktop, most of it evaluating and mounting recharts for
 * charts that are still empty; the chart cards, their titles and empty states need none of it.
 *
 * When a plot mounts:
 * - on screen with data to draw: at once;
 * - on screen and empty: when the page idles after the worker's backend is up. A first visit's
 *   worker measures every backend, keeping the cores busy for seconds, and a mount of 36–81 ms
 *   of CPU took 79–373 ms of wall time in that window (Chromium's trace, 2 cores);
 * - off screen (react-intersection-observer, 200 px ahead): only once it scrolls near, or when it
 *   has data, then when the page idles. A phone shows one chart at a time, and mounting the ones
 *   below it at load was most of Lighthouse's blocking time in its mobile emulation.
 * Idle mounts go one per idle period, each in a transition: six recharts mounts in one React
 * commit were one 340 ms task.
 */
import { lazy, startTransition, Suspense, useEffect, useState } from 'react';
import { useInView } from 'react-intersection-observer';
import { useApp } from '../store-context';
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

/** SeriesChart, mounted when it is on screen or has data (see the file's comment). */
export function SeriesChart(props: SeriesChartProps) {
  const hasData = (props.lines ?? []).some((s) => s.x.length > 0);
  const backendUp = useApp((s) => s.backend !== null);
  // Without IntersectionObserver (none of the page's browsers), every chart counts as on screen.
  const { ref, inView } = useInView({
    rootMargin: '200px',
    triggerOnce: true,
    fallbackInView: true,
  });
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    if (mounted) return;
    const go = () => startTransition(() => setMounted(true));
    if (hasData && inView) return go();
    if (hasData || (inView && backendUp)) return whenIdle(go);
  }, [mounted, hasData, inView, backendUp]);
  // The slot keeps the plot's size (chart-fill) while it waits, and is what the observer watches.
  if (!mounted) return <div ref={ref} className="chart-fill" />;
  return (
    <Suspense fallback={<div className="chart-fill" />}>
      <Plot {...props} />
    </Suspense>
  );
}
