import { describe, expect, it } from 'vitest';
import { applyLiveEdit, mixerSetup } from '../../src/core/config/live-edit';
import { parseRunConfig } from '../../src/core/config/run-config';
import { MAX_TASKS } from '../../src/core/tokenizer';
import { tiny } from './helpers/tiny-config';

const base = () => parseRunConfig(tiny({ mixer: { name: 'static', knobs: {}, weights: [3, 1] } }));

describe('live edits: the next config', () => {
  it('merges a task’s knobs over its own and leaves the other tasks and the input alone', () => {
    const c = base();
    const copy = structuredClone(c);
    const next = applyLiveEdit(c, { kind: 'task', index: 0, knobs: { poolSize: 50 } });
    expect(next.tasks[0]).toEqual({
      spec: 'copy',
      knobs: { difficulty: { length: 4 }, poolSize: 50 },
    });
    expect(next.tasks[1]).toEqual(c.tasks[1]);
    expect(c).toEqual(copy);
  });

  it('resizes user weights with the task list: a new task gets their mean, a removed one goes', () => {
    const added = applyLiveEdit(base(), { kind: 'add-task', setup: { spec: 'reverse' } });
    expect(added.tasks.map((t) => t.spec)).toEqual(['copy', 'markov:1:0.5', 'reverse']);
    expect(added.mixer.weights).toEqual([3, 1, 2]);
    const removed = applyLiveEdit(added, { kind: 'remove-task', index: 0 });
    expect(removed.mixer.weights).toEqual([1, 2]);
    expect(removed.tasks.map((t) => t.spec)).toEqual(['markov:1:0.5', 'reverse']);
    // A mixer without user weights keeps none.
    const plain = parseRunConfig(tiny());
    const more = applyLiveEdit(plain, { kind: 'add-task', setup: { spec: 'reverse' } });
    expect(more.mixer.weights).toBeUndefined();
  });

  it('refuses what does not apply, with a message naming it', () => {
    const c = base();
    expect(() => applyLiveEdit(c, { kind: 'remove-task', index: 5 })).toThrow(/no task 5 \(2/);
    expect(() => applyLiveEdit(c, { kind: 'task', index: -1, knobs: {} })).toThrow(/no task -1/);
    const one = applyLiveEdit(c, { kind: 'remove-task', index: 1 });
    expect(() => applyLiveEdit(one, { kind: 'remove-task', index: 0 })).toThrow(/last task/);
    expect(() => applyLiveEdit(c, { kind: 'optimizer', patch: { lr: -1 } })).toThrow(
      /optimizer\.lr/,
    );
    expect(() => applyLiveEdit(c, { kind: 'add-task', setup: { spec: '' } })).toThrow(
      /task spec is empty/,
    );
    let full = c;
    while (full.tasks.length < MAX_TASKS)
      full = applyLiveEdit(full, { kind: 'add-task', setup: { spec: 'copy' } });
    expect(() => applyLiveEdit(full, { kind: 'add-task', setup: { spec: 'copy' } })).toThrow(
      `at most ${MAX_TASKS} tasks`,
    );
    const race = parseRunConfig(
      tiny({
        race: [
          { name: 'mix', knobs: {} },
          { name: 'pike', knobs: {} },
        ],
      }),
    );
    expect(() => applyLiveEdit(race, { kind: 'mixer', mixer: { name: 'mix', knobs: {} } })).toThrow(
      /contestant/,
    );
  });

  it('merges optimizer settings and takes a mixer as a request gives it', () => {
    const next = applyLiveEdit(base(), { kind: 'optimizer', patch: { name: 'sgd' } });
    expect(next.optimizer).toMatchObject({ name: 'sgd', lr: 3e-3 });
    const m = mixerSetup({ name: 'pike', knobs: { T0: 4 }, weights: undefined });
    expect(m).toEqual({ name: 'pike', knobs: { T0: 4 } });
    expect(applyLiveEdit(next, { kind: 'mixer', mixer: m }).mixer).toEqual(m);
  });
});
