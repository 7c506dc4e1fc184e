/**
 * The task catalogue: parses a spec string ("udhr:en", "markov:3:0.5", "add", "anti:copy",
 * "blind:anti:copy", "text:0123456789ab") and builds the Task. A task is fully determined by
 * (spec, knobs, contextLength, seed); the slot only picks its task token. The data seed is
 * mixSeeds(seed, hash of the data key), the data key being the resolved UDHR code, the markov
 * spec, the own-text spec, or the algorithm name (also for "anti:<name>", so an anti task shares
 * its source's prompts when built from the same seed; the trainer gives every slot its own seed,
 * so in a run they share the prompt distribution, not the prompts).
 *
 * "blind:<task>" (an algorithmic or anti task) is that task with PAD in place of its task token:
 * the same data, but nothing in a sequence says which task it belongs to. Two blind tasks with
 * the same prompts and different answers (blind:copy, blind:anti:copy) cannot be told apart
 * before the first answer byte (after it, teacher forcing shows which answer is being written),
 * so no model can get both first bytes right and their gradients oppose: the conflict preset.
 */
import { hashString, mixSeeds } from '../rng';
import { PAD, taskToken } from '../tokenizer';
import type { KnobSpec, Task, TaskKind, TaskKnobs } from '../types';
import { buildAlgorithmicData, buildAntiData } from './algorithmic';
import { ALGORITHMS, ALGORITHM_NAMES, isAlgorithmName, type AlgorithmName } from './algorithms';
import type { CorpusLoader } from './corpus';
import { buildTask, type TaskData } from './examples';
import { DEFAULT_LANGUAGE_POOL, DEFAULT_POOL, resolveKnobs } from './knobs';
import { buildLanguageData, resolveUdhrCode, UDHR_ALIASES } from './language';
import { buildChainsData, buildMarkovData } from './markov';
import { buildOwnTextData, isOwnTextHash, loadOwnText } from './own-text';

export type TaskFamily = 'udhr' | 'text' | 'markov' | 'chains' | AlgorithmName | 'anti' | 'blind';

/** A parsed task spec. */
export type ParsedSpec =
  | { kind: 'language'; family: 'udhr'; code: string }
  | { kind: 'language'; family: 'text'; hash: string }
  | { kind: 'markov'; family: 'markov'; seed: number; similarity: number }
  | { kind: 'markov'; family: 'chains' }
  | { kind: 'algorithmic'; family: AlgorithmName; blind?: true }
  | { kind: 'anti'; family: 'anti'; source: AlgorithmName; blind?: true };

/** A parsed algorithmic or anti spec (the ones "blind:" takes). */
type AlgorithmicSpec = Extract<ParsedSpec, { kind: 'algorithmic' | 'anti' }>;

/** One entry of the "add task" picker. */
export interface TaskFamilyInfo {
  family: TaskFamily;
  kind: TaskKind;
  label: string;
  /** A spec that works as is. */
  example: string;
  description: string;
  difficultySpecs: readonly KnobSpec[];
}

/**
 * Every task family, for a UI picker. The anti family takes its source's difficulty knobs. The
 * user's own text ("text:<hash>", ./own-text.ts) is not listed: no spec of it works as is, the
 * page adds one from a pasted or dropped text.
 */
export const TASK_FAMILIES: readonly TaskFamilyInfo[] = [
  {
    family: 'udhr',
    kind: 'language',
    label: 'Human-rights text',
    example: 'udhr:en',
    description:
      'Byte-level language modelling on the Universal Declaration of Human Rights in one of ' +
      `500+ languages: udhr:<code> with a udhr package code or an alias (${Object.keys(UDHR_ALIASES).join(', ')}).`,
    difficultySpecs: [],
  },
  {
    family: 'markov',
    kind: 'markov',
    label: 'Synthetic Markov language',
    example: 'markov:1:0.5',
    description:
      'markov:<seed>:<similarity>: text from a random Markov chain; similarity in [0, 1] blends a ' +
      'table shared by all markov tasks with one private to <seed> (1: identical languages).',
    difficultySpecs: [],
  },
  {
    family: 'chains',
    kind: 'markov',
    label: 'Every example its own chain',
    example: 'chains',
    description:
      'chains: every example comes from its own freshly drawn random Markov chain, so examples ' +
      'disagree with each other: a large per-example gradient variance σ² next to a small mean ' +
      'gradient (the noisy preset).',
    difficultySpecs: [],
  },
  ...ALGORITHM_NAMES.map((name) => ({
    family: name,
    kind: 'algorithmic' as const,
    label: ALGORITHMS[name].label,
    example: name,
    description: `${ALGORITHMS[name].description} Loss and accuracy on the answer only.`,
    difficultySpecs: ALGORITHMS[name].difficultySpecs,
  })),
  {
    family: 'anti',
    kind: 'anti',
    label: 'Conflicting twin',
    example: 'anti:copy',
    description:
      'anti:<algorithmic task>: the same prompts as the source task, with a fixed permutation of ' +
      'the answer symbols, so the two tasks disagree on every answer (gradient conflict).',
    difficultySpecs: [],
  },
  {
    family: 'blind',
    kind: 'algorithmic',
    label: 'Without task token',
    example: 'blind:anti:copy',
    description:
      'blind:<algorithmic or anti task>: the same task with no task token in front of its ' +
      'sequences, so nothing tells it from another blind task on the same prompts. ' +
      'blind:copy and blind:anti:copy want different answers to the same prompt and no model ' +
      'can start both right: their gradients point in opposite directions (the conflict preset).',
    difficultySpecs: [],
  },
];

