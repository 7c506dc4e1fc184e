import { isMixerName, MIXERS, MIXER_NAMES, type MixerKnobSpec } from '../core/mixers/registry';
import type { MixerName } from '../core/types';
import { NumberField } from './NumberField';
import { taskColor } from './palette';
import { useActions, useApp, useStaggeredMetricsVersion, useTaskLabels } from './store-context';

/** Slider position 0..1000 ↔ value, logarithmic for knobs spanning decades. */
const SLIDER_MAX = 1000;
function toSlider(s: MixerKnobSpec, v: number): number {
  if (s.scale === 'log' && s.min > 0)
    return (Math.log(v / s.min) / Math.log(s.max / s.min)) * SLIDER_MAX;
  return ((v - s.min) / (s.max - s.min)) * SLIDER_MAX;
}
function fromSlider(s: MixerKnobSpec, p: number): number {
  const raw =
    s.scale === 'log' && s.min > 0
      ? s.min * Math.pow(s.max / s.min, p / SLIDER_MAX)
      : s.min + (p / SLIDER_MAX) * (s.max - s.min);
  const snapped = s.kind === 'integer' ? Math.round(raw) : Number(raw.toPrecision(3));
  return Math.min(s.max, Math.max(s.min, snapped));
}

function Knob({ spec, value }: { spec: MixerKnobSpec; value: number | boolean }) {
  const a = useActions();
  if (spec.kind === 'boolean') {
    return (
      <div className="knob">
        <label className="toggle">
          <input
            type="checkbox"
            checked={Boolean(value)}
            data-testid={`mixer-knob-${spec.name}`}
            onChange={(e) => a.setMixerKnob(spec.name, e.target.checked)}
          />
          {spec.label}
        </label>
        <p className="help">{spec.help}</p>
      </div>
    );
  }
  const v = Number(value);
  return (
    <div className="knob">
      <div className="knob-row">
        <span className="knob-label">{spec.label}</span>
        <input
          type="range"
          min={0}
          max={SLIDER_MAX}
          value={toSlider(spec, v)}
          aria-label={spec.label}
          data-testid={`mixer-knob-${spec.name}-slider`}
          onChange={(e) => a.setMixerKnob(spec.name, fromSlider(spec, Number(e.target.value)))}
        />
        <NumberField
          label=""
          value={v}
          min={spec.min}
          max={spec.max}
          step={spec.step}
          className="knob-num"
          ariaLabel={`${spec.label} (value)`}
          onCommit={(x) => a.setMixerKnob(spec.name, x)}
          testId={`mixer-knob-${spec.name}`}
        />
      </div>
      <p className="help">{spec.help}</p>
    </div>
  );
}

