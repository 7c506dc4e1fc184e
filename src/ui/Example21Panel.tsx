/**
 * "The maths, live": the PiKE paper's Example 2.1 with sliders. The numbers come from the
 * engine's own code (src/core/mixers/example-2-1.ts: pike-kkt's solver for w*, pike's update for
 * the path); this file only draws them. Closed, it renders nothing but its summary.
 */
import { useState } from 'react';
import { example21, example21Bound, type Example21Input } from '../core/mixers/example-2-1';
import { taskColor } from './palette';

const PIKE_UPDATES = 5;
const PIKE_ZETA1 = 1;

interface Slider {
  key: keyof Example21Input;
  label: string;
  min: number;
  max: number;
  step: number;
}

const SLIDERS: readonly Slider[] = [
  { key: 'theta1', label: 'θ₁', min: 0, max: 2, step: 0.05 },
  { key: 'theta2', label: 'θ₂', min: 0, max: 2, step: 0.05 },
  { key: 'sigma1sq', label: 'σ₁²', min: 0, max: 10, step: 0.1 },
  { key: 'sigma2sq', label: 'σ₂²', min: 0, max: 10, step: 0.1 },
  { key: 'b', label: 'b', min: 1, max: 64, step: 1 },
  { key: 'eta', label: 'η', min: 0.05, max: 1.5, step: 0.05 },
];

/** Gradient term favours task 1, variance term favours task 2: they pull apart. */
const START: Example21Input = {
  theta1: 1,
  theta2: 0.5,
  sigma1sq: 4,
  sigma2sq: 0.5,
  b: 4,
  eta: 0.5,
};

const f3 = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
const pct = (w: number) => `${(100 * w).toFixed(1)}%`;

/** B(w₁) over [0, 1] with w*, uniform and PiKE's path marked. */
function BoundPlot({
  lambda,
  kappa,
  w1,
  path,
}: {
  lambda: number[];
  kappa: number[];
  w1: number;
  path: number[];
}) {
  const W = 320;
  const H = 150;
  const pad = { l: 46, r: 10, t: 10, b: 30 };
  const xs = Array.from({ length: 101 }, (_, i) => i / 100);
  const ys = xs.map((x) => example21Bound(x, lambda, kappa));
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const span = hi - lo || 1;
  const px = (x: number) => pad.l + x * (W - pad.l - pad.r);
  const py = (y: number) => pad.t + (1 - (y - lo) / span) * (H - pad.t - pad.b);
  const d = xs
    .map((x, i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(ys[i]).toFixed(1)}`)
    .join('');
  const at = (x: number) => example21Bound(x, lambda, kappa);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="ex21-plot"
      role="img"
      aria-label={`The bound over w₁: lowest at w₁* = ${pct(w1)}; PiKE's updates from uniform go ${path.map(pct).join(', ')}.`}
      data-testid="ex21-plot"
    >
      <line x1={pad.l} x2={W - pad.r} y1={H - pad.b} y2={H - pad.b} stroke="#9aa1ad" />
      <line x1={pad.l} x2={pad.l} y1={pad.t} y2={H - pad.b} stroke="#9aa1ad" />
      {[0, 0.25, 0.5, 0.75, 1].map((x) => (
        <text key={x} x={px(x)} y={H - pad.b + 14} textAnchor="middle" className="ex21-tick">
          {x}
        </text>
      ))}
      <text x={(pad.l + W - pad.r) / 2} y={H - 2} textAnchor="middle" className="ex21-tick">
        w₁ (share of task 1)
      </text>
      <text
        x={10}
        y={(pad.t + H - pad.b) / 2}
        textAnchor="middle"
        className="ex21-tick"
        transform={`rotate(-90 10 ${(pad.t + H - pad.b) / 2})`}
      >
        bound B(w)
      </text>
      <text x={pad.l - 4} y={py(hi) + 4} textAnchor="end" className="ex21-tick">
        {f3(hi)}
      </text>
      <text x={pad.l - 4} y={py(lo) + 4} textAnchor="end" className="ex21-tick">
        {f3(lo)}
      </text>
      <path d={d} fill="none" stroke="#1d2330" strokeWidth={1.5} />
      {path.map((x, i) => (
        <circle
          key={i}
          cx={px(x)}
          cy={py(at(x))}
          r={i === 0 ? 4 : 3}
          fill={i === 0 ? '#fff' : '#c0392b'}
          stroke="#c0392b"
          strokeWidth={1.5}
          opacity={i === 0 ? 1 : 0.35 + (0.65 * i) / path.length}
        />
      ))}
      <circle cx={px(w1)} cy={py(at(w1))} r={5} fill="#3445b4" data-testid="ex21-optimum" />
    </svg>
  );
}

