import type { ReactNode } from 'react';
import { ChartExport, type ExportOptions } from './ChartExport';

interface Props {
  title: string;
  /** One line under the title: what the chart shows. */
  subtitle?: string;
  testId: string;
  /** Controls in the title bar (toggles, buttons). */
  actions?: ReactNode;
  /** When set, the chart area shows this instead of the chart. */
  empty?: string | null;
  children: ReactNode;
  className?: string;
  /** The last step drawn, as `data-last-x` (tests read how far the history goes). */
  lastX?: number;
  /**
   * The chart's text alternative (e.g. each series' latest value), for screen readers: the
   * drawing says nothing to them. Visually hidden.
   */
  summary?: string;
  /** What the saved image needs besides the card (ChartExport). */
  exportOptions?: ExportOptions;
}

/**
 * A chart card: title bar (with a "save as image" menu once it draws something), and the chart's
 * container (`data-testid`), which has a real height (set in CSS) so recharts'
 * ResponsiveContainer can measure it. Without data it shows `empty`.
 */
export function ChartFrame({
  title,
  subtitle,
  testId,
  actions,
  empty,
  children,
  className,
  lastX,
  summary,
  exportOptions,
}: Props) {
  return (
    <section className={`card chart-card ${className ?? ''}`}>
      <header className="chart-head">
        <div className="chart-titles">
          <h2>{title}</h2>
          {subtitle && (
            <p className="chart-sub" title={subtitle}>
              {subtitle}
            </p>
          )}
        </div>
        <div className="chart-actions">
          {actions}
          {!empty && (
            <ChartExport
              title={title}
              subtitle={subtitle}
              testId={testId}
              options={exportOptions}
            />
          )}
        </div>
      </header>
      <div
        className="chart-body"
        data-testid={testId}
        data-empty={empty ? 'true' : 'false'}
        data-last-x={lastX}
      >
        {summary && !empty && (
          <p className="visually-hidden" data-testid={`${testId}-summary`}>
            {summary}
          </p>
        )}
        {/* The chart stays mounted (hidden) while empty: mounting recharts is its costliest
            render, better paid when the page idles after loading (LazySeriesChart) than when
            the first data arrives. */}
        <div
          className="chart-content"
          aria-hidden={empty ? true : undefined}
          style={empty ? { visibility: 'hidden' } : undefined}
        >
          {children}
        </div>
        {empty && <div className="chart-empty">{empty}</div>}
      </div>
    </section>
  );
}
