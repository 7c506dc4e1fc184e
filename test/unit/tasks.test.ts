import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { createTask, TASK_FAMILIES } from '../../src/core/tasks/catalogue';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { PRESET_DESCRIPTIONS, PRESET_NAMES, PRESET_TASKS } from '../../src/core/tasks/presets';
import { PAD, taskToken, VOCAB_SIZE } from '../../src/core/tokenizer';
import type { Task, TaskBatch, TaskKnobs } from '../../src/core/types';

const corpus = createFsCorpusLoader();

function make(spec: string, contextLength = 32, seed = 1, knobs?: Partial<TaskKnobs>, slot = 0) {
  return createTask(spec, { slot, contextLength, seed, knobs, corpus });
}

/** Asserts the layout contract of a TaskBatch (see src/core/tasks/examples.ts). */
function expectWellFormed(task: Task, b: TaskBatch, n: number, noisy = false): void {
  const ctx = task.contextLength;
  expect(b.n).toBe(n);
  expect(b.contextLength).toBe(ctx);
  for (const arr of [b.inputs, b.targets, b.mask]) expect(arr.length).toBe(n * ctx);
  // Collect problems and assert once: thousands of expect() calls would be slow.
  const problems: string[] = [];
  const bad = (i: number, t: number, what: string) => problems.push(`row ${i} pos ${t}: ${what}`);
  for (let i = 0; i < n; i++) {
    const row = i * ctx;
    if (b.inputs[row] !== task.taskToken) bad(i, 0, 'first input is not the task token');
    let masked = 0;
    for (let t = 0; t < ctx; t++) {
      const inp = b.inputs[row + t];
      const tgt = b.targets[row + t];
      const m = b.mask[row + t];
      if (!(inp >= 0 && inp < VOCAB_SIZE && tgt >= 0 && tgt < VOCAB_SIZE)) bad(i, t, 'token range');
      if (m !== 0 && m !== 1) bad(i, t, `mask ${m}`);
      if (tgt === PAD && m !== 0) bad(i, t, 'masked PAD target');
      const next = t + 1 < ctx ? b.inputs[row + t + 1] : PAD;
      if (!noisy && tgt !== PAD && next !== PAD && tgt !== next) bad(i, t, 'target != next input');
      // A blind task's first input is PAD (its "no task" token); elsewhere PAD only ends a row.
      if (t > 0 && inp === PAD && next !== PAD) bad(i, t, 'PAD before the end of the row');
      if (t > 0 && inp > PAD) bad(i, t, 'special token inside the sequence');
      masked += m;
    }
    if (masked === 0) bad(i, -1, 'no masked position');
  }
  expect(problems.slice(0, 5)).toEqual([]);
}

const FAMILY_SPECS = [...TASK_FAMILIES.map((f) => f.example), 'anti:add', 'anti:parity'];
const PRESET_SPECS = PRESET_NAMES.flatMap((p) => PRESET_TASKS[p].map((t) => t));

describe('task catalogue: well-formed batches', () => {
  for (const ctx of [32, 64]) {
    it.each(FAMILY_SPECS)(`family example %s at context ${ctx}`, async (spec) => {
      const task = await make(spec, ctx, 7, undefined, 3);
      expect(task.taskToken).toBe(spec.startsWith('blind:') ? PAD : taskToken(3));
      expect(task.id).toBe(spec);
      expectWellFormed(task, task.sample(createRng(1), 16), 16);
      const v = task.validation();
      expectWellFormed(task, v, v.n);
      expect(task.validation()).toEqual(v);
    });

    it.each(PRESET_SPECS.map((t) => [t.spec, t] as const))(
      `preset task %s at context ${ctx}`,
      async (_spec, t) => {
        const task = await make(t.spec, ctx, 3, t.knobs);
        if (t.knobs?.poolSize) expect(task.knobs.poolSize).toBe(t.knobs.poolSize);
        expectWellFormed(task, task.sample(createRng(2), 8), 8);
        expectWellFormed(task, task.validation(), task.validation().n);
      },
    );
  }

  it('every preset has a description and at least one task', () => {
    for (const p of PRESET_NAMES) {
      expect(PRESET_TASKS[p].length).toBeGreaterThan(0);
      expect(PRESET_DESCRIPTIONS[p].length).toBeGreaterThan(10);
    }
  });

  it('masks only answers on algorithmic tasks and every target on language tasks', async () => {
    const copy = await make('copy', 32);
    const b = copy.sample(createRng(3), 4);
    for (let i = 0; i < 4; i++) {
      const row = Array.from(b.mask.subarray(i * 32, (i + 1) * 32));
      expect(row.reduce((s, x) => s + x, 0)).toBe(9); // 8 answer letters + '\n'
      expect(row.slice(0, 9).every((x) => x === 0)).toBe(true); // targets inside "xxxxxxxx>"
    }
    const lm = await make('markov:1:0.5', 32);
    const lb = lm.sample(createRng(3), 4);
    // Windows of contextLength bytes: every target position is a real byte.
    expect(Array.from(lb.mask).every((x) => x === 1)).toBe(true);
  });
});