/** Which way each term pulls, in words. */
function verdict(theta1: number, theta2: number, s1: number, s2: number): string {
  const grad = theta1 === theta2 ? 0 : theta1 > theta2 ? 1 : 2;
  const noise = s1 === s2 ? 0 : s1 < s2 ? 1 : 2;
  if (grad === 0 && noise === 0) return 'Both tasks look the same to the bound: w₁* = 50%.';
  if (grad === 0)
    return `Equal gradients: only the variance term acts, toward the quieter task ${noise}.`;
  if (noise === 0)
    return `Equal noise: only the gradient term acts, toward task ${grad} (larger θ²).`;
  return grad === noise
    ? `Both terms favour task ${grad}: larger gradient and less noise.`
    : `The terms pull apart: the gradient term toward task ${grad} (larger θ²), the variance term toward task ${noise} (less noise per batch).`;
}

function Body() {
  const [p, setP] = useState<Example21Input>(START);
  let r: ReturnType<typeof example21> | null = null;
  let problem: string | null = null;
  try {
    r = example21(p, { zeta1: PIKE_ZETA1, updates: PIKE_UPDATES });
  } catch (e) {
    problem = (e as Error).message;
  }
  return (
    <div className="ex21-body">
      <p className="ex21-lead">
        Two tasks, θ ∈ R², ℓ<sub>k</sub>(θ; x) = ½θ<sub>k</sub>² + xᵀθ with noise x ~ N(0, σ
        <sub>k</sub>²I). Task k’s gradient norm² is θ<sub>k</sub>² and its noise 2σ<sub>k</sub>².
        The bound on one SGD step, B(w) = Σ<sub>k</sub> w<sub>k</sub>λ<sub>k</sub> + ½w
        <sub>k</sub>²κ<sub>k</sub> with λ<sub>k</sub> = −ηθ<sub>k</sub>² + (η²/2b)·2σ<sub>k</sub>²
        and κ<sub>k</sub> = η²θ<sub>k</sub>², is lowest at w*.
      </p>
      <div className="ex21-sliders">
        {SLIDERS.map((s) => (
          <label key={s.key}>
            <span className="ex21-name">{s.label}</span>
            <input
              type="range"
              min={s.min}
              max={s.max}
              step={s.step}
              value={p[s.key]}
              data-testid={`ex21-${s.key}`}
              onChange={(e) => setP({ ...p, [s.key]: Number(e.target.value) })}
            />
            <output>{p[s.key]}</output>
          </label>
        ))}
      </div>
      {problem || !r ? (
        <p className="ex21-problem" role="status" data-testid="ex21-problem">
          {problem}
        </p>
      ) : (
        <div className="ex21-out">
          <div className="ex21-numbers">
            <p className="ex21-w">
              <span>optimal share of task 1, w₁*</span>
              <strong data-testid="ex21-w1">{pct(r.w1)}</strong>
              <span className="ex21-small" data-testid="ex21-w1-paper">
                pike-kkt’s solver; the paper’s closed form gives {pct(r.w1ClosedForm)}
              </span>
            </p>
            <table className="ex21-table">
              <thead>
                <tr>
                  <th />
                  <th>gradient pull ηθ²</th>
                  <th>noise push (η²/2b)·2σ²</th>
                </tr>
              </thead>
              <tbody>
                {[0, 1].map((k) => (
                  <tr key={k}>
                    <th style={{ color: taskColor(k) }}>task {k + 1}</th>
                    <td>{f3(p.eta * r.G[k])}</td>
                    <td>{f3(((p.eta * p.eta) / (2 * p.b)) * r.S[k])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="ex21-verdict" data-testid="ex21-verdict">
              {verdict(p.theta1, p.theta2, p.sigma1sq, p.sigma2sq)} Bound at w*:{' '}
              {f3(r.boundAtOptimum)}; at uniform weights: {f3(r.boundAtUniform)}.
            </p>
            <p className="ex21-pike" data-testid="ex21-pike">
              PiKE’s update from uniform (ζ₁ = {PIKE_ZETA1}, ζ₂ = ζ₁η: the bound’s own terms),{' '}
              {PIKE_UPDATES} steps: {r.pikePath.map(pct).join(' → ')}. It moves the way w* lies but,
              without the quadratic term, does not stop there while the statistics stay fixed; in
              training they change after every step.
            </p>
          </div>
          <figure className="ex21-figure">
            <BoundPlot lambda={r.lambda} kappa={r.kappa} w1={r.w1} path={r.pikePath} />
            <figcaption>
              <span className="ex21-key opt" /> w* (lowest bound){' '}
              <span className="ex21-key start" /> uniform start <span className="ex21-key pike" />{' '}
              PiKE’s updates
            </figcaption>
          </figure>
        </div>
      )}
    </div>
  );
}

export function Example21Panel() {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="panel ex21"
      data-testid="example21"
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <h2>The maths, live: the paper’s Example 2.1</h2>
        <span className="chart-sub">
          why the gradient term and the noise term pull the weights apart
        </span>
      </summary>
      {open && <Body />}
    </details>
  );
}
