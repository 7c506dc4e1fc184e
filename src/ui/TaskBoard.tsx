import { memo, useMemo } from 'react';
import type { TaskKnobs } from '../core/types';
import { latestValues } from '../store/metrics';
import type { TaskInfo } from '../core/protocol';
import { AddTask } from './AddTask';
import { fmt, pct, shortLabel } from './format';
import { NumberField } from './NumberField';
import { taskColor } from './palette';
import { useActions, useApp, useStaggeredMetricsVersion, useRunMetrics } from './store-context';

interface Latest {
  weight: number;
  train: number;
  val: number;
  acc: number;
}

const TaskCard = memo(function TaskCard({
  task,
  index,
  latest,
  canRemove,
  onlyEnabled,
}: {
  task: TaskInfo;
  index: number;
  latest: Latest;
  canRemove: boolean;
  onlyEnabled: boolean;
}) {
  const a = useActions();
  const update = (patch: Partial<TaskKnobs>) => a.updateTask(index, patch);
  const off = !task.knobs.enabled;
  return (
    <article
      className={`task-card ${off ? 'off' : ''}`}
      data-testid={`task-card-${index}`}
      style={{ borderLeftColor: taskColor(index) }}
    >
      <header className="task-head">
        <label
          className="task-enabled"
          title={
            onlyEnabled
              ? 'The last enabled task cannot be switched off'
              : 'Include this task in training'
          }
        >
          <input
            type="checkbox"
            checked={task.knobs.enabled}
            disabled={onlyEnabled}
            data-testid={`task-enabled-${index}`}
            onChange={(e) => update({ enabled: e.target.checked })}
          />
          <span className="swatch" style={{ background: taskColor(index) }} />
          <span className="task-label" title={task.label}>
            {shortLabel(task.label)}
          </span>
        </label>
        <code className="task-spec" title={`spec: ${task.id}`}>
          {task.id}
        </code>
        <button
          type="button"
          className="btn icon ghost"
          data-testid={`remove-task-${index}`}
          disabled={!canRemove}
          onClick={() => a.removeTask(index)}
          title={canRemove ? 'Remove this task' : 'At least one task is needed'}
          aria-label={`Remove ${task.label}`}
        >
          ✕
        </button>
      </header>
      <dl className="task-stats">
        <div>
          <dt>weight</dt>
          <dd data-testid={`task-weight-${index}`}>{pct(latest.weight)}</dd>
        </div>
        <div>
          <dt>train</dt>
          <dd data-testid={`task-train-loss-${index}`}>{fmt(latest.train)}</dd>
        </div>
        <div>
          <dt>val</dt>
          <dd>{fmt(latest.val)}</dd>
        </div>
        {task.metric === 'accuracy' && (
          <div>
            <dt>acc</dt>
            <dd>{pct(latest.acc)}</dd>
          </div>
        )}
      </dl>
      <div className="task-knobs">
        <NumberField
          label="pool"
          value={task.knobs.poolSize}
          min={1}
          step={1}
          onCommit={(v) => update({ poolSize: v })}
          testId={`task-pool-${index}`}
          title="Training pool size: examples (or text windows) the task can draw from"
          className="compact"
        />
        <NumberField
          label="noise"
          value={task.knobs.labelNoise}
          min={0}
          max={1}
          step={0.05}
          onCommit={(v) => update({ labelNoise: v })}
          testId={`task-noise-${index}`}
          title="Label noise: probability that a training target is replaced by a random token"
          className="compact"
        />
        {task.difficultySpecs.map((s) => (
          <NumberField
            key={s.name}
            label={s.label.toLowerCase()}
            value={task.knobs.difficulty[s.name] ?? s.default}
            min={s.min}
            max={s.max}
            step={s.step}
            onCommit={(v) => update({ difficulty: { [s.name]: v } })}
            testId={`task-knob-${index}-${s.name}`}
            title={`${s.label}: ${s.help} (${s.min}–${s.max})`}
            className="compact"
          />
        ))}
      </div>
    </article>
  );
});

/** A card per task: live numbers and knobs (applied while training), and the add-task picker. */
export function TaskBoard() {
  const tasks = useApp((s) => s.tasks);
  const version = useStaggeredMetricsVersion(4, (m) => m.rev.steps + m.rev.eval);
  const metrics = useRunMetrics();
  const latest = useMemo(() => {
    void version;
    const w = latestValues(metrics.weights);
    const tr = latestValues(metrics.trainSmooth);
    const va = latestValues(metrics.val);
    const ac = latestValues(metrics.accuracy);
    return tasks.map((_, k) => ({
      weight: w[k] ?? NaN,
      train: tr[k] ?? NaN,
      val: va[k] ?? NaN,
      acc: ac[k] ?? NaN,
    }));
  }, [metrics, version, tasks]);
  const enabled = tasks.filter((t) => t.knobs.enabled).length;
  return (
    <section className="panel" aria-labelledby="tasks-h">
      <div className="panel-head">
        <h2 id="tasks-h">Tasks</h2>
        <span className="muted">{tasks.length} / 16</span>
      </div>
      <div className="task-board" data-testid="task-board">
        {tasks.map((t, k) => (
          <TaskCard
            key={`${k}:${t.id}`}
            task={t}
            index={k}
            latest={latest[k]}
            canRemove={tasks.length > 1}
            onlyEnabled={t.knobs.enabled && enabled === 1}
          />
        ))}
      </div>
      <AddTask />
    </section>
  );
}
