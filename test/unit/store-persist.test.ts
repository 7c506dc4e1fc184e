import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../src/core/trainer-types';
import { MAX_TEXT_BYTES } from '../../src/core/config/catalogue';
import { memoryPersistence } from '../../src/store/persist';
import { bootedStore } from './helpers/fake-client';

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(persistence = memoryPersistence()) {
  const s = bootedStore({ persistence });
  s.ready();
  return { ...s, persistence };
}

const evalAt = (step: number): EvalResult => ({
  type: 'eval',
  step,
  valLoss: Float64Array.from([2, 3, 4]),
  accuracy: new Float64Array(3).fill(NaN),
});

describe('saved runs survive a reload (IndexedDB through the Persistence port)', () => {
  it('stores a saved run, brings it back in a new store, and clears it', async () => {
    const first = setup();
    await flush();
    first.a().receive({ type: 'eval', run: 0, result: evalAt(10) });
    first.a().saveRun();
    expect(first.persistence.runs).toHaveLength(1);
    const second = setup(first.persistence);
    await flush();
    const runs = second.store.getState().savedRuns;
    expect(runs.map((r) => r.label)).toEqual(['PiKE · seed 0']);
    expect(runs[0].y).toEqual([3]);
    second.a().clearSavedRuns();
    expect(first.persistence.runs).toEqual([]);
  });

  it('never overwrites the stored runs before they are back', async () => {
    const p = memoryPersistence();
    p.runs = [
      { id: 1, label: 'old', mixer: 'mix', seed: 0, x: [10], y: [2], tasks: ['a'], perTask: [[2]] },
    ];
    const s = setup(p);
    // boot started the restore; the store has not saved the empty list over it
    expect(p.runs).toHaveLength(1);
    await flush();
    expect(s.store.getState().savedRuns.map((r) => r.label)).toEqual(['old']);
  });
});

describe('your own text as a task', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const longText = 'The quick brown fox jumps over the lazy dog.\n'.repeat(120);

  it('stores a valid text and adds the task text:<hash>, telling the user what the link holds', async () => {
    const s = setup();
    expect(await s.a().addOwnText(enc(longText), 'fox.txt')).toBe(true);
    const specs = s.store.getState().config.tasks.map((t) => t.spec);
    const spec = specs.at(-1)!;
    expect(spec).toMatch(/^text:[0-9a-f]{12}$/);
    expect(s.persistence.texts.get(spec.slice(5))).toBe(longText);
    expect(s.sent.at(-1)).toEqual({ type: 'addTask', setup: { spec } });
    expect(s.store.getState().warnings.at(-1)?.message).toMatch(/this browser only/);
    // The same text twice is refused.
    expect(await s.a().addOwnText(enc(longText))).toBe(false);
  });

  it('refuses invalid UTF-8, a too short and a too long text with a message, changing nothing', async () => {
    const s = setup();
    const before = s.store.getState().config;
    const bad = enc(longText);
    bad[100] = 0xff;
    expect(await s.a().addOwnText(bad, 'bad.txt')).toBe(false);
    expect(s.store.getState().error?.message).toMatch(/bad\.txt.*UTF-8/);
    expect(await s.a().addOwnText(enc('short'))).toBe(false);
    expect(s.store.getState().error?.message).toMatch(/KiB|bytes/);
    expect(await s.a().addOwnText(new Uint8Array(MAX_TEXT_BYTES + 1), 'big.txt')).toBe(false);
    expect(s.store.getState().error?.message).toMatch(/big\.txt.*at most/);
    expect(s.store.getState().config).toBe(before);
    expect(s.persistence.texts.size).toBe(0);
  });
});

describe('samples', () => {
  it('keeps the followed run’s last two rounds; following another contestant samples it at once', () => {
    const s = setup();
    const round = (step: number) => ({
      type: 'samples' as const,
      run: 0,
      step,
      ms: 12,
      samples: [{ task: 'udhr:en', kind: 'language' as const, prompt: 'All ', output: 'human' }],
    });
    s.a().receive(round(10));
    s.a().receive(round(20));
    s.a().receive(round(30));
    expect(s.store.getState().samples.map((r) => r.step)).toEqual([20, 30]);
    s.a().receive({ ...round(40), run: 1 }); // not followed: dropped
    expect(s.store.getState().samples.map((r) => r.step)).toEqual([20, 30]);
    s.a().setTemperature(5);
    expect(s.store.getState().temperature).toBe(2);
    expect(s.sent.at(-1)).toEqual({ type: 'setSampling', run: 0, temperature: 2, now: true });
  });
});
