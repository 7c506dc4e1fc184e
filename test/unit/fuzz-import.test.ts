/**
 * The run-file and results.json importers searched for holes with seeded property tests:
 * arbitrary JSON and values, valid files cut at every offset, fields of the wrong type, extra
 * keys, huge arrays, and the import size limit. The parsers never throw and answer ok or with a
 * message that names the field; the store's importRunFile refuses a bad file without touching
 * the setup, the saved runs or the charts.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatBytes } from '../../src/core/config/catalogue';
import { presetConfig } from '../../src/core/config/presets';
import { createMetrics } from '../../src/store/metrics';
import { looksLikeResults, parseResults, parseResultsFile } from '../../src/store/results-file';
import {
  buildRunFile,
  importSizeProblem,
  MAX_IMPORT_BYTES,
  parseRunFile,
  parseRunFileJson,
} from '../../src/store/run-file';
import { validateConfig } from '../../src/core/config/validate';
import { bootedStore } from './helpers/fake-client';
import { INTERNAL_ERROR, names, nastyValue, SEED } from './helpers/fuzz-arbitraries';

const FIXTURE = readFileSync(
  new URL('../e2e/fixtures/results-small.json', import.meta.url),
  'utf8',
);

/** A valid exported run file of `K` tasks and `steps` steps, NaN gaps included. */
function runFileText(K = 3, steps = 40): string {
  const tasks = [
    'copy',
    'udhr:en',
    'add',
    ...Array.from({ length: 13 }, (_, k) => `markov:${k}:0.5`),
  ].slice(0, K);
  const v = validateConfig({
    ...presetConfig('algorithmic'),
    tasks: tasks.map((spec) => ({ spec })),
  });
  if (!v.ok) throw new Error(v.message);
  const m = createMetrics(K);
  const row = (s: number) => Array.from({ length: K }, (_, k) => (s % 7 === k ? NaN : 3 / (s + k)));
  for (let s = 1; s <= steps; s++) {
    m.train.push(s, row(s));
    m.weights.push(s, Array(K).fill(1 / K));
    if (s % 10 === 0)
      [m.val, m.accuracy, m.gradNormSq, m.variance].forEach((t) => t.push(s, row(s)));
  }
  return JSON.stringify(buildRunFile(v.config, 'algorithmic', tasks, steps, m));
}

const RUN_FILE = runFileText();

type Parsed = { ok: true } | { ok: false; message: string };

/** Never throws; ok, or a readable message. */
function checked<T extends Parsed>(f: () => T): T {
  let r: T;
  try {
    r = f();
  } catch (e) {
    throw new Error(`threw: ${String(e)}`, { cause: e });
  }
  if (!r.ok) {
    expect(r.message.trim()).not.toBe('');
    expect(r.message).not.toMatch(INTERNAL_ERROR);
  }
  return r;
}

/** Every path (keys and indices) of a JSON value, the root excluded. */
function pathsOf(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return [];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...at, k], ...pathsOf(x, [...at, k])]);
}

/** A copy of `root` with the value at `path` replaced (or deleted when `value` is DELETE). */
const DELETE = Symbol('delete');
function withValue(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value !== DELETE) cur[last] = value;
  else if (Array.isArray(cur)) cur.splice(last as number, 1);
  else delete cur[last];
  return copy;
}

/** A rejected mutation at `path` must name one of the path's keys. */
const namesPath = (message: string, path: (string | number)[]) =>
  path.some((p) => typeof p === 'string' && names(message, p, true));

