/**
 * The worker's session (src/worker/session.ts) driven in Node, without a worker: commands in,
 * events out, on the cpu backend and on wasm. Configure, train, live edits, task changes, races,
 * faults, bad input and reset, each checked by the events the page would receive.
 */
import { useBackend } from './helpers/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runConfigSchema } from '../../src/core/config/run-config';
import type {
  BackendInfo,
  BackendName,
  Control,
  FaultSpec,
  Request,
  WorkerEvent,
} from '../../src/core/protocol';
import { MODEL_SIZES } from '../../src/core/config/presets';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';
import { TrainingSession } from '../../src/worker/session';
import { tiny } from './helpers/tiny-config';

type Of<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

/** A session whose host records every event and starts the backend it is asked for. */
function harness(name: BackendName) {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession({
    post: (e) => events.push(e),
    corpus: createFsCorpusLoader(),
    async chooseBackend(req): Promise<BackendInfo> {
      await useBackend(req.backend ?? name);
      return { name: req.backend ?? name, choice: 'forced', candidates: [] };
    },
    deviceLost: () => new Promise<string>(() => {}),
    memoryInUse: () => ({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes }),
    onHardwareWebGpu: () => false,
  });
  const of = <T extends WorkerEvent['type']>(type: T) =>
    events.filter((e): e is Of<T> => e.type === type);
  const CONTROLS: readonly string[] = ['start', 'pause', 'step', 'setSampling'];
  let ids = 0;
  /**
   * Sends commands (requests numbered as the page's client does) and waits until the session has
   * run them and any rounds they queued; returns the events they caused.
   */
  const send = async (...cmds: (Request | Control)[]) => {
    const from = events.length;
    for (const c of cmds) {
      session.handle(CONTROLS.includes(c.type) ? (c as Control) : { ...(c as Request), id: ++ids });
    }
    await session.idle();
    return events.slice(from);
  };
  const configure = (over = {}, fault?: FaultSpec) =>
    send({ type: 'configure', config: tiny(over), backend: name, ...(fault ? { fault } : {}) });
  return { session, events, of, send, configure, lastId: () => ids };
}

const last = <T>(xs: T[]): T => xs[xs.length - 1];

/** The session trains on: one more step pauses at `step`. */
async function trainsOnTo(h: ReturnType<typeof harness>, step: number) {
  const more = await h.send({ type: 'step', n: 1 });
  expect(last(more)).toEqual({ type: 'status', running: false, step });
}

