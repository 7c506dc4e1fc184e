import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/experiment';
import { presetConfig } from '../../src/core/config/presets';
import { parseTaskWithKnobs } from '../../src/core/config/spec';
import { createRng } from '../../src/core/rng';
import { createTask, defaultKnobs, parseTaskSpec } from '../../src/core/tasks/catalogue';
import type { CorpusLoader } from '../../src/core/tasks/corpus';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { DEFAULT_LANGUAGE_POOL } from '../../src/core/tasks/knobs';
import {
  createMemoryTextSource,
  firstInvalidUtf8,
  isOwnTextSpec,
  MAX_TEXT_BYTES,
  MIN_TEXT_BYTES,
  ownTextSpec,
  splitOwnText,
  textHash,
  thousands,
  unknownTextMessage,
  validateOwnText,
} from '../../src/core/tasks/own-text';
import { decode, encode, PAD } from '../../src/core/tokenizer';
import type { TaskBatch } from '../../src/core/types';
import { decodeHash } from '../../src/store/url-hash';
import { localTaskInfo, validateConfig } from '../../src/core/config/validate';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** `n` bytes of lines of lowercase words (every line 40 bytes including its '\n'). */
function lines(n: number, upper = false): string {
  const words = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog'];
  let out = '';
  for (let i = 0; out.length < n; i++) {
    let line = '';
    for (let k = i; line.length < 39; k++) line += `${words[k % words.length]} `;
    line = line.slice(0, 39);
    out += `${upper ? line.toUpperCase() : line}\n`;
  }
  return out.slice(0, n);
}

/** The text of each row's targets (PAD dropped). */
function rows(b: TaskBatch): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.n; i++) {
    const row = b.targets.subarray(i * b.contextLength, (i + 1) * b.contextLength);
    out.push(decode(Array.from(row).filter((x) => x !== PAD)));
  }
  return out;
}

/** The multilingual preset with other tasks (and no weights, so any number of tasks fits). */
function withTasks(tasks: { spec: string; knobs?: object }[]) {
  const c = presetConfig('multilingual');
  return { ...c, tasks, mixer: { ...c.mixer, weights: undefined } };
}

/** A loader with no UDHR files and the given texts. */
function loaderWith(text?: CorpusLoader['text']): CorpusLoader {
  return {
    index: async () => [],
    load: (code) => Promise.reject(new Error(`no UDHR here (${code})`)),
    ...(text ? { text } : {}),
  };
}

