/**
 * The app store (zustand, vanilla so it runs in Node tests): the config, run and metrics slices
 * and the one TrainingClient they talk to. The client is injected (`deps.createClient`) and made
 * on `boot`, so unit tests pass a fake and nothing here touches Worker or the DOM.
 *
 *   const store = createAppStore({ createClient: (onEvent) => new TrainingClient({ onEvent }) });
 *   store.getState().actions.boot(window.location);
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { presetConfig } from '../core/config/presets';
import { createBackendActions } from './backend-actions';
import { browserBackendMemory } from './backend-choice';
import { createConfigActions } from './config-actions';
import { createMetrics } from './metrics';
import { createMetricsActions } from './metrics-actions';
import { browserPersistence } from './persist';
import { createLinkActions } from './link-actions';
import { createReplayActions } from './replay-actions';
import { createRaceActions } from './race-actions';
import { createTextActions } from './text-actions';
import { createRunActions } from './run-actions';
import type { AppState, StoreContext, StoreDeps } from './state';
import { localTasks, validateConfig } from '../core/config/validate';

export type AppStore = StoreApi<AppState>;

/** The default setup: the multilingual preset, validated (every default filled in). */
export function defaultConfig() {
  const v = validateConfig(presetConfig('multilingual'));
  if (!v.ok) throw new Error(`the default preset is invalid: ${v.message}`);
  return v.config;
}

/** Notices kept at once (as for the worker's warnings). */
const MAX_NOTICES = 5;

export function createAppStore(deps: StoreDeps = {}): AppStore {
  let noticeId = 0;
  return createStore<AppState>()((set, get) => {
    const ctx: StoreContext = {
      get,
      set,
      deps,
      client: null,
      pending: new Map(),
      confirmed: null,
      triedDefault: false,
      debounced: new Map(),
      setTimer: deps.setTimer ?? ((fn, ms) => void setTimeout(fn, ms)),
      backendMemory: deps.backendMemory ?? browserBackendMemory(),
      persistence: deps.persistence ?? browserPersistence(),
      notify: (message) =>
        set((s) => ({
          warnings: [...s.warnings, { id: -++noticeId, message, count: 1 }].slice(-MAX_NOTICES),
        })),
      includeSoftware: false,
      fault: null,
    };
    const config = defaultConfig();
    const metrics = createMetrics(config.tasks.length);
    return {
      config,
      preset: 'multilingual',
      tasks: localTasks(config),
      status: 'idle',
      building: false,
      backend: null,
      requestedBackend: undefined,
      measuring: null,
      numParams: null,
      step: 0,
      tokensPerSec: 0,
      error: null,
      warnings: [],
      resetNote: null,
      runs: [],
      selectedRun: 0,
      samples: [],
      temperature: 0.8,
      present: false,
      embed: false,
      hide: [],
      replay: null,
      visible: true,
      workerMemory: null,
      runMetrics: [metrics],
      metrics,
      metricsVersion: 0,
      savedRuns: [],
      actions: {
        ...createConfigActions(ctx),
        ...createRunActions(ctx),
        ...createBackendActions(ctx),
        ...createMetricsActions(ctx),
        ...createRaceActions(ctx),
        ...createReplayActions(ctx),
        ...createTextActions(ctx),
        ...createLinkActions(ctx),
      },
    };
  });
}
