import { useRef } from 'react';
import { PRESET_DESCRIPTIONS, PRESET_NAMES, type PresetName } from '../core/config/presets';
import { buildRunFile, importSizeProblem, metricsCsv } from '../store/run-file';
import { BackendBadge } from './BackendBadge';
import { EmbedCode } from './EmbedCode';
import { useActions, useApp, useHidden } from './store-context';
import { download, stamp } from './download';
import type { AppStore } from '../store/store';

function RunControls() {
  const status = useApp((s) => s.status);
  const step = useApp((s) => s.step);
  const tps = useApp((s) => s.tokensPerSec);
  const ready = useApp((s) => s.backend !== null);
  const replaying = useApp((s) => s.replay !== null);
  const a = useActions();
  const hideStep = useHidden('step');
  const hideReset = useHidden('reset');
  const running = status === 'running';
  const dead = status === 'error';
  return (
    <div className="run-controls">
      <button
        type="button"
        className={`btn ${running ? '' : 'primary'} train`}
        data-testid="train-button"
        onClick={a.toggleTrain}
        disabled={dead || !ready || replaying}
        title={
          replaying
            ? 'A replay is on: “Back to training” first'
            : dead
              ? 'Training stopped: Reset or Restart first'
              : 'Space'
        }
      >
        {running ? 'Pause' : 'Train'}
      </button>
      {!hideStep && (
        <button
          type="button"
          className="btn"
          data-testid="step-button"
          onClick={a.stepOnce}
          disabled={running || dead || !ready || replaying}
          title="One step (→)"
        >
          Step
        </button>
      )}
      {!hideReset && (
        <button
          type="button"
          className="btn"
          data-testid="reset-button"
          onClick={a.reset}
          disabled={replaying}
          title="New model from the current setup, step 0"
        >
          Reset
        </button>
      )}
      <div className="counter" title="optimizer steps of the current model">
        <span className="counter-label">step</span>
        <span className="counter-value" data-testid="step-counter">
          {step}
        </span>
      </div>
      <div className="counter" title="training tokens per second (smoothed)">
        <span className="counter-value" data-testid="throughput">
          {Math.round(tps)}
        </span>
        <span className="counter-label">tok/s</span>
      </div>
    </div>
  );
}

function FileButtons({ store }: { store: AppStore }) {
  const a = useActions();
  const input = useRef<HTMLInputElement>(null);
  const exportCsv = () => {
    const s = store.getState();
    download(
      `pike-${s.config.mixer.name}-${stamp()}.csv`,
      metricsCsv(
        s.metrics,
        s.tasks.map((t) => t.label),
      ),
      'text/csv',
    );
  };
  const exportJson = () => {
    const s = store.getState();
    const file = buildRunFile(
      s.config,
      s.preset,
      s.tasks.map((t) => t.label),
      s.step,
      s.metrics,
    );
    download(
      `pike-${s.config.mixer.name}-${stamp()}.json`,
      JSON.stringify(file),
      'application/json',
    );
  };
  const onFile = async (f: File | undefined) => {
    if (!f) return;
    // A file over the limit is refused by its size, before its bytes are read.
    const tooBig = importSizeProblem(f.size);
    if (tooBig) {
      a.showError({
        title: 'That file could not be imported',
        message: tooBig,
        kind: 'import',
        recoverable: false,
      });
    } else a.importRunFile(await f.text());
    if (input.current) input.current.value = '';
  };
  return (
    <div className="file-buttons">
      <button
        type="button"
        className="btn small ghost"
        data-testid="export-csv"
        onClick={exportCsv}
        title="Download the metrics as CSV"
      >
        CSV
      </button>
      <button
        type="button"
        className="btn small ghost"
        data-testid="export-json"
        onClick={exportJson}
        title="Download setup + curves as JSON"
      >
        JSON
      </button>
      <label
        className="btn small ghost"
        title="Load a run file exported from this page, or a results.json from npm run experiment (its curves go to Compare runs)"
      >
        Import
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          data-testid="import-json"
          className="visually-hidden"
          onChange={(e) => void onFile(e.target.files?.[0])}
        />
      </label>
      <EmbedCode />
    </div>
  );
}

/** Classroom mode and the tour. */
function ViewButtons() {
  const present = useApp((s) => s.present);
  const a = useActions();
  return (
    <div className="view-buttons">
      <button
        type="button"
        className={`btn small ${present ? 'primary' : 'ghost'}`}
        data-testid="present-toggle"
        aria-pressed={present}
        onClick={() => a.setPresent(!present)}
        title="Classroom mode: large type and only the lesson's charts (?present)"
      >
        {present ? 'Exit classroom' : 'Classroom'}
      </button>
      {!present && (
        <button
          type="button"
          className="btn small ghost"
          data-testid="tour-button"
          onClick={() => void import('./tour').then((t) => t.startTour())}
          title="A short tour of the page"
        >
          Tour
        </button>
      )}
    </div>
  );
}

/** The full page with this setup (the title of an embedded page links to it). */
function fullPageUrl(): string {
  return `${window.location.origin}${window.location.pathname}${window.location.hash}`;
}

export function Header({ store }: { store: AppStore }) {
  const preset = useApp((s) => s.preset);
  const present = useApp((s) => s.present);
  const embed = useApp((s) => s.embed);
  const hidePreset = useHidden('preset');
  const replaying = useApp((s) => s.replay !== null);
  const a = useActions();
  // The link's address is read when it is used: the hash follows the setup.
  const point = (e: { currentTarget: HTMLAnchorElement }) => {
    e.currentTarget.href = fullPageUrl();
  };
  return (
    <header className="app-header">
      <div className="brand">
        {embed ? (
          <h1>
            <a
              href={fullPageUrl()}
              target="_blank"
              rel="noopener"
              data-testid="embed-open"
              onMouseDown={point}
              onClick={point}
              onFocus={point}
              title="Open this setup in the full PiKE Playground"
            >
              PiKE Playground ↗
            </a>
          </h1>
        ) : (
          <>
            <h1>PiKE Playground</h1>
            <span className="tagline">adaptive data mixing, live</span>
          </>
        )}
      </div>
      {!hidePreset && (
        <label className="preset">
          <span>Preset</span>
          <select
            data-testid="preset-select"
            value={preset}
            disabled={replaying}
            onChange={(e) => a.setPreset(e.target.value as PresetName)}
            title={PRESET_DESCRIPTIONS[preset]}
          >
            {PRESET_NAMES.map((p) => (
              <option key={p} value={p} title={PRESET_DESCRIPTIONS[p]}>
                {p}
              </option>
            ))}
          </select>
        </label>
      )}
      <RunControls />
      <BackendBadge />
      {!embed && <ViewButtons />}
      {!present && !embed && <FileButtons store={store} />}
    </header>
  );
}
