import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { derangementMap } from '../../src/core/tasks/algorithmic';
import { ALGORITHM_NAMES, ALGORITHMS } from '../../src/core/tasks/algorithms';
import {
  createTask,
  defaultKnobs,
  difficultySpecsFor,
  parseTaskSpec,
} from '../../src/core/tasks/catalogue';
import { entropyRate, MARKOV_ALPHABET, markovTable } from '../../src/core/tasks/markov';
import { decode, PAD, taskToken } from '../../src/core/tokenizer';
import type { TaskBatch, TaskKnobs } from '../../src/core/types';

const make = (spec: string, knobs?: Partial<TaskKnobs>, contextLength = 32, seed = 1) =>
  createTask(spec, { slot: 1, contextLength, seed, knobs });

/** Row i of a batch as [prompt, answer] text, split where the mask starts. */
function rows(b: TaskBatch): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < b.n; i++) {
    const base = i * b.contextLength;
    const tg = Array.from(b.targets.subarray(base, base + b.contextLength));
    const m = Array.from(b.mask.subarray(base, base + b.contextLength));
    const a = m.indexOf(1);
    const end = m.lastIndexOf(1) + 1;
    out.push([decode(tg.slice(0, a)), decode(tg.slice(a, end))]);
  }
  return out;
}

const SOLVERS: Record<string, (prompt: string, d: Record<string, number>) => string> = {
  copy: (p) => p.slice(0, -1),
  reverse: (p) => [...p.slice(0, -1)].reverse().join(''),
  sort: (p) => [...p.slice(0, -1)].sort().join(''),
  add: (p) => {
    const [a, b] = p.slice(0, -1).split('+').map(Number);
    return String(a + b);
  },
  modadd: (p, d) => {
    const [a, b] = p.slice(0, -1).split('+').map(Number);
    expect(a < d.modulus && b < d.modulus).toBe(true);
    return String((a + b) % d.modulus);
  },
  parity: (p) => String([...p].filter((c) => c === '1').length % 2),
};

