/**
 * Config slice actions. Each validates the whole next setup first (a bad value shows a message
 * and changes nothing), updates the store, and sends the matching command:
 *   live (next step):     setMixer, mixer knobs/weights, task knobs, add/remove task, optimizer
 *   reset (a new model):  preset, model shape, batch size, seed, schedule, an imported setup
 */
import { MAX_TASKS, parseTaskSpec } from '../core/config/catalogue';
import { presetConfig, type PresetName } from '../core/config/presets';
import type { RunConfig, TaskSetup } from '../core/config/run-config';
import { MIXERS } from '../core/mixers/registry';
import { uniform } from '../core/mixers/simplex';
import type { MixerName, TaskKnobs } from '../core/types';
import {
  carriedKnobs,
  debounce,
  latestReference,
  mixerChange,
  referenceFromSavedRun,
  rejectChange,
  resizeWeights,
  sendReset,
  validOrError,
} from './config-helpers';
import { expectReply, sendLive } from './pending';
import type { Actions, StoreContext } from './state';
import { localTaskInfo, localTasks } from '../core/config/validate';

type ConfigActions = Pick<
  Actions,
  | 'setPreset'
  | 'addTask'
  | 'removeTask'
  | 'updateTask'
  | 'setMixer'
  | 'setMixerKnob'
  | 'setMixerWeights'
  | 'setMixerReference'
  | 'setModel'
  | 'setBatchSize'
  | 'setSeed'
  | 'setSchedule'
  | 'setOptimizer'
  | 'loadConfig'
>;

