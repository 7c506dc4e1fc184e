import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from './store/store';
import { syncHashWithStore } from './store/url-sync';
import { App } from './ui/App';
import './ui/styles.css';
import { TrainingClient } from './worker/client';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// One store and one worker for the page's lifetime; boot reads the setup from the URL.
const store = createAppStore({ createClient: (onEvent) => new TrainingClient({ onEvent }) });
store.getState().actions.boot({ hash: window.location.hash, search: window.location.search });
syncHashWithStore(store);
// The store as window.__pike in development builds, for debugging from the console.
if (import.meta.env.DEV) (window as unknown as { __pike?: unknown }).__pike = store;

createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
