/** Number formatting shared by the panels and the charts' tooltips. */

/** 3 significant digits, exponent notation for very small or large magnitudes; "—" for NaN. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—');

/** "12.3k", "1.2M": for axis ticks. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return fmt(v, 3);
}

/**
 * A task's label short enough for legends and matrix axes: "UDHR German, Standard (1996)
 * (deu_1996)" → "German"; "Markov #3 (similarity 0.35)" → "Markov #3 (0.35)".
 */
export function shortLabel(label: string): string {
  if (label.startsWith('UDHR ')) {
    const name = label.slice(5).replace(/\s*\([^()]*\)$/, '');
    return name.split(/, | \(/)[0] || label;
  }
  const markov = /^Markov #(\d+) \(similarity ([\d.]+)\)$/.exec(label);
  if (markov) return `Markov #${markov[1]} (${markov[2]})`;
  return label;
}
