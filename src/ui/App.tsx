import type { AppStore } from '../store/store';
import { AccuracyChart } from './charts/AccuracyChart';
import { CompareChart } from './charts/CompareChart';
import { ConflictMatrix } from './charts/ConflictMatrix';
import { LossChart } from './charts/LossChart';
import { StatsChart } from './charts/StatsChart';
import { WeightsChart } from './charts/WeightsChart';
import { ErrorBanner, Warnings } from './ErrorBanner';
import { Header } from './Header';
import { HowToRead } from './HowToRead';
import { MixerPanel } from './MixerPanel';
import { ModelPanel } from './ModelPanel';
import { StoreContext, useActions, useApp } from './store-context';
import { TaskBoard } from './TaskBoard';
import { useKeyboard } from './useKeyboard';

function Layout({ store }: { store: AppStore }) {
  useKeyboard(useActions());
  const hasAccuracy = useApp((s) => s.tasks.some((t) => t.metric === 'accuracy'));
  return (
    <div className="app">
      <Header store={store} />
      <ErrorBanner />
      <div className="layout">
        <aside className="sidebar">
          <TaskBoard />
          <MixerPanel />
          <ModelPanel />
          <HowToRead />
        </aside>
        <main className="charts">
          <Warnings />
          <div className="chart-row top">
            <WeightsChart />
            <LossChart />
            <ConflictMatrix />
          </div>
          <div className={`chart-row bottom${hasAccuracy ? ' three' : ''}`}>
            <StatsChart />
            <AccuracyChart />
            <CompareChart />
          </div>
        </main>
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