const FAMILY_NAMES = [...TASK_FAMILIES.map((f) => f.family), 'text'].join(', ');

function parseSourceName(source: string, spec: string): AlgorithmName {
  if (!isAlgorithmName(source)) {
    throw new Error(
      `bad task spec "${spec}": anti needs an algorithmic source (${ALGORITHM_NAMES.join(', ')}), ` +
        `got "${source}"`,
    );
  }
  return source;
}

/** blind:<task> with `rest` the parts after "blind": an algorithmic or anti spec, not blind. */
function parseBlind(rest: string[], spec: string): AlgorithmicSpec {
  const expected =
    `bad task spec "${spec}": expected blind:<task> with an algorithmic or anti task ` +
    `(${ALGORITHM_NAMES.join(', ')}, anti:<task>), e.g. blind:copy or blind:anti:copy`;
  const head = rest[0] ?? '';
  if (!(isAlgorithmName(head) || head === 'anti')) throw new Error(expected);
  let inner: ParsedSpec;
  try {
    inner = parseTaskSpec(rest.join(':'));
  } catch {
    throw new Error(expected);
  }
  if (inner.kind !== 'algorithmic' && inner.kind !== 'anti') throw new Error(expected);
  return { ...inner, blind: true };
}

/** Parses a task spec; throws an Error that says what is wrong and what is expected. */
export function parseTaskSpec(spec: string): ParsedSpec {
  const s = spec.trim();
  const parts = s.split(':');
  const family = parts[0];
  if (family === 'udhr') {
    if (parts.length !== 2 || parts[1] === '') {
      throw new Error(
        `bad task spec "${spec}": expected udhr:<code>, e.g. udhr:en or udhr:deu_1996`,
      );
    }
    return { kind: 'language', family: 'udhr', code: parts[1] };
  }
  if (family === 'text') {
    if (parts.length !== 2 || !isOwnTextHash(parts[1])) {
      throw new Error(
        `bad task spec "${spec}": expected text:<hash>, the 12 lowercase hex digits naming one ` +
          'of your own texts, e.g. text:0123456789ab (add one with Tasks → Add your own text)',
      );
    }
    return { kind: 'language', family: 'text', hash: parts[1] };
  }
  if (family === 'markov') {
    if (parts.length !== 3) {
      throw new Error(
        `bad task spec "${spec}": expected markov:<seed>:<similarity>, e.g. markov:1:0.5`,
      );
    }
    if (!/^\d+$/.test(parts[1]) || Number(parts[1]) > 0xffffffff) {
      throw new Error(`bad task spec "${spec}": markov seed must be an integer in 0..4294967295`);
    }
    const similarity = /^(\d+(\.\d*)?|\.\d+)$/.test(parts[2]) ? Number(parts[2]) : NaN;
    if (!(similarity >= 0 && similarity <= 1)) {
      throw new Error(`bad task spec "${spec}": markov similarity must be a number in [0, 1]`);
    }
    return { kind: 'markov', family: 'markov', seed: Number(parts[1]), similarity };
  }
  if (family === 'chains') {
    if (parts.length !== 1) throw new Error(`bad task spec "${spec}": chains takes no arguments`);
    return { kind: 'markov', family: 'chains' };
  }
  if (family === 'blind') return parseBlind(parts.slice(1), spec);
  if (family === 'anti') {
    if (parts.length !== 2) {
      throw new Error(`bad task spec "${spec}": expected anti:<task>, e.g. anti:copy`);
    }
    return { kind: 'anti', family: 'anti', source: parseSourceName(parts[1], spec) };
  }
  if (isAlgorithmName(family)) {
    if (parts.length !== 1) {
      throw new Error(
        `bad task spec "${spec}": ${family} takes no arguments (set its difficulty knobs instead)`,
      );
    }
    return { kind: 'algorithmic', family };
  }
  throw new Error(`unknown task family "${family}" in spec "${spec}" (known: ${FAMILY_NAMES})`);
}