describe('parsers on arbitrary input', () => {
  it.each([
    ['arbitrary JSON text', fc.json({ maxDepth: 4 })],
    ['arbitrary text', fc.string({ maxLength: 60 })],
  ])('%s: parseRunFile and parseResultsFile never throw', (_, arb) => {
    fc.assert(
      fc.property(arb, (text) => {
        checked(() => parseRunFile(text));
        checked(() => parseResultsFile(text));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('arbitrary values: parseRunFileJson, parseResults and looksLikeResults never throw', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 4, withNullPrototype: true, withSparseArray: true }),
        (raw) => {
          checked(() => parseRunFileJson(raw));
          checked(() => parseResults(raw));
          expect(typeof looksLikeResults(raw)).toBe('boolean');
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it.each([
    ['an exported run file', RUN_FILE, parseRunFile],
    ['a results.json', FIXTURE, parseResultsFile],
  ] as const)('%s cut at every offset is refused as not JSON', (_, text, parse) => {
    expect(parse(text).ok).toBe(true);
    for (let n = 0; n < text.length; n++) {
      const cut = text.slice(0, n);
      const r = checked(() => parse(cut));
      if (cut.trim() === text.trim()) expect(r.ok).toBe(true);
      else expect(!r.ok && r.message).toMatch(/not JSON/);
    }
  });
});

/** A mutation of a parsed file: a value replaced by a wrong one, a key deleted, a key added. */
const mutation = (root: unknown) => {
  const paths = pathsOf(root);
  const at = (p: (string | number)[]) =>
    p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root);
  const isObject = (p: (string | number)[]) => {
    const v = at(p);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  };
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), fc.oneof(nastyValue, fc.anything({ maxDepth: 2 }))),
    fc.tuple(fc.constantFrom(...paths), fc.constant<unknown>(DELETE)),
    fc
      .tuple(
        fc.constantFrom([] as (string | number)[], ...paths.filter(isObject)),
        fc.stringMatching(/^[a-z][A-Za-z]{0,6}$/),
        nastyValue,
      )
      .map(([p, key, v]) => [[...p, `x${key}`], v] as const),
  );
};

describe('mutated valid files', () => {
  const run = JSON.parse(RUN_FILE) as unknown;
  it('a run file: ok with a config that validates and curves that fit, or a message naming the field', () => {
    fc.assert(
      fc.property(mutation(run), ([path, value]) => {
        const raw = withValue(run, path as (string | number)[], value);
        const r = checked(() => parseRunFileJson(raw));
        if (!r.ok) {
          if (!namesPath(r.message, path as (string | number)[])) {
            throw new Error(`"${r.message}" names no key of ${path.join('.')}`);
          }
          return;
        }
        expect(validateConfig(r.config).ok).toBe(true);
        const K = r.config.tasks.length;
        for (const t of Object.values(r.file.curves)) {
          expect(t.cols).toHaveLength(K);
          for (const c of t.cols) expect(c).toHaveLength(t.x.length);
        }
        expect(r.avgVal.y).toHaveLength(r.avgVal.x.length);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  const results = JSON.parse(FIXTURE) as unknown;
  it('a results.json: ok with curves on sorted steps, or a message naming the field', () => {
    fc.assert(
      fc.property(mutation(results), ([path, value]) => {
        const raw = withValue(results, path as (string | number)[], value);
        const r = checked(() => parseResults(raw));
        if (!r.ok) {
          if (!namesPath(r.message, path as (string | number)[])) {
            throw new Error(`"${r.message}" names no key of ${path.join('.')}`);
          }
          return;
        }
        for (const c of r.curves) {
          expect([...c.x].sort((a, b) => a - b)).toEqual(c.x);
          for (const [i, y] of c.y.entries()) {
            expect(c.band.lo[i]).toBeLessThanOrEqual(y + 1e-9);
            expect(c.band.hi[i]).toBeGreaterThanOrEqual(y - 1e-9);
          }
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('the import size limit', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names the file size and the limit, from one byte over', () => {
    expect(importSizeProblem(MAX_IMPORT_BYTES)).toBeNull();
    const over = MAX_IMPORT_BYTES + 1;
    const m = importSizeProblem(over);
    expect(m).toContain(formatBytes(over));
    expect(m).toContain(formatBytes(MAX_IMPORT_BYTES));
  });

  it.each([
    ['ASCII text one byte over', 'x'.repeat(MAX_IMPORT_BYTES + 1), MAX_IMPORT_BYTES + 1],
    // 3 bytes per "€": fewer UTF-16 units than the limit, more bytes.
    [
      'UTF-8 text over by its bytes',
      '€'.repeat(Math.ceil((MAX_IMPORT_BYTES + 1) / 3)),
      3 * Math.ceil((MAX_IMPORT_BYTES + 1) / 3),
    ],
  ])('%s is refused before JSON.parse by both parsers and the store', (_, text, bytes) => {
    const parse = vi.spyOn(JSON, 'parse');
    for (const r of [parseRunFile(text), parseResultsFile(text)]) {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toContain(formatBytes(bytes));
      expect(!r.ok && r.message).toContain(formatBytes(MAX_IMPORT_BYTES));
    }
    const s = bootedStore();
    s.ready();
    const before = storeSnapshot(s);
    expect(s.a().importRunFile(text)).toBe(false);
    expect(storeSnapshot(s)).toBe(before);
    expect(s.store.getState().error).toMatchObject({ kind: 'import', recoverable: false });
    expect(s.store.getState().error?.message).toContain(formatBytes(bytes));
    expect(parse).not.toHaveBeenCalled();
  });

  it('a text just under the limit by its bytes is parsed (and refused as not JSON)', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const r = parseRunFile('€'.repeat(MAX_IMPORT_BYTES / 3 - 1));
    expect(parse).toHaveBeenCalledTimes(1);
    expect(!r.ok && r.message).toMatch(/not JSON/);
  });

  it('an export of a long run of 16 tasks is far under the limit and imports', () => {
    const text = runFileText(16, 50_000);
    // Folded curves: about 2.5 MB however long the run (see series.ts).
    expect(text.length).toBeLessThan(4e6);
    expect(text.length).toBeLessThan(MAX_IMPORT_BYTES / 8);
    expect(parseRunFile(text).ok).toBe(true);
  });
});

describe('huge arrays', () => {
  const run = JSON.parse(RUN_FILE) as {
    config: { tasks: unknown[]; mixer: object };
    curves: Record<string, { x: number[]; cols: (number | null)[][] }>;
    taskLabels: string[];
  };
  const N = 100_000;

  it('curves of 100k rows import; 100k tasks or weights are refused, naming the field', () => {
    const big = structuredClone(run);
    for (const t of Object.values(big.curves)) {
      t.x = Array.from({ length: N }, (_, i) => i);
      t.cols = t.cols.map(() => Array.from({ length: N }, (_, i) => (i % 3 ? 2.5 : null)));
    }
    big.taskLabels = Array.from({ length: N }, (_, i) => `t${i}`);
    expect(checked(() => parseRunFile(JSON.stringify(big)))).toMatchObject({ ok: true });
    const tasks = withValue(
      run,
      ['config', 'tasks'],
      Array.from({ length: N }, () => ({ spec: 'copy' })),
    );
    const r1 = checked(() => parseRunFileJson(tasks));
    expect(!r1.ok && r1.message).toMatch(/tasks/);
    const weights = withValue(run, ['config', 'mixer', 'weights'], Array(N).fill(1));
    const r2 = checked(() => parseRunFileJson(weights));
    expect(!r2.ok && r2.message).toMatch(/weights/);
  });

  it('a results.json of 140k runs of one mixer answers (no stack overflow, no quadratic search)', () => {
    const base = JSON.parse(FIXTURE) as { runs: { curve: unknown[] }[] };
    const one = { ...base.runs[0], curve: base.runs[0].curve.slice(0, 1) };
    const raw = { ...base, runs: Array.from({ length: 140_000 }, (_, seed) => ({ ...one, seed })) };
    const t = performance.now();
    const r = checked(() => parseResults(raw));
    expect(r.ok && r.curves[0].seeds).toBe(140_000);
    expect(performance.now() - t).toBeLessThan(15_000);
  });
});

type Booted = ReturnType<typeof bootedStore>;

/** What a refused import must leave as it was. */
function storeSnapshot(s: Booted): string {
  const st = s.store.getState();
  const { config, preset, tasks, savedRuns, metrics, metricsVersion } = st;
  return JSON.stringify({
    config,
    preset,
    tasks,
    savedRuns,
    metrics,
    metricsVersion,
    sent: s.sent.length,
  });
}

describe('the store’s importRunFile', () => {
  const run = JSON.parse(RUN_FILE) as unknown;
  const results = JSON.parse(FIXTURE) as unknown;
  const text = fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 40 }),
    fc.nat({ max: RUN_FILE.length - 1 }).map((n) => RUN_FILE.slice(0, n)),
    mutation(run).map(([p, v]) => JSON.stringify(withValue(run, p as (string | number)[], v))),
    mutation(results).map(([p, v]) =>
      JSON.stringify(withValue(results, p as (string | number)[], v)),
    ),
  );

  it('a refused file changes nothing and shows an import error; an accepted one loads a valid setup', () => {
    const fresh = () => {
      const s = bootedStore();
      s.ready();
      s.sent.length = 0;
      return s;
    };
    let s = fresh();
    fc.assert(
      fc.property(text, (t) => {
        const before = storeSnapshot(s);
        let ok: boolean;
        try {
          ok = s.a().importRunFile(t);
        } catch (e) {
          throw new Error(`importRunFile threw: ${String(e)}`, { cause: e });
        }
        const st = s.store.getState();
        if (ok) {
          expect(validateConfig(st.config).ok).toBe(true);
          expect(st.error?.kind).not.toBe('import');
          s = fresh();
          return;
        }
        expect(storeSnapshot(s)).toBe(before);
        expect(st.error).toMatchObject({
          title: 'That file could not be imported',
          kind: 'import',
        });
        expect(st.error?.message.trim()).not.toBe('');
        expect(st.error?.message).not.toMatch(INTERNAL_ERROR);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
