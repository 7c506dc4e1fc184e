/** A fake worker client for store tests: records every command the store sends. */
import type { RunConfigInput } from '../../../src/engine/config/run-config';
import type { ClientLike } from '../../../src/store/state';
import type { BackendRequest, Command, RunInfo } from '../../../src/worker/protocol';

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
