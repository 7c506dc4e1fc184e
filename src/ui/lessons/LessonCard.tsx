import { useEffect, useState } from 'react';
import { formatBraceSpec } from '../../core/config/spec';
import { latestValues, rowMeans } from '../../store/metrics';
import type { AppState } from '../../store/state';
import { useActions, useApp, useAppStore } from '../store-context';
import { advance, guideOf, type CheckResult, type LessonRun } from './guide';
import { LESSONS } from './lessons';

/** What the guide's checks read of the page (guide.ts). */
function lessonRun(s: AppState): LessonRun {
  const m = s.metrics;
  const frame = m.conflict.at(-1);
  const race = s.config.race?.map((c) => formatBraceSpec(c.name, c.knobs)) ?? null;
  return {
    step: s.step,
    mixer: race ? null : s.config.mixer.name,
    specs: s.config.tasks.map((t) => t.spec),
    weights: latestValues(m.weights),
    cosine: frame ? { k: frame.k, values: frame.cosine } : null,
    race,
    contestants: (race ?? []).map((spec, i) => {
      const r = s.runMetrics[i];
      const avg = r ? rowMeans(r.val).y.filter(Number.isFinite) : [];
      return {
        spec,
        steps: r?.lastStep ?? 0,
        avgVal: avg.at(-1) ?? NaN,
        val: r ? latestValues(r.val) : [],
      };
    }),
  };
}

const MARK: Record<CheckResult['state'], string> = { done: '✓', failed: '✗', waiting: '' };

/**
 * The preset's lesson: what to look for while it trains (in terms of PiKE's rule, and where the
 * claims report found PiKE does not win at this scale, saying so), its guided steps with their
 * live checks (guide.ts), and a one-click next experiment that sets up the race it suggests.
 */
export function LessonCard() {
  const preset = useApp((s) => s.preset);
  const race = useApp((s) => s.config.race);
  const present = useApp((s) => s.present);
  const store = useAppStore();
  const a = useActions();
  const lesson = LESSONS[preset];
  const steps = guideOf(preset);
  const current = race?.map((c) => formatBraceSpec(c.name, c.knobs)).join(',');
  const running = current === lesson.next.race.join(',');
  // The guide's progress on this preset; a new preset starts it again.
  const [progress, setProgress] = useState<{ preset: string; results: CheckResult[] }>({
    preset,
    results: [],
  });
  useEffect(() => {
    // The checks follow the store (the run's history, the race, the step): each change looks
    // again, and the progress changes only when a result did.
    const look = (st: AppState) => {
      if (st.replay) return; // a replay is not this page's run
      setProgress((p) => {
        const prior = p.preset === preset ? p.results : [];
        const next = advance(steps, prior, lessonRun(st)).results;
        const same =
          p.preset === preset &&
          next.length === p.results.length &&
          next.every((r, i) => JSON.stringify(r) === JSON.stringify(p.results[i]));
        return same ? p : { preset, results: next };
      });
    };
    return store.subscribe(look);
  }, [preset, steps, store]);
  const results = progress.preset === preset ? progress.results : [];
  const at = Math.max(
    0,
    results.findIndex((r) => r.state === 'waiting'),
  );
  const finished = results.length === steps.length && results.every((r) => r.state !== 'waiting');
  const where = finished ? 'all steps done' : `step ${at + 1} of ${steps.length}`;
  const now = results[at];
  return (
    <section className="card lesson-card" data-testid="lesson-card" data-preset={preset}>
      <div className="lesson-text">
        <h2>
          <span className="lesson-kicker">Lesson · {preset}</span> {lesson.title}
        </h2>
        <p>{lesson.look}</p>
      </div>
      <div className="lesson-next">
        {present ? (
          // Classroom mode: only the step on now, in one line.
          <p className="lesson-now" data-testid="lesson-now">
            {finished ? 'All steps done.' : `Step ${at + 1}/${steps.length}: ${steps[at].text}`}
          </p>
        ) : (
          <ol className="lesson-steps" data-testid="lesson-steps" aria-label={`Lesson, ${where}`}>
            {steps.map((s, i) => {
              const r = results[i];
              const state = r?.state ?? 'waiting';
              const on = !finished && i === at;
              return (
                <li
                  key={i}
                  className={`lesson-step ${state}${on ? ' current' : ''}`}
                  data-testid={`lesson-step-${i}`}
                  data-state={state}
                  aria-current={on ? 'step' : undefined}
                >
                  <span className="lesson-mark" aria-hidden="true">
                    {MARK[state] || (on ? '→' : '·')}
                  </span>
                  <span>
                    {s.text}
                    {r && r.state !== 'waiting' && r.detail && (
                      <span className="lesson-detail"> {r.detail}.</span>
                    )}
                    {on && now?.state === 'waiting' && now.hint && (
                      <span className="lesson-detail"> ({now.hint})</span>
                    )}
                  </span>
                </li>
              );
            })}
          </ol>
        )}
        <button
          type="button"
          className="btn primary"
          data-testid="lesson-next"
          disabled={running}
          onClick={() => a.setRace(lesson.next.race)}
          title={`Race ${lesson.next.race.join(' vs ')} on these tasks`}
        >
          {running ? 'This race is set up: press Train' : lesson.next.button}
        </button>
      </div>
    </section>
  );
}
