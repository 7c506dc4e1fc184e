import { useMemo } from 'react';
import { fmt } from '../format';
import { contestantColor } from '../palette';
import { useActions, useApp } from '../store-context';
import { rank, standing } from './race-data';

/**
 * The race's live table: contestants ordered by their average validation loss (then, before the
 * first evaluation, by average training loss), with the worst task's validation loss, steps and
 * ms/step. Clicking a row makes the task cards, conflict matrix and statistics follow it.
 */
export function RaceLeaderboard() {
  const runs = useApp((s) => s.runs);
  const runMetrics = useApp((s) => s.runMetrics);
  const selected = useApp((s) => s.selectedRun);
  const version = useApp((s) => s.metricsVersion);
  const a = useActions();
  const rows = useMemo(() => {
    void version;
    return rank(runs.filter((_, i) => runMetrics[i]).map((_, i) => standing(i, runMetrics[i])));
  }, [runs, runMetrics, version]);
  return (
    <section className="card chart-card race-board">
      <header className="chart-head">
        <div className="chart-titles">
          <h2>Leaderboard</h2>
          <p className="chart-sub">
            lowest average validation loss first · click a row to follow it
          </p>
        </div>
      </header>
      <table className="leaderboard" data-testid="race-leaderboard">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">contestant</th>
            <th scope="col" title="average validation loss over tasks, latest evaluation">
              avg val
            </th>
            <th scope="col" title="the highest task validation loss, latest evaluation">
              worst
            </th>
            <th
              scope="col"
              className="col-train"
              title="average training loss over tasks (smoothed)"
            >
              train
            </th>
            <th scope="col">steps</th>
            <th scope="col" title="this contestant's own time per step">
              ms/step
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, place) => (
            <tr
              key={r.run}
              className={r.run === selected ? 'selected' : undefined}
              aria-selected={r.run === selected}
              data-testid={`race-row-${r.run}`}
              data-avg-val={Number.isFinite(r.avgVal) ? r.avgVal : ''}
              onClick={() => a.selectRun(r.run)}
              tabIndex={0}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  a.selectRun(r.run);
                }
              }}
            >
              <td>{place + 1}</td>
              <td className="contestant">
                <span className="swatch" style={{ background: contestantColor(r.run) }} />
                {runs[r.run]?.label}
              </td>
              <td>{fmt(r.avgVal, 4)}</td>
              <td>{fmt(r.worstVal, 4)}</td>
              <td className="col-train">{fmt(r.avgTrain, 4)}</td>
              <td>{r.steps}</td>
              <td>{Number.isFinite(r.msPerStep) ? r.msPerStep.toFixed(1) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
