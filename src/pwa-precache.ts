/**
 * Which UDHR texts the service worker precaches (vite.config.ts): those of the presets'
 * languages, so every preset trains offline after one visit. The other 500+ declarations are
 * cached on first use instead (runtime caching), as precaching all of them would download
 * ~8 MB that almost nobody needs. Codes are resolved exactly as the worker resolves them
 * (aliases, package codes, BCP 47 tags), so a preset that switches to another language or
 * spelling is covered without editing a list.
 */
import type { CorpusEntry } from './engine/tasks/corpus';
import { resolveUdhrCode } from './engine/tasks/language';
import { PRESET_TASKS } from './engine/tasks/presets';

/** The udhr package codes of every preset's language tasks, sorted, without duplicates. */
export function presetUdhrCodes(index: readonly CorpusEntry[]): string[] {
  const codes = new Set<string>();
  for (const tasks of Object.values(PRESET_TASKS)) {
    for (const { spec } of tasks) {
      const [family, code] = spec.split(':');
      if (family === 'udhr') codes.add(resolveUdhrCode(code, index).code);
    }
  }
  return [...codes].sort();
}

/**
 * Globs (relative to dist/) of the corpus files to precache: the index (the worker reads it to
 * resolve every code, and the task picker lists it) and the presets' texts.
 */
export function presetUdhrGlobs(index: readonly CorpusEntry[]): string[] {
  return ['udhr/index.json', ...presetUdhrCodes(index).map((c) => `udhr/${c}.json`)];
}
