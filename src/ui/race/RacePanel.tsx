import { useState } from 'react';
import { MAX_CONTESTANTS } from '../../core/config/run-config';
import { formatBraceSpec } from '../../core/config/spec';
import { MIXERS, MIXER_NAMES } from '../../core/mixers/registry';
import { LastUpdate } from '../MixerPanel';
import { contestantColor } from '../palette';
import { useActions, useApp } from '../store-context';

/** One contestant: its colour, its mixer spec (editable: `pike{zeta2=0}`) and a remove button. */
function ContestantRow({ index, spec, label }: { index: number; spec: string; label: string }) {
  const a = useActions();
  const [text, setText] = useState(spec);
  const commit = () => {
    if (text.trim() === spec) return;
    if (!a.setContestant(index, text.trim())) setText(spec);
  };
  return (
    <li className="contestant-row" data-testid={`race-contestant-${index}`}>
      <span className="swatch big" style={{ background: contestantColor(index) }} />
      <div className="contestant-main">
        <span className="contestant-label">{label}</span>
        <input
          type="text"
          value={text}
          spellCheck={false}
          aria-label={`contestant ${index + 1} mixer spec`}
          data-testid={`race-spec-${index}`}
          list="race-mixers"
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setText(spec);
          }}
        />
      </div>
      <button
        type="button"
        className="btn icon ghost"
        data-testid={`race-remove-${index}`}
        onClick={() => a.removeContestant(index)}
        aria-label={`Remove ${label}`}
        title="Remove this contestant"
      >
        ✕
      </button>
    </li>
  );
}

/**
 * The sidebar's race panel (in place of the mixer panel while racing): the contestants with
 * their colours, add / remove, and "End race" (keeps the followed contestant's mixer).
 */
export function RacePanel() {
  const race = useApp((s) => s.config.race ?? []);
  const selected = useApp((s) => s.selectedRun);
  const runs = useApp((s) => s.runs);
  const a = useActions();
  const followed = runs[selected];
  const pikeLike = followed && (followed.mixer === 'pike' || followed.mixer === 'balanced-pike');
  return (
    <section className="panel race-panel" aria-labelledby="race-h">
      <div className="panel-head">
        <h2 id="race-h">Race</h2>
        <button
          type="button"
          className="btn small"
          data-testid="race-end"
          onClick={a.endRace}
          title="Back to one run, with the followed contestant's mixer"
        >
          End race
        </button>
      </div>
      <p className="summary">
        Contestants train in turn on the same tasks, model, seed and data streams; only the mixer
        differs. Edit a spec (e.g. <code>pike{'{zeta2=0}'}</code>) and press Enter: the race
        restarts.
      </p>
      <ol className="contestants">
        {race.map((c, i) => {
          const spec = formatBraceSpec(c.name, c.knobs);
          const label = runs[i]?.spec === spec ? runs[i].label : spec;
          // Keyed by its spec: a changed contestant's field starts from the new spec.
          return <ContestantRow key={`${i}:${spec}`} index={i} spec={spec} label={label} />;
        })}
      </ol>
      <datalist id="race-mixers">
        {MIXER_NAMES.map((n) => (
          <option key={n} value={n}>
            {MIXERS[n].label}
          </option>
        ))}
      </datalist>
      <button
        type="button"
        className="btn small"
        data-testid="race-add"
        onClick={a.addContestant}
        disabled={race.length >= MAX_CONTESTANTS}
        title={`Up to ${MAX_CONTESTANTS} contestants`}
      >
        + Add contestant
      </button>
      {pikeLike && <LastUpdate />}
    </section>
  );
}
