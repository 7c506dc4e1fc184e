/**
 * The training worker: wires one TrainingSession (session.ts: the state and the command loop)
 * to the worker's global scope. It owns the tfjs backend (backend.ts, chosen by
 * choose-backend.ts) and reads the corpus: the UDHR texts from the page's origin, the user's own
 * texts from this browser's IndexedDB.
 */
/// <reference lib="webworker" />
// First: zod without its JIT, so no `new Function` probe trips the page's CSP (pwa-csp.ts).
import '../pwa-csp';
import { get } from 'idb-keyval';
import type { Command, WorkerEvent } from '../core/protocol';
import { createFetchCorpusLoader, type CorpusLoader } from '../core/tasks/corpus';
import { ownTextSpec, unknownTextMessage } from '../core/tasks/own-text';
import { deviceLost, memoryInUse, onHardwareWebGpu } from './backend';
import { chooseBackend } from './choose-backend';
import { TrainingSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (e: WorkerEvent) => scope.postMessage(e);
const corpus: CorpusLoader = {
  ...createFetchCorpusLoader(
    new URL(`${import.meta.env.BASE_URL}udhr`, scope.location.origin).href,
  ),
  async text(hash: string) {
    const text = await get<unknown>(ownTextSpec(hash));
    if (typeof text !== 'string') throw new Error(unknownTextMessage(hash));
    return text;
  },
};

const session = new TrainingSession({
  post,
  corpus,
  chooseBackend,
  deviceLost,
  memoryInUse,
  onHardwareWebGpu,
});

scope.addEventListener('message', (e: MessageEvent<Command>) => session.handle(e.data));
/** The page's start guard (client.ts) waits for this: the script has loaded and runs. */
post({ type: 'alive' });
/** A promise rejected outside the command queue is a bug: stop and say so, never hang silently. */
scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  e.preventDefault();
  session.fail(e.reason);
});
/** Anything the page's Content-Security-Policy blocks in the worker is shown, never silent. */
scope.addEventListener('securitypolicyviolation', (ev: Event) => {
  const e = ev as SecurityPolicyViolationEvent;
  const what = e.blockedURI || 'a script';
  post({
    type: 'warning',
    message: `The page's security policy blocked ${what} (${e.effectiveDirective}).`,
  });
});