describe('algorithmic answers', () => {
  it.each(ALGORITHM_NAMES)('%s examples are correct and end with a newline', async (name) => {
    const variants: Record<string, number>[] = [{}, ...(name === 'modadd' ? [{ modulus: 7 }] : [])];
    for (const difficulty of variants) {
      const task = await make(name, { difficulty });
      const d = task.knobs.difficulty;
      expect(task.metric).toBe('accuracy');
      for (const b of [task.sample(createRng(3), 64), task.validation()]) {
        for (const [prompt, answer] of rows(b)) {
          expect(answer.endsWith('\n')).toBe(true);
          expect(answer.slice(0, -1)).toBe(SOLVERS[name](prompt, d));
          if (name === 'copy' || name === 'parity') expect(prompt).toHaveLength(d.length + 1);
        }
      }
    }
  });

  it('property: any difficulty that fits gives correct, well-placed answers', async () => {
    const arb = fc.constantFrom(...ALGORITHM_NAMES).chain((name) =>
      fc.record({
        name: fc.constant(name),
        seed: fc.nat(1000),
        difficulty: fc.record(
          Object.fromEntries(
            ALGORITHMS[name].difficultySpecs.map((k) => [
              k.name,
              fc.integer({ min: k.min, max: Math.min(k.max, 30) }),
            ]),
          ),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ name, seed, difficulty }) => {
        const ctx = 64;
        if (ALGORITHMS[name].maxBytes(difficulty) > ctx) return;
        const task = await createTask(name, {
          slot: 0,
          contextLength: ctx,
          seed,
          knobs: { poolSize: 16, difficulty },
        });
        for (const [prompt, answer] of rows(task.sample(createRng(seed), 8))) {
          expect(answer.slice(0, -1)).toBe(SOLVERS[name](prompt, task.knobs.difficulty));
          expect((prompt + answer).length).toBeLessThanOrEqual(
            ALGORITHMS[name].maxBytes(difficulty),
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it('add uses plain decimal: "a+b=c\\n"', async () => {
    const task = await make('add', { difficulty: { digits: 2 } });
    for (const [prompt, answer] of rows(task.sample(createRng(1), 50))) {
      expect(prompt + answer).toMatch(/^\d{1,2}\+\d{1,2}=\d{1,3}\n$/);
    }
  });

  it('keeps validation prompts out of the training pool', async () => {
    const task = await make('modadd', { poolSize: 2000 });
    const held = new Set(rows(task.validation()).map(([p]) => p));
    expect(held.size).toBe(64);
    const train = rows(task.sample(createRng(1), 2000)).map(([p]) => p);
    expect(train.some((p) => held.has(p))).toBe(false);
    // Only 529 - 64 distinct pairs are left for training.
    expect(new Set(train).size).toBeLessThanOrEqual(465);
  });

  it('validates difficulty knobs and the context length', async () => {
    await expect(make('copy', { difficulty: { length: 16 } })).rejects.toThrow(
      /needs up to 34 positions but contextLength is 32/,
    );
    await expect(make('copy', { difficulty: { length: 16 } }, 34)).resolves.toBeTruthy();
    await expect(make('add', { difficulty: { digits: 99 } })).rejects.toThrow(/outside \[1, 15\]/);
    await expect(make('add', { difficulty: { digits: 2.5 } })).rejects.toThrow(/must be 1 \+ k/);
    await expect(make('add', { difficulty: { length: 3 } })).rejects.toThrow(/unknown difficulty/);
    await expect(make('copy', { poolSize: 0 })).rejects.toThrow(/poolSize/);
    await expect(make('copy', { labelNoise: 2 })).rejects.toThrow(/labelNoise/);
  });

  it('every default fits a 32-token context', () => {
    for (const name of ALGORITHM_NAMES) {
      const d = defaultKnobs(name).difficulty;
      expect(ALGORITHMS[name].maxBytes(d)).toBeLessThanOrEqual(32);
    }
  });
});

describe('anti tasks', () => {
  it.each(['copy', 'add', 'parity', 'modadd'])('anti:%s permutes the answers only', async (src) => {
    const source = await createTask(src, { slot: 2, contextLength: 32, seed: 5 });
    const anti = await createTask(`anti:${src}`, { slot: 2, contextLength: 32, seed: 5 });
    expect(anti.kind).toBe('anti');
    expect(anti.metric).toBe('accuracy');
    expect(anti.difficultySpecs).toEqual(source.difficultySpecs);
    const s = source.sample(createRng(9), 32);
    const a = anti.sample(createRng(9), 32);
    expect(a.mask).toEqual(s.mask);
    for (let k = 0; k < s.targets.length; k++) {
      const terminator = s.targets[k] === 10;
      if (s.mask[k] === 1 && !terminator) expect(a.targets[k]).not.toBe(s.targets[k]);
      else expect(a.targets[k]).toBe(s.targets[k]);
      // Inputs agree up to the first answer token (the answer itself is teacher-forced).
      if (k % 32 === 0 || s.mask[k - 1] === 0) expect(a.inputs[k]).toBe(s.inputs[k]);
    }
  });

  it('the derangement moves every symbol and is a bijection', () => {
    const map = derangementMap('0123456789', createRng(3));
    const image = new Set<number>();
    for (const c of '0123456789') {
      const m = map[c.charCodeAt(0)];
      expect(m).not.toBe(c.charCodeAt(0));
      image.add(m);
    }
    expect(image.size).toBe(10);
    expect(map[10]).toBe(10);
  });

  it('rejects non-algorithmic sources', () => {
    expect(() => parseTaskSpec('anti:udhr')).toThrow(/anti needs an algorithmic source/);
    expect(() => parseTaskSpec('anti:markov:1:0.5')).toThrow(/anti:<task>/);
  });

  it('takes its source difficulty knobs', async () => {
    expect(difficultySpecsFor('anti:add').map((s) => s.name)).toEqual(['digits']);
    const t = await make('anti:add', { difficulty: { digits: 4 } });
    expect(t.knobs.difficulty.digits).toBe(4);
  });
});

describe('blind tasks', () => {
  const small = { difficulty: { length: 3, symbols: 4 } };

  it('parses blind:<algorithmic or anti task>', () => {
    expect(parseTaskSpec('blind:copy')).toEqual({
      kind: 'algorithmic',
      family: 'copy',
      blind: true,
    });
    expect(parseTaskSpec(' blind:anti:copy ')).toEqual({
      kind: 'anti',
      family: 'anti',
      source: 'copy',
      blind: true,
    });
    expect(difficultySpecsFor('blind:anti:add').map((k) => k.name)).toEqual(['digits']);
  });

  it.each(['blind', 'blind:', 'blind:udhr:en', 'blind:markov:1:0.5', 'blind:chains'])(
    'rejects %s',
    (spec) => {
      expect(() => parseTaskSpec(spec)).toThrow(/expected blind:<task> with an algorithmic/);
    },
  );
  it.each(['blind:blind:copy', 'blind:anti:udhr', 'blind:copy:3'])('rejects %s', (spec) => {
    expect(() => parseTaskSpec(spec)).toThrow(`bad task spec "${spec}"`);
  });

  it('is its task with PAD for the task token: the same bytes, masks and answers', async () => {
    for (const inner of ['copy', 'anti:copy']) {
      const seen = await make(inner, small);
      const blind = await make(`blind:${inner}`, small);
      expect(seen.taskToken).toBe(taskToken(1));
      expect(blind.taskToken).toBe(PAD);
      expect(blind.kind).toBe(seen.kind);
      expect(blind.label).toBe(`Blind ${seen.label.toLowerCase()}`);
      const a = seen.sample(createRng(4), 16);
      const b = blind.sample(createRng(4), 16);
      expect(b.targets).toEqual(a.targets);
      expect(b.mask).toEqual(a.mask);
      for (let k = 0; k < a.inputs.length; k++) {
        expect(b.inputs[k]).toBe(k % 32 === 0 ? PAD : a.inputs[k]);
      }
      expect(rows(blind.validation())).toEqual(rows(seen.validation()));
    }
  });

  it('blind:copy and blind:anti:copy: identical inputs, answers through a fixed derangement', async () => {
    const copy = await make('blind:copy', small);
    const anti = await make('blind:anti:copy', small);
    const c = copy.sample(createRng(8), 64);
    const a = anti.sample(createRng(8), 64);
    // Hand-derived: "bca>" is copied as "bca\n"; the anti answer maps each letter through the
    // same derangement of "abcd" (no letter to itself), the terminator unchanged.
    const map = new Map<string, string>();
    const cr = rows(c);
    const ar = rows(a);
    for (let i = 0; i < 64; i++) {
      const [prompt, answer] = cr[i];
      expect(prompt).toMatch(/^[a-d]{3}>$/);
      expect(answer).toBe(`${prompt.slice(0, 3)}\n`);
      expect(ar[i][0]).toBe(prompt);
      // The inputs agree up to the first answer byte: nothing before it names the task.
      const first = i * 32 + 4;
      expect(Array.from(a.inputs.subarray(i * 32, first + 1))).toEqual(
        Array.from(c.inputs.subarray(i * 32, first + 1)),
      );
      expect(a.inputs[i * 32]).toBe(PAD);
      expect(ar[i][1].endsWith('\n')).toBe(true);
      for (let j = 0; j < 3; j++) {
        const from = prompt[j];
        const to = ar[i][1][j];
        expect(to).not.toBe(from);
        expect(map.get(from) ?? to).toBe(to);
        map.set(from, to);
      }
    }
    expect(new Set(map.values()).size).toBe(map.size); // a bijection on the letters seen
  });

  it('permutes as anti:<task> does (the derangement is keyed without "blind:")', async () => {
    const anti = await make('anti:copy', small);
    const blind = await make('blind:anti:copy', small);
    expect(blind.sample(createRng(2), 32).targets).toEqual(anti.sample(createRng(2), 32).targets);
  });
});

describe('task specs', () => {
  it('parses every family', () => {
    expect(parseTaskSpec('udhr:en')).toEqual({ kind: 'language', family: 'udhr', code: 'en' });
    expect(parseTaskSpec(' markov:3:0.25 ')).toEqual({
      kind: 'markov',
      family: 'markov',
      seed: 3,
      similarity: 0.25,
    });
    expect(parseTaskSpec('add')).toEqual({ kind: 'algorithmic', family: 'add' });
    expect(parseTaskSpec('anti:sort')).toEqual({ kind: 'anti', family: 'anti', source: 'sort' });
  });

  it.each([
    ['nope', /unknown task family "nope"/],
    ['udhr', /expected udhr:<code>/],
    ['markov:1', /expected markov:<seed>:<similarity>/],
    ['markov:-1:0.5', /seed must be an integer/],
    ['markov:1:1.5', /similarity must be a number in \[0, 1\]/],
    ['markov:1:abc', /similarity must be a number/],
    ['copy:3', /takes no arguments/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseTaskSpec(spec)).toThrow(message);
  });

  it('defaults: udhr pool 2000, others 5000, no noise, enabled', () => {
    expect(defaultKnobs('udhr:en')).toEqual({
      poolSize: 2000,
      labelNoise: 0,
      enabled: true,
      difficulty: {},
    });
    expect(defaultKnobs('copy')).toMatchObject({ poolSize: 5000, difficulty: { length: 8 } });
  });

  it('udhr tasks need a corpus loader', async () => {
    await expect(make('udhr:en')).rejects.toThrow(/corpus loader/);
  });
});

describe('markov languages', () => {
  const rowSums = (t: Float64Array) =>
    Array.from({ length: MARKOV_ALPHABET.length }, (_, r) =>
      t.subarray(r * 25, r * 25 + 25).reduce((s, x) => s + x, 0),
    );

  it('similarity 1 gives one shared table, similarity 0 private ones', () => {
    expect(markovTable(1, 1)).toEqual(markovTable(2, 1));
    expect(markovTable(1, 0)).not.toEqual(markovTable(2, 0));
    expect(markovTable(1, 0.5)).toEqual(markovTable(1, 0.5));
    for (const s of rowSums(markovTable(7, 0.3))) expect(s).toBeCloseTo(1, 12);
  });

  it('has real structure: entropy well below uniform', () => {
    const h = entropyRate(markovTable(4, 0));
    expect(h).toBeLessThan(0.6 * Math.log2(MARKOV_ALPHABET.length));
    expect(h).toBeGreaterThan(0.5);
  });

  it('samples only alphabet symbols, and differs between unrelated languages', async () => {
    const a = await make('markov:1:0', { poolSize: 50 });
    const b = await make('markov:2:0', { poolSize: 50 });
    const ta = decode(a.sample(createRng(1), 50).targets);
    const tb = decode(b.sample(createRng(1), 50).targets);
    expect(ta).toMatch(/^[a-x ]+$/);
    const bigrams = (s: string) => new Set(Array.from(s.slice(1), (c, i) => s[i] + c));
    const ba = bigrams(ta);
    const shared = [...bigrams(tb)].filter((g) => ba.has(g)).length;
    expect(shared / ba.size).toBeLessThan(0.9);
  });
});