describe('validateOwnText', () => {
  it('accepts UTF-8 text and returns it unchanged', () => {
    const text = `${lines(5000)}Grüße, 你好, мир 👋\n`;
    expect(validateOwnText(utf8(text))).toEqual({ ok: true, text });
  });

  it('names the byte offset of an invalid sequence', () => {
    const bytes = utf8(lines(6000));
    bytes[4321] = 0xe9; // Latin-1 "é" followed by ASCII: not UTF-8
    const r = validateOwnText(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/not UTF-8 text.*offset 4,321 \(0xE9 0x/);
  });

  it.each([
    ['an overlong encoding', [0xc0, 0x80]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a stray continuation byte', [0x80]],
  ])('finds %s', (_, seq) => {
    const bytes = new Uint8Array([...utf8(lines(5000)), ...seq, ...utf8('tail')]);
    const r = validateOwnText(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('offset 5,000 (');
  });

  it('finds a character cut off at the end', () => {
    const bytes = utf8(`${lines(5000)}é`).subarray(0, 5001);
    expect(firstInvalidUtf8(bytes)).toBe(5000);
  });

  it('finds exactly the offset where TextDecoder stops accepting (any bytes)', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const valid = (b: Uint8Array) => {
      try {
        fatal.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    // Bytes biased towards lead and continuation bytes, so sequences are often nearly valid.
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.constantFrom(0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0x41),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 24 }), (arr) => {
        const b = Uint8Array.from(arr);
        const at = firstInvalidUtf8(b);
        expect(at === b.length).toBe(valid(b));
        expect(valid(b.subarray(0, at))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('drops a leading byte order mark', () => {
    const text = lines(5000);
    const r = validateOwnText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]));
    expect(r).toEqual({ ok: true, text });
  });

  it('turns CRLF and lone CR into LF', () => {
    const text = lines(5000);
    const crlf = text.replace(/\n/g, '\r\n');
    expect(validateOwnText(utf8(crlf))).toEqual({ ok: true, text });
    expect(validateOwnText(utf8(text.replace(/\n/g, '\r')))).toEqual({ ok: true, text });
  });

  it('refuses UTF-16 and binary files', () => {
    const le = new Uint8Array([
      0xff,
      0xfe,
      ...Array.from(utf8(lines(5000))).flatMap((b) => [b, 0]),
    ]);
    const r16 = validateOwnText(le);
    expect(!r16.ok && r16.message).toMatch(/UTF-16/);
    const noBom = le.subarray(2);
    const rNul = validateOwnText(noBom);
    expect(!rNul.ok && rNul.message).toMatch(/NUL byte at offset 1\b/);
  });
});

describe('own text size limits', () => {
  it('takes MAX_TEXT_BYTES, refuses one byte more with the size and the limit', () => {
    const max = new Uint8Array(MAX_TEXT_BYTES).fill(0x61);
    expect(validateOwnText(max).ok).toBe(true);
    const over = new Uint8Array(MAX_TEXT_BYTES + 1).fill(0x61);
    const r = validateOwnText(over);
    expect(!r.ok && r.message).toMatch(
      /Your text is 2 MiB \(2,097,153 bytes\); a task takes at most 2 MiB \(2,097,152 bytes\)/,
    );
  });

  it('takes MIN_TEXT_BYTES, refuses one byte less with the size and the limit', () => {
    expect(validateOwnText(utf8(lines(MIN_TEXT_BYTES))).ok).toBe(true);
    const r = validateOwnText(utf8(lines(MIN_TEXT_BYTES - 1)));
    expect(!r.ok && r.message).toMatch(
      /Your text is 3.9 KiB \(4,095 bytes\); a task needs at least 4 KiB \(4,096 bytes\)/,
    );
    expect(validateOwnText(new Uint8Array(0)).ok).toBe(false);
  });

  it('measures the minimum after CRLF becomes LF', () => {
    const text = lines(MIN_TEXT_BYTES - 50).replace(/\n/g, '\r\n'); // > 4 KiB only with CRs
    expect(utf8(text).length).toBeGreaterThanOrEqual(MIN_TEXT_BYTES);
    expect(validateOwnText(utf8(text)).ok).toBe(false);
  });
});

describe('textHash and the spec', () => {
  it('is the first 12 hex digits of SHA-256 of the UTF-8 bytes, stable', async () => {
    const text = 'Grüße\nworld\n';
    const h = await textHash(text);
    expect(h).toMatch(/^[0-9a-f]{12}$/);
    expect(h).toBe(createHash('sha256').update(utf8(text)).digest('hex').slice(0, 12));
    expect(await textHash(text)).toBe(h);
    expect(await textHash(`${text} `)).not.toBe(h);
    expect(await textHash('')).toBe('e3b0c44298fc');
  });

  it('accepts text:<12 lowercase hex> and rejects anything else, naming the spec', () => {
    expect(ownTextSpec('0123456789ab')).toBe('text:0123456789ab');
    expect(() => ownTextSpec('0123456789AB')).toThrow(/not a text hash/);
    expect(isOwnTextSpec(' text:0123456789ab ')).toBe(true);
    expect(parseTaskSpec('text:0123456789ab')).toEqual({
      kind: 'language',
      family: 'text',
      hash: '0123456789ab',
    });
    for (const bad of [
      'text:',
      'text',
      'text:0123456789',
      'text:0123456789AB',
      'text:0123456789abc',
      'text:a:b',
      'text:0123456789ag',
    ]) {
      expect(isOwnTextSpec(bad)).toBe(false);
      expect(() => parseTaskSpec(bad)).toThrow(`bad task spec "${bad}": expected text:<hash>`);
    }
    expect(() => parseTaskSpec('nope')).toThrow(/known: .*text/);
  });

  it('has the language knobs, and the page validates it', () => {
    const spec = 'text:0123456789ab';
    expect(defaultKnobs(spec).poolSize).toBe(DEFAULT_LANGUAGE_POOL);
    expect(parseTaskWithKnobs(`${spec}{pool=500;noise=0.1}`)).toEqual({
      spec,
      knobs: { poolSize: 500, labelNoise: 0.1 },
    });
    expect(localTaskInfo(spec, { poolSize: 500 })).toMatchObject({
      id: spec,
      label: 'Your text 0123456789ab',
      kind: 'language',
      metric: 'none',
      knobs: { poolSize: 500, labelNoise: 0, enabled: true },
      difficultySpecs: [],
    });
    expect(() => localTaskInfo('text:xyz')).toThrow(/bad task spec "text:xyz"/);
    expect(validateConfig(withTasks([{ spec }, { spec: 'udhr:en' }])).ok).toBe(true);
    const bad = validateConfig(withTasks([{ spec: 'text:xyz' }]));
    expect(!bad.ok && bad.message).toMatch(/task 1 \(text:xyz\): bad task spec "text:xyz"/);
    expect(validateConfig(withTasks([{ spec, knobs: { difficulty: { x: 1 } } }])).ok).toBe(false);
  });

  it('goes through a link', () => {
    const r = decodeHash('#tasks=text:0123456789ab,udhr:en&t0.pool=300');
    expect(r.ok && r.config.tasks[0]).toEqual({
      spec: 'text:0123456789ab',
      knobs: { poolSize: 300 },
    });
    const bad = decodeHash('#tasks=text:0123');
    expect(!bad.ok && bad.message).toMatch(/bad task spec "text:0123"/);
  });
});

describe('splitOwnText', () => {
  it('holds out about the last 10%, starting on a line', () => {
    const bytes = utf8(lines(10_013));
    const { train, heldOut } = splitOwnText(bytes);
    expect(train.length + heldOut.length).toBe(bytes.length);
    expect(train[train.length - 1]).toBe(0x0a);
    expect(heldOut.length / bytes.length).toBeGreaterThan(0.075);
    expect(heldOut.length / bytes.length).toBeLessThan(0.125);
    // The nearest line start to the 90% point (lines are 40 bytes).
    expect(Math.abs(train.length - Math.floor(bytes.length * 0.9))).toBeLessThanOrEqual(20);
  });

  it('cuts on a character boundary when no line start is near', () => {
    const bytes = utf8('é'.repeat(5001)); // 10,002 bytes, no newline, 2-byte characters
    const { train, heldOut } = splitOwnText(bytes);
    expect(train.length).toBe(9000);
    expect(heldOut.length).toBe(1002);
    expect(decode(heldOut)).toBe('é'.repeat(501));
  });

  it('ignores a line start farther than 2.5% of the text away', () => {
    const text = `${'x'.repeat(100)}\n${'y'.repeat(9899)}`; // one newline, at 1%
    const { train } = splitOwnText(utf8(text));
    expect(train.length).toBe(9000);
  });
});

describe('an own text as a task', () => {
  // Train part lowercase, held-out part uppercase: the cut falls on the line at exactly 90%.
  const text = lines(36_000) + lines(4_000, true);

  it('builds from the corpus loader: pool from the train part, validation from the held-out', async () => {
    const source = createMemoryTextSource();
    const hash = await source.add(text);
    const task = await createTask(ownTextSpec(hash), {
      slot: 2,
      contextLength: 64,
      seed: 7,
      corpus: loaderWith(source.text),
    });
    expect(task).toMatchObject({
      id: `text:${hash}`,
      label: `Your text ${hash}`,
      kind: 'language',
    });
    expect(task.metric).toBe('none');
    expect(task.knobs.poolSize).toBe(DEFAULT_LANGUAGE_POOL);
    const batch = task.sample(createRng(1), 200);
    for (const r of rows(batch)) {
      expect(r.length).toBe(64);
      expect(text.slice(0, 36_000)).toContain(r);
      expect(r).not.toMatch(/[A-Z]/);
    }
    const val = rows(task.validation());
    expect(val).toHaveLength(64);
    for (const r of val) {
      expect(text.slice(36_000)).toContain(r);
      expect(r).not.toMatch(/[a-z]/);
    }
    // Reproducible: the same spec and seed give the same pool.
    const again = await createTask(ownTextSpec(hash), {
      slot: 2,
      contextLength: 64,
      seed: 7,
      corpus: loaderWith(source.text),
    });
    expect(again.sample(createRng(1), 200).targets).toEqual(batch.targets);
  });

  it('a small pool is a small dataset', async () => {
    const source = createMemoryTextSource();
    const hash = await source.add(text);
    const task = await createTask(`text:${hash}`, {
      slot: 0,
      contextLength: 32,
      seed: 1,
      knobs: { poolSize: 5 },
      corpus: loaderWith(source.text),
    });
    expect(new Set(rows(task.sample(createRng(3), 300))).size).toBeLessThanOrEqual(5);
  });

  it('says where the text lives when it is unknown', async () => {
    const hash = 'abcdef012345';
    const expected = unknownTextMessage(hash);
    expect(expected).toMatch(/stored only in the browser where it was added; add the text again/);
    const make = (corpus?: CorpusLoader) =>
      createTask(`text:${hash}`, { slot: 0, contextLength: 32, seed: 1, corpus });
    await expect(make(loaderWith(createMemoryTextSource().text))).rejects.toThrow(expected);
    await expect(make(loaderWith())).rejects.toThrow(expected);
    await expect(make()).rejects.toThrow(expected);
    await expect(make(createFsCorpusLoader())).rejects.toThrow(
      /text:abcdef012345 is your own text.*the command line cannot read it/,
    );
  });

  it('refuses a stored text that does not match its hash', async () => {
    const hash = await textHash(text);
    const corpus = loaderWith(async () => `${text}!`);
    await expect(
      createTask(`text:${hash}`, { slot: 0, contextLength: 32, seed: 1, corpus }),
    ).rejects.toThrow(`text:${hash}: the stored text has hash`);
    const short = loaderWith(async () => 'too short');
    await expect(
      createTask(`text:${hash}`, { slot: 0, contextLength: 32, seed: 1, corpus: short }),
    ).rejects.toThrow(/needs at least 4 KiB/);
  });

  it('memory source: add validates and returns the hash of the normalised text', async () => {
    const source = createMemoryTextSource();
    const hash = await source.add(text.replace(/\n/g, '\r\n'));
    expect(hash).toBe(await textHash(text));
    expect(await source.text(hash)).toBe(text);
    await expect(source.add('short')).rejects.toThrow(/at least 4 KiB/);
    expect(encode(await source.text(hash)).length).toBe(40_000);
  });
});

describe('own texts on the command line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 2 before any run: the text is only in a browser', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const argv = ['--tasks', 'udhr:en,text:abcdef012345', '--mixers', 'mix', '--steps', '1'];
    expect(await main(argv)).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(
      /text:abcdef012345 is your own text.*the command line cannot read it/,
    );
  });
});

describe('thousands', () => {
  it('writes integers as toLocaleString("en-US") does, without Intl', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (n) => {
        expect(thousands(n)).toBe(n.toLocaleString('en-US'));
      }),
    );
    expect(thousands(0)).toBe('0');
    expect(thousands(1000)).toBe('1,000');
  });
});
