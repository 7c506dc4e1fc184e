import { fallbackBackend } from '../store/backend-choice';
import { useActions, useApp } from './store-context';

/** The one place errors show: link, import, config and worker errors, with a way to go on. */
export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const backend = useApp((s) => s.backend?.name ?? s.requestedBackend);
  const a = useActions();
  if (!error) return null;
  const fallback = fallbackBackend(backend);
  return (
    <div className="banner error" role="alert" data-testid="error-banner" data-kind={error.kind}>
      <div className="banner-text">
        <strong>{error.title}.</strong> <span className="banner-message">{error.message}</span>
      </div>
      <div className="banner-actions">
        {error.recoverable && (
          <>
            <button
              type="button"
              className="btn small primary"
              data-testid="restart-button"
              onClick={() => a.restart(false)}
            >
              Restart{backend ? ` on ${backend}` : ''}
            </button>
            {fallback && fallback !== backend && (
              <button
                type="button"
                className="btn small"
                data-testid="restart-fallback-button"
                onClick={() => a.restart(true)}
              >
                Restart on {fallback}
              </button>
            )}
          </>
        )}
        <button
          type="button"
          className="btn small ghost"
          data-testid="dismiss-error"
          onClick={a.dismissError}
          aria-label="Dismiss"
        >
          ✕
        </button>
      </div>
    </div>
  );
}

/** Non-fatal worker messages (e.g. a mixer kept its weights), the last few, deduplicated. */
export function Warnings() {
  const warnings = useApp((s) => s.warnings);
  const note = useApp((s) => s.resetNote);
  const a = useActions();
  if (warnings.length === 0 && !note) return null;
  return (
    <div className="notices">
      {note && (
        <div className="banner info" data-testid="reset-note">
          Training was reset ({note}): a new model starts at step 0.
        </div>
      )}
      {warnings.length > 0 && (
        <div className="banner warn" data-testid="warnings">
          <ul>
            {warnings.map((w) => (
              <li key={w.id}>
                {w.message}
                {w.count > 1 && <span className="count"> ×{w.count}</span>}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="btn small ghost"
            onClick={a.dismissWarnings}
            aria-label="Dismiss warnings"
          >
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
