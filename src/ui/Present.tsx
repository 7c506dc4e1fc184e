import { ConflictMatrix } from './charts/ConflictMatrix';
import { LossChart } from './charts/LossChart';
import { WeightsChart } from './charts/WeightsChart';
import { LessonCard } from './lessons/LessonCard';
import { RaceLeaderboard } from './race/RaceLeaderboard';
import { RaceLossChart } from './race/RaceLossChart';
import { useApp } from './store-context';

/**
 * Classroom mode's main area: the lesson card, then only the charts a lesson talks about, sized
 * to fill the window (1280×720 shows everything without scrolling): weights, losses and the
 * conflict matrix; in a race, the race's loss chart, the leaderboard, the conflict matrix of the
 * followed contestant and every contestant's weights.
 */
export function PresentMain() {
  const racing = useApp((s) => s.config.race !== undefined);
  const contestants = useApp((s) => (s.config.race ? s.runs.length : 0));
  return (
    <main className="present-main" data-testid="present-main">
      <LessonCard />
      {racing ? (
        <div className={`present-grid race n${contestants}`}>
          <RaceLossChart />
          <RaceLeaderboard />
          <ConflictMatrix />
          <div className="present-weights">
            {Array.from({ length: contestants }, (_, i) => (
              <WeightsChart key={i} run={i} />
            ))}
          </div>
        </div>
      ) : (
        <div className="present-grid">
          <WeightsChart />
          <LossChart />
          <ConflictMatrix />
        </div>
      )}
    </main>
  );
}
