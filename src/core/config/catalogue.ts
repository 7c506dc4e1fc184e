/**
 * The task catalogue as the page sees it: the add-task picker's families, spec parsing, default
 * knobs and knob validation. Re-exported here (a pure-data module: zod and plain TypeScript, no
 * tfjs, no Node APIs) so the UI layer can use them under the import rules of eslint.config.js.
 */
export {
  defaultKnobs,
  difficultySpecsFor,
  parseTaskSpec,
  TASK_FAMILIES,
  type ParsedSpec,
  type TaskFamily,
  type TaskFamilyInfo,
} from '../tasks/catalogue';
export { ALGORITHM_NAMES } from '../tasks/algorithms';
export { MAX_POOL_SIZE, resolveKnobs } from '../tasks/knobs';
export { UDHR_ALIASES } from '../tasks/language';
export {
  formatBytes,
  isOwnTextHash,
  isOwnTextSpec,
  MAX_TEXT_BYTES,
  MIN_TEXT_BYTES,
  ownTextLabel,
  ownTextSpec,
  textHash,
  thousands,
  unknownTextMessage,
  validateOwnText,
  type OwnTextCheck,
} from '../tasks/own-text';
export { MAX_TASKS } from '../tokenizer';
