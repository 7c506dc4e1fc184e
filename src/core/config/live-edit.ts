/**
 * The changes a built run takes between steps without a reset, and the config each one leads
 * to. The run set owns a build's config (engine/run-set.ts): it computes the next config here,
 * then its trainers follow the change, reading that config; nothing copies a config back up.
 *
 * The next config goes through the same schema as a first build (`parseRunConfig`), so a live
 * edit is checked as a link is; a task's own knobs and a mixer's knobs are checked further by the
 * task and mixer builders when the trainers follow.
 *
 * User weights (static's, or an adaptive mixer's start) follow the task list: a new task gets
 * their mean, a removed task's weight is dropped.
 */
import type { OptimizerConfig } from '../optim-config';
import type { MixerChange } from '../protocol';
import { MAX_TASKS } from '../tokenizer';
import type { TaskKnobs } from '../types';
import { parseRunConfig, type RunConfig, type TaskSetup, type ValidRunConfig } from './run-config';

export type LiveEdit =
  /** The mixer from the next step on (a single run; a race's contestants keep theirs). */
  | { kind: 'mixer'; mixer: RunConfig['mixer'] }
  /** Task `index`'s knobs, merged over its current ones (its pool is rebuilt). */
  | { kind: 'task'; index: number; knobs: Partial<TaskKnobs> }
  | { kind: 'add-task'; setup: TaskSetup }
  | { kind: 'remove-task'; index: number }
  /** Optimizer settings merged over the current ones. */
  | { kind: 'optimizer'; patch: Partial<OptimizerConfig> };

/** The config after `edit`; throws with a clear message when the edit does not apply. */
export function applyLiveEdit(config: ValidRunConfig, edit: LiveEdit): ValidRunConfig {
  const next: RunConfig = { ...config };
  switch (edit.kind) {
    case 'mixer':
      if (config.race) {
        throw new Error(
          'In a race every contestant keeps its mixer: change the contestants instead.',
        );
      }
      next.mixer = edit.mixer;
      break;
    case 'task': {
      const setup = taskAt(config, edit.index);
      const knobs = { ...setup.knobs, ...edit.knobs };
      next.tasks = config.tasks.map((t, k) => (k === edit.index ? { ...setup, knobs } : t));
      break;
    }
    case 'add-task': {
      if (config.tasks.length >= MAX_TASKS) throw new Error(`at most ${MAX_TASKS} tasks`);
      next.tasks = [...config.tasks, edit.setup];
      const w = config.mixer.weights;
      if (w)
        next.mixer = { ...config.mixer, weights: [...w, w.reduce((a, b) => a + b, 0) / w.length] };
      break;
    }
    case 'remove-task': {
      taskAt(config, edit.index);
      if (config.tasks.length <= 1) throw new Error('cannot remove the last task');
      next.tasks = config.tasks.filter((_, k) => k !== edit.index);
      const w = config.mixer.weights;
      if (w) next.mixer = { ...config.mixer, weights: w.filter((_, k) => k !== edit.index) };
      break;
    }
    case 'optimizer':
      next.optimizer = { ...config.optimizer, ...edit.patch };
      break;
  }
  return parseRunConfig(next);
}

/** The mixer a setMixer request asks for, as the config holds it. */
export function mixerSetup(change: MixerChange): RunConfig['mixer'] {
  const { name, knobs, weights, reference } = change;
  return { name, knobs, ...(weights ? { weights } : {}), ...(reference ? { reference } : {}) };
}

function taskAt(config: RunConfig, index: number): TaskSetup {
  const setup = Number.isInteger(index) ? config.tasks[index] : undefined;
  if (!setup) throw new RangeError(`no task ${index} (${config.tasks.length} tasks)`);
  return setup;
}
