/**
 * Public entry of the task catalogue (browser-safe: the Node corpus loader lives in
 * ./corpus-node and must be imported from there).
 */
export {
  createTask,
  defaultKnobs,
  difficultySpecsFor,
  parseTaskSpec,
  TASK_FAMILIES,
  type CreateTaskOptions,
  type ParsedSpec,
  type TaskFamily,
  type TaskFamilyInfo,
} from './catalogue';
export {
  createCorpusLoader,
  createFetchCorpusLoader,
  type CorpusEntry,
  type CorpusFile,
  type CorpusLoader,
} from './corpus';
export { ALGORITHM_NAMES, ALGORITHMS, type AlgorithmName } from './algorithms';
export {
  DEFAULT_LANGUAGE_POOL,
  DEFAULT_POOL,
  MAX_POOL_SIZE,
  partialTaskKnobsSchema,
  resolveKnobs,
  taskKnobsSchema,
} from './knobs';
export { UDHR_ALIASES } from './language';
export { MARKOV_ALPHABET, markovTable } from './markov';
export {
  PRESET_DESCRIPTIONS,
  PRESET_NAMES,
  PRESET_TASKS,
  type PresetName,
  type PresetTask,
} from './presets';