/** The difficulty knobs of a parsed spec (an anti task has its source's). */
function specsOf(p: ParsedSpec): readonly KnobSpec[] {
  if (p.kind === 'algorithmic') return ALGORITHMS[p.family].difficultySpecs;
  if (p.kind === 'anti') return ALGORITHMS[p.source].difficultySpecs;
  return [];
}

/** The difficulty knobs a spec understands (an anti task has its source's). */
export function difficultySpecsFor(spec: string): readonly KnobSpec[] {
  return specsOf(parseTaskSpec(spec));
}

/**
 * The default knobs of a spec: pool 2000 windows for udhr and own texts, 5000 otherwise, no noise,
 * enabled.
 */
export function defaultKnobs(spec: string): TaskKnobs {
  const p = parseTaskSpec(spec);
  return resolveKnobs(
    spec,
    specsOf(p),
    p.kind === 'language' ? DEFAULT_LANGUAGE_POOL : DEFAULT_POOL,
  );
}

/** What createTask needs besides the spec. */
export interface CreateTaskOptions {
  /** Task slot 0..MAX_TASKS-1: the task's token is tokenizer.taskToken(slot). */
  slot: number;
  contextLength: number;
  /** The run's seed; the task derives its own from it and the spec. */
  seed: number;
  /** Knobs merged over defaultKnobs(spec) (difficulty merged key by key) and validated. */
  knobs?: Partial<TaskKnobs>;
  /** Needed by udhr tasks, and with its `text` method by own-text tasks. */
  corpus?: CorpusLoader;
}

/** Builds the task of `spec`. Throws an Error for a bad spec, bad knobs or an example too long. */
export async function createTask(spec: string, opts: CreateTaskOptions): Promise<Task> {
  const id = spec.trim();
  const parsed = parseTaskSpec(id);
  const blind = (parsed.kind === 'algorithmic' || parsed.kind === 'anti') && parsed.blind === true;
  // A blind task's sequences start with PAD: no token of its own (catalogue header).
  const token = blind ? PAD : taskToken(opts.slot);
  const ctx = opts.contextLength;
  if (!Number.isInteger(ctx) || ctx < 2 || ctx > 4096) {
    throw new RangeError(`contextLength must be an integer in 2..4096, got ${ctx}`);
  }
  if (!Number.isInteger(opts.seed))
    throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  const defaultPool = parsed.kind === 'language' ? DEFAULT_LANGUAGE_POOL : DEFAULT_POOL;
  const knobs = resolveKnobs(id, specsOf(parsed), defaultPool, opts.knobs);
  const dataOpts = (key: string) => ({
    poolSize: knobs.poolSize,
    contextLength: ctx,
    seed: mixSeeds(opts.seed, hashString(key)),
  });

  let data: TaskData;
  switch (parsed.kind) {
    case 'language': {
      if (parsed.family === 'text') {
        const text = await loadOwnText(opts.corpus, parsed.hash);
        data = buildOwnTextData(text, parsed.hash, dataOpts(id));
        break;
      }
      if (!opts.corpus)
        throw new Error(`task ${id} needs a corpus loader (createTask opts.corpus)`);
      const entry = resolveUdhrCode(parsed.code, await opts.corpus.index());
      const file = await opts.corpus.load(entry.code);
      data = buildLanguageData(file, dataOpts(`udhr:${entry.code}`));
      break;
    }
    case 'markov':
      data =
        parsed.family === 'chains'
          ? buildChainsData(dataOpts('chains'))
          : buildMarkovData(parsed, dataOpts(`markov:${parsed.seed}:${parsed.similarity}`));
      break;
    case 'algorithmic':
      data = buildAlgorithmicData(parsed.family, knobs.difficulty, dataOpts(parsed.family));
      break;
    case 'anti': {
      const source = buildAlgorithmicData(parsed.source, knobs.difficulty, dataOpts(parsed.source));
      // Keyed by the spec without "blind:", so blind:anti:X permutes as anti:X does.
      const permutationSeed = dataOpts(`anti:${parsed.source}`).seed;
      data = buildAntiData(source, parsed.source, knobs.difficulty, permutationSeed);
      break;
    }
  }
  if (blind) data = { ...data, label: `Blind ${data.label.toLowerCase()}` };
  return buildTask(data, { id, taskToken: token, contextLength: ctx, knobs });
}
