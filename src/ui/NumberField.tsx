import { useState, type KeyboardEvent } from 'react';

interface Props {
  label: string;
  value: number;
  /** Applies a value; return false when it was refused (the field stays red). */
  onCommit: (v: number) => boolean | void;
  min?: number;
  max?: number;
  step?: number | 'any';
  testId?: string;
  title?: string;
  disabled?: boolean;
  className?: string;
  /** The input's accessible name when `label` is empty (the label is shown elsewhere). */
  ariaLabel?: string;
}

/**
 * A labelled number input that applies its value on Enter or blur (not on every keystroke, so
 * typing "128" does not build models of width 1 and 12 first). Escape reverts.
 */
export function NumberField({
  label,
  value,
  onCommit,
  min,
  max,
  step = 'any',
  testId,
  title,
  disabled,
  className,
  ariaLabel,
}: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const [bad, setBad] = useState(false);
  const commit = () => {
    if (draft === null) return;
    const v = Number(draft);
    if (draft.trim() === '' || !Number.isFinite(v)) {
      setBad(true);
      return;
    }
    if (v === value) {
      setDraft(null);
      setBad(false);
      return;
    }
    const ok = onCommit(v) !== false;
    setBad(!ok);
    if (ok) setDraft(null);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') {
      setDraft(null);
      setBad(false);
    }
  };
  return (
    <label className={`field ${className ?? ''}`} title={title}>
      <span className="field-label">{label}</span>
      <input
        type="number"
        inputMode="decimal"
        value={draft ?? String(value)}
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        aria-invalid={bad}
        aria-label={ariaLabel ?? (label ? undefined : title)}
        className={bad ? 'invalid' : undefined}
        data-testid={testId}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={onKey}
      />
    </label>
  );
}
