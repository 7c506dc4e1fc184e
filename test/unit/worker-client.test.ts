/**
 * The start guard in TrainingClient (src/worker/client.ts): a backend whose start never
 * finishes, or a worker that never runs its script, cannot block the page. Fake workers and a
 * manual clock stand in for the browser.
 */
import { describe, expect, it } from 'vitest';
import {
  ALIVE_LIMIT_MS,
  MAX_SILENT_SPAWNS,
  START_LIMIT_MS,
  TrainingClient,
  type WorkerLike,
} from '../../src/worker/client';
import type { Command, WorkerEvent } from '../../src/core/protocol';

class FakeWorker implements WorkerLike {
  posted: Command[] = [];
  terminated = false;
  private listeners: Record<string, ((e: never) => void)[]> = {};
  postMessage(m: Command) {
    this.posted.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  addEventListener(type: string, fn: (e: never) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  emit(data: WorkerEvent) {
    for (const fn of this.listeners.message ?? []) fn({ data } as never);
  }
}

/** A manual clock: timers fire when `advance` passes them. */
function clock() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    setTimer(fn: () => void, ms: number) {
      const t = { at: now + ms, fn };
      timers.push(t);
      return () => {
        timers = timers.filter((x) => x !== t);
      };
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

function setup() {
  const workers: FakeWorker[] = [];
  const events: WorkerEvent[] = [];
  const c = clock();
  const client = new TrainingClient({
    onEvent: (e) => events.push(e),
    spawn: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    setTimer: c.setTimer,
  });
  return { client, workers, events, clock: c, last: () => workers[workers.length - 1] };
}

const config = { preset: 'multilingual' } as never;
const ready = (name: 'wasm' | 'cpu' | 'webgl' | 'webgpu'): WorkerEvent => ({
  type: 'ready',
  backend: { name, choice: 'measured', candidates: [] },
  numParams: 1,
  tasks: [],
  runs: [],
  step: 0,
});

describe('TrainingClient start guard', () => {
  it('abandons a backend start that never finishes and replays the boot in a fresh worker', () => {
    const s = setup();
    s.client.configure(config, { backend: 'wasm' });
    s.client.setSampling(0, 0.8);
    const first = s.last();
    first.emit({ type: 'alive' });
    first.emit({ type: 'starting', backend: 'wasm' });
    s.clock.advance(START_LIMIT_MS - 1);
    expect(s.workers).toHaveLength(1); // not yet
    s.clock.advance(1);
    expect(first.terminated).toBe(true);
    expect(s.workers).toHaveLength(2);
    const second = s.last();
    // The same commands, the configure now naming the abandoned backend and why.
    expect(second.posted.map((c) => c.type)).toEqual(['configure', 'setSampling']);
    const cfg = second.posted[0] as Extract<Command, { type: 'configure' }>;
    expect(cfg.backend).toBe('wasm');
    expect(cfg.abandoned).toEqual([
      { name: 'wasm', note: `did not start within ${START_LIMIT_MS / 1000} s; abandoned` },
    ]);
    // The page is told at once what happens, never left without a message.
    expect(s.events).toEqual([
      {
        type: 'measuring',
        message: `wasm did not start within ${START_LIMIT_MS / 1000} s: trying the next backend`,
      },
    ]);
    // The fresh worker trains on another backend: its events reach the page, the guard's not.
    second.emit({ type: 'alive' });
    second.emit({ type: 'starting', backend: 'cpu' });
    second.emit({ type: 'started', backend: 'cpu' });
    second.emit(ready('cpu'));
    s.clock.advance(10 * START_LIMIT_MS);
    expect(s.workers).toHaveLength(2);
    expect(s.events.map((e) => e.type)).toEqual(['measuring', 'ready']);
  });

  it('leaves a start that finishes in time alone, however long measuring then takes', () => {
    const s = setup();
    s.client.configure(config);
    const w = s.last();
    w.emit({ type: 'alive' });
    w.emit({ type: 'starting', backend: 'webgpu' });
    s.clock.advance(START_LIMIT_MS - 100);
    w.emit({ type: 'started', backend: 'webgpu' });
    w.emit({ type: 'measuring', message: 'measuring webgpu' });
    s.clock.advance(5 * START_LIMIT_MS); // a slow first step is not a start
    expect(s.workers).toHaveLength(1);
    expect(w.terminated).toBe(false);
  });

  it('keeps an abandoned backend out of later configures (a Restart)', () => {
    const s = setup();
    s.client.configure(config);
    s.last().emit({ type: 'alive' });
    s.last().emit({ type: 'starting', backend: 'wasm' });
    s.clock.advance(START_LIMIT_MS);
    s.last().emit(ready('cpu'));
    s.client.restart();
    s.client.configure(config, { remembered: { name: 'cpu', candidates: [], measuredAt: 'x' } });
    const cfg = s.last().posted[0] as Extract<Command, { type: 'configure' }>;
    expect(cfg.abandoned?.map((c) => c.name)).toEqual(['wasm']);
  });

  it('starts a worker that never runs its script again, then gives up with an error', () => {
    const s = setup();
    s.client.configure(config);
    for (let i = 1; i < MAX_SILENT_SPAWNS; i++) {
      s.clock.advance(ALIVE_LIMIT_MS);
      expect(s.workers).toHaveLength(i + 1);
      expect(s.last().posted.map((c) => c.type)).toEqual(['configure']);
    }
    s.clock.advance(ALIVE_LIMIT_MS);
    expect(s.workers).toHaveLength(MAX_SILENT_SPAWNS);
    expect(s.last().terminated).toBe(true);
    expect(s.events).toHaveLength(1);
    expect(s.events[0]).toMatchObject({ type: 'error', kind: 'crash', recoverable: true });
    expect((s.events[0] as { message: string }).message).toMatch(/did not start within/);
  });

  it('ignores whatever an ended worker still posts', () => {
    const s = setup();
    s.client.configure(config);
    const first = s.last();
    first.emit({ type: 'alive' });
    first.emit({ type: 'starting', backend: 'wasm' });
    s.clock.advance(START_LIMIT_MS);
    first.emit(ready('wasm')); // too late: that worker is gone
    expect(s.events.map((e) => e.type)).toEqual(['measuring']);
  });
});
