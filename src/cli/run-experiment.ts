/**
 * One experiment run (a mixer, a seed) and the summary table over runs. Used by the experiment
 * CLI; evaluation is timed apart from training so ms/step is the training cost alone.
 */
import type { RunConfigInput } from '../engine/config/run-config';
import { getMixerDefinition } from '../engine/mixers/registry';
import type { CorpusLoader } from '../engine/tasks/corpus';
import { Trainer } from '../engine/trainer';
import type { MixerName } from '../engine/types';
import type { RunResult } from './results-schema';

export interface RunSpec {
  base: RunConfigInput;
  mixer: MixerName;
  seed: number;
  steps: number;
  evalEvery: number;
  /** Knob overrides; each mixer takes the ones it knows. */
  knobs: Record<string, number | boolean>;
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
  const trainer = await Trainer.create(
    {
      ...spec.base,
      mixer: { name: spec.mixer, knobs: knobsFor(spec.mixer, spec.knobs) },
      seed: spec.seed,
      // No display statistics: a mixer pays only for the statistics it asks for.
      schedule: { ...spec.base.schedule, statsEvery: 0, evalEvery: 0, metricsEvery: 25 },
    },
    corpus,
  );
  const ids = trainer.taskList.map((t) => t.id);
  const curve: RunResult['curve'] = [];
  let trainMs = 0;
  let last: Awaited<ReturnType<Trainer['evaluate']>> | null = null;
  try {
    for (let s = 1; s <= spec.steps; s++) {
      const t0 = performance.now();
      await trainer.trainStep();
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
          `  ${spec.mixer} seed ${spec.seed} step ${s}: avg val ${mean(vals).toFixed(3)}  w [${weights.map((w) => w.toFixed(2)).join(' ')}]`,
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
    mixer: spec.mixer,
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
  };
}

/** Fills stepsToMixFinal: the first curve step at which a run matches Mix's final loss (same seed). */
export function fillStepsToMix(runs: RunResult[]): void {
  for (const r of runs) {
    const mix = runs.find((x) => x.mixer === 'mix' && x.seed === r.seed);
    if (!mix) continue;
    const hit = r.curve.find((p) => p.avgValLoss <= mix.final.avgValLoss);
    r.stepsToMixFinal = hit ? hit.step : null;
  }
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (0 for one value). */
export function std(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

const fmt = (xs: number[], digits = 3) =>
  xs.length === 0 ? 'n/a' : `${mean(xs).toFixed(digits)} ± ${std(xs).toFixed(digits)}`;

/** The summary table: one row per mixer, mean ± std over seeds. */
export function summaryTable(runs: RunResult[], mixers: string[]): string {
  const ids = Object.keys(runs[0].final.valLoss);
  const header = [
    'mixer',
    'avg val loss',
    'worst val loss',
    ...ids,
    'steps to Mix final',
    'ms/step',
  ];
  const rows = mixers.map((m) => {
    const rs = runs.filter((r) => r.mixer === m);
    const reached = rs.map((r) => r.stepsToMixFinal).filter((x): x is number => x !== null);
    return [
      m,
      fmt(rs.map((r) => r.final.avgValLoss)),
      fmt(rs.map((r) => r.final.worstValLoss)),
      ...ids.map((id) => fmt(rs.map((r) => r.final.valLoss[id]))),
      reached.length === 0
        ? 'never'
        : `${fmt(reached, 0)}${reached.length < rs.length ? ` (${reached.length}/${rs.length})` : ''}`,
      fmt(
        rs.map((r) => r.msPerStep),
        1,
      ),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** curves.csv: one row per (run, evaluated step). */
export function curvesCsv(runs: RunResult[]): string {
  const ids = Object.keys(runs[0].final.valLoss);
  const head = [
    'mixer',
    'seed',
    'step',
    'avgValLoss',
    'worstValLoss',
    ...ids.map((i) => `valLoss:${i}`),
    ...ids.map((i) => `weight:${i}`),
  ];
  const lines = [head.join(',')];
  for (const r of runs) {
    for (const p of r.curve) {
      lines.push(
        [
          r.mixer,
          r.seed,
          p.step,
          p.avgValLoss,
          p.worstValLoss,
          ...ids.map((i) => p.valLoss[i]),
          ...p.weights,
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}
