import { useMemo } from 'react';
import { thousands } from '../core/config/catalogue';
import { estimateMemory, formatBytes, MEMORY_BUDGETS, MIN_BUDGET } from '../core/config/memory';
import { storedPoints } from '../store/metrics';
import { useApp } from './store-context';

/**
 * The setup's estimated peak memory against the budget of the backend in use (core/config/memory.ts),
 * with the parts in the tooltip. A setup over the budget is refused before it is built.
 */
export function MemoryEstimate() {
  const config = useApp((s) => s.config);
  const backend = useApp((s) => s.backend?.name ?? s.requestedBackend);
  const e = useMemo(() => estimateMemory(config), [config]);
  const used = useApp((s) => s.workerMemory);
  // The charts' history, every run's: it stays bounded however long training goes on.
  const points = useApp((s) => s.runMetrics.reduce((n, m) => n + storedPoints(m), 0));
  const budget = (backend && MEMORY_BUDGETS[backend]) || MIN_BUDGET;
  const share = Math.min(1, e.total / budget);
  const parts = [
    ['parameters', e.params],
    ['optimizer state', e.optimizer],
    ['gradients', e.gradients],
    ['activations (batch)', e.activations],
    ['statistics probes', e.probes],
  ] as const;
  const title =
    parts.map(([name, bytes]) => `${name}: ${formatBytes(bytes)}`).join('\n') +
    `\nbudget (${backend ?? 'any backend'}): ${formatBytes(budget)}` +
    (used ? `\nin use now: ${formatBytes(used.bytes)} in ${used.tensors} tensors` : '') +
    `\nchart history: ${thousands(points)} values`;
  return (
    <div
      className="memory-estimate"
      data-testid="memory-estimate"
      data-bytes={Math.round(e.total)}
      data-budget={budget}
      data-used={used?.bytes}
      data-tensors={used?.tensors}
      data-points={points}
      title={title}
    >
      <span>
        memory ≈ <strong>{formatBytes(e.total)}</strong> of {formatBytes(budget)}
        {backend ? ` (${backend})` : ''}
      </span>
      <span className="memory-bar" aria-hidden>
        <span className={share > 0.8 ? 'high' : ''} style={{ width: `${share * 100}%` }} />
      </span>
    </div>
  );
}
