/** A fake worker client for store tests: records every command the store sends. */
import type { RunConfigInput } from '../../../src/core/config/run-config';
import type { ClientLike } from '../../../src/store/state';
import type { Persistence } from '../../../src/store/persist';
import { createAppStore } from '../../../src/store/store';
import { localTaskInfo } from '../../../src/core/config/validate';
import type { BackendRequest, Command, RunInfo, WorkerEvent } from '../../../src/core/protocol';

export type Sent = Command | { type: 'restart' };

/** A client whose commands land in `sent`, in order. */
export function fakeClient(): { client: ClientLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const client: ClientLike = {
    send: (c) => sent.push(c),
    configure: (config: RunConfigInput, request: BackendRequest = {}) =>
      sent.push({ type: 'configure', config, ...request }),
    start: () => sent.push({ type: 'start' }),
    pause: () => sent.push({ type: 'pause' }),
    step: (n = 1) => sent.push({ type: 'step', n }),
    reset: () => sent.push({ type: 'reset' }),
    restart: () => sent.push({ type: 'restart' }),
    terminate: () => {},
  };
  return { client, sent };
}

/** The `runs` of a worker's `ready` for a single run (not a race). */
export const ONE_RUN: RunInfo[] = [{ id: 0, label: 'PiKE', spec: 'pike', mixer: 'pike' }];

/**
 * A booted store on a fake client (timers collected, not run) and `ready(runs)`, the worker's
 * answer to the first configure: one run unless a race's runs are given.
 */
export function bootedStore(
  opts: { hash?: string; search?: string; persistence?: Persistence } = {},
) {
  const { client, sent } = fakeClient();
  const store = createAppStore({
    createClient: () => client,
    setTimer: () => {},
    ...(opts.persistence ? { persistence: opts.persistence } : {}),
  });
  const a = () => store.getState().actions;
  a().boot({ hash: opts.hash ?? '', search: opts.search ?? '' });
  const ready = (runs: RunInfo[] = ONE_RUN) =>
    a().receive({
      type: 'ready',
      backend: { name: 'cpu', choice: 'forced', candidates: [] },
      numParams: 10,
      tasks: store.getState().config.tasks.map((t) => localTaskInfo(t.spec, t.knobs)),
      runs,
      step: 0,
    });
  return { store, sent, a, ready, emit: (e: WorkerEvent) => a().receive(e) };
}
