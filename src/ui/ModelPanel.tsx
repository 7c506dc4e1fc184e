import { MODEL_SIZES, type ModelSizeName } from '../core/config/presets';
import { MemoryEstimate } from './MemoryEstimate';
import { NumberField } from './NumberField';
import { useActions, useApp } from './store-context';

function paramCount(n: number | null): string {
  if (n === null) return '—';
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`;
}

/** Model shape, batch, seed and schedule (these reset training) and the optimizer (live). */
export function ModelPanel() {
  const c = useApp((s) => s.config);
  const numParams = useApp((s) => s.numParams);
  const a = useActions();
  const m = c.model;
  const o = c.optimizer;
  const sch = c.schedule;
  return (
    <section className="panel" aria-labelledby="model-h">
      <div className="panel-head">
        <h2 id="model-h">Model &amp; optimizer</h2>
        <span className="muted" data-testid="param-count" title="trainable parameters">
          {paramCount(numParams)} params
        </span>
      </div>
      <p className="hint warn-hint">
        Changing the model, batch size, seed or schedule resets training (a new model at step 0).
      </p>
      <MemoryEstimate />
      <div className="model-sizes" role="group" aria-label="model size">
        {(
          [
            ['lesson', 'Lesson size', 'the presets’ model: interactive on any backend'],
            [
              'gpu',
              'GPU-sized',
              'for a hardware GPU on webgpu (over the CPU backends’ 1 GiB budget at batch 32)',
            ],
          ] as [ModelSizeName, string, string][]
        ).map(([name, label, hint]) => {
          const size = MODEL_SIZES[name];
          const on = (Object.keys(size) as (keyof typeof size)[]).every((k) => m[k] === size[k]);
          return (
            <button
              key={name}
              type="button"
              className={`btn small ${on ? 'primary' : 'ghost'}`}
              aria-pressed={on}
              data-testid={`model-size-${name}`}
              title={`${size.layers} layers, width ${size.width}, ${size.heads} heads, context ${size.context}: ${hint}`}
              onClick={() => a.setModel({ ...size })}
            >
              {label}
            </button>
          );
        })}
      </div>
      <div className="field-grid">
        <NumberField
          label="layers"
          value={m.layers}
          min={1}
          max={6}
          step={1}
          onCommit={(v) => a.setModel({ layers: v })}
          testId="model-layers"
        />
        <NumberField
          label="heads"
          value={m.heads}
          min={1}
          max={8}
          step={1}
          onCommit={(v) => a.setModel({ heads: v })}
          testId="model-heads"
          title="width must be divisible by heads"
        />
        <NumberField
          label="width"
          value={m.width}
          min={16}
          max={256}
          step={16}
          onCommit={(v) => a.setModel({ width: v })}
          testId="model-width"
          title="Changing the width resets training"
        />
        <NumberField
          label="context"
          value={m.context}
          min={8}
          max={256}
          step={8}
          onCommit={(v) => a.setModel({ context: v })}
          testId="model-context"
          title="tokens per example (task token included)"
        />
        <NumberField
          label="dropout"
          value={m.dropout}
          min={0}
          max={0.5}
          step={0.05}
          onCommit={(v) => a.setModel({ dropout: v })}
          testId="model-dropout"
        />
        <NumberField
          label="batch"
          value={c.batchSize}
          min={1}
          max={512}
          step={1}
          onCommit={a.setBatchSize}
          testId="batch-size"
          title="examples per step, shared among the tasks by the mixer"
        />
        <NumberField
          label="seed"
          value={c.seed}
          min={0}
          step={1}
          onCommit={a.setSeed}
          testId="seed"
        />
        <NumberField
          label="eval every"
          value={sch.evalEvery}
          min={0}
          step={10}
          onCommit={(v) => a.setSchedule({ evalEvery: v })}
          testId="eval-every"
          title="steps between validation-loss measurements (0: never)"
        />
        <NumberField
          label="stats every"
          value={sch.statsEvery}
          min={0}
          step={10}
          onCommit={(v) => a.setSchedule({ statsEvery: v })}
          testId="stats-every"
          title="steps between gradient statistics for the charts (PiKE also measures every T₀)"
        />
      </div>
      <h3 className="sub-head">Optimizer · applies live</h3>
      <div className="field-grid">
        <label className="field">
          <span className="field-label">optimizer</span>
          <select
            value={o.name}
            data-testid="optimizer-select"
            onChange={(e) => a.setOptimizer({ name: e.target.value as typeof o.name })}
          >
            <option value="adam">Adam</option>
            <option value="adamw">AdamW</option>
            <option value="sgd">SGD</option>
          </select>
        </label>
        <NumberField
          label="learning rate"
          value={o.lr}
          min={0}
          max={10}
          step="any"
          onCommit={(v) => a.setOptimizer({ lr: v })}
          testId="learning-rate"
        />
        <NumberField
          label="warmup"
          value={o.warmupSteps}
          min={0}
          step={10}
          onCommit={(v) => a.setOptimizer({ warmupSteps: v })}
          testId="warmup"
          title="linear warmup steps"
        />
        <NumberField
          label="clip"
          value={o.clipNorm}
          min={0}
          step={0.5}
          onCommit={(v) => a.setOptimizer({ clipNorm: v })}
          testId="clip"
          title="global gradient-norm clip (0: off)"
        />
        <NumberField
          label="weight decay"
          value={o.weightDecay}
          min={0}
          max={1}
          step={0.01}
          onCommit={(v) => a.setOptimizer({ weightDecay: v })}
          testId="weight-decay"
          disabled={o.name !== 'adamw'}
          title="AdamW only"
        />
        <label className="field">
          <span className="field-label">lr decay</span>
          <select
            value={o.decay}
            data-testid="lr-decay"
            onChange={(e) => a.setOptimizer({ decay: e.target.value as typeof o.decay })}
          >
            <option value="none">none</option>
            <option value="cosine">cosine</option>
          </select>
        </label>
        {o.decay === 'cosine' && (
          <NumberField
            label="decay steps"
            value={o.totalSteps}
            min={1}
            step={100}
            onCommit={(v) => a.setOptimizer({ totalSteps: v })}
            testId="total-steps"
          />
        )}
      </div>
    </section>
  );
}
