/**
 * Language modelling on one Universal Declaration of Human Rights ("udhr:<code>"): byte-level
 * next-token prediction on windows of the text. The window machinery (buildWindowData) is shared
 * with the user's own texts ("text:<hash>", ./own-text.ts), which split their text themselves.
 *
 * Split: the first 90% of the articles train, the last 10% (at least one article) are held out.
 * A one-article declaration is split at 90% of its bytes instead.
 * Pool: `poolSize` window start offsets drawn once from the task's seeded rng, so a small pool is
 * a small dataset (the model can memorise it). Each window is `contextLength` bytes (the whole
 * train text if shorter), starting on a UTF-8 character boundary.
 * Validation: up to 64 windows evenly spaced over the held-out text.
 */
import { createRng } from '../rng';
import { encode } from '../tokenizer';
import type { CorpusEntry, CorpusFile } from './corpus';
import { byteAlphabet, ExampleSet, type TaskData } from './examples';

/** Short aliases for the main variant of common languages (ISO 639-1 -> udhr package code). */
export const UDHR_ALIASES: Readonly<Record<string, string>> = {
  ar: 'arb',
  bn: 'ben',
  de: 'deu_1996',
  el: 'ell_monotonic',
  en: 'eng',
  es: 'spa',
  fa: 'pes_1',
  fi: 'fin',
  fr: 'fra',
  he: 'heb',
  hi: 'hin',
  id: 'ind',
  it: 'ita',
  ja: 'jpn',
  ko: 'kor',
  nl: 'nld',
  pl: 'pol',
  pt: 'por_PT',
  ru: 'rus',
  sv: 'swe',
  sw: 'swh',
  ta: 'tam',
  th: 'tha',
  tr: 'tur',
  uk: 'ukr',
  vi: 'vie',
  yo: 'yor',
  zh: 'cmn_hans',
};

/** Fraction of the articles used for training. */
export const TRAIN_FRACTION = 0.9;
/** Most validation windows per language. */
export const MAX_VALIDATION_WINDOWS = 64;

/**
 * Resolves `code` against the corpus index: a package code ("eng"), an alias ("en"), or a BCP 47
 * tag that names exactly one declaration ("fi"). Throws an Error listing the aliases otherwise.
 */
export function resolveUdhrCode(code: string, index: readonly CorpusEntry[]): CorpusEntry {
  const byCode = index.find((e) => e.code === code);
  if (byCode) return byCode;
  const alias = UDHR_ALIASES[code];
  const byAlias = alias ? index.find((e) => e.code === alias) : undefined;
  if (byAlias) return byAlias;
  const byTag = index.filter((e) => e.bcp47 === code);
  if (byTag.length === 1) return byTag[0];
  const aliases = Object.entries(UDHR_ALIASES)
    .map(([a, c]) => `${a}=${c}`)
    .join(', ');
  throw new Error(
    `unknown UDHR language code "${code}". Use a code of the udhr package (the "code" field of ` +
      `public/udhr/index.json, ${index.length} declarations) or an alias: ${aliases}`,
  );
}

/** Splits the articles into train and held-out text (joined with '\n'), as UTF-8 bytes. */
export function splitArticles(articles: readonly string[]): {
  train: Uint8Array;
  heldOut: Uint8Array;
} {
  if (articles.length === 0) throw new Error('a declaration with no articles cannot be split');
  if (articles.length === 1) {
    const all = encode(articles[0]);
    const cut = charStart(all, Math.floor(all.length * TRAIN_FRACTION));
    return { train: all.subarray(0, cut), heldOut: all.subarray(cut) };
  }
  const nHeld = Math.max(1, Math.round(articles.length * (1 - TRAIN_FRACTION)));
  const nTrain = articles.length - nHeld;
  return {
    train: encode(articles.slice(0, nTrain).join('\n')),
    heldOut: encode(articles.slice(nTrain).join('\n')),
  };
}

/** Moves `pos` back to the start of the UTF-8 character it falls in (skips continuation bytes). */
export function charStart(bytes: Uint8Array, pos: number): number {
  let p = Math.min(pos, bytes.length);
  while (p > 0 && p < bytes.length && (bytes[p] & 0xc0) === 0x80) p--;
  return p;
}

/** Builds the language task's data: the seeded window pool and the held-out windows. */
export function buildLanguageData(file: CorpusFile, opts: WindowDataOptions): TaskData {
  const { train, heldOut } = splitArticles(file.articles);
  if (train.length === 0 || heldOut.length === 0) {
    throw new Error(`UDHR ${file.code} is too short to split into train and held-out text`);
  }
  return buildWindowData(train, heldOut, `UDHR ${file.name} (${file.code})`, opts);
}

/** What buildWindowData needs besides the text. */
export interface WindowDataOptions {
  poolSize: number;
  contextLength: number;
  seed: number;
}

/**
 * A language task's data from a text already split into train and held-out UTF-8 bytes (both
 * non-empty): `poolSize` windows at seeded random character starts in `train`, and up to
 * MAX_VALIDATION_WINDOWS windows evenly spaced over `heldOut` (see this file's header).
 */
export function buildWindowData(
  train: Uint8Array,
  heldOut: Uint8Array,
  label: string,
  opts: WindowDataOptions,
): TaskData {
  if (train.length === 0 || heldOut.length === 0) {
    throw new Error(`${label}: the train and held-out parts must both be non-empty`);
  }
  const ctx = opts.contextLength;
  const rng = createRng(opts.seed);

  const w = Math.min(ctx, train.length);
  const pool = new ExampleSet(ctx, opts.poolSize);
  for (let i = 0; i < opts.poolSize; i++) {
    const start = charStart(train, rng.int(train.length - w + 1));
    pool.push(train.subarray(start, start + w), 0);
  }

  const vw = Math.min(ctx, heldOut.length);
  const span = heldOut.length - vw;
  const nVal = Math.min(MAX_VALIDATION_WINDOWS, span + 1);
  const validation = new ExampleSet(ctx, nVal);
  for (let k = 0; k < nVal; k++) {
    const start = charStart(heldOut, nVal === 1 ? 0 : Math.round((k * span) / (nVal - 1)));
    validation.push(heldOut.subarray(start, start + vw), 0);
  }

  return {
    label,
    kind: 'language',
    metric: 'none',
    difficultySpecs: [],
    pool,
    validation,
    noiseAlphabet: byteAlphabet(train),
  };
}
