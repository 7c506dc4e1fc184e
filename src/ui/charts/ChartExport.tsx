import { useRef, useState } from 'react';
import { download } from '../download';
import { useAppStore } from '../store-context';
import {
  cardLegend,
  chartPng,
  composeChartImage,
  imageName,
  setupLine,
  type ChartImage,
  type LegendItem,
} from './chart-image';

type Kind = 'png' | 'svg' | 'copy';

/** Whether this browser can put an image on the clipboard (secure page, ClipboardItem). */
const canCopy = () =>
  typeof ClipboardItem !== 'undefined' && typeof navigator.clipboard?.write === 'function';

export interface ExportOptions {
  /** The legend to draw instead of the card's task legend (e.g. the matrix's colour scale). */
  legend?: LegendItem[];
  /** The step the drawing shows, when it is not the run's latest (a scrubbed matrix). */
  step?: number;
}

/**
 * A chart card's "save as image" menu: PNG at 2x, SVG, and a copy to the clipboard where the
 * browser allows it (chart-image.ts composes the image from the card as it is on screen).
 */
export function ChartExport({
  title,
  subtitle,
  testId,
  options,
}: {
  title: string;
  subtitle?: string;
  testId: string;
  options?: ExportOptions;
}) {
  const store = useAppStore();
  const menu = useRef<HTMLDetailsElement>(null);
  const [error, setError] = useState<string | null>(null);

  const image = (): ChartImage => {
    const card = menu.current?.closest('.chart-card');
    const body = card?.querySelector(`[data-testid="${testId}"]`);
    if (!card || !body) throw new Error('The chart is not on the page.');
    const s = store.getState();
    return composeChartImage(body, {
      title,
      subtitle,
      legend: options?.legend ?? cardLegend(card),
      footer: setupLine(s.preset, s.config, options?.step ?? s.step),
    });
  };

  const run = async (kind: Kind) => {
    if (menu.current) menu.current.open = false;
    setError(null);
    try {
      const img = image();
      if (kind === 'svg') {
        download(imageName(title, 'svg'), img.svg, 'image/svg+xml');
      } else if (kind === 'png') {
        download(imageName(title, 'png'), await chartPng(img));
      } else {
        // The blob as a promise: Safari asks for the item within the click.
        await navigator.clipboard.write([new ClipboardItem({ 'image/png': chartPng(img) })]);
      }
    } catch (e) {
      setError(`Could not ${kind === 'copy' ? 'copy' : 'save'} the image: ${(e as Error).message}`);
    }
  };

  return (
    <>
      <details className="chart-export" ref={menu} data-testid={`${testId}-export`}>
        <summary aria-label={`Save “${title}” as an image`} title="Save as an image">
          <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
            <path
              d="M8 2v8M4.5 6.5 8 10l3.5-3.5M3 13.5h10"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        </summary>
        <div className="chart-export-menu">
          <button type="button" data-testid={`${testId}-png`} onClick={() => void run('png')}>
            PNG (2x)
          </button>
          <button type="button" data-testid={`${testId}-svg`} onClick={() => void run('svg')}>
            SVG
          </button>
          {canCopy() && (
            <button type="button" data-testid={`${testId}-copy`} onClick={() => void run('copy')}>
              Copy image
            </button>
          )}
        </div>
      </details>
      {error && (
        <p role="alert" className="chart-export-error" data-testid={`${testId}-export-error`}>
          {error}
        </p>
      )}
    </>
  );
}
