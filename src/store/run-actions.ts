/**
 * Run slice: boot from the URL, train / pause / step / reset / restart, and the worker's events.
 *
 * Every request carries an id that its one reply carries back (core/protocol.ts), and
 * `ctx.pending` holds what each id changes: a `ready` for a reset clears the history, for a
 * restart keeps it (marking the restart), for a task change adds or removes that task's columns;
 * an `error` undoes exactly the change that caused it; `applied` confirms a live change.
 */
import { presetConfig } from '../core/config/presets';
import type { WorkerEvent } from '../core/protocol';
import { parseBackendParam } from './backend-choice';
import { budgetProblem, sendReset, workerGone } from './config-helpers';
import { awaitingReady, confirmLive, rebuilding, settle, undoLive } from './pending';
import {
  addTaskColumn,
  clearMetrics,
  createMetrics,
  ingestEval,
  ingestMetrics,
  ingestMixerUpdate,
  ingestSamples,
  ingestStats,
  markRestart,
  removeTaskColumn,
} from './metrics';
import type { Actions, AppState, PageError, StoreContext } from './state';
import { FLUSH_MS } from './state';
import { faultNotice, parseFaultParam } from './fault-param';
import { parseViewParams } from './view-param';
import { decodeHash } from './url-hash';
import { localTasks, validateConfig } from '../core/config/validate';

type RunActions = Pick<
  Actions,
  | 'boot'
  | 'train'
  | 'pause'
  | 'toggleTrain'
  | 'stepOnce'
  | 'reset'
  | 'showError'
  | 'dismissError'
  | 'dismissWarnings'
  | 'receive'
  | 'flushMetrics'
  | 'setVisible'
>;

const TPS_SMOOTHING = 0.7;
const MAX_WARNINGS = 5;

