/**
 * One experiment run (a mixer, a seed). Used by the experiment CLI, in process or in a job
 * process; evaluation is timed apart from training so ms/step is the training cost alone.
 * The summaries over runs live in summary.ts, which loads no tfjs.
 */
import type { ReferenceCurve, RunConfigInput } from '../core/config/run-config';
import { formatTaskWithKnobs } from '../core/config/spec';
import { getMixerDefinition } from '../core/mixers/registry';
import type { CorpusLoader } from '../core/tasks/corpus';
import { Trainer } from '../engine/trainer';
import type { MixerName } from '../core/types';
import type { RunResult } from '../core/config/results-schema';
import type { MixerVariant } from './args';
import { ConflictTally } from './conflict';
import { mean } from './summary';

// bench.ts takes mean from here.
export { mean } from './summary';

export interface RunSpec {
  base: RunConfigInput;
  mixer: MixerVariant;
  /** doremi's reference run (else the base setup's own, if any). */
  reference?: ReferenceCurve;
  seed: number;
  steps: number;
  evalEvery: number;
  /** Knob overrides shared by all mixers; each takes the ones it knows (the variant's win). */
  knobs: Record<string, number | boolean>;
  /** Gradient statistics every this many steps, to record the conflict (0 or absent: none). */
  statsEvery?: number;
  /** The steps the recorded conflict covers, both included (absent: the whole run). */
  conflictWindow?: { from: number; to: number };
}

/**
 * Names of the tasks in results.json and curves.csv: the task spec, or its brace spec with
 * knobs when two tasks share a spec (e.g. add{digits=2} and add{digits=4}).
 */
export function taskLabels(base: RunConfigInput): string[] {
  const specs = base.tasks.map((t) => t.spec);
  return base.tasks.map((t, k) =>
    specs.indexOf(t.spec) !== k || specs.lastIndexOf(t.spec) !== k
      ? formatTaskWithKnobs(t)
      : t.spec,
  );
}

/** A finished run as a reference curve for doremi (its held-out loss per task over steps). */
export function referenceOf(run: RunResult, base: RunConfigInput): ReferenceCurve {
  const labels = taskLabels(base);
  return {
    label: `${run.mixer} · seed ${run.seed}`,
    tasks: base.tasks.map((t) => t.spec),
    steps: run.curve.map((p) => p.step),
    valLoss: run.curve.map((p) => labels.map((l) => p.valLoss[l])),
  };
}

/** The subset of `knobs` that mixer `name` declares. */
export function knobsFor(
  name: MixerName,
  knobs: Record<string, number | boolean>,
): Record<string, number | boolean> {
  const known = new Set(getMixerDefinition(name).knobs.map((k) => k.name));
  return Object.fromEntries(Object.entries(knobs).filter(([k]) => known.has(k)));
}

export async function runOne(
  spec: RunSpec,
  corpus: CorpusLoader,
  log: (s: string) => void,
): Promise<RunResult> {
  const { name, knobs, label } = spec.mixer;
  const def = getMixerDefinition(name);
  const weights = def.usesInitialWeights ? spec.base.mixer.weights : undefined;
  const reference = def.usesReference ? (spec.reference ?? spec.base.mixer.reference) : undefined;
  const trainer = await Trainer.create(
    {
      ...spec.base,
      mixer: {
        name,
        knobs: { ...knobsFor(name, spec.knobs), ...knobs },
        ...(weights ? { weights } : {}),
        ...(reference ? { reference } : {}),
      },
      seed: spec.seed,
      // No display statistics unless asked (--stats-every): a mixer pays only for its own.
      schedule: {
        ...spec.base.schedule,
        statsEvery: spec.statsEvery ?? 0,
        evalEvery: 0,
        metricsEvery: 25,
      },
    },
    corpus,
  );
  const ids = taskLabels(spec.base);
  const curve: RunResult['curve'] = [];
  let trainMs = 0;
  let last: Awaited<ReturnType<Trainer['evaluate']>> | null = null;
  const window = spec.conflictWindow ?? { from: 1, to: spec.steps };
  const conflict = new ConflictTally(ids.length, window.from, window.to);
  try {
    for (let s = 1; s <= spec.steps; s++) {
      const t0 = performance.now();
      const events = await trainer.trainStep();
      for (const e of events) {
        if (e.type !== 'stats' || !spec.statsEvery || s % spec.statsEvery !== 0) continue;
        conflict.add(s, e.stats.cosine);
      }
      if (s === spec.steps) await trainer.flush(); // count the final readback as training time
      trainMs += performance.now() - t0;
      if (s % spec.evalEvery === 0 || s === spec.steps) {
        await trainer.flush();
        const weights = Array.from(trainer.currentWeights());
        last = await trainer.evaluate();
        const vals = Array.from(last.valLoss);
        curve.push({
          step: s,
          avgValLoss: mean(vals),
          worstValLoss: Math.max(...vals),
          valLoss: Object.fromEntries(ids.map((id, k) => [id, vals[k]])),
          weights,
        });
        log(
          `  ${label} seed ${spec.seed} step ${s}: avg val ${mean(vals).toFixed(3)}  w [${weights.map((w) => w.toFixed(2)).join(' ')}]`,
        );
      }
    }
  } finally {
    trainer.dispose();
  }
  const fin = curve[curve.length - 1];
  const tokens = trainer.config.batchSize * trainer.config.model.context;
  const msPerStep = trainMs / spec.steps;
  return {
    mixer: label,
    seed: spec.seed,
    steps: spec.steps,
    msPerStep,
    tokensPerSec: (tokens * 1000) / msPerStep,
    stepsToMixFinal: null,
    final: {
      avgValLoss: fin.avgValLoss,
      worstValLoss: fin.worstValLoss,
      valLoss: fin.valLoss,
      accuracy: Object.fromEntries(
        ids.flatMap((id, k) => (Number.isNaN(last!.accuracy[k]) ? [] : [[id, last!.accuracy[k]]])),
      ),
    },
    curve,
    ...(spec.statsEvery ? { conflict: conflict.summary(ids) } : {}),
  };
}
