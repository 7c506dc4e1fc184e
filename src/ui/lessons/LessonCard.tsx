import { formatBraceSpec } from '../../core/config/spec';
import { LESSONS } from './lessons';
import { useActions, useApp } from '../store-context';

/**
 * The preset's lesson: what to look for while it trains (in terms of PiKE's rule, and where the
 * claims report found PiKE does not win at this scale, saying so), and a one-click next
 * experiment that sets up the race it suggests.
 */
export function LessonCard() {
  const preset = useApp((s) => s.preset);
  const race = useApp((s) => s.config.race);
  const a = useActions();
  const lesson = LESSONS[preset];
  const current = race?.map((c) => formatBraceSpec(c.name, c.knobs)).join(',');
  const running = current === lesson.next.race.join(',');
  return (
    <section className="card lesson-card" data-testid="lesson-card" data-preset={preset}>
      <div className="lesson-text">
        <h2>
          <span className="lesson-kicker">Lesson · {preset}</span> {lesson.title}
        </h2>
        <p>{lesson.look}</p>
      </div>
      <div className="lesson-next">
        <p>{lesson.next.text}</p>
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
