import { taskColor } from '../palette';

/**
 * A compact legend of series colours, for charts that draw several series per task (or per
 * race contestant: `color`); `only` lists the indices to show (all when absent), each keeping
 * its colour.
 */
export function TaskLegend({
  labels,
  only,
  color = taskColor,
  ariaLabel = 'legend',
}: {
  labels: string[];
  only?: readonly number[];
  color?: (k: number) => string;
  ariaLabel?: string;
}) {
  const ks = only ?? labels.map((_, k) => k);
  return (
    <ul className="task-legend" aria-label={ariaLabel}>
      {ks.map((k) => (
        <li key={k}>
          <span className="swatch" style={{ background: color(k) }} />
          {labels[k] ?? `task ${k}`}
        </li>
      ))}
    </ul>
  );
}