describe('determinism', () => {
  const sameBatch = (a: TaskBatch, b: TaskBatch) =>
    a.inputs.every((x, i) => x === b.inputs[i]) && a.targets.every((x, i) => x === b.targets[i]);

  it.each(['udhr:en', 'markov:2:0.3', 'add', 'anti:reverse'])(
    '%s: same seed gives the same data',
    async (spec) => {
      const a = await make(spec, 32, 11);
      const b = await make(spec, 32, 11);
      expect(sameBatch(a.sample(createRng(5), 32), b.sample(createRng(5), 32))).toBe(true);
      expect(a.validation()).toEqual(b.validation());
      const c = await make(spec, 32, 12);
      expect(sameBatch(a.sample(createRng(5), 32), c.sample(createRng(5), 32))).toBe(false);
    },
  );

  it('sample draws only from the rng it is given', async () => {
    const t = await make('copy', 32);
    const x = t.sample(createRng(9), 8);
    t.sample(createRng(123), 8);
    expect(sameBatch(x, t.sample(createRng(9), 8))).toBe(true);
  });

  it('the slot changes only the task token', async () => {
    const a = await make('sort', 32, 4, undefined, 0);
    const b = await make('sort', 32, 4, undefined, 5);
    const ba = a.sample(createRng(1), 4);
    const bb = b.sample(createRng(1), 4);
    expect(ba.targets).toEqual(bb.targets);
    expect(bb.inputs[0]).toBe(taskToken(5));
    expect(Array.from(ba.inputs.subarray(1, 32))).toEqual(Array.from(bb.inputs.subarray(1, 32)));
  });

  it('a small pool holds few distinct examples', async () => {
    const t = await make('copy', 32, 1, { poolSize: 3 });
    const b = t.sample(createRng(1), 64);
    const rows = new Set<string>();
    for (let i = 0; i < 64; i++) rows.add(b.inputs.subarray(i * 32, (i + 1) * 32).join(','));
    expect(rows.size).toBeLessThanOrEqual(3);
  });
});

describe('label noise', () => {
  async function clean(spec: string, noise: number) {
    const clean = await make(spec, 32, 2);
    const noisy = await make(spec, 32, 2, { labelNoise: noise });
    const c = clean.sample(createRng(8), 32);
    const n = noisy.sample(createRng(8), 32);
    let maskedCount = 0;
    let differ = 0;
    for (let k = 0; k < c.targets.length; k++) {
      expect(n.inputs[k]).toBe(c.inputs[k]);
      if (c.mask[k] === 0) expect(n.targets[k]).toBe(c.targets[k]);
      else {
        maskedCount++;
        if (n.targets[k] !== c.targets[k]) differ++;
      }
    }
    expect(noisy.validation()).toEqual(clean.validation());
    return { n, noisy, frac: differ / maskedCount };
  }

  it('noise 0 leaves targets clean', async () => {
    expect((await clean('copy', 0)).frac).toBe(0);
  });

  it.each(['copy', 'udhr:en', 'markov:1:0.5', 'parity'])(
    'noise 1 changes most masked targets of %s, never validation',
    async (spec) => {
      const { n, noisy, frac } = await clean(spec, 1);
      expect(frac).toBeGreaterThan(0.5);
      expectWellFormed(noisy, n, 32, true);
    },
  );

  it('noise 0.3 changes about 0.3 x (1 - 1/|alphabet|) of the masked targets', async () => {
    const { frac } = await clean('copy', 0.3);
    expect(frac).toBeGreaterThan(0.2);
    expect(frac).toBeLessThan(0.38);
  });
});

describe('chains: every example its own source', () => {
  /** Mean total-variation distance between each example's bigram law and the pooled one. */
  async function spread(spec: string): Promise<number> {
    const task = await make(spec, 64, 5);
    const b = task.sample(createRng(9), 200);
    const V = VOCAB_SIZE;
    const pooled = new Float64Array(V * V);
    const per: Float64Array[] = [];
    for (let i = 0; i < b.n; i++) {
      const c = new Float64Array(V * V);
      for (let t = 1; t + 1 < 64; t++) c[b.inputs[i * 64 + t] * V + b.inputs[i * 64 + t + 1]] += 1;
      const total = c.reduce((a, x) => a + x, 0);
      for (let j = 0; j < c.length; j++) {
        c[j] /= total;
        pooled[j] += c[j] / b.n;
      }
      per.push(c);
    }
    const tv = per.map((c) => 0.5 * c.reduce((a, x, j) => a + Math.abs(x - pooled[j]), 0));
    return tv.reduce((a, x) => a + x, 0) / tv.length;
  }

  it('its examples disagree with each other far more than one Markov language’s do', async () => {
    const chains = await spread('chains');
    const one = await spread('markov:1:0');
    // 62 bigrams per example: sampling alone gives one language a sizeable spread; chains' own
    // tables (a different top successor per state in every example) add to it.
    expect(chains).toBeGreaterThan(one + 0.1);
  });

  it('is reproducible and keeps its validation apart from its pool', async () => {
    const a = await make('chains', 32, 4);
    const b = await make('chains', 32, 4);
    expect(a.sample(createRng(1), 8)).toEqual(b.sample(createRng(1), 8));
    expect(Array.from(a.validation().inputs)).not.toEqual(
      Array.from(a.sample(createRng(1), a.validation().n).inputs),
    );
  });
});
