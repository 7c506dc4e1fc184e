import { useEffect, useRef, type ReactNode } from 'react';
import type { HideName } from '../store/view-param';
import type { AppStore } from '../store/store';
import { AccuracyChart } from './charts/AccuracyChart';
import { CompareChart } from './charts/CompareChart';
import { ConflictMatrix } from './charts/ConflictMatrix';
import { LossChart } from './charts/LossChart';
import { StatsChart } from './charts/StatsChart';
import { WeightsChart } from './charts/WeightsChart';
import { ErrorBanner, Warnings } from './ErrorBanner';
import { Example21Panel } from './Example21Panel';
import { Header } from './Header';
import { HowToRead } from './HowToRead';
import { LessonCard } from './lessons/LessonCard';
import { MixerPanel } from './MixerPanel';
import { PresentMain } from './Present';
import { ReplayBar } from './ReplayBar';
import { tourSeen } from './tour-key';
import { contestantColor } from './palette';
import { RaceLeaderboard } from './race/RaceLeaderboard';
import { RaceLossChart } from './race/RaceLossChart';
import { RacePanel } from './race/RacePanel';
import { ModelPanel } from './ModelPanel';
import { SamplesPanel } from './SamplesPanel';
import { StoreContext, useActions, useApp } from './store-context';
import { TaskBoard } from './TaskBoard';
import { useKeyboard } from './useKeyboard';
import { useNarrow } from './useNarrow';
import { useVisibility } from './useVisibility';

/** In a race: which contestant the task cards and the per-run charts below follow. */
function Following() {
  const selected = useApp((s) => s.selectedRun);
  const label = useApp((s) => s.runs[s.selectedRun]?.label ?? '');
  return (
    <p className="following" data-testid="race-following">
      <span className="swatch" style={{ background: contestantColor(selected) }} />
      Below and in the task cards: <strong>{label}</strong> (click a leaderboard row to follow
      another contestant)
    </p>
  );
}

function Layout({ store }: { store: AppStore }) {
  const actions = useActions();
  useKeyboard(actions);
  useVisibility(actions);
  const hasAccuracy = useApp((s) => s.tasks.some((t) => t.metric === 'accuracy'));
  const racing = useApp((s) => s.config.race !== undefined);
  const contestants = useApp((s) => (s.config.race ? s.runs.length : 0));
  const present = useApp((s) => s.present);
  const embed = useApp((s) => s.embed);
  const replaying = useApp((s) => s.replay !== null);
  const narrow = useNarrow();
  const backendUp = useApp((s) => s.backend !== null);
  const tourStarted = useRef(false);
  useEffect(() => {
    // The first-visit tour, loaded only when it will show (driver.js and its CSS), once the
    // backend is up and the page idles: its first step points at Train, which is enabled then,
    // and starting it during load was 418 + 135 ms of blocking in Lighthouse's mobile emulation.
    if (present || embed || !backendUp || tourStarted.current || tourSeen()) return;
    let cancelled = false;
    const start = () => {
      if (cancelled || tourSeen()) return;
      tourStarted.current = true;
      void import('./tour').then((t) => t.startTour());
    };
    if (!('requestIdleCallback' in window)) return void start();
    const id = window.requestIdleCallback(start, { timeout: 3000 });
    return () => {
      cancelled = true;
      window.cancelIdleCallback(id);
    };
  }, [present, embed, backendUp]);
  const hide = useApp((s) => s.hide);
  const shown = (name: HideName) => !hide.includes(name);
  const panels = [
    shown('tasks') && <TaskBoard key="tasks" />,
    shown('mixer') && (racing ? <RacePanel key="mixer" /> : <MixerPanel key="mixer" />),
    shown('model') && <ModelPanel key="model" />,
    shown('howto') && <HowToRead key="howto" />,
  ].filter(Boolean);
  // A replay shows the file's setup in the panels, read-only: nothing trains until it ends.
  const sidebar = panels.length > 0 && (
    <aside className={`sidebar${replaying ? ' replaying' : ''}`} inert={replaying}>
      {panels}
    </aside>
  );
  if (present) {
    return (
      <div className="app present">
        <Header store={store} />
        <ErrorBanner />
        <PresentMain />
      </div>
    );
  }
  const row = (items: ReactNode[]) => items.filter(Boolean);
  const top = row([
    !racing && shown('weights') && <WeightsChart key="weights" />,
    shown('loss') && <LossChart key="loss" />,
    shown('conflict') && <ConflictMatrix key="conflict" />,
  ]);
  const bottom = row([
    shown('stats') && <StatsChart key="stats" />,
    shown('accuracy') && <AccuracyChart key="accuracy" />,
    shown('compare') && <CompareChart key="compare" />,
  ]);
  const raceTop = row([
    shown('loss') && <RaceLossChart key="loss" />,
    shown('leaderboard') && <RaceLeaderboard key="leaderboard" />,
  ]);
  return (
    <div className={`app${embed ? ' embed' : ''}`}>
      <Header store={store} />
      <ErrorBanner />
      <ReplayBar />
      <div className={`layout${narrow ? ' narrow' : ''}${sidebar ? '' : ' no-sidebar'}`}>
        {/* Narrow screens: the charts first, the controls after them (DOM order = reading and
            focus order; useNarrow.ts). */}
        {!narrow && sidebar}
        <main className="charts">
          <Warnings />
          {shown('lesson') && <LessonCard />}
          {racing && (
            <>
              {raceTop.length > 0 && (
                <div className={`chart-row race n${raceTop.length}`}>{raceTop}</div>
              )}
              {shown('weights') && (
                <div className={`chart-row race-weights n${contestants}`}>
                  {Array.from({ length: contestants }, (_, i) => (
                    <WeightsChart key={i} run={i} />
                  ))}
                </div>
              )}
            </>
          )}
          {racing && <Following />}
          {top.length > 0 && (
            <div className={`chart-row top${racing ? ' racing' : ''} n${top.length}`}>{top}</div>
          )}
          {bottom.length > 0 && (
            <div className={`chart-row bottom${hasAccuracy ? ' three' : ''} n${bottom.length}`}>
              {bottom}
            </div>
          )}
          {shown('samples') && <SamplesPanel />}
          {shown('example') && <Example21Panel />}
        </main>
        {narrow && sidebar}
      </div>
    </div>
  );
}

/** The playground page. The store (and its worker client) is made by main.tsx. */
export function App({ store }: { store: AppStore }) {
  return (
    <StoreContext.Provider value={store}>
      <Layout store={store} />
    </StoreContext.Provider>
  );
}
