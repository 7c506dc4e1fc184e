/**
 * Preset task lists for the UI and the CLI. Pure data (type imports only), so a UI can import it
 * without pulling in the task implementations or the corpus.
 */
import type { TaskKnobs } from '../types';

export type PresetName =
  | 'multilingual'
  | 'algorithmic'
  | 'conflict'
  | 'imbalanced'
  | 'similarity'
  | 'noisy'
  | 'saturating';

/** One task of a preset: its spec and the knobs that differ from the defaults. */
export interface PresetTask {
  spec: string;
  knobs?: Partial<TaskKnobs>;
}

/** The tasks of every preset, in slot order. */
export const PRESET_TASKS: Readonly<Record<PresetName, readonly PresetTask[]>> = {
  // The paper's multilingual setting, in miniature.
  multilingual: [{ spec: 'udhr:en' }, { spec: 'udhr:hi' }, { spec: 'udhr:de' }],
  algorithmic: [{ spec: 'copy' }, { spec: 'reverse' }, { spec: 'add' }, { spec: 'modadd' }],
  // Copy 2 letters of a-d, and the same with the answer letters swapped by a fixed code, both
  // without a task token: same inputs, different answers, so no model can serve both and their
  // gradients oppose (the pair's mean cosine from step 20 to 200: about -0.48 over 3 seeds,
  // README "The conflict preset"). Reverse is the neutral third task.
  conflict: [
    { spec: 'blind:copy', knobs: { difficulty: { length: 2, symbols: 4 } } },
    { spec: 'blind:anti:copy', knobs: { difficulty: { length: 2, symbols: 4 } } },
    { spec: 'reverse' },
  ],
  // Pool sizes 10 : 3 : 1, so the small languages overfit under a size-proportional mix.
  imbalanced: [
    { spec: 'udhr:en', knobs: { poolSize: 3000 } },
    { spec: 'udhr:fr', knobs: { poolSize: 900 } },
    { spec: 'udhr:sw', knobs: { poolSize: 300 } },
  ],
  // From near-identical to unrelated languages (similarity to the shared Markov table).
  similarity: [
    { spec: 'markov:1:0.95' },
    { spec: 'markov:2:0.7' },
    { spec: 'markov:3:0.35' },
    { spec: 'markov:4:0' },
  ],
  // chains: every example from its own random Markov chain — σ² large next to ‖∇L‖².
  noisy: [{ spec: 'udhr:en' }, { spec: 'udhr:fr' }, { spec: 'chains' }],
  // copy of 4 letters is learned within a few hundred steps; the two languages are not.
  saturating: [
    { spec: 'copy', knobs: { difficulty: { length: 4 } } },
    { spec: 'udhr:hi' },
    { spec: 'udhr:de' },
  ],
};

/** One line per preset, for a picker. */
export const PRESET_DESCRIPTIONS: Readonly<Record<PresetName, string>> = {
  multilingual: 'English, Hindi and German human-rights text: the languages of the PiKE paper.',
  algorithmic: 'Copy, reverse, addition and modular addition: tasks of very different difficulty.',
  conflict:
    'Copy and anti-copy on the same prompts with no task token, so they cannot both be right; reverse is neutral.',
  imbalanced: 'English, French and Swahili with 10 : 3 : 1 as much training data.',
  similarity: 'Four Markov languages, from near-identical (0.95) to unrelated (0) to a shared one.',
  noisy: 'English, French and "chains", whose every example comes from its own random source.',
  saturating: 'Copying 4 letters, learned in a few hundred steps, next to Hindi and German text.',
};

/** The preset names, in display order. */
export const PRESET_NAMES = Object.keys(PRESET_TASKS) as PresetName[];
