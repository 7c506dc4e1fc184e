/** A fake worker client for store tests: records every command the store sends. */
import type { RunConfigInput } from '../../../src/core/config/run-config';
import type { ClientLike } from '../../../src/store/state';
import type { Persistence } from '../../../src/store/persist';
import { createAppStore } from '../../../src/store/store';
import { localTaskInfo } from '../../../src/core/config/validate';
import type {
  BackendRequest,
  Control,
  Request,
  RunInfo,
  WorkerEvent,
} from '../../../src/core/protocol';

export type Sent = Request | Control | { type: 'restart' };

/** The requests the worker answers with `ready` (rebuilds and task changes). */
const REBUILDS = ['configure', 'reset', 'setSeed', 'addTask', 'removeTask', 'updateTask'];

/**
 * A client whose commands land in `sent`, in order (as the store asked for them, without ids).
 * Requests get ids as TrainingClient's do; `answer()` gives the id of the oldest unanswered one
 * (of `types`: the rebuilds by default), for a test to reply as the worker would.
 */
export function fakeClient(): {
  client: ClientLike;
  sent: Sent[];
  answer: (types?: readonly string[]) => number | undefined;
} {
  const sent: Sent[] = [];
  let ids = 0;
  let open: { id: number; type: string }[] = [];
  const request = (c: Request) => {
    sent.push(c);
    open.push({ id: ++ids, type: c.type });
    return ids;
  };
  const client: ClientLike = {
    configure: (config: RunConfigInput, req: BackendRequest = {}) =>
      request({ type: 'configure', config, ...req }),
    reset: () => request({ type: 'reset' }),
    setSeed: (seed) => request({ type: 'setSeed', seed }),
    addTask: (setup) => request({ type: 'addTask', setup }),
    removeTask: (index) => request({ type: 'removeTask', index }),
    updateTask: (index, knobs) => request({ type: 'updateTask', index, knobs }),
    setMixer: (change) => request({ type: 'setMixer', ...change }),
    setOptimizer: (patch) => request({ type: 'setOptimizer', patch }),
    start: () => sent.push({ type: 'start' }),
    pause: () => sent.push({ type: 'pause' }),
    step: (n = 1) => sent.push({ type: 'step', n }),
    setSampling: (run, temperature, now) =>
      sent.push({ type: 'setSampling', run, temperature, ...(now ? { now } : {}) }),
    restart: () => {
      sent.push({ type: 'restart' });
      open = []; // the old worker's requests end with it
    },
    terminate: () => {},
  };
  const answer = (types: readonly string[] = REBUILDS) => {
    const i = open.findIndex((r) => types.includes(r.type));
    return i < 0 ? undefined : open.splice(i, 1)[0].id;
  };
  return { client, sent, answer };
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
  const { client, sent, answer } = fakeClient();
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
      id: answer(),
      backend: { name: 'cpu', choice: 'forced', candidates: [] },
      numParams: 10,
      tasks: store.getState().config.tasks.map((t) => localTaskInfo(t.spec, t.knobs)),
      runs,
      step: 0,
    });
  return { store, sent, a, ready, answer, emit: (e: WorkerEvent) => a().receive(e) };
}
