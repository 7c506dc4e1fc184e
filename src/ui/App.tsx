import { PRESET_NAMES } from '../engine/config/presets';

/**
 * The application shell. The interactive playground (worker, charts, task board) is built on
 * top of this in the browser issue; for now the page lists what the engine offers.
 */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '2rem auto' }}>
      <h1>PiKE Playground</h1>
      <p>
        Train small multi-task transformers in your browser and watch the PiKE data mixer adapt the
        batch composition. The training engine is ready; the interactive page is in progress.
        Meanwhile run experiments from the command line with <code>npm run experiment</code>.
      </p>
      <h2>Presets</h2>
      <ul>
        {PRESET_NAMES.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
    </main>
  );
}
