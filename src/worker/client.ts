/**
 * The page's one handle on the training worker (the facade): owns `new Worker(...)`, registers
 * one listener, and exposes typed methods. A crash of the worker is reported as an `error` event;
 * `restart()` starts a fresh worker (the caller then sends `configure` again).
 */
import type { BackendRequest, Command, FaultSpec, WorkerEvent } from './protocol';

export interface TrainingClientOptions {
  onEvent: (event: WorkerEvent) => void;
}

export class TrainingClient {
  private worker: Worker | null = null;

  constructor(private readonly opts: TrainingClientOptions) {
    this.spawn();
  }

  private spawn(): void {
    const w = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
    w.addEventListener('message', (e: MessageEvent<WorkerEvent>) => this.opts.onEvent(e.data));
    w.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      // An uncaught exception leaves the worker in an unknown state: end it (Restart or Reset
      // starts a fresh one), so nothing it might still post mixes with the page's recovery.
      if (this.worker === w) this.terminate();
      this.opts.onEvent({
        type: 'error',
        kind: 'crash',
        message: `The training worker crashed: ${e.message || 'unknown error'}.`,
        recoverable: true,
      });
    });
    w.addEventListener('messageerror', () =>
      this.opts.onEvent({
        type: 'error',
        kind: 'crash',
        message: 'A message from the training worker could not be read.',
        recoverable: true,
      }),
    );
    this.worker = w;
  }

  /** Posts a command; one sent to a crashed (ended) worker is dropped: the page shows why. */
  send(cmd: Command): void {
    this.worker?.postMessage(cmd);
  }

  /**
   * Builds the model; the first call picks the backend (forced, else remembered, else measured).
   * `fault`: the ?fault= hook, armed in this worker (src/worker/faults.ts).
   */
  configure(
    config: Extract<Command, { type: 'configure' }>['config'],
    request: BackendRequest & { fault?: FaultSpec } = {},
  ) {
    const { backend, remembered, includeSoftware, fault } = request;
    this.send({
      type: 'configure',
      config,
      ...(fault ? { fault } : {}),
      ...(backend ? { backend } : {}),
      ...(remembered ? { remembered } : {}),
      ...(includeSoftware ? { includeSoftware } : {}),
    });
  }
  start() {
    this.send({ type: 'start' });
  }
  pause() {
    this.send({ type: 'pause' });
  }
  step(n = 1) {
    this.send({ type: 'step', n });
  }
  reset() {
    this.send({ type: 'reset' });
  }

  /** Ends the current worker (if any) and starts a fresh one; send `configure` next. */
  restart(): void {
    this.worker?.terminate();
    this.spawn();
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
