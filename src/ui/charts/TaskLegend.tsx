import { taskColor } from '../palette';

/** A compact legend of task colours, for charts that draw several series per task. */
export function TaskLegend({ labels }: { labels: string[] }) {
  return (
    <ul className="task-legend" aria-label="legend">
      {labels.map((l, k) => (
        <li key={k}>
          <span className="swatch" style={{ background: taskColor(k) }} />
          {l}
        </li>
      ))}
    </ul>
  );
}
