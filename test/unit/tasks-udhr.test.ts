import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks/catalogue';
import { createFetchCorpusLoader } from '../../src/core/tasks/corpus';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { resolveUdhrCode, splitArticles, UDHR_ALIASES } from '../../src/core/tasks/language';
import { decode, PAD } from '../../src/core/tokenizer';
import type { Task, TaskBatch } from '../../src/core/types';

const corpus = createFsCorpusLoader();

const make = (spec: string, contextLength = 64, seed = 1) =>
  createTask(spec, { slot: 0, contextLength, seed, corpus });

/** The text of a batch's rows (task tokens and PAD dropped). */
function text(b: TaskBatch): string {
  const rows: string[] = [];
  for (let i = 0; i < b.n; i++) {
    const row = b.targets.subarray(i * b.contextLength, (i + 1) * b.contextLength);
    rows.push(decode(Array.from(row).filter((x) => x !== PAD)));
  }
  return rows.join('\n');
}

/** Fraction of the letters of `s` that match `script`. */
function scriptShare(s: string, script: RegExp): number {
  const letters = [...s].filter((c) => /\p{L}/u.test(c));
  return letters.filter((c) => script.test(c)).length / letters.length;
}

describe('udhr corpus extraction', () => {
  it('lists the declarations, sorted, with sizes', async () => {
    const index = await corpus.index();
    expect(index.length).toBeGreaterThan(400);
    const codes = index.map((e) => e.code);
    expect([...codes].sort()).toEqual(codes);
    for (const code of new Set(Object.values(UDHR_ALIASES))) expect(codes).toContain(code);
    const eng = index.find((e) => e.code === 'eng')!;
    expect(eng).toMatchObject({ name: 'English', bcp47: 'en', direction: 'ltr', articles: 31 });
    expect(index.find((e) => e.code === 'arb')!.direction).toBe('rtl');
  });

  it('extracts plain text: preamble first, no tags, no entities, no headings', async () => {
    const eng = await corpus.load('eng');
    expect(eng.articles).toHaveLength(31);
    expect(eng.articles[0]).toMatch(/^Whereas recognition of the inherent dignity/);
    expect(eng.articles[1]).toMatch(/^All human beings are born free and equal/);
    for (const a of eng.articles) {
      expect(a).not.toMatch(/<|&#|&amp;|Article \d/);
      expect(a.trim()).toBe(a);
    }
  });

  it('caches loaded files', async () => {
    expect(await corpus.load('hin')).toBe(await corpus.load('hin'));
  });

  it('rejects codes that are not file names', async () => {
    await expect(corpus.load('../package')).rejects.toThrow(/invalid UDHR code/);
  });

  it('the fetch loader reads base/index.json and base/<code>.json', async () => {
    const urls: string[] = [];
    const fake = async (url: string | URL | Request) => {
      urls.push(String(url));
      const body = String(url).endsWith('index.json')
        ? [{ code: 'xyz', name: 'X', bcp47: 'x', direction: 'ltr', articles: 2, bytes: 3 }]
        : { code: 'xyz', name: 'X', articles: ['a', 'b'] };
      return new Response(JSON.stringify(body));
    };
    const loader = createFetchCorpusLoader('/base/udhr/', fake as typeof fetch);
    expect((await loader.index())[0].code).toBe('xyz');
    expect((await loader.load('xyz')).articles).toEqual(['a', 'b']);
    await loader.load('xyz');
    expect(urls).toEqual(['/base/udhr/index.json', '/base/udhr/xyz.json']);
  });
});

describe('udhr tasks', () => {
  const scripts: [string, RegExp][] = [
    ['udhr:hi', /[\u0900-\u097f]/u],
    ['udhr:ru', /\p{Script=Cyrillic}/u],
    ['udhr:ar', /\p{Script=Arabic}/u],
    ['udhr:zh', /\p{Script=Han}/u],
    ['udhr:ja', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
    ['udhr:en', /\p{Script=Latin}/u],
  ];
  it.each(scripts)('%s yields text in its script', async (spec, script) => {
    const task = await make(spec);
    expect(scriptShare(text(task.sample(createRng(1), 32)), script)).toBeGreaterThan(0.9);
    expect(scriptShare(text(task.validation()), script)).toBeGreaterThan(0.9);
    expect(task.kind).toBe('language');
    expect(task.metric).toBe('none');
  });

  it('labels the language', async () => {
    expect((await make('udhr:en')).label).toBe('UDHR English (eng)');
  });

  it('aliases, package codes and unique BCP 47 tags name the same data', async () => {
    const a = await make('udhr:de');
    const b = await make('udhr:deu_1996');
    expect(a.label).toBe(b.label);
    expect(a.sample(createRng(4), 8)).toEqual(b.sample(createRng(4), 8));
    expect((await make('udhr:cs')).label).toMatch(/Czech/);
  });

  it('an unknown code fails with the aliases and where to look', async () => {
    const err = await make('udhr:klingon').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/unknown UDHR language code "klingon"/);
    expect((err as Error).message).toMatch(/index\.json/);
    expect((err as Error).message).toMatch(/en=eng/);
  });

  it('holds out the last articles: validation text never appears in the train pool', async () => {
    const task: Task = await make('udhr:en', 64);
    const eng = await corpus.load('eng');
    const { train, heldOut } = splitArticles(eng.articles);
    expect(decode(heldOut)).toBe(eng.articles.slice(28).join('\n'));
    expect(decode(train)).toBe(eng.articles.slice(0, 28).join('\n'));
    const trainText = decode(train);
    const v = task.validation();
    expect(v.n).toBe(64);
    expect(trainText.includes(text(v).split('\n')[0])).toBe(false);
  });

  it('every declaration in the index builds a task', async () => {
    const index = await corpus.index();
    for (const e of index) {
      const knobs = { poolSize: 4 };
      const task = await createTask(`udhr:${e.code}`, {
        slot: 0,
        contextLength: 64,
        seed: 1,
        knobs,
        corpus,
      });
      expect(task.validation().n).toBeGreaterThan(0);
    }
  });

  it('splits a one-article declaration by bytes', () => {
    const { train, heldOut } = splitArticles(['abcdefghij'.repeat(10)]);
    expect(train.length).toBe(90);
    expect(heldOut.length).toBe(10);
  });

  it('windows start on UTF-8 character boundaries', async () => {
    const task = await make('udhr:hi', 32);
    const b = task.sample(createRng(2), 64);
    for (let i = 0; i < b.n; i++) expect(b.targets[i * 32] & 0xc0).not.toBe(0x80);
  });

  it('resolveUdhrCode prefers an exact package code', () => {
    const index = [
      { code: 'en', name: 'Odd', bcp47: 'xx', direction: 'ltr' as const, articles: 1, bytes: 1 },
      {
        code: 'eng',
        name: 'English',
        bcp47: 'en',
        direction: 'ltr' as const,
        articles: 1,
        bytes: 1,
      },
    ];
    expect(resolveUdhrCode('en', index).name).toBe('Odd');
    expect(resolveUdhrCode('eng', index).name).toBe('English');
  });
});