describe.each(['cpu', 'wasm'] as const)('the training session on %s', (name) => {
  let before: number;
  beforeAll(() => useBackend(name));
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterAll(() => useBackend('cpu'));

  it('configures, trains n steps, reports metrics and pauses; reset starts over', async () => {
    const h = harness(name);
    const built = await h.configure();
    const ready = built.find((e): e is Of<'ready'> => e.type === 'ready');
    expect(ready?.backend.name).toBe(name);
    expect(ready?.tasks.map((t) => t.id)).toEqual(['copy', 'markov:1:0.5']);
    expect(ready?.runs).toHaveLength(1);
    expect(built).toContainEqual({ type: 'status', running: false, step: 0 });

    const stepped = await h.send({ type: 'step', n: 6 });
    expect(last(stepped)).toEqual({ type: 'status', running: false, step: 6 });
    const steps = h.of('metrics').flatMap((m) => Array.from(m.batch.steps));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    const losses = h.of('metrics').flatMap((m) => Array.from(m.batch.taskLoss));
    expect(losses.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
    expect(h.of('stats').length).toBeGreaterThan(0);

    const reset = await h.send({ type: 'reset' });
    expect(reset.find((e) => e.type === 'ready')).toMatchObject({ step: 0 });
    h.session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a build parses its config once: the run set and its trainers take it as it is', async () => {
    const h = harness(name);
    const parse = vi.spyOn(runConfigSchema, 'safeParse');
    try {
      await h.configure({
        race: [
          { name: 'mix', knobs: {} },
          { name: 'pike', knobs: { T0: 2 } },
        ],
      });
      expect(parse).toHaveBeenCalledTimes(1);
      await h.send({ type: 'setSeed', seed: 9 });
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
      h.session.dispose();
    }
  });

  it('start runs rounds until pause; a command lands between two rounds', async () => {
    const h = harness(name);
    await h.configure();
    h.session.handle({ type: 'start' });
    await expect.poll(() => h.of('progress').length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(h.session.isRunning).toBe(true);
    const paused = await h.send({ type: 'pause' });
    const status = last(paused.filter((e): e is Of<'status'> => e.type === 'status'));
    expect(status.running).toBe(false);
    expect(status.step).toBeGreaterThan(0);
    expect(h.session.isRunning).toBe(false);
    h.session.dispose();
  });

  it('live edits apply between steps; a refused one says why and changes nothing', async () => {
    const h = harness(name);
    await h.configure({ mixer: { name: 'mix', knobs: {} } });
    const ok = await h.send({ type: 'setMixer', name: 'pike', knobs: { T0: 2 } });
    expect(ok).toEqual([{ type: 'applied', id: h.lastId() }]);
    const bad = await h.send({ type: 'setMixer', name: 'pike', knobs: { T0: -1 } });
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ type: 'error', kind: 'config', id: h.lastId() });
    const opt = await h.send({ type: 'setOptimizer', patch: { lr: 1e-3 } });
    expect(opt).toEqual([{ type: 'applied', id: h.lastId() }]);
    const after = await h.send({ type: 'step', n: 4 });
    expect(last(after)).toEqual({ type: 'status', running: false, step: 4 });
    // PiKE with T₀ = 2 (the accepted change) updated its weights at steps 2 and 4.
    expect(h.of('mixer-update').length).toBeGreaterThan(0);
    h.session.dispose();
  });

  it('adds and removes a task: each change answers with the new task list', async () => {
    const h = harness(name);
    await h.configure();
    await h.send({ type: 'step', n: 2 });
    const added = await h.send({ type: 'addTask', setup: { spec: 'markov:2:0.5' } });
    const readyAdd = added.find((e): e is Of<'ready'> => e.type === 'ready');
    expect(readyAdd?.tasks).toHaveLength(3);
    expect(readyAdd?.id).toBe(h.lastId()); // each reply names its request
    const removed = await h.send({ type: 'removeTask', index: 0 });
    const ready = removed.find((e): e is Of<'ready'> => e.type === 'ready');
    expect(ready?.tasks.map((t) => t.id)).toEqual(['markov:1:0.5', 'markov:2:0.5']);
    expect(ready?.step).toBe(2);
    const bad = await h.send({ type: 'addTask', setup: { spec: 'no-such-task' } });
    expect(bad).toEqual([
      expect.objectContaining({ type: 'error', kind: 'config', id: h.lastId() }),
    ]);
    h.session.dispose();
  });

  it('a race trains every contestant, each event tagged with its run', async () => {
    const h = harness(name);
    const built = await h.configure({
      race: [
        { name: 'mix', knobs: {} },
        { name: 'pike', knobs: { T0: 2 } },
      ],
    });
    const ready = built.find((e): e is Of<'ready'> => e.type === 'ready');
    expect(ready?.runs.map((r) => r.mixer)).toEqual(['mix', 'pike']);
    await h.send({ type: 'step', n: 4 });
    const runs = new Set(h.of('metrics').map((m) => m.run));
    expect([...runs].sort()).toEqual([0, 1]);
    h.session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bad input changes nothing: an invalid or too large setup keeps the previous model', async () => {
    const h = harness(name);
    await h.configure();
    await h.send({ type: 'step', n: 2 });
    const invalid = await h.send({
      type: 'configure',
      config: { ...tiny(), batchSize: -3 },
    });
    expect(invalid).toEqual([
      expect.objectContaining({ type: 'error', kind: 'config', recoverable: false }),
    ]);
    // The page's GPU-sized model: over a CPU backend's memory budget (src/core/config/memory.ts).
    const huge = await h.configure({ model: MODEL_SIZES.gpu, batchSize: 128 });
    expect(huge).toEqual([expect.objectContaining({ type: 'error', kind: 'config' })]);
    expect((huge[0] as Of<'error'>).message).toMatch(/^Not built: /);
    await trainsOnTo(h, 3);
    h.session.dispose();
  });

  it('faults: NaN weights stop training as a divergence; a build that runs out of memory keeps the old model', async () => {
    const h = harness(name);
    await h.configure({}, { kind: 'nan', step: 2 });
    await h.send({ type: 'step', n: 6 });
    const err = h.of('error');
    expect(err).toHaveLength(1);
    expect(err[0]).toMatchObject({ kind: 'diverged', recoverable: true });
    expect(last(h.of('status')).running).toBe(false);
    h.session.dispose();

    const b = harness(name);
    await b.configure({}, { kind: 'build-fail', step: 2 });
    await b.send({ type: 'step', n: 2 });
    const failed = await b.send({ type: 'reset' });
    expect(failed).toEqual([expect.objectContaining({ type: 'error', kind: 'build' })]);
    expect((failed[0] as Of<'error'>).message).toMatch(/previous model is kept/);
    await trainsOnTo(b, 3);
    b.session.dispose();
  });

  it('a device lost where there is no GPU is simulated: training stops and nothing more runs', async () => {
    const h = harness(name);
    await h.configure({}, { kind: 'device-lost', step: 2 });
    await h.send({ type: 'step', n: 5 });
    expect(h.of('error')).toEqual([
      expect.objectContaining({ kind: 'device-lost', recoverable: true }),
    ]);
    const after = await h.send({ type: 'step', n: 1 });
    expect(after).toEqual([]);
    h.session.dispose();
  });
});