export function createConfigActions(ctx: StoreContext): ConfigActions {
  const cfg = () => ctx.get().config;

  const live = (next: RunConfig) => ctx.set({ config: next });

  /** A live mixer change to the worker, with the weights `weightsOf` gives (mixerChange). */
  const sendMixer = (weightsOf: (m: RunConfig['mixer']) => number[] | undefined) =>
    sendLive(ctx, 'mixer', () =>
      ctx.client?.setMixer(mixerChange(cfg().mixer, weightsOf(cfg().mixer))),
    );
  // Static needs its weights; adaptive mixers continue from their current weights.
  const sendKnobs = () =>
    debounce(ctx, 'mixer', 120, () =>
      sendMixer((m) => (m.name === 'static' ? m.weights : undefined)),
    );

  const resetWith = (patch: Partial<RunConfig>, why: string): boolean => {
    const v = validOrError(ctx, { ...cfg(), ...patch });
    if (!v.ok) return false;
    ctx.set({ config: v.config });
    sendReset(ctx, v.config, why);
    return true;
  };

  return {
    setPreset(name: PresetName) {
      const p = presetConfig(name);
      const c = cfg();
      const K = p.tasks.length;
      const next = {
        ...c,
        tasks: p.tasks,
        mixer: {
          name: c.mixer.name,
          knobs: carriedKnobs(c.mixer.name, c.mixer.knobs, K),
        },
      };
      const v = validOrError(ctx, next);
      if (!v.ok) return;
      ctx.set({
        config: v.config,
        preset: name,
        tasks: localTasks(v.config),
      });
      sendReset(ctx, v.config, `preset "${name}" loaded`);
    },

    addTask(setup: TaskSetup) {
      const c = cfg();
      const spec = setup.spec.trim();
      const fail = (message: string) => {
        ctx.set({
          error: { title: 'The task was not added', message, kind: 'config', recoverable: false },
        });
        return false;
      };
      if (c.tasks.length >= MAX_TASKS) return fail(`at most ${MAX_TASKS} tasks`);
      if (/[,&=#\s]/.test(spec))
        return fail(`"${spec}": a task spec has no spaces, commas, & or =`);
      try {
        parseTaskSpec(spec);
      } catch (e) {
        return fail((e as Error).message);
      }
      const next = {
        ...c,
        tasks: [...c.tasks, { spec, ...(setup.knobs ? { knobs: setup.knobs } : {}) }],
        mixer: { ...c.mixer, weights: resizeWeights(c.mixer.weights, { add: true }) },
      };
      const v = validOrError(ctx, next);
      if (!v.ok) return false;
      ctx.set({ config: v.config, tasks: [...ctx.get().tasks, localTaskInfo(spec, setup.knobs)] });
      const id = ctx.client?.addTask({ spec, ...(setup.knobs ? { knobs: setup.knobs } : {}) });
      expectReply(ctx, id, { kind: 'add' });
      return true;
    },

    removeTask(index: number) {
      const c = cfg();
      if (c.tasks.length <= 1 || index < 0 || index >= c.tasks.length) return;
      const next = {
        ...c,
        tasks: c.tasks.filter((_, k) => k !== index),
        mixer: { ...c.mixer, weights: resizeWeights(c.mixer.weights, { remove: index }) },
      };
      // floor ≤ 1/K still holds with fewer tasks; nothing else can become invalid.
      const v = validOrError(ctx, next);
      if (!v.ok) return;
      ctx.set({ config: v.config, tasks: ctx.get().tasks.filter((_, k) => k !== index) });
      expectReply(ctx, ctx.client?.removeTask(index), { kind: 'remove', index });
    },

    updateTask(index: number, patch: Partial<TaskKnobs>) {
      const c = cfg();
      const t = c.tasks[index];
      if (!t) return rejectChange(ctx, `There is no task ${index + 1} (${c.tasks.length} tasks).`);
      const knobs = {
        ...t.knobs,
        ...patch,
        ...(patch.difficulty
          ? { difficulty: { ...t.knobs?.difficulty, ...patch.difficulty } }
          : {}),
      };
      const tasks = c.tasks.map((x, k) => (k === index ? { ...x, knobs } : x));
      const v = validOrError(ctx, { ...c, tasks });
      if (!v.ok) return false;
      const info = ctx.get().tasks.map((x, k) =>
        k === index
          ? {
              ...x,
              knobs: {
                ...x.knobs,
                ...knobs,
                difficulty: { ...x.knobs.difficulty, ...knobs.difficulty },
              },
            }
          : x,
      );
      ctx.set({ config: v.config, tasks: info });
      debounce(ctx, `task${index}`, 250, () => {
        const id = ctx.client?.updateTask(index, cfg().tasks[index]?.knobs ?? knobs);
        expectReply(ctx, id, { kind: 'update' });
      });
      return true;
    },

    setMixer(name: MixerName) {
      const c = cfg();
      const K = c.tasks.length;
      const keepWeights = MIXERS[name].usesInitialWeights ? c.mixer.weights : undefined;
      // doremi: the reference already chosen, else the latest saved run of these tasks.
      const reference = MIXERS[name].usesReference
        ? (c.mixer.reference ??
          latestReference(
            ctx.get().savedRuns,
            c.tasks.map((t) => t.spec),
          ) ??
          undefined)
        : undefined;
      const v = validOrError(ctx, {
        ...c,
        mixer: {
          name,
          knobs: carriedKnobs(name, c.mixer.knobs, K),
          ...(keepWeights ? { weights: keepWeights } : {}),
          ...(reference ? { reference } : {}),
        },
      });
      if (!v.ok) return;
      live(v.config);
      sendMixer(() => keepWeights);
    },

    setMixerReference(runId: number) {
      const c = cfg();
      const run = ctx.get().savedRuns.find((r) => r.id === runId);
      const reference = run ? referenceFromSavedRun(run) : null;
      if (!run || !reference) {
        ctx.set({
          error: {
            title: 'That run cannot be a reference',
            message: run
              ? `"${run.label}" has no per-task validation losses to compare against.`
              : 'It is no longer among the saved runs.',
            kind: 'config',
            recoverable: false,
          },
        });
        return false;
      }
      const v = validOrError(ctx, { ...c, mixer: { ...c.mixer, reference } });
      if (!v.ok) return false;
      live(v.config);
      sendKnobs();
      return true;
    },

    setMixerKnob(name: string, value: number | boolean) {
      const c = cfg();
      const v = validOrError(ctx, {
        ...c,
        mixer: { ...c.mixer, knobs: { ...c.mixer.knobs, [name]: value } },
      });
      if (!v.ok) return false;
      live(v.config);
      sendKnobs();
      return true;
    },

    setMixerWeights(weights: number[] | undefined) {
      const c = cfg();
      const mixer = { name: c.mixer.name, knobs: c.mixer.knobs, ...(weights ? { weights } : {}) };
      const v = validOrError(ctx, { ...c, mixer });
      if (!v.ok) return false;
      live(v.config);
      // Explicit weights restart an adaptive mixer from them; cleared ones mean uniform.
      debounce(ctx, 'weights', 200, () =>
        sendMixer((m) => m.weights ?? Array.from(uniform(cfg().tasks.length))),
      );
      return true;
    },

    setModel: (patch) =>
      resetWith(
        { model: { ...cfg().model, ...patch } },
        `${Object.keys(patch).join(', ')} changed`,
      ),
    setBatchSize: (n) => resetWith({ batchSize: n }, 'batch size changed'),
    setSchedule: (patch) =>
      resetWith(
        { schedule: { ...cfg().schedule, ...patch } },
        `${Object.keys(patch).join(', ')} changed`,
      ),

    setSeed(seed: number) {
      const v = validOrError(ctx, { ...cfg(), seed });
      if (!v.ok) return false;
      ctx.set({ config: v.config, building: true, resetNote: 'seed changed' });
      expectReply(ctx, ctx.client?.setSeed(seed), { kind: 'reset' });
      return true;
    },

    setOptimizer(patch) {
      const c = cfg();
      const v = validOrError(ctx, { ...c, optimizer: { ...c.optimizer, ...patch } });
      if (!v.ok) return false;
      live(v.config);
      debounce(ctx, 'optimizer', 150, () =>
        sendLive(ctx, 'optimizer', () => ctx.client?.setOptimizer(cfg().optimizer)),
      );
      return true;
    },

    loadConfig(config: RunConfig, preset: PresetName) {
      const v = validOrError(ctx, config);
      if (!v.ok) return;
      ctx.set({
        config: v.config,
        preset,
        tasks: localTasks(v.config),
      });
      sendReset(ctx, v.config, 'a run file was loaded');
    },
  };
}
