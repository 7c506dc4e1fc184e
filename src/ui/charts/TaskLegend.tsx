import { taskColor } from '../palette';

/**
 * A compact legend of task colours, for charts that draw several series per task; `only` lists
 * the task indices to show (all when absent), each keeping its task's colour.
 */
export function TaskLegend({ labels, only }: { labels: string[]; only?: readonly number[] }) {
  const ks = only ?? labels.map((_, k) => k);
  return (
    <ul className="task-legend" aria-label="legend">
      {ks.map((k) => (
        <li key={k}>
          <span className="swatch" style={{ background: taskColor(k) }} />
          {labels[k] ?? `task ${k}`}
        </li>
      ))}
    </ul>
  );
}