function WeightsEditor({ name }: { name: MixerName }) {
  const weights = useApp((s) => s.config.mixer.weights);
  const labels = useTaskLabels();
  const a = useActions();
  const K = labels.length;
  const w = weights ?? Array(K).fill(1);
  const total = w.reduce((x, y) => x + y, 0);
  const set = (k: number, v: number) => a.setMixerWeights(w.map((x, i) => (i === k ? v : x)));
  return (
    <div className="weights-editor">
      <div className="sub-head">
        <span>
          {name === 'static' ? 'Weights (fixed, normalised)' : 'Initial weights (where it starts)'}
        </span>
        <button
          type="button"
          className="btn small ghost"
          onClick={() => a.setMixerWeights(undefined)}
          disabled={!weights}
          data-testid="mixer-weights-uniform"
        >
          uniform
        </button>
      </div>
      <div className="weights-grid">
        {labels.map((label, k) => (
          <div className="weight-item" key={k}>
            <span className="swatch" style={{ background: taskColor(k) }} />
            <NumberField
              label={label}
              value={w[k] ?? 1}
              min={0}
              step={0.1}
              onCommit={(v) => set(k, v)}
              testId={`mixer-weight-${k}`}
              className="compact"
            />
            <span className="share">
              {total > 0 ? `${Math.round(((w[k] ?? 0) / total) * 100)}%` : '—'}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}

/** Splits a rule at its top-level "; " (not inside parentheses), one clause per line. */
export function ruleLines(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ';' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out.flatMap((l) => l.split(/, (?=then )/)).filter((l) => l !== '');
}

function Rule({ text }: { text: string }) {
  return (
    <pre className="rule" aria-label="update rule">
      {ruleLines(text).join('\n')}
    </pre>
  );
}

/**
 * doremi's reference run: a saved run (Compare runs) of the same tasks. Lists them, shows the
 * chosen one, and says how to make one when there is none.
 */
function ReferencePicker() {
  const a = useActions();
  const ref = useApp((s) => s.config.mixer.reference);
  const specs = useApp((s) => s.config.tasks.map((t) => t.spec).join('\u0000'));
  const runs = useApp((s) => s.savedRuns);
  const fits = runs.filter((r) => r.tasks.join('\u0000') === specs);
  const chosen = fits.find((r) => r.label === ref?.label);
  return (
    <div className="knob" data-testid="mixer-reference">
      <span className="knob-label">Reference run</span>
      <select
        className="reference-select"
        aria-label="reference run"
        data-testid="mixer-reference-select"
        value={chosen ? String(chosen.id) : ''}
        disabled={fits.length === 0}
        onChange={(e) => a.setMixerReference(Number(e.target.value))}
      >
        {!chosen && <option value="">{ref ? `${ref.label} (from the link)` : 'none saved'}</option>}
        {fits.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </select>
      <p className="help">
        {ref
          ? `Compares each task’s held-out loss with “${ref.label}” at the same step ` +
            `(${ref.steps.length} evaluations, steps ${ref.steps[0]}–${ref.steps.at(-1)}).`
          : 'Save a run of these tasks under Compare runs (e.g. with Uniform mix), then choose it here.'}
      </p>
    </div>
  );
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

/** A term as a bar from the centre: right (green) raises the weight, left (red) lowers it. */
function TermBar({ value, scale }: { value: number; scale: number }) {
  const w = scale > 0 ? Math.min(50, (50 * Math.abs(value)) / scale) : 0;
  return (
    <span className="term-bar" aria-hidden="true">
      <span
        className={value >= 0 ? 'term-up' : 'term-down'}
        style={value >= 0 ? { left: '50%', width: `${w}%` } : { right: '50%', width: `${w}%` }}
      />
    </span>
  );
}

/**
 * PiKE's last update, per task: the gradient term +ζ₁G_k/s, the variance term −ζ₂S_k/(2b·s)
 * and the weight before and after, so a learner sees which term moved what.
 */
export function LastUpdate() {
  useStaggeredMetricsVersion(4, (m) => m.rev.stats);
  const d = useApp((s) => (s.replay?.view ?? s.metrics).lastUpdate);
  const labels = useTaskLabels();
  if (!d) {
    return (
      <p className="hint" data-testid="pike-terms-empty">
        The first update&apos;s terms show here once training starts.
      </p>
    );
  }
  const scale = Math.max(...d.gradTerm.map(Math.abs), ...d.varianceTerm.map(Math.abs));
  return (
    <div className="pike-terms" data-testid="pike-terms">
      <div className="plot-title">Step {d.step} update: what moved each weight</div>
      <table>
        <thead>
          <tr>
            <th>Task</th>
            <th title="+ζ₁‖∇L_k‖²/s: pulls weight toward the task">gradient</th>
            <th title="−ζ₂σ_k²/(2b·s): pushes weight away from a noisy task">variance</th>
            <th>weight</th>
          </tr>
        </thead>
        <tbody>
          {d.before.map((w0, k) => {
            const w1 = d.after[k];
            return (
              <tr key={k} data-testid={`pike-terms-${k}`}>
                <td className="pike-terms-task" title={labels[k]}>
                  <span className="swatch" style={{ background: taskColor(k) }} />
                  {labels[k] ?? `task ${k}`}
                </td>
                <td>
                  <TermBar value={d.gradTerm[k]} scale={scale} />
                  {signed(d.gradTerm[k])}
                </td>
                <td>
                  <TermBar value={d.varianceTerm[k]} scale={scale} />
                  {signed(d.varianceTerm[k])}
                </td>
                <td title={`change ${signed(w1 - w0)}`}>
                  {w0.toFixed(2)} →{' '}
                  <span className={w1 >= w0 ? 'term-up-text' : 'term-down-text'}>
                    {w1.toFixed(2)}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="help">
        Terms are log-weight changes: each weight is multiplied by exp(gradient + variance − their
        mean over tasks), then renormalised and floored, so only differences between tasks move
        weight.
      </p>
    </div>
  );
}

export function MixerPanel() {
  const name = useApp((s) => s.config.mixer.name);
  const knobs = useApp((s) => s.config.mixer.knobs);
  const a = useActions();
  const def = MIXERS[name];
  return (
    <section className="panel" aria-labelledby="mixer-h">
      <div className="panel-head">
        <h2 id="mixer-h">Mixer</h2>
        <select
          data-testid="mixer-select"
          value={name}
          onChange={(e) => isMixerName(e.target.value) && a.setMixer(e.target.value)}
          aria-label="mixer"
        >
          {MIXER_NAMES.map((n) => (
            <option key={n} value={n}>
              {MIXERS[n].label}
            </option>
          ))}
        </select>
      </div>
      <p className="summary">{def.summary}</p>
      <Rule text={def.rule} />
      {def.knobs.length > 0 && (
        <div className="knobs">
          {def.knobs.map((k) => (
            <Knob
              key={k.name}
              spec={k}
              value={(knobs[k.name] as number | boolean | undefined) ?? k.default}
            />
          ))}
        </div>
      )}
      {(name === 'pike' || name === 'balanced-pike') && <LastUpdate />}
      {def.usesReference && <ReferencePicker />}
      {def.usesInitialWeights && <WeightsEditor name={name} />}
      <p className="hint">Changes apply at the next step, also while training.</p>
      <button
        type="button"
        className="btn race-start"
        data-testid="race-button"
        onClick={a.startRace}
        title="Train this mixer and others side by side: same tasks, model, seed and data streams"
      >
        Race against other mixers
      </button>
    </section>
  );
}
