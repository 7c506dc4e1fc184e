/**
 * The service worker's precache of UDHR texts (src/pwa-precache.ts, used by vite.config.ts):
 * every preset's languages, resolved the way the worker resolves them, and not the whole corpus.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTaskSpec } from '../../src/engine/tasks/catalogue';
import type { CorpusEntry } from '../../src/engine/tasks/corpus';
import { resolveUdhrCode } from '../../src/engine/tasks/language';
import { PRESET_TASKS } from '../../src/engine/tasks/presets';
import { presetUdhrCodes, presetUdhrGlobs } from '../../src/pwa-precache';

const index = JSON.parse(readFileSync('public/udhr/index.json', 'utf8')) as CorpusEntry[];

describe('precached UDHR texts', () => {
  it('cover the language of every task of every preset', () => {
    const globs = presetUdhrGlobs(index);
    let languageTasks = 0;
    for (const tasks of Object.values(PRESET_TASKS)) {
      for (const { spec } of tasks) {
        const parsed = parseTaskSpec(spec);
        if (parsed.family !== 'udhr') continue;
        languageTasks++;
        expect(globs).toContain(`udhr/${resolveUdhrCode(parsed.code, index).code}.json`);
      }
    }
    expect(languageTasks).toBeGreaterThan(0);
  });

  it('include the index (the worker resolves every code with it) and only files that exist', () => {
    const globs = presetUdhrGlobs(index);
    expect(globs[0]).toBe('udhr/index.json');
    for (const g of globs) expect(existsSync(`public/${g}`), g).toBe(true);
  });

  it('are the presets’ few languages, without duplicates, not the whole corpus', () => {
    const codes = presetUdhrCodes(index);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBeLessThan(index.length / 10);
  });
});