export function createRunActions(ctx: StoreContext): RunActions {
  const { get, set } = ctx;
  let flushScheduled = false;
  let pendingStep: number | null = null;
  let pendingTps: number | null = null;
  let warningId = 0;

  const flushMetrics = () => {
    flushScheduled = false;
    // A hidden page keeps ingesting but draws nothing: coming back flushes once (setVisible).
    if (!get().visible) return;
    const patch: Partial<AppState> = { metricsVersion: get().metricsVersion + 1 };
    // The counter also moves with `progress` events: never back to an older readback's step.
    if (pendingStep !== null && pendingStep > get().step) patch.step = pendingStep;
    if (pendingTps !== null) patch.tokensPerSec = pendingTps;
    pendingStep = pendingTps = null;
    set(patch);
  };
  const scheduleFlush = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    ctx.setTimer(flushMetrics, FLUSH_MS);
  };

  const failed = (e: PageError) => set({ error: e });

  /**
   * A model that could not be built (out of memory): the worker kept its previous model, so the
   * page goes back to that setup and it can train on; with no previous model, Restart (a fresh
   * worker, on this or another backend) is the way on.
   */
  const buildError = (message: string, id: number | undefined) => {
    settle(ctx, id);
    const revertTo = ctx.confirmed;
    if (revertTo) {
      set({ config: revertTo, tasks: localTasks(revertTo) });
    }
    set({ building: rebuilding(ctx), ...(revertTo ? {} : { status: 'error' }) });
    failed({ title: 'The model could not be built', message, kind: 'build', recoverable: true });
  };

  /** A config error: the worker kept its previous setup, so the page goes back to it. */
  const configError = (message: string, id: number | undefined) => {
    const op = settle(ctx, id);
    if (op && undoLive(ctx, id as number, op)) {
      set({ building: rebuilding(ctx) });
      failed({ title: 'That change was not applied', message, kind: 'config', recoverable: false });
      return;
    }
    const revertTo = ctx.confirmed;
    if (!revertTo && !ctx.triedDefault) {
      // The very first build failed (e.g. an unknown language in a link): load the default.
      ctx.triedDefault = true;
      const v = validateConfig(presetConfig('multilingual'));
      if (v.ok) {
        set({
          config: v.config,
          preset: 'multilingual',
          tasks: localTasks(v.config),
        });
        sendReset(ctx, v.config, null);
      }
      failed({
        title: 'This setup could not be built; loaded the default preset',
        message,
        kind: 'config',
        recoverable: false,
      });
      return;
    }
    if (revertTo) {
      set({ config: revertTo, tasks: localTasks(revertTo) });
    }
    set({ building: rebuilding(ctx) });
    failed({ title: 'That change was not applied', message, kind: 'config', recoverable: false });
  };

  let savedChoice: string | undefined; // measuredAt of the choice last stored
  const onReady = (e: Extract<WorkerEvent, { type: 'ready' }>) => {
    const op = settle(ctx, e.id);
    // Remember a measured choice for the next visit (never one forced by ?backend=NAME).
    if (e.backend.choice === 'measured' && !get().requestedBackend) {
      if (e.backend.measuredAt !== savedChoice) ctx.backendMemory.save(e.backend);
      savedChoice = e.backend.measuredAt;
    }
    const K = e.tasks.length;
    const runMetrics = get().runMetrics.slice(0, e.runs.length);
    for (const m of runMetrics) {
      if (op?.kind === 'reset') clearMetrics(m, K);
      else if (op?.kind === 'restart') markRestart(m);
      else if (op?.kind === 'add') addTaskColumn(m);
      else if (op?.kind === 'remove') removeTaskColumn(m, op.index);
      if (m.numTasks !== K) clearMetrics(m, K); // out of step: start over
    }
    while (runMetrics.length < e.runs.length) runMetrics.push(createMetrics(K));
    const selectedRun = Math.min(get().selectedRun, runMetrics.length - 1);
    const patch: Partial<AppState> = {
      runs: e.runs,
      runMetrics,
      selectedRun,
      metrics: runMetrics[selectedRun],
      backend: e.backend,
      measuring: null,
      numParams: e.numParams,
      step: e.step,
      building: rebuilding(ctx),
      metricsVersion: get().metricsVersion + 1,
    };
    if (!awaitingReady(ctx)) {
      // The worker's view is authoritative once nothing else is on its way.
      const c = get().config;
      const config = { ...c, tasks: e.tasks.map((t) => ({ spec: t.id, knobs: t.knobs })) };
      const v = validateConfig(config);
      if (v.ok) {
        patch.config = v.config;
        ctx.confirmed = v.config;
      }
      patch.tasks = e.tasks;
    }
    if (op?.kind === 'reset' || op?.kind === 'restart') {
      patch.samples = [];
      patch.status = 'idle';
      patch.tokensPerSec = 0;
      pendingTps = null;
    }
    pendingStep = null; // the ready's step is the current one
    set(patch);
  };

  const receive = (e: WorkerEvent) => {
    // Events of one run go to that run's history; one of a run no longer shown is dropped.
    const m = 'run' in e && e.run !== undefined ? get().runMetrics[e.run] : get().metrics;
    if (!m) return;
    switch (e.type) {
      case 'ready':
        return onReady(e);
      case 'metrics': {
        // A model's first losses show at once; later ones at most every FLUSH_MS.
        const first = m.train.length === 0;
        if (ingestMetrics(m, e.batch)) {
          const n = e.batch.steps.length;
          if (n) pendingStep = e.batch.steps[n - 1];
          const tps = e.batch.tokensPerSec;
          if (e.run === get().selectedRun && Number.isFinite(tps) && tps > 0) {
            const prev = pendingTps ?? get().tokensPerSec;
            pendingTps = prev > 0 ? TPS_SMOOTHING * prev + (1 - TPS_SMOOTHING) * tps : tps;
          }
          if (first) flushMetrics();
          else scheduleFlush();
        }
        return;
      }
      case 'eval':
        if (ingestEval(m, e.result)) scheduleFlush();
        return;
      case 'stats':
        if (ingestStats(m, e.stats)) scheduleFlush();
        return;
      case 'samples':
        ingestSamples(m, e.step, e.samples, e.ms);
        if (e.run === get().selectedRun) {
          const round = { run: e.run, step: e.step, samples: e.samples, ms: e.ms };
          set({ samples: [...get().samples.filter((r) => r.step !== e.step), round].slice(-2) });
        }
        return;
      case 'mixer-update':
        if (ingestMixerUpdate(m, e.detail)) scheduleFlush();
        return;
      case 'warning': {
        const text = e.message.replace(/^step \d+: /, '');
        const w = get().warnings;
        const last = w[w.length - 1];
        if (last && last.message === text) {
          set({ warnings: [...w.slice(0, -1), { ...last, count: last.count + 1 }] });
        } else {
          set({
            warnings: [...w, { id: ++warningId, message: text, count: 1 }].slice(-MAX_WARNINGS),
          });
        }
        return;
      }
      case 'progress':
        if (e.step !== get().step) set({ step: e.step });
        return;
      case 'memory':
        set({ workerMemory: { tensors: e.tensors, bytes: e.bytes } });
        return;
      case 'measuring':
        set({ measuring: e.message });
        return;
      case 'status':
        if (get().status === 'error') {
          set({ step: e.step });
          return;
        }
        set({ status: e.running ? 'running' : e.step > 0 ? 'paused' : 'idle', step: e.step });
        return;
      case 'applied':
        return confirmLive(ctx, settle(ctx, e.id));
      case 'error':
        if (e.kind === 'config') return configError(e.message, e.id);
        if (e.kind === 'build') return buildError(e.message, e.id);
        ctx.pending.clear();
        set({ status: 'error', building: false });
        failed({
          title:
            e.kind === 'diverged'
              ? 'Training diverged'
              : e.kind === 'device-lost'
                ? 'The GPU device was lost'
                : 'The training worker stopped',
          message: e.message,
          kind: e.kind,
          recoverable: e.recoverable,
        });
        return;
    }
  };

  return {
    boot({ hash, search }) {
      const problems: string[] = [];
      const b = parseBackendParam(search);
      set({ requestedBackend: b.backend });
      const decoded = decodeHash(hash);
      const tooBig = decoded.ok ? budgetProblem(ctx, decoded.config) : null;
      if (decoded.ok && !tooBig) {
        set({ config: decoded.config, preset: decoded.preset });
      } else {
        problems.push(
          `The link's setup is invalid (${decoded.ok ? tooBig : decoded.message}); loaded the default preset.`,
        );
      }
      if (b.error) problems.push(b.error);
      ctx.includeSoftware = b.includeSoftware ?? false;
      const f = parseFaultParam(search);
      if (f.error) problems.push(f.error);
      ctx.fault = f.fault ?? null;
      if (f.fault) ctx.notify(faultNotice(f.fault));
      const present = new URLSearchParams(search).get('present');
      if (present !== null && present !== '0' && present !== 'false') set({ present: true });
      const view = parseViewParams(search);
      if (view.error) problems.push(view.error);
      set({ embed: view.embed, hide: view.hide });
      const c = get().config;
      set({ tasks: localTasks(c) });
      if (problems.length) {
        failed({
          title: 'Problem with the link',
          message: problems.join(' '),
          kind: 'link',
          recoverable: false,
        });
      }
      void get().actions.restoreSavedRuns();
      if (!ctx.client && ctx.deps.createClient)
        ctx.client = ctx.deps.createClient((e) => get().actions.receive(e));
      sendReset(ctx, c, null);
    },
    train() {
      const s = get();
      if (s.status === 'running' || s.status === 'error' || s.replay) return;
      set({ status: 'running', resetNote: null });
      ctx.client?.start();
    },
    pause() {
      if (get().status !== 'running') return;
      set({ status: 'paused' });
      ctx.client?.pause();
    },
    toggleTrain() {
      const a = get().actions;
      // During a replay, Space plays and pauses it.
      const r = get().replay;
      if (r) return a.replayPlay(!r.playing);
      if (get().status === 'running') a.pause();
      else a.train();
    },
    stepOnce() {
      const s = get();
      if (s.status === 'running' || s.status === 'error' || s.replay) return;
      ctx.client?.step(1);
    },
    reset() {
      const s = get();
      // A crashed worker or a lost device cannot rebuild in place: sendReset starts a fresh one.
      if (!workerGone(ctx)) {
        set({ error: s.error?.kind === 'diverged' ? null : s.error, status: 'idle' });
      }
      sendReset(ctx, s.config, null);
    },
    showError: failed,
    dismissError() {
      const s = get();
      // A crashed worker stays unusable until Reset or Restart; a diverged model can be reset.
      const noModel = s.error?.kind === 'build' && ctx.confirmed === null;
      const dead = s.error?.kind === 'crash' || s.error?.kind === 'device-lost' || noModel;
      const back = s.status === 'error' && !dead;
      set({ error: null, ...(back ? { status: s.step > 0 ? 'paused' : 'idle' } : {}) });
    },
    dismissWarnings: () => set({ warnings: [] }),
    receive,
    flushMetrics,
    setVisible(visible) {
      if (visible === get().visible) return;
      set({ visible });
      if (visible) flushMetrics();
    },
  };
}
