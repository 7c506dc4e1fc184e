/// <reference types="vite-plugin-pwa/client" />
// First: configures zod for the CSP before any module below builds a schema.
import './pwa-csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import { createAppStore } from './store/store';
import { syncHashWithStore } from './store/url-sync';
import { App } from './ui/App';
import './ui/styles.css';
import { TrainingClient } from './worker/client';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// One store and one worker for the page's lifetime; boot reads the setup from the URL.
const store = createAppStore({ createClient: (onEvent) => new TrainingClient({ onEvent }) });
const warn = (message: string) => store.getState().actions.receive({ type: 'warning', message });

// Something the Content-Security-Policy blocked on the page (the worker reports its own): shown
// in the warnings banner, as a blocked script or style means part of the page does not work.
document.addEventListener('securitypolicyviolation', (e) => {
  const what = e.blockedURI === 'inline' ? 'inline code' : e.blockedURI || 'a resource';
  warn(`The page's security policy blocked ${what} (${e.effectiveDirective}).`);
});

store.getState().actions.boot({ hash: window.location.hash, search: window.location.search });
syncHashWithStore(store);
// The store as window.__pike in development builds, for debugging from the console.
if (import.meta.env.DEV) (window as unknown as { __pike?: unknown }).__pike = store;

// The service worker (built page only; a no-op under `npm run dev`) makes the page work offline
// after one visit. A new build's worker takes over at once; reloading for it is left to the
// user, as an automatic reload would end a running training.
registerSW({
  immediate: true,
  onNeedReload: () => warn('A new version of the page is installed: reload to use it.'),
});

createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
