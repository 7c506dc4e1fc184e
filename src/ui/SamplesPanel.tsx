import type { Sample } from '../core/protocol';
import { taskColor } from './palette';
import { useActions, useApp, useTaskLabels } from './store-context';

/** An answer's terminating newline shown as ⏎ (a text's newlines stay line breaks). */
const visibleNewlines = (s: string) => s.replace(/\n/g, '⏎');

function Writing({ s, previous }: { s: Sample; previous?: boolean }) {
  const scored = s.expected !== undefined;
  const visible = scored ? visibleNewlines : (x: string) => x;
  return (
    <div className={`writing${previous ? ' previous' : ''}`}>
      <p className="sample-text" dir="auto">
        <span className="prompt">{visible(s.prompt)}</span>
        <span className="output">{visible(s.output)}</span>
      </p>
      {scored && (
        <p
          className={`verdict ${s.correct ? 'right' : 'wrong'}`}
          data-correct={String(!!s.correct)}
        >
          <span aria-label={s.correct ? 'right' : 'wrong'}>{s.correct ? '✓' : '✗'}</span>
          {!s.correct && <> right answer: {visibleNewlines(s.expected ?? '')}</>}
        </p>
      )}
    </div>
  );
}

/**
 * "Watch the model write": at every evaluation, one held-out prompt per task (muted) and the
 * model's continuation (bold); algorithmic tasks answer greedily and get a tick or a cross.
 * The previous round stays beside the new one so progress shows.
 */
export function SamplesPanel() {
  const rounds = useApp((s) => s.replay?.samples ?? s.samples);
  const temperature = useApp((s) => s.temperature);
  const tasks = useApp((s) => s.tasks);
  const labels = useTaskLabels();
  const a = useActions();
  const [prev, cur] = rounds.length === 2 ? rounds : [undefined, rounds[0]];
  return (
    <section className="card samples-card">
      <header className="chart-head">
        <div className="chart-titles">
          <h2>The model writes</h2>
          <p className="chart-sub">
            held-out prompt (grey) and the model&apos;s continuation (bold), at every evaluation
            {cur
              ? ` · step ${cur.step}${Number.isFinite(cur.ms) ? ` · ${Math.round(cur.ms)} ms per round` : ''}`
              : ''}
          </p>
        </div>
        <label className="temperature" title="0: always the most likely byte; higher: more varied">
          temperature
          <input
            type="range"
            min={0}
            max={1.5}
            step={0.1}
            value={temperature}
            data-testid="samples-temperature"
            onChange={(e) => a.setTemperature(Number(e.target.value))}
          />
          <span className="value">{temperature.toFixed(1)}</span>
        </label>
      </header>
      <div className="samples-body" data-testid="samples-panel" data-step={cur?.step ?? ''}>
        {!cur && (
          <p className="chart-empty">
            The first samples come with the first evaluation: train a little.
          </p>
        )}
        {cur &&
          cur.samples.map((s, k) => {
            const old = prev?.samples[k]?.task === s.task ? prev.samples[k] : undefined;
            return (
              <div className="sample" key={`${k}:${s.task}`} data-testid={`sample-${k}`}>
                <div className="sample-task" title={tasks[k]?.label ?? s.task}>
                  <span className="swatch" style={{ background: taskColor(k) }} />
                  <span className="sample-task-name">{labels[k] ?? tasks[k]?.label ?? s.task}</span>
                </div>
                <Writing s={s} />
                {old && prev && (
                  <div className="sample-prev" title={`step ${prev.step}`}>
                    <span className="prev-step">step {prev.step}</span>
                    <Writing s={old} previous />
                  </div>
                )}
              </div>
            );
          })}
      </div>
    </section>
  );
}
