/**
 * Replay actions (issue 20, part 3): a run file plays back in the page's charts, with no
 * training. Importing a run file starts one (metrics-actions.ts → startReplay): the file's setup
 * is loaded as a link would be, the live run waits at step 0, and every chart draws the file's
 * history up to the replay's step (replay.ts). The page's ReplayBar moves the step while playing.
 */
import { MIXERS } from '../core/mixers/registry';
import { lastStepOf, metricsFromRunFile, metricsUpTo, samplesUpTo } from './replay';
import type { RunConfig } from '../core/config/run-config';
import { parseRunFileJson, type RunFile } from './run-file';
import type { Actions, ReplayState, StoreContext } from './state';

type ReplayActions = Pick<
  Actions,
  'replaySeek' | 'replayPlay' | 'replaySpeed' | 'exitReplay' | 'replaySavedRun'
>;

let revision = 1;

/** The replay at `step` (clamped to [0, last]). */
function at(r: Omit<ReplayState, 'view' | 'samples'>, step: number): ReplayState {
  const s = Math.max(0, Math.min(r.last, Math.round(step)));
  return {
    ...r,
    step: s,
    view: metricsUpTo(r.source, s, ++revision),
    samples: samplesUpTo(r.source, s),
  };
}

/**
 * Loads a parsed run file's setup (one run: a race's file holds its followed contestant) and
 * replays its history from the first step.
 */
export function replayRunFile(ctx: StoreContext, r: { file: RunFile; config: RunConfig }): void {
  const solo = { ...r.config };
  delete solo.race;
  ctx.get().actions.loadConfig(solo, r.file.preset ?? ctx.get().preset);
  startReplay(ctx, r.file, replayTitle(r.file, r.config.mixer.name, r.config.seed));
}

/** Starts playing `file` back from its first step. */
export function startReplay(ctx: StoreContext, file: RunFile, title: string): void {
  const source = metricsFromRunFile(file);
  const last = lastStepOf(source);
  ctx.get().actions.pause();
  ctx.set({
    replay: at({ title, source, step: 0, last, playing: true, speed: defaultSpeed(last) }, 0),
  });
}

/** A speed that plays the whole run in about 20 s. */
export function defaultSpeed(last: number): number {
  return Math.max(10, Math.min(250, Math.round(last / 20 / 5) * 5));
}

/** "PiKE · multilingual · seed 0" for a file's setup. */
export function replayTitle(file: RunFile, mixer: keyof typeof MIXERS, seed: number): string {
  return `${MIXERS[mixer].label} · ${file.preset ?? 'custom'} · seed ${seed}`;
}

export function createReplayActions(ctx: StoreContext): ReplayActions {
  const { get, set } = ctx;
  return {
    replaySeek(step) {
      const r = get().replay;
      if (r) set({ replay: at(r, step) });
    },
    replayPlay(on) {
      const r = get().replay;
      if (!r) return;
      // Play at the end starts over.
      set({
        replay: on && r.step >= r.last ? { ...at(r, 0), playing: true } : { ...r, playing: on },
      });
    },
    replaySpeed(stepsPerSecond) {
      const r = get().replay;
      if (r && Number.isFinite(stepsPerSecond) && stepsPerSecond > 0)
        set({ replay: { ...r, speed: stepsPerSecond } });
    },
    exitReplay() {
      set({ replay: null });
    },
    replaySavedRun(id) {
      const run = get().savedRuns.find((r) => r.id === id);
      if (!run) return;
      const parsed = run.file === undefined ? null : parseRunFileJson(run.file);
      if (!parsed?.ok) {
        set({
          error: {
            title: 'This saved run cannot be replayed',
            message: parsed
              ? `its stored file is damaged (${parsed.message}); its curve stays in Compare runs.`
              : 'it was saved without its history (a race contestant, a results.json curve, or a run saved by an older page).',
            kind: 'import',
            recoverable: false,
          },
        });
        return;
      }
      replayRunFile(ctx, parsed);
    },
  };
}
