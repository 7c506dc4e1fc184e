/**
 * The backend badge in the header: the tfjs backend in use, and on hover or focus a tooltip with
 * how it was chosen (measured now, remembered, forced), every candidate's measured tokens/s or
 * why it was skipped, the GPU adapter, and the wasm thread count. The ↻ button next to it
 * forgets the remembered choice and measures again. The tooltip is an element rather than a
 * `title` so that it can hold a table, shows at once, and reaches keyboard users.
 */
import { useRef, useState, type CSSProperties } from 'react';
import { thousands } from '../core/config/catalogue';
import type { BackendInfo } from '../core/protocol';
import { useActions, useApp } from './store-context';

/** Widest the tooltip gets (px); narrower windows get their width less a margin. */
const TOOLTIP_MAX = 520;

/**
 * Where the tooltip goes (it is position: fixed): under the badge, right-aligned with it, or
 * from the left margin when that would cross the window's left edge (narrow, wrapped header).
 */
export function tooltipPlace(badge: DOMRect, viewportWidth: number): CSSProperties {
  const width = Math.min(TOOLTIP_MAX, viewportWidth - 16);
  const top = badge.bottom + 6;
  return badge.right - width >= 8
    ? { top, right: viewportWidth - badge.right, maxWidth: width }
    : { top, left: 8, maxWidth: width };
}

const tps = (v: number) => `${thousands(Math.round(v))} tok/s`;

/** One line on how the backend was chosen. */
export function choiceText(b: BackendInfo, requested: string | undefined): string {
  if (b.choice === 'forced') {
    return requested
      ? `forced by ?backend=${requested} (nothing measured or remembered)`
      : 'forced by a restart on the fallback backend';
  }
  if (b.choice === 'remembered') {
    const when = b.measuredAt ? new Date(b.measuredAt).toLocaleString() : 'an earlier visit';
    return `remembered from a measurement in this browser (${when}); ↻ measures again`;
  }
  const timed = b.candidates.filter((c) => c.tokensPerSec).length;
  const secs = b.measureMs !== undefined ? ` in ${(b.measureMs / 1000).toFixed(1)} s` : '';
  return timed > 1
    ? `measured now: the fastest of ${timed} backends${secs}`
    : `measured now${secs}: the only backend left after the skips`;
}

/**
 * The wasm line: which binary and how many threads. Threads need a cross-origin-isolated page
 * (COOP + COEP headers); tfjs then uses half the logical cores, at most 8.
 */
export function wasmText(b: BackendInfo, isolated: boolean, cores: number | undefined): string {
  const n = b.threads ?? 1;
  const threads = `${n} thread${n === 1 ? '' : 's'}`;
  if (b.wasmBinary === 'threaded-simd') {
    return `threaded SIMD binary, ${threads} (tfjs uses half of the ${cores ?? '?'} logical cores, at most 8)`;
  }
  const binary = b.wasmBinary === 'simd' ? 'SIMD binary' : 'plain binary';
  if (b.wasmNote) return `${binary}, ${threads}: ${b.wasmNote}`;
  return isolated
    ? `${binary}, ${threads}: this browser offers no wasm threads`
    : `${binary}, ${threads}: the page is not cross-origin isolated (COOP/COEP headers), so no threads`;
}

function Tooltip({
  b,
  requested,
  style,
}: {
  b: BackendInfo;
  requested: string | undefined;
  style: CSSProperties;
}) {
  const isolated = Boolean(globalThis.crossOriginIsolated);
  const cores = globalThis.navigator?.hardwareConcurrency;
  return (
    <div
      className="tooltip"
      role="tooltip"
      id="backend-tooltip"
      data-testid="backend-tooltip"
      style={style}
    >
      <div className="tooltip-title">
        tfjs backend: <strong>{b.name}</strong>
      </div>
      <div>{choiceText(b, requested)}</div>
      {b.includedSoftware && (
        <div>?measure=all: software adapters measured too (this choice is not remembered)</div>
      )}
      {b.adapter && <div>adapter: {b.adapter}</div>}
      {b.name === 'wasm' && <div>wasm: {wasmText(b, isolated, cores)}</div>}
      {b.fallbackReason && <div className="tooltip-warn">fallback: {b.fallbackReason}</div>}
      {b.candidates.length > 0 && (
        <table className="tooltip-table">
          <tbody>
            {b.candidates.map((c) => (
              <tr key={c.name} className={c.name === b.name ? 'chosen' : ''}>
                <th scope="row">{c.name}</th>
                <td className="num">{c.tokensPerSec ? tps(c.tokensPerSec) : '—'}</td>
                <td>
                  {c.name === b.name ? `chosen${c.note ? `; ${c.note}` : ''}` : (c.note ?? '')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function BackendBadge() {
  const backend = useApp((s) => s.backend);
  const building = useApp((s) => s.building);
  const status = useApp((s) => s.status);
  const measuring = useApp((s) => s.measuring);
  const requested = useApp((s) => s.requestedBackend);
  const a = useActions();
  const badge = useRef<HTMLSpanElement>(null);
  const [place, setPlace] = useState<CSSProperties>({});
  const placeTooltip = () => {
    const r = badge.current?.getBoundingClientRect();
    if (r) setPlace(tooltipPlace(r, document.documentElement.clientWidth));
  };
  const cls = !backend ? 'pending' : backend.fallbackReason ? 'fallback' : 'ok';
  return (
    <div className="backend-wrap">
      <span
        className={`badge backend ${cls}`}
        data-testid="backend-badge"
        data-backend={backend?.name ?? ''}
        data-choice={backend?.choice ?? ''}
        tabIndex={0}
        aria-describedby="backend-tooltip"
        ref={badge}
        onMouseEnter={placeTooltip}
        onFocus={placeTooltip}
      >
        {backend ? backend.name : (measuring ?? 'starting…')}
        {building && status !== 'error' && backend && (
          <span className="badge-note"> · building</span>
        )}
      </span>
      <button
        type="button"
        className="btn ghost icon remeasure"
        data-testid="backend-remeasure"
        onClick={a.remeasureBackend}
        disabled={Boolean(requested) || !backend}
        aria-label="Measure the backends again"
        title={
          requested
            ? `?backend=${requested} forces the backend: remove it to measure`
            : 'Measure the backends again (starts a new model)'
        }
      >
        ↻
      </button>
      {backend ? (
        <Tooltip b={backend} requested={requested} style={place} />
      ) : (
        <div
          className="tooltip"
          role="tooltip"
          id="backend-tooltip"
          data-testid="backend-tooltip"
          style={place}
        >
          {measuring
            ? `${measuring}: timing a few training steps of this model on each backend`
            : 'starting the training worker…'}
        </div>
      )}
    </div>
  );
}
