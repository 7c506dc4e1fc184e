/**
 * Named, serialisable run setups: a preset's tasks (tasks/presets.ts) plus a model, optimizer and
 * mixer small enough to train at interactive speed in a browser tab. Pure data.
 */
import { PRESET_DESCRIPTIONS, PRESET_NAMES, PRESET_TASKS, type PresetName } from '../tasks/presets';
import type { RunConfigInput } from './run-config';

export { PRESET_DESCRIPTIONS, PRESET_NAMES, type PresetName };

/** Model sizes per preset. Text needs a longer context than the short algorithmic prompts. */
const MODEL: Record<PresetName, RunConfigInput['model']> = {
  multilingual: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
  algorithmic: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
  conflict: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
  imbalanced: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
  similarity: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
  noisy: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
  saturating: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
};

/**
 * Model sizes the model panel offers in one click. 'lesson' is every preset's model (interactive
 * on any backend); 'gpu' is sized for a hardware GPU on webgpu (about 3.2 M parameters, head size
 * 32 so the fused attention kernel serves it): what a GPU buys over a CPU shows here.
 */
export type ModelSizeName = 'lesson' | 'gpu';
type ModelShape = Required<NonNullable<RunConfigInput['model']>>;
export const MODEL_SIZES: Readonly<Record<ModelSizeName, ModelShape>> = {
  lesson: { layers: 2, heads: 4, width: 64, context: 32, dropout: 0 },
  gpu: { layers: 4, heads: 8, width: 256, context: 64, dropout: 0 },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** The full run config of a preset (PiKE as the mixer, Adam, batch 32, seed 0). */
export function presetConfig(name: PresetName): RunConfigInput {
  return {
    tasks: PRESET_TASKS[name].map((t) => ({
      spec: t.spec,
      ...(t.knobs ? { knobs: { ...t.knobs } } : {}),
    })),
    mixer: { name: 'pike', knobs: {} },
    model: { ...MODEL[name] },
    optimizer: { name: 'adam', lr: 3e-3, warmupSteps: 50, decay: 'none' },
    batchSize: 32,
    seed: 0,
    schedule: { metricsEvery: 10, evalEvery: 100, statsEvery: 50, probeHalf: 8 },
  };
}
